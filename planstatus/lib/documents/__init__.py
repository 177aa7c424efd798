"""Format readers: bytes → the neutral document model (model.py), one module per format."""

from __future__ import annotations

from planstatus.lib.documents.model import Document

FORMATS = ("text", "csv", "docx", "pdf", "xlsx", "odt", "ods")


def read_document(data: bytes, format: str) -> Document:
    """The blocks of a document in `format` (one of FORMATS)."""
    from planstatus.lib.documents import docx, odf, pdf, spreadsheet, textfile

    if format == "docx":
        return docx.read(data)
    if format == "pdf":
        return pdf.read(data)
    if format == "xlsx":
        return spreadsheet.read_xlsx(data)
    if format == "csv":
        return spreadsheet.read_csv(data)
    if format in ("odt", "ods"):
        return odf.read(data, format)
    if format == "text":
        return textfile.read(data)
    raise ValueError(format)
