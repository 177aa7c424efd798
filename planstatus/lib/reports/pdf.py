"""The case as PDF: WeasyPrint renders the print page's HTML, so the two never differ.

Every case PDF is PDF/A-2b (ISO 19005-2, level B): fonts embedded, an sRGB output intent,
XMP metadata saying so, nothing fetched from outside. It is the format archives take
(Noark 5's «arkivformat»), and a draft looked over is the very file that is archived.

Page numbers, the running head and the rule that no table row is split across pages live
in the stylesheet (planstatus/cases/static/cases/case.css), with the layout they belong to.
"""

from __future__ import annotations

from typing import Any, NoReturn

import weasyprint  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

PDF_VARIANT = "pdf/a-2b"


class _NoFetching(URLFetcher):
    """The document is self-contained; text in it comes from users, so nothing is fetched:
    no network, no local files."""

    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError(f"Planstatus hentar ikkje ressursar til PDF-en: {url[:80]}")


def render_pdf(html: str) -> bytes:
    """PDF/A-2b bytes from a complete, self-contained HTML document (styles inline)."""
    document = weasyprint.HTML(string=html, url_fetcher=_NoFetching(), media_type="print")
    data: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return data
