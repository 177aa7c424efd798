"""Plan readers, one module per format, chosen by the document's content (not its name)."""

from __future__ import annotations

import io
import zipfile

from planstatus.lib.importers.base import MAX_UPLOAD_BYTES, ParsedPlan, UnreadableDocument

# Formats that are not plans, recognised so that the message can say what the file is.
_OTHER_SIGNATURES = {
    b"\x89PNG": "eit PNG-bilete",
    b"\xff\xd8\xff": "eit JPEG-bilete",
    b"GIF8": "eit GIF-bilete",
    b"\xd0\xcf\x11\xe0": "ei gamal Office-fil (.doc eller .xls); lagre ho som .docx eller .xlsx",
    b"{\\rtf": "ei RTF-fil; lagre ho som .docx",
}


def detect_format(data: bytes, filename: str = "") -> str:
    """One of "pdf", "docx", "xlsx", "csv", "text"; raises UnreadableDocument otherwise."""
    if not data.strip():
        raise UnreadableDocument("Fila er tom.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableDocument(
            f"Fila er for stor ({len(data) / 1_000_000:.1f} MB). "
            f"Grensa er {MAX_UPLOAD_BYTES // 1_000_000} MB."
        )
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise UnreadableDocument(
                "Fila ser ut som eit Word- eller Excel-dokument, men er skadd."
            ) from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise UnreadableDocument("Fila er eit ZIP-arkiv, men ikkje eit Word- eller Excel-dokument.")
    for signature, what in _OTHER_SIGNATURES.items():
        if data.startswith(signature):
            raise UnreadableDocument(f"Fila er {what}, ikkje ein plan.")
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(
            "Fila er ikkje tekst, Word, PDF eller rekneark. Vel ei .docx-, .pdf-, .xlsx-, "
            ".csv- eller .txt-fil."
        )
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
