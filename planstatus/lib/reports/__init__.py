"""The status case in every format, from one content model (content.py).

Each format is one module with one function: `docx.render_docx(content) -> bytes` and
`pdf.render_pdf(html) -> bytes`; HTML is the Django template cases/case_document.html,
which the PDF is rendered from. `FORMATS` says how each is delivered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    key: str
    extension: str
    content_type: str
    label: str  # Nynorsk, as shown to the secretariat


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format(
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word (.docx)",
        ),
        Format("pdf", "pdf", "application/pdf", "PDF"),
        Format("html", "html", "text/html; charset=utf-8", "Nettside (.html)"),
    )
}
