"""Plan readers: a document's bytes → ParsedPlan. The format is chosen by the content (not
the name); lib/documents/ reads the format into blocks and interpret.py reads the plan."""

from __future__ import annotations

from planstatus.lib.documents.decoding import has_utf16_bom
from planstatus.lib.importers.base import (
    MAX_UPLOAD_BYTES,
    Code,
    ParsedPlan,
    TableChoice,
    UnreadableDocument,
)

# Formats that are not plans, recognised so that the message can say what the file is.
_IMAGES = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF"}
_OTHER_SIGNATURES = {b"\xd0\xcf\x11\xe0": Code.OLD_OFFICE_FILE, b"{\\rtf": Code.RTF_FILE}


def detect_format(data: bytes, filename: str = "") -> str:
    """One of "pdf", "docx", "xlsx", "odt", "ods", "csv", "text"; raises
    UnreadableDocument otherwise."""
    from planstatus.lib.documents.package import package_kind

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
    kind = package_kind(data)
    if kind is not None:
        if kind in ("docx", "xlsx", "odt", "ods"):
            return kind
        raise UnreadableDocument(Code.ZIP_NOT_OFFICE)
    for signature, image in _IMAGES.items():
        if data.startswith(signature):
            raise UnreadableDocument(Code.IMAGE_FILE, format=image)
    for signature, code in _OTHER_SIGNATURES.items():
        if data.startswith(signature):
            raise UnreadableDocument(code)
    # UTF-16 text has a NUL in every other byte: its byte order mark says it is text.
    if not has_utf16_bom(data) and b"\x00" in data[:4096]:
        raise UnreadableDocument(Code.UNKNOWN_FORMAT)
    if filename.lower().endswith((".csv", ".tsv")):
        return "csv"
    return "text"


def read_plan(
    data: bytes,
    *,
    filename: str = "",
    known_actors: list[str] | None = None,
    columns: dict[str, str] | None = None,
    lines: dict[int, str] | None = None,
    tables: dict[int, TableChoice] | None = None,
) -> ParsedPlan:
    """Read a plan document of any supported format.

    `columns` maps a column's header as written (or its number, from 1) to a role
    (vocabulary.ROLES) and overrides the interpreter's guess; `tables` gives the roles of
    one table's columns by the table's block index (the review's pickers), before both;
    `lines` maps a block's index to what it is ("area", "goal", "measure", "ignore") in
    documents read line by line.
    """
    return read_plan_as(
        data,
        detect_format(data, filename),
        known_actors=known_actors,
        columns=columns,
        lines=lines,
        tables=tables,
    )


def read_plan_as(
    data: bytes,
    format: str,
    *,
    known_actors: list[str] | None = None,
    columns: dict[str, str] | None = None,
    lines: dict[int, str] | None = None,
    tables: dict[int, TableChoice] | None = None,
) -> ParsedPlan:
    """Read `data` as a document of `format`, whatever its content says."""
    from planstatus.lib.documents import read_document
    from planstatus.lib.importers.interpret import interpret

    document = read_document(data, format)
    return interpret(
        document,
        known_actors=list(known_actors or []),
        columns=columns,
        lines=lines,
        tables=tables,
    )
