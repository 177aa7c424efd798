"""Every access to zip containers (.docx, .xlsx, .odt, .ods) and to their XML, in one place.

A package is checked before any library parses it: an intact zip of the expected kind, not
an old Office file, every entry unpacked once in bounded chunks (lib/unpack.py: real bytes
counted whatever the headers say, and XML elements). XML parts are read through the same
bounded unpacking and parsed with lxml without entity expansion, network access or huge
trees. python-docx and openpyxl are opened from here too, after the check.
"""

from __future__ import annotations

import io
from typing import Any

import docx
import openpyxl  # type: ignore[import-untyped]
from docx.document import Document as DocxDocument
from lxml import etree  # type: ignore[import-untyped]

from planstatus.lib import unpack
from planstatus.lib.importers.base import MAX_UPLOAD_BYTES, Code, UnreadableDocument

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The folder each kind of Office package keeps its parts in.
_ZIP_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
_SAVE_AS = {"docx": ".docx", "xlsx": ".xlsx", "odt": ".docx", "ods": ".xlsx"}


def check_size(data: bytes) -> None:
    if not data:
        raise UnreadableDocument(Code.EMPTY_FILE)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableDocument(
            Code.TOO_LARGE,
            size_mb=round(len(data) / 1_000_000, 1),
            limit_mb=MAX_UPLOAD_BYTES // 1_000_000,
        )


def package_kind(data: bytes) -> str | None:
    """ "docx", "xlsx", "pptx", "odt", "ods", "odp" for an Office or OpenDocument package,
    "zip" for another zip, None when the data is no zip. Raises on a damaged zip."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with unpack.Package(data) as package:
            return _kind(package)
    except unpack.TooLarge:
        raise UnreadableDocument(Code.UNPACKS_TOO_LARGE) from None
    except unpack.Damaged:
        raise UnreadableDocument(Code.DAMAGED_OFFICE_FILE) from None


def _kind(package: unpack.Package) -> str:
    names = set(package.names())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and "content.xml" in names:
        mimetype = b"".join(package.stream("mimetype"))[:200].decode("ascii", "replace")
        if mimetype.strip() in ODF_MIMETYPES:
            return ODF_MIMETYPES[mimetype.strip()]
    for found, folder in _ZIP_FOLDERS.items():
        if any(n.startswith(folder) for n in names):
            return found
    return "zip"


def check_package(data: bytes, expected: str) -> None:
    """Refuse anything but an intact zip package of the `expected` kind ("docx", "xlsx",
    "odt", "ods")."""
    check_size(data)
    save_as = _SAVE_AS.get(expected, f".{expected}")
    if data.startswith(OLE2):
        # Old .doc/.xls files and password-protected Office files are both OLE2 containers.
        raise UnreadableDocument(Code.OLD_FORMAT_OR_PASSWORD, save_as=save_as)
    if not data.startswith(b"PK"):
        raise UnreadableDocument(Code.NOT_EXPECTED_FORMAT, expected=expected)
    # Every entry unpacked once, bounded, before a library opens the package whole.
    try:
        with unpack.Package(data) as package:
            found = _kind(package)
            if found != expected:
                if found in _ZIP_FOLDERS or found in ODF_MIMETYPES.values():
                    raise UnreadableDocument(Code.WRONG_PACKAGE, found=found, expected=expected)
                raise UnreadableDocument(Code.NOT_EXPECTED_FORMAT, expected=expected)
            package.check()
    except unpack.TooLarge as exc:
        raise UnreadableDocument(Code.UNPACKS_TOO_LARGE) from exc
    except unpack.Damaged as exc:
        raise UnreadableDocument(Code.PACKAGE_DAMAGED, expected=expected) from exc


def read_part(data: bytes, name: str) -> bytes | None:
    """One part of a checked package, unpacked within the limits; None when the package
    has no such part."""
    try:
        with unpack.Package(data) as package:
            if name not in package.names():
                return None
            return package.read(name)
    except unpack.TooLarge as exc:
        raise UnreadableDocument(Code.UNPACKS_TOO_LARGE) from exc
    except unpack.Damaged:
        return None


# No entities, no DTD loading, no network, no huge trees: a hostile part cannot expand.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
)


def parse_xml(data: bytes) -> Any:
    """The root element of an XML part. Raises UnreadableDocument-free etree.XMLSyntaxError
    on broken XML; the caller words it for its format."""
    return etree.fromstring(data, parser=_PARSER)


def open_docx(data: bytes) -> DocxDocument:
    check_package(data, "docx")
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds on broken parts
        raise UnreadableDocument(Code.CONTENT_DAMAGED, expected="docx") from exc


def open_workbook(data: bytes) -> Any:
    """A read-only openpyxl workbook of a checked package; close it after use."""
    check_package(data, "xlsx")
    return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
