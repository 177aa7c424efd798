"""PDF with a text layer → blocks, with pdfplumber.

A PDF has no tables or paragraphs, only text and shapes at positions. Tables are found from
their ruling lines, and on pages without any from the alignment of their words (web pages
and Word documents printed without borders); a cell's colour is the filled shape under it.
Text outside tables becomes lines in reading order: a page set in two or three columns is
read down each column. Running heads and feet repeated on most pages, and page numbers,
are left out: they are the printer's, not the document's.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.page import Page
from pdfplumber.table import Table as PlumberTable
from pdfplumber.utils import extract_text

from planstatus.lib import pdflimits
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
from planstatus.lib.documents.package import check_size
from planstatus.lib.importers.base import Code, UnreadableDocument
from planstatus.lib.vocabulary import BULLET

MAX_PAGES = 300

# A shape covering at least this share of a cell is the cell's background; a smaller one
# inside it (a coloured dot) is a status symbol.
_COVERS = 0.6
_PAGE_NUMBER = re.compile(r"^(?:side|sida|page|s\.)?\s*\d{1,3}(?:\s*(?:av|of|/)\s*\d{1,3})?$", re.I)
# Tables found from word alignment alone must look like tables: this many columns and rows.
_TEXT_TABLE_MIN_COLUMNS = 3
_TEXT_TABLE_MIN_ROWS = 3


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    in_columns: bool = False  # part of a run of lines set in columns
    column_start: bool = False  # the first line of a column in such a run
    bullet: bool = False  # a small shape drawn just left of the line: a list's bullet
    x0: float = 0.0


@dataclass
class _Item:
    """A table or a line of text, in reading order."""

    page: int
    line: _Line | None = None
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class _Extracted:
    items: list[_Item]
    title: str | None
    chars: int
    images: int
    pages: int
    sizes: Counter[float]


def read(data: bytes) -> Document:
    check_size(data)
    if b"%PDF" not in data[:1024]:
        raise UnreadableDocument(Code.NOT_EXPECTED_FORMAT, expected="pdf")
    extracted = _extract(data)
    if not extracted.chars:
        raise UnreadableDocument(Code.SCANNED_PDF if extracted.images else Code.NO_TEXT)
    document = Document(_blocks(extracted), "pdf", title=extracted.title)
    if extracted.pages > MAX_PAGES:
        document.notes.append((Code.PAGES_TRUNCATED, {"pages": MAX_PAGES}))
    return document


# Extraction: everything that touches pdfplumber, so that its errors on broken files are
# caught in one place.


def _extract(data: bytes) -> _Extracted:
    budget = pdflimits.Budget()  # what pdfminer may unpack, and how long it may take
    try:
        with budget, pdfplumber.open(io.BytesIO(data)) as pdf:
            title = str(pdf.metadata.get("Title") or "").strip() or None
            result = _Extracted([], title, 0, 0, len(pdf.pages), Counter())
            for page in pdf.pages[:MAX_PAGES]:
                budget.start_page()
                result.items.extend(_page_items(page))
                result.chars += len(page.chars)
                result.images += len(page.images)
                result.sizes.update(round(c["size"], 1) for c in page.chars)
                page.close()  # frees the page's parsed objects; long plans run to 100 pages
            budget.check()
            return result
    except Exception as exc:  # pdfminer raises many kinds of error on broken or hostile files
        if isinstance(budget.exceeded, pdflimits.TooLarge):
            raise UnreadableDocument(Code.UNPACKS_TOO_LARGE) from exc
        if isinstance(budget.exceeded, pdflimits.TooSlow):
            raise UnreadableDocument(Code.TOO_HEAVY) from exc
        if _is_encrypted(exc):
            raise UnreadableDocument(Code.ENCRYPTED_PDF) from exc
        raise UnreadableDocument(Code.DAMAGED_PDF) from exc


def _is_encrypted(exc: BaseException) -> bool:
    # pdfplumber wraps pdfminer's errors in PdfminerException(original).
    while exc is not None:
        if isinstance(exc, PDFEncryptionError) or any(
            isinstance(a, PDFEncryptionError) for a in exc.args
        ):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def _page_items(page: Page) -> list[_Item]:
    found = page.find_tables()
    if not found:
        found = _text_tables(page)
    shapes = _filled_shapes(page)
    positioned: list[tuple[float, float, _Item]] = [
        (t.bbox[1], 0.0, _Item(page.page_number, rows=_table_rows(t, shapes, page))) for t in found
    ]
    boxes = [t.bbox for t in found]
    outside = page.filter(lambda obj: not any(_centre_in(obj, box) for box in boxes))
    dots = _bullet_shapes(page)
    for top, sequence, line in _text_lines(outside, page.page_number):
        line.bullet = any(
            line.x0 - 20 <= x1 <= line.x0
            and line.top - 1 <= (dtop + dbottom) / 2 <= line.bottom + 1
            for _, dtop, x1, dbottom in dots
        )
        positioned.append((top, sequence, _Item(page.page_number, line=line)))
    return [item for _, _, item in sorted(positioned, key=lambda p: (p[0], p[1]))]


@dataclass
class _Segment:
    words: list[dict[str, Any]]

    @property
    def x0(self) -> float:
        return float(self.words[0]["x0"])

    @property
    def x1(self) -> float:
        return float(self.words[-1]["x1"])

    def line(self, page: int, *, in_columns: bool) -> _Line:
        return _Line(
            text=" ".join(w["text"] for w in self.words),
            top=min(float(w["top"]) for w in self.words),
            bottom=max(float(w["bottom"]) for w in self.words),
            size=round(max(float(w["size"]) for w in self.words), 1),
            bold=any(_is_bold(str(w["fontname"])) for w in self.words),
            page=page,
            in_columns=in_columns,
            x0=self.x0,
        )


def _text_lines(region: Any, page: int) -> list[tuple[float, float, _Line]]:
    """The text outside tables as lines in reading order, each with its sort position on
    the page. Where a run of lines is set in columns (words apart by a gutter, at the same
    places line after line), the run is read down each column in turn."""
    words = region.extract_words(extra_attrs=["size", "fontname"], use_text_flow=False)
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (float(w["top"]), float(w["x0"]))):
        if rows and abs(float(word["top"]) - float(rows[-1][0]["top"])) <= 2.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    segmented = [_segments(sorted(row, key=lambda w: float(w["x0"]))) for row in rows]
    out: list[tuple[float, float, _Line]] = []
    i = 0
    while i < len(segmented):
        band = _band(segmented, i)
        if band is None:
            # A row that is not part of a run in columns is one line, gaps and all.
            whole = _Segment([w for segment in segmented[i] for w in segment.words])
            line = whole.line(page, in_columns=False)
            out.append((line.top, whole.x0, line))
            i += 1
            continue
        end, starts = band
        top = min(s.line(page, in_columns=True).top for s in segmented[i])
        sequence = 0.0
        for column in range(len(starts)):
            first = True
            for row in segmented[i:end]:
                for segment in row:
                    if _column_of(segment, starts) == column:
                        line = segment.line(page, in_columns=True)
                        line.column_start = first
                        first = False
                        sequence += 1
                        out.append((top, sequence, line))
        i = end
    return out


def _bullet_shapes(page: Page) -> list[tuple[float, float, float, float]]:
    """Small filled shapes (a browser draws a list's discs and squares so): x0, top, x1,
    bottom of each."""
    found = []
    for obj in [*page.curves, *page.rects]:
        width, height = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
        if obj.get("fill") and 1 <= width <= 8 and 1 <= height <= 8 and abs(width - height) < 2:
            found.append((obj["x0"], obj["top"], obj["x1"], obj["bottom"]))
    return found


def _segments(row: list[dict[str, Any]]) -> list[_Segment]:
    """A row of words split where the gap between two words is a gutter, not a space."""
    segments = [_Segment([row[0]])]
    for word in row[1:]:
        size = float(word["size"]) or 10.0
        if float(word["x0"]) - float(segments[-1].words[-1]["x1"]) > max(10.0, 1.5 * size):
            segments.append(_Segment([word]))
        else:
            segments[-1].words.append(word)
    return segments


def _column_of(segment: _Segment, starts: list[float]) -> int:
    column = 0
    for k, start in enumerate(starts):
        if segment.x0 >= start - 6:
            column = k
    return column


def _band(rows: list[list[_Segment]], i: int) -> tuple[int, list[float]] | None:
    """(end, column starts) of a run of rows set in columns starting at row i: the first
    row has two or more segments, and so does another row of the run; the run goes on
    while rows are close below each other and no segment crosses a column's start."""
    if len(rows[i]) < 2:
        return None
    starts = [s.x0 for s in rows[i]]
    end = i + 1
    multi = 1
    while end < len(rows):
        previous_bottom = max(float(w["bottom"]) for s in rows[end - 1] for w in s.words)
        top = min(float(w["top"]) for s in rows[end] for w in s.words)
        size = max(float(w["size"]) for s in rows[end] for w in s.words) or 10.0
        if top - previous_bottom > 2.5 * size:
            break
        if any(s.x0 < start - 6 < s.x1 for s in rows[end] for start in starts[1:]):
            break  # a line across the columns ends the run
        if len(rows[end]) >= 2:
            multi += 1
        end += 1
    if multi < 2:
        return None
    return end, starts


def _text_tables(page: Page) -> list[PlumberTable]:
    """Tables without ruling lines, found from the alignment of their words; kept only when
    they have enough columns and rows with words in several columns."""
    settings = {
        "vertical_strategy": "text",
        "horizontal_strategy": "text",
        "min_words_vertical": 3,
        "min_words_horizontal": 2,
        "snap_tolerance": 3,
        "intersection_tolerance": 5,
    }
    kept = []
    for table in page.find_tables(table_settings=settings):
        rows = table.extract()
        width = max((len(r) for r in rows), default=0)
        full = [r for r in rows if sum(1 for c in r if c and c.strip()) >= 2]
        if (
            width >= _TEXT_TABLE_MIN_COLUMNS
            and len(full) >= _TEXT_TABLE_MIN_ROWS
            and len(full) >= 0.5 * len(rows)
            and not _splits_words(rows)
        ):
            kept.append(table)
    return kept


def _splits_words(rows: list[list[str | None]]) -> bool:
    """Whether column edges found from word alignment cut through words («Strategisk
    næringspl» | «an 2023»): then the «table» is prose, not columns."""
    pairs = cuts = 0
    for row in rows:
        cells = [c for c in row if c and c.strip()]
        for left, right in itertools.pairwise(cells):
            pairs += 1
            if left.rstrip()[-1:].isalpha() and right.lstrip()[:1].islower():
                cuts += 1
    return pairs > 0 and cuts / pairs > 0.1


def _is_bold(fontname: str) -> bool:
    return any(w in fontname.casefold() for w in ("bold", "black", "heavy", "semibold"))


def _centre_in(obj: dict[str, Any], box: Sequence[float]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


_Box = tuple[float, float, float, float]  # x0, top, x1, bottom
_Shape = tuple[float, float, float, float, Colour]


def _filled_shapes(page: Page) -> list[_Shape]:
    shapes: list[_Shape] = []
    for obj in [*page.rects, *page.curves]:
        colour = _colour(obj.get("non_stroking_color"))
        if obj.get("fill") and colour is not None:
            shapes.append((obj["x0"], obj["top"], obj["x1"], obj["bottom"], colour))
    return shapes


def _colour(value: object) -> Colour:
    """pdfplumber's colour as a tuple of numbers; pattern fills and the like give None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (float(value),)
    if isinstance(value, list | tuple) and value and all(isinstance(v, int | float) for v in value):
        return tuple(float(v) for v in value)
    return None


def _table_rows(table: PlumberTable, shapes: list[_Shape], page: Page) -> list[list[Cell]]:
    texts = table.extract()
    boxes: list[_Box] = [c for row in table.rows for c in row.cells if c]
    grid = sorted({round(x, 1) for c in boxes for x in (c[0], c[2])})
    rows: list[list[Cell]] = []
    for row, row_texts in zip(table.rows, texts, strict=True):
        found: list[tuple[_Box, str]] = [
            (box, text or "") for box, text in zip(row.cells, row_texts, strict=True) if box
        ]
        cells: list[Cell] = []
        for box, text in found + _missing_cells(row.cells, boxes, grid, page):
            start, end = _grid_index(grid, box[0]), _grid_index(grid, box[2])
            fill, ink = _fill_and_ink(box, shapes, page.chars, text)
            bold = _all_bold(box, page.chars)
            cells.append(Cell(text, start, max(end - start, 1), fill=fill, ink=ink, bold=bold))
        rows.append(sorted(cells, key=lambda c: c.col))
    return rows


def _all_bold(box: Sequence[float], chars: list[dict[str, Any]]) -> bool:
    inside = [c for c in chars if _centre_in(c, box) and not c["text"].isspace()]
    return bool(inside) and all(_is_bold(c["fontname"]) for c in inside)


def _missing_cells(
    row: Sequence[_Box | None], boxes: list[_Box], grid: list[float], page: Page
) -> list[tuple[_Box, str]]:
    """Cells pdfplumber did not find: a row split by a page break has no bottom line, so only
    its filled cells (whose shapes have edges) are found. A column that no cell of the table
    covers at this row's height is cut out of the row and its text read from the page."""
    found = [c for c in row if c]
    top, bottom = min(c[1] for c in found), max(c[3] for c in found)
    middle = (top + bottom) / 2
    missing: list[tuple[_Box, str]] = []
    for x0, x1 in itertools.pairwise(grid):
        centre = (x0 + x1) / 2
        if any(c[0] <= centre <= c[2] and c[1] <= middle <= c[3] for c in boxes):
            continue  # found, or covered by a cell merged across rows or columns
        box = (x0, top, x1, bottom)
        chars = [c for c in page.chars if _centre_in(c, box)]
        missing.append((box, extract_text(chars) if chars else ""))
    return missing


def _grid_index(grid: list[float], x: float) -> int:
    return min(range(len(grid)), key=lambda i: abs(grid[i] - x))


def _fill_and_ink(
    box: Sequence[float], shapes: list[_Shape], chars: list[dict[str, Any]], text: str
) -> tuple[Colour, Colour]:
    """The colour of the shape under a cell, and of a symbol (● or a dot) inside it."""
    x0, top, x1, bottom = box
    area = max((x1 - x0) * (bottom - top), 1e-6)
    fill: Colour = None
    fill_area = float("inf")
    ink: Colour = None
    for sx0, stop, sx1, sbottom, colour in shapes:
        overlap = max(0.0, min(x1, sx1) - max(x0, sx0)) * max(
            0.0, min(bottom, sbottom) - max(top, stop)
        )
        shape_area = (sx1 - sx0) * (sbottom - stop)
        # The smallest shape that covers the cell is the most specific: a cell's own
        # background is drawn over its row's.
        if overlap >= _COVERS * area and shape_area < fill_area:
            fill, fill_area = colour, shape_area
        elif 0 < shape_area < _COVERS * area and overlap >= 0.9 * shape_area:
            ink = colour
    if not any(c.isalnum() for c in text):
        for char in chars:
            if _centre_in(char, box) and not char["text"].isspace():
                ink = _colour(char.get("non_stroking_color")) or ink
    return fill, ink


# From items to blocks


def _blocks(extracted: _Extracted) -> list[Block]:
    body_size = extracted.sizes.most_common(1)[0][0] if extracted.sizes else 0.0
    furniture = _page_furniture(extracted)
    sizes = sorted(
        {i.line.size for i in extracted.items if i.line and i.line.size > body_size + 0.5}
    )
    levels = {size: len(sizes) - n for n, size in enumerate(sizes)}
    blocks: list[Block] = []
    previous: _Line | None = None
    tables = 0
    for item in extracted.items:
        if item.line is None:
            tables += 1
            place = Place(len(blocks), page=item.page)
            numbers = list(range(1, len(item.rows) + 1))
            blocks.append(Table(place, item.rows, numbers, f"side {item.page}"))
            previous = None
            continue
        line = item.line
        if _furniture_key(line.text) in furniture or _PAGE_NUMBER.match(line.text.strip()):
            continue
        heading_like = _heading_like(line, body_size)
        last = blocks[-1] if blocks else None
        if (
            heading_like
            and previous is not None
            and isinstance(last, Heading | Paragraph)
            and _heading_like(previous, body_size)
            and previous.size == line.size
            and previous.page == line.page
            and 0 <= line.top - previous.top < 2 * line.size
            and not BULLET.match(line.text)
        ):
            last.text = f"{last.text} {line.text}"  # a heading wrapped over two lines
            previous = line
            continue
        gap = (
            previous is None
            or previous.page != line.page
            or (line.top - previous.bottom > 0.8 * line.size)
        )
        page_break = previous is not None and previous.page != line.page
        place = Place(len(blocks), page=line.page)
        bullet = BULLET.match(line.text)
        block: Block
        if line.size > body_size + 0.5 and len(line.text) <= 150 and not line.in_columns:
            block = Heading(place, line.text, level=levels.get(line.size, 1))
        elif bullet and line.text[bullet.end() :].strip():
            block = ListItem(
                place,
                line.text[bullet.end() :].strip(),
                marker=bullet.group().strip(),
                gap_before=gap,
                page_break_before=page_break,
            )
        elif line.bullet:
            block = ListItem(place, line.text, gap_before=gap, page_break_before=page_break)
        else:
            block = Paragraph(
                place, line.text, bold=line.bold, gap_before=gap, page_break_before=page_break
            )
        blocks.append(block)
        previous = line
    return blocks


def _heading_like(line: _Line, body_size: float) -> bool:
    if len(line.text) > 100:
        return False
    capitals = line.text == line.text.upper() and sum(c.isalpha() for c in line.text) >= 3
    return line.size > body_size + 0.5 or line.bold or capitals


def _furniture_key(text: str) -> str:
    """A running line compared without its numbers: «Side 1 av 3» is «Side 2 av 3»."""
    return re.sub(r"\d+", "#", text.strip())


def _page_furniture(extracted: _Extracted) -> set[str]:
    """Running heads and feet: the same line (numbers aside) at the top or foot of at least
    half the pages of three or more, or of both pages of two."""
    pages = extracted.pages
    if pages < 2:
        return set()
    lines_of: dict[int, list[_Line]] = {}
    for item in extracted.items:
        if item.line is not None:
            lines_of.setdefault(item.page, []).append(item.line)
    pages_of: dict[str, set[int]] = {}
    for page, lines in lines_of.items():
        # Running heads and feet stand at the top or foot of a page; a table's header
        # repeated on every page stands elsewhere and is content.
        edges = lines[:2] + lines[-2:] if pages >= 3 else lines[:1] + lines[-1:]
        for line in edges:
            pages_of.setdefault(_furniture_key(line.text), set()).add(page)
    if pages == 2:
        return {key for key, found in pages_of.items() if len(found) == 2}
    return {key for key, found in pages_of.items() if 2 * len(found) >= pages}
