"""Plan readers, one module per format, chosen by the document's content (not its name)."""

from __future__ import annotations

from planstatus.lib import unpack
from planstatus.lib.importers.base import MAX_UPLOAD_BYTES, Code, ParsedPlan, UnreadableDocument

# Formats that are not plans, recognised so that the message can say what the file is.
_IMAGES = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF"}
_OTHER_SIGNATURES = {b"\xd0\xcf\x11\xe0": Code.OLD_OFFICE_FILE, b"{\\rtf": Code.RTF_FILE}


def detect_format(data: bytes, filename: str = "") -> str:
    """One of "pdf", "docx", "xlsx", "csv", "text"; raises UnreadableDocument otherwise."""
    if not data.strip():
        raise UnreadableDocument(Code.EMPTY_FILE)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableDocument(
            Code.TOO_LARGE,
            size_mb=round(len(data) / 1_000_000, 1),
            limit_mb=MAX_UPLOAD_BYTES // 1_000_000,
        )
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(unpack.Package(data).names())
        except unpack.TooLarge:
            raise UnreadableDocument(Code.UNPACKS_TOO_LARGE) from None
        except unpack.Damaged:
            raise UnreadableDocument(Code.DAMAGED_OFFICE_FILE) from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise UnreadableDocument(Code.ZIP_NOT_OFFICE)
    for signature, image in _IMAGES.items():
        if data.startswith(signature):
            raise UnreadableDocument(Code.IMAGE_FILE, format=image)
    for signature, code in _OTHER_SIGNATURES.items():
        if data.startswith(signature):
            raise UnreadableDocument(code)
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(Code.UNKNOWN_FORMAT)
    if filename.lower().endswith(".csv"):
        return "csv"
    return "text"


def read_plan(
    data: bytes, *, filename: str = "", known_actors: list[str] | None = None
) -> ParsedPlan:
    """Read a plan document of any supported format."""
    from planstatus.lib.importers import pdf, spreadsheet, text, word

    readers = {
        "pdf": pdf.read,
        "docx": word.read,
        "xlsx": spreadsheet.read_xlsx,
        "csv": spreadsheet.read_csv,
        "text": text.read,
    }
    return readers[detect_format(data, filename)](data, known_actors=list(known_actors or []))
