"""Reading pages as HTML, not as strings: find an element by its test id, data attribute or
XPath, then assert on its text, attributes or markup. Slicing the page with str.split would
pass or fail on whatever happened to come before or after."""

from __future__ import annotations

from typing import Any

# lxml comes with python-docx; it ships no types.
from lxml import html as lxml_html  # type: ignore[import-untyped]
from lxml.html import HtmlElement  # type: ignore[import-untyped]


def parse(page: Any) -> HtmlElement:
    """A response, bytes or text as a document."""
    content = getattr(page, "content", page)
    if isinstance(content, bytes):
        content = content.decode()
    return lxml_html.document_fromstring(content)


def find(doc: HtmlElement, xpath: str) -> HtmlElement:
    """The one element the XPath finds; fails if it finds none or several."""
    found = doc.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {len(found)} elements"
    return found[0]


def by_testid(doc: HtmlElement, testid: str) -> HtmlElement:
    return find(doc, f'//*[@data-testid="{testid}"]')


def row(doc: HtmlElement, code: str) -> HtmlElement:
    """The one table row of the measure (or item) with that code."""
    return find(doc, f'//tr[@data-code="{code}"]')


def text(element: HtmlElement) -> str:
    """The element's text as a reader sees it, whitespace folded."""
    return " ".join(element.text_content().split())


def markup(element: HtmlElement) -> str:
    """The element with everything inside it, as HTML."""
    return lxml_html.tostring(element, encoding="unicode")


def cells(element: HtmlElement, css_class: str = "num") -> list[str]:
    """The texts of the cells of that class inside the element, in order."""
    return [text(td) for td in element.xpath(f'.//td[contains(@class, "{css_class}")]')]
