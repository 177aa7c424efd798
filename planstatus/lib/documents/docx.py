"""Word (.docx) → blocks: headings (by style), paragraphs, list items (Word's own list
numbering from numbering.xml, counted as Word counts it) and tables (merged cells, cell
fills including theme colours with tints, symbol colours, bold)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree  # type: ignore[import-untyped]

from planstatus.lib.documents import package
from planstatus.lib.documents.colours import theme_colours, word_theme_colour
from planstatus.lib.documents.model import (
    Block,
    Cell,
    Colour,
    Document,
    Heading,
    ListItem,
    Paragraph,
    Place,
    Table,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|overskrift|rubrik|überschrift)\s*(\d)?", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|tittel|titel)$", re.IGNORECASE)


def read(data: bytes) -> Document:
    document = package.open_docx(data)
    theme = _theme(data)
    numbering = _Numbering(package.read_part(data, "word/numbering.xml"))
    styles = _Styles()
    blocks: list[Block] = []
    tables = 0
    for item in document.iter_inner_content():
        place = Place(len(blocks))
        if isinstance(item, DocxTable):
            tables += 1
            rows = _rows(item, theme)
            blocks.append(Table(place, rows, list(range(1, len(rows) + 1)), f"tabell {tables}"))
            continue
        block = _paragraph(item, place, numbering, styles)
        if block is not None:
            blocks.append(block)
    title = (document.core_properties.title or "").strip() or None
    return Document(blocks, "docx", title=title)


def _theme(data: bytes) -> dict[str, str]:
    part = package.read_part(data, "word/theme/theme1.xml")
    if part is None:
        return {}
    try:
        return theme_colours(package.parse_xml(part))
    except etree.XMLSyntaxError:
        return {}


class _Styles:
    """Each paragraph style looked up once per document: python-docx searches every style
    on each `paragraph.style`, which made long documents slow (seconds per thousand
    paragraphs)."""

    def __init__(self) -> None:
        self._seen: dict[str | None, Any] = {}

    def of(self, paragraph: DocxParagraph) -> Any:
        style_id = paragraph._p.style
        if style_id not in self._seen:
            self._seen[style_id] = paragraph.style
        return self._seen[style_id]


def _paragraph(
    paragraph: DocxParagraph, place: Place, numbering: _Numbering, styles: _Styles
) -> Block | None:
    text = paragraph.text.strip()
    if not text:
        return None
    paragraph_style = styles.of(paragraph)
    style = (paragraph_style.name if paragraph_style is not None else "") or ""
    if _TITLE_STYLE.match(style):
        return Heading(place, text, level=0)
    heading = _HEADING_STYLE.match(style)
    if heading:
        return Heading(place, text, level=int(heading.group(1) or 1))
    outline = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if outline and outline[0].isdigit() and int(outline[0]) < 9:
        return Heading(place, text, level=int(outline[0]) + 1)
    number = _num_pr(paragraph, paragraph_style)
    if number is not None:
        marker, value, depth = numbering.next(*number)
        # «List Bullet 2», «Listenummer 3»: Word's styles for deeper list levels.
        nested = re.search(r"(?:list|liste)\w*\s+\w*\s*(\d)$", style, re.IGNORECASE)
        if nested:
            depth = max(depth, int(nested.group(1)) - 1)
        if marker is not None:
            return ListItem(place, text, marker=marker, number=value, depth=depth)
    runs = [r for r in paragraph.runs if r.text.strip()]
    bold = bool(runs) and all(_run_bold(r, paragraph_style) for r in runs)
    return Paragraph(place, text, bold=bold, style=style)


def _run_bold(run: Any, style: Any) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    while style is not None:
        if style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False


def _num_pr(paragraph: DocxParagraph, style: Any) -> tuple[str, int] | None:
    """(numId, ilvl) of a paragraph in a Word list, from the paragraph or its style."""
    elements = [paragraph._p]
    while style is not None:
        elements.append(style.element)
        style = style.base_style
    num_id, level = None, None
    for element in elements:
        if num_id is None:
            found = element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
            num_id = found[0] if found else None
        if level is None:
            found = element.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
            level = int(found[0]) if found and found[0].isdigit() else None
    if num_id is None or num_id == "0":
        return None  # numId 0 switches a style's numbering off
    return num_id, level or 0


@dataclass
class _Level:
    format: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    """numbering.xml: which abstract list each numId uses, and how each level is shown.
    Counters run per abstract list, as in Word, and a level restarts when one above it
    moves on."""

    xml: bytes | None
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId →
    nums: dict[str, str] = field(default_factory=dict)  # numId → abstractNumId
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.xml:
            return
        try:
            root = package.parse_xml(self.xml)
        except etree.XMLSyntaxError:
            return
        for abstract in root.iter(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                level = _Level()
                for child, attribute in (("numFmt", "format"), ("lvlText", "text")):
                    element = lvl.find(f"{_W}{child}")
                    if element is not None:
                        setattr(level, attribute, element.get(f"{_W}val", ""))
                start = lvl.find(f"{_W}start")
                if start is not None and (start.get(f"{_W}val") or "").isdigit():
                    level.start = int(start.get(f"{_W}val", "1"))
                levels[ilvl] = level
            self.levels[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            abstract_id = num.find(f"{_W}abstractNumId")
            if abstract_id is not None:
                self.nums[num.get(f"{_W}numId", "")] = abstract_id.get(f"{_W}val", "")

    def next(self, num_id: str, ilvl: int) -> tuple[str | None, str, int]:
        """(marker as shown, number, depth) of the next item; marker None when the list
        is unknown."""
        abstract = self.nums.get(num_id)
        levels = self.levels.get(abstract or "")
        if not levels:
            return ("•", "", ilvl) if abstract is not None else (None, "", ilvl)
        level = levels.get(ilvl, _Level())
        if level.format in ("bullet", "none", ""):
            return _bullet_marker(level.text), "", ilvl
        counters = self.counters.setdefault(abstract or "", {})
        counters[ilvl] = counters.get(ilvl, levels.get(ilvl, _Level()).start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def shown(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            lvl = levels.get(index, _Level())
            return _format_number(counters.get(index, lvl.start), lvl.format)

        marker = re.sub(r"%(\d)", shown, level.text).strip()
        return marker, marker.rstrip(".)").lstrip("("), ilvl


def _bullet_marker(text: str) -> str:
    text = text.strip()
    # Symbol and Wingdings bullets live in the private use area.
    if not text or any("\ue000" <= c <= "\uf8ff" for c in text):
        return "•"
    return text


def _format_number(value: int, kind: str) -> str:
    if kind in ("lowerLetter", "upperLetter"):
        letters = ""
        while value > 0:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if kind == "upperLetter" else letters
    if kind in ("lowerRoman", "upperRoman"):
        numerals = (
            (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
        )  # fmt: skip
        out = ""
        for number, numeral in numerals:
            while value >= number:
                out, value = out + numeral, value - number
        return out.upper() if kind == "upperRoman" else out
    return str(value)


# Tables


def _rows(table: DocxTable, theme: dict[str, str]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    origin: dict[int, Cell] = {}  # grid column → the first cell of a vertical merge
    for tr in table._tbl.tr_lst:
        column = tr.grid_before
        cells: list[Cell] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue" and column in origin:
                # The merged cell's text and colour hold for every row it covers.
                first = origin[column]
                first.row_span += 1
                cell = replace(first, col=column, col_span=span, row_span=1, continued=True)
            else:
                cell = Cell(
                    _Cell(tc, table).text,
                    column,
                    span,
                    fill=_fill(tc, theme),
                    ink=_ink(tc),
                    bold=_bold(tc),
                )
                for grid_column in range(column, column + span):
                    origin[grid_column] = cell
            cells.append(cell)
            column += span
        rows.append(cells)
    return rows


def _attr(element: Any, name: str) -> str | None:
    value = element.get(f"{_W}{name}")
    return value if value and value.lower() not in ("auto", "none") else None


def _fill(tc: Any, theme: dict[str, str]) -> Colour:
    """Cell shading (a colour, or a theme colour with a tint or shade); failing that,
    shading or highlighting of the text inside the cell."""
    for path in ("./w:tcPr/w:shd", ".//w:pPr/w:shd", ".//w:rPr/w:shd"):
        for shd in tc.xpath(path):
            # w:val="solid" paints the pattern colour (w:color) over the whole cell.
            if shd.get(f"{_W}val") == "solid" and _attr(shd, "color"):
                return _attr(shd, "color")
            if _attr(shd, "fill"):
                return _attr(shd, "fill")
            if _attr(shd, "themeFill"):
                colour = word_theme_colour(
                    theme,
                    _attr(shd, "themeFill") or "",
                    _attr(shd, "themeFillTint"),
                    _attr(shd, "themeFillShade"),
                )
                if colour:
                    return colour
    for highlight in tc.xpath(".//w:rPr/w:highlight"):
        if _attr(highlight, "val"):
            return _attr(highlight, "val")
    return None


def _ink(tc: Any) -> Colour:
    """The colour of a symbol such as ● in a cell that has no letters or digits."""
    text = "".join(tc.xpath(".//w:t/text()"))
    if not text.strip() or any(c.isalnum() for c in text):
        return None
    for colour in tc.xpath(".//w:r[w:t]/w:rPr/w:color"):
        if _attr(colour, "val"):
            return _attr(colour, "val")
    return None


def _bold(tc: Any) -> bool:
    runs = [r for r in tc.xpath(".//w:r[w:t]") if "".join(r.xpath("./w:t/text()")).strip()]
    if not runs:
        return False
    for run in runs:
        bold = run.xpath("./w:rPr/w:b")
        if not bold or bold[0].get(f"{_W}val") in ("0", "false"):
            return False
    return True
