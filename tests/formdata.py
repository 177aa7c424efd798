"""A page's form read as HTML and filled in as a browser would send it: what the tests post
is what the page offers, not a copy of the form's fields written by hand."""

from __future__ import annotations

from typing import Any

# lxml comes with python-docx; it ships no types.
from lxml import html as lxml_html  # type: ignore[import-untyped]


def form_fields(page: Any, xpath: str) -> tuple[str, dict[str, str]]:
    """The action and the fields (name → value, as sent without pressing a button) of the
    one form the XPath finds in the response."""
    content = getattr(page, "content", page)
    if isinstance(content, bytes):
        content = content.decode()
    document = lxml_html.document_fromstring(content)
    found = document.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {len(found)} forms"
    form = found[0]
    data: dict[str, str] = {}
    for element in form.xpath(".//input | .//select | .//textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    data[name] = element.get("value") or "on"
                continue
            data[name] = element.get("value") or ""
        elif element.tag == "select":
            selected = element.xpath(".//option[@selected]") or element.xpath(".//option")[:1]
            data[name] = selected[0].get("value", selected[0].text or "") if selected else ""
        else:
            # A textarea's first newline is markup, not content (as browsers read it).
            text = element.text or ""
            data[name] = text[1:] if text.startswith("\n") else text
    return form.get("action") or "", data
