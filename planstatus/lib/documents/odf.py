"""OpenDocument (.odt from LibreOffice Writer, .ods from Calc) → blocks.

content.xml holds the whole document; it is parsed with the package module's safe parser.
Writer's headings (text:h with their outline level), paragraphs, lists (numbered with the
list style's format, or bulleted) and tables; Calc's sheets as tables. Cells keep their
spans (table:number-columns-spanned / -rows-spanned; covered cells repeat the cell merged
down over them), their background colour and boldness from the automatic styles.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from planstatus.lib.documents import package
from planstatus.lib.documents.model import (
    Block,
    Cell,
    Document,
    Heading,
    ListItem,
    Paragraph,
    Place,
    Table,
)
from planstatus.lib.documents.spreadsheet import MAX_COLUMNS, MAX_ROWS
from planstatus.lib.importers.base import Code, UnreadableDocument

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def read(data: bytes, expected: str) -> Document:
    """`expected` is "odt" or "ods"."""
    package.check_package(data, expected)
    try:
        content = package.read_part(data, "content.xml")
        if content is None:
            raise UnreadableDocument(Code.PACKAGE_DAMAGED, expected=expected)
        root = package.parse_xml(content)
        styles = _Styles()
        styles_part = package.read_part(data, "styles.xml")
        if styles_part is not None:
            styles.add(package.parse_xml(styles_part))
        styles.add(root)
        reader = _Reader(styles)
        body = root.find(f"{_q('office:body')}")
        if body is None:
            raise UnreadableDocument(Code.CONTENT_DAMAGED, expected=expected)
        for part in body:
            reader.walk(part)
        document = Document(reader.blocks, expected, title=_title(data))
    except UnreadableDocument:
        raise
    except (etree.XMLSyntaxError, ValueError, KeyError) as exc:
        raise UnreadableDocument(Code.CONTENT_DAMAGED, expected=expected) from exc
    if reader.truncated:
        document.notes.append((Code.ROWS_TRUNCATED, {"rows": MAX_ROWS}))
    return document


def _title(data: bytes) -> str | None:
    meta = package.read_part(data, "meta.xml")
    if meta is None:
        return None
    try:
        title = package.parse_xml(meta).find(f".//{_q('dc:title')}")
    except etree.XMLSyntaxError:
        return None
    text = (title.text or "").strip() if title is not None else ""
    return text or None


@dataclass
class _Style:
    parent: str = ""
    background: str | None = None
    bold: bool | None = None


@dataclass
class _ListLevel:
    numbered: bool
    format: str = "1"
    prefix: str = ""
    suffix: str = "."
    bullet: str = "•"
    display_levels: int = 1


@dataclass
class _Styles:
    """Cell and paragraph styles by name (automatic styles in content.xml, named ones in
    styles.xml), and list styles by name and level."""

    styles: dict[str, _Style] = field(default_factory=dict)
    lists: dict[str, dict[int, _ListLevel]] = field(default_factory=dict)

    def add(self, root: Any) -> None:
        for element in root.iter(_q("style:style")):
            style = _Style(parent=element.get(_q("style:parent-style-name"), ""))
            for props in element:
                if props.tag in (
                    _q("style:table-cell-properties"),
                    _q("style:paragraph-properties"),
                ):
                    colour = props.get(_q("fo:background-color"))
                    if colour and colour != "transparent":
                        style.background = colour.lstrip("#").upper()
                if props.tag == _q("style:text-properties"):
                    weight = props.get(_q("fo:font-weight"))
                    if weight:
                        style.bold = weight in ("bold", "600", "700", "800", "900")
            self.styles[element.get(_q("style:name"), "")] = style
        for element in root.iter(_q("text:list-style")):
            levels: dict[int, _ListLevel] = {}
            for level in element:
                number = int(level.get(_q("text:level"), "1"))
                if level.tag == _q("text:list-level-style-number"):
                    levels[number] = _ListLevel(
                        True,
                        format=level.get(_q("style:num-format"), "1") or "",
                        prefix=level.get(_q("style:num-prefix"), ""),
                        suffix=level.get(_q("style:num-suffix"), ""),
                        display_levels=int(level.get(_q("text:display-levels"), "1")),
                    )
                elif level.tag == _q("text:list-level-style-bullet"):
                    bullet = level.get(_q("text:bullet-char"), "•")
                    levels[number] = _ListLevel(False, bullet=bullet)
            self.lists[element.get(_q("style:name"), "")] = levels

    def background(self, name: str) -> str | None:
        seen = 0
        while name and seen < 10:
            style = self.styles.get(name)
            if style is None:
                return None
            if style.background:
                return style.background
            name, seen = style.parent, seen + 1
        return None

    def bold(self, name: str) -> bool:
        seen = 0
        while name and seen < 10:
            style = self.styles.get(name)
            if style is None:
                return False
            if style.bold is not None:
                return style.bold
            name, seen = style.parent, seen + 1
        return False


def _text(element: Any) -> str:
    """The text of a paragraph: spaces (text:s), tabs and line breaks as written."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == _q("text:s"):
                parts.append(" " * int(child.get(_q("text:c"), "1")))
            elif child.tag == _q("text:tab"):
                parts.append("\t")
            elif child.tag == _q("text:line-break"):
                parts.append("\n")
            elif child.tag in (_q("text:note"), _q("office:annotation")):
                pass  # footnotes and comments are not the paragraph's text
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return "".join(parts)


def _format_number(value: int, kind: str) -> str:
    if kind in ("a", "A"):
        letters = ""
        while value > 0:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if kind == "A" else letters
    if kind in ("i", "I"):
        numerals = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
        out = ""
        for number, numeral in numerals:
            while value >= number:
                out, value = out + numeral, value - number
        return out.upper() if kind == "I" else out
    return str(value) if kind else ""


class _Reader:
    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.blocks: list[Block] = []
        self.truncated = False
        self.tables = 0
        # List counters per list style, by level; a list that continues numbering keeps them.
        self.counters: dict[str, list[int]] = {}

    def place(self) -> Place:
        return Place(len(self.blocks))

    def walk(self, element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == _q("text:h"):
                text = _text(child).strip()
                if text:
                    level = int(child.get(_q("text:outline-level"), "1") or 1)
                    self.blocks.append(Heading(self.place(), text, level=level))
            elif tag == _q("text:p"):
                text = _text(child).strip()
                if text:
                    style = child.get(_q("text:style-name"), "")
                    bold = self.styles.bold(style) or self._all_spans_bold(child)
                    self.blocks.append(Paragraph(self.place(), text, bold=bold, style=style))
            elif tag == _q("text:list"):
                self.read_list(child, child.get(_q("text:style-name"), ""), 0)
            elif tag == _q("table:table"):
                self.table(child)
            elif tag in (_q("text:section"), _q("office:text"), _q("office:spreadsheet")):
                self.walk(child)

    def _all_spans_bold(self, paragraph: Any) -> bool:
        spans = list(paragraph.iter(_q("text:span")))
        if not spans or (paragraph.text or "").strip():
            return False
        return all(self.styles.bold(s.get(_q("text:style-name"), "")) for s in spans)

    def read_list(self, element: Any, style: str, depth: int) -> None:
        levels = self.styles.lists.get(style, {})
        level = levels.get(depth + 1, _ListLevel(False))
        counters = self.counters.setdefault(style, [])
        if element.get(_q("text:continue-numbering")) != "true" and depth == 0:
            counters.clear()
        for item in element:
            if item.tag not in (_q("text:list-item"), _q("text:list-header")):
                continue
            del counters[depth + 1 :]
            while len(counters) <= depth:
                counters.append(0)
            counters[depth] += 1
            first = True
            for child in item:
                if child.tag == _q("text:list"):
                    self.read_list(child, child.get(_q("text:style-name"), style), depth + 1)
                    continue
                if child.tag not in (_q("text:p"), _q("text:h")):
                    if child.tag == _q("table:table"):
                        self.table(child)
                    continue
                text = _text(child).strip()
                if not text:
                    continue
                if first:
                    marker, number = self.marker(level, levels, counters, depth)
                    self.blocks.append(
                        ListItem(self.place(), text, marker=marker, number=number, depth=depth)
                    )
                    first = False
                else:
                    # A second paragraph in the same item goes on with it.
                    last = self.blocks[-1]
                    if isinstance(last, ListItem):
                        last.text = f"{last.text}\n{text}"

    def marker(
        self, level: _ListLevel, levels: dict[int, _ListLevel], counters: list[int], depth: int
    ) -> tuple[str, str]:
        if not level.numbered:
            bullet = level.bullet.strip() or "•"
            if any("\ue000" <= c <= "\uf8ff" for c in bullet):
                bullet = "•"
            return bullet, ""
        shown = max(1, min(level.display_levels, depth + 1))
        parts = []
        for d in range(depth + 1 - shown, depth + 1):
            fmt = levels.get(d + 1, level).format
            parts.append(_format_number(counters[d], fmt))
        number = ".".join(p for p in parts if p)
        return f"{level.prefix}{number}{level.suffix}".strip(), number

    def table(self, element: Any) -> None:
        self.tables += 1
        name = element.get(_q("table:name"), "")
        column_styles: list[str] = []
        for column in element.iter(_q("table:table-column")):
            repeat = min(int(column.get(_q("table:number-columns-repeated"), "1")), MAX_COLUMNS)
            column_styles += [column.get(_q("table:default-cell-style-name"), "")] * repeat
        rows: list[list[Cell]] = []
        numbers: list[int] = []
        above: dict[int, Cell] = {}  # column → a cell merged down from an earlier row
        remaining: dict[int, int] = {}  # column → rows it still covers
        row_number = 0
        for row in _rows(element):
            repeat = int(row.get(_q("table:number-rows-repeated"), "1"))
            cells = self.cells(row, column_styles, above, remaining)
            empty = not any(c.text.strip() for c in cells)
            for _ in range(min(repeat, 1 if empty else repeat)):
                row_number += 1
                if len(rows) >= MAX_ROWS:
                    self.truncated = True
                    break
                rows.append([replace(c) for c in cells])
                numbers.append(row_number)
            if empty and repeat > 1:
                row_number += repeat - 1
        while rows and not any(c.text.strip() for c in rows[-1]):
            rows.pop()
            numbers.pop()
        self.blocks.append(Table(self.place(), rows, numbers, name or f"tabell {self.tables}"))

    def cells(
        self,
        row: Any,
        column_styles: list[str],
        above: dict[int, Cell],
        remaining: dict[int, int],
    ) -> list[Cell]:
        """A row's cells. A cell spanning columns is followed by covered cells for the
        columns it takes; other covered cells lie under a cell merged down from above."""
        cells: list[Cell] = []
        column = 0
        spanned = 0  # covered cells still to come that belong to the cell to the left
        row_style = row.get(_q("table:default-cell-style-name"), "")
        for element in row:
            if column >= MAX_COLUMNS:
                break
            repeat = min(int(element.get(_q("table:number-columns-repeated"), "1")), MAX_COLUMNS)
            if element.tag == _q("table:covered-table-cell"):
                for _ in range(repeat):
                    if spanned:
                        spanned -= 1
                    else:
                        first = above.get(column)
                        if first is not None and remaining.get(column, 0) > 0:
                            remaining[column] -= 1
                            if first.col == column:
                                cells.append(replace(first, row_span=1, continued=True))
                    column += 1
                continue
            if element.tag != _q("table:table-cell"):
                continue
            paragraphs = [_text(p) for p in element if p.tag in (_q("text:p"), _q("text:h"))]
            text = "\n".join(paragraphs).strip()
            style = (
                element.get(_q("table:style-name"), "")
                or row_style
                or (column_styles[column] if column < len(column_styles) else "")
            )
            span = int(element.get(_q("table:number-columns-spanned"), "1"))
            down = int(element.get(_q("table:number-rows-spanned"), "1"))
            bold = self.styles.bold(style) or any(
                self.styles.bold(p.get(_q("text:style-name"), ""))
                for p in element
                if p.tag == _q("text:p")
            )
            fill = self.styles.background(style)
            for _ in range(repeat if (text or fill) and repeat <= 50 else 1):
                cell = Cell(text, column, span, down, fill=fill, bold=bold)
                if text or fill:
                    cells.append(cell)
                if down > 1:
                    for covered in range(column, column + span):
                        above[covered] = cell
                        remaining[covered] = down - 1
                column += 1
            if not (text or fill) or repeat > 50:
                column += repeat - 1
            spanned = span - 1
        return cells


def _rows(table: Any) -> list[Any]:
    """The table's rows, also those inside header-row and row groups."""
    rows: list[Any] = []
    for child in table:
        if child.tag == _q("table:table-row"):
            rows.append(child)
        elif child.tag in (
            _q("table:table-header-rows"),
            _q("table:table-rows"),
            _q("table:table-row-group"),
        ):
            rows.extend(_rows(child))
    return rows
