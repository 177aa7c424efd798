"""Reading plans from PDFs with a text layer, with pdfplumber.

A PDF has no tables, only text and shapes at positions. pdfplumber finds the tables from
their ruling lines; a cell's colour is the filled shape lying under it (the PDF draws the
background first, then the text). Each page becomes a list of tables and text lines in
reading order, the text line before a table is its heading, and word.interpret_tables reads
the rows exactly as it does for Word.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.page import Page
from pdfplumber.table import Table as PlumberTable
from pdfplumber.utils import extract_text

from planstatus.lib import pdflimits
from planstatus.lib.importers.base import (
    DOCUMENT,
    Code,
    ParsedPlan,
    UnreadableDocument,
    check_numbering,
)
from planstatus.lib.importers.word import Cell, Colour, Table, check_size, interpret_tables

MAX_PAGES = 300

# A shape covering at least this share of a cell is the cell's background; a smaller one
# inside it (a coloured dot) is a status symbol.
_COVERS = 0.6
_PAGE_NUMBER = re.compile(r"^(?:side|page|s\.)?\s*\d+(?:\s*(?:av|of|/)\s*\d+)?$", re.IGNORECASE)


@dataclass
class _Line:
    text: str
    top: float
    size: float
    bold: bool
    page: int


@dataclass
class _Block:
    """A table or a line of text outside tables, in reading order."""

    page: int
    top: float
    line: _Line | None = None
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class _Extracted:
    blocks: list[_Block]
    title: str | None
    chars: int
    images: int
    pages: int
    sizes: Counter[float]


def read(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    """A plan from the tables of a PDF with a text layer."""
    check_size(data)
    if b"%PDF" not in data[:1024]:
        raise UnreadableDocument(Code.NOT_EXPECTED_FORMAT, expected="pdf")
    extracted = _extract(data)
    if not extracted.chars:
        raise UnreadableDocument(Code.SCANNED_PDF if extracted.images else Code.NO_TEXT)
    plan = interpret_tables(_tables(extracted), known_actors=known_actors)
    plan.title = extracted.title
    if extracted.pages > MAX_PAGES:
        plan.warn(DOCUMENT, Code.PAGES_TRUNCATED, pages=MAX_PAGES)
    check_numbering(plan)
    return plan


# Extraction: everything that touches pdfplumber, so that its errors on broken files are
# caught in one place and the interpretation's own errors are not mistaken for them.


def _extract(data: bytes) -> _Extracted:
    budget = pdflimits.Budget()  # what pdfminer may unpack, and how long it may take
    try:
        with budget, pdfplumber.open(io.BytesIO(data)) as pdf:
            title = str(pdf.metadata.get("Title") or "").strip() or None
            result = _Extracted([], title, 0, 0, len(pdf.pages), Counter())
            for page in pdf.pages[:MAX_PAGES]:
                budget.start_page()
                result.blocks.extend(_page_blocks(page))
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


def _page_blocks(page: Page) -> list[_Block]:
    found = page.find_tables()
    shapes = _filled_shapes(page)
    blocks = [_Block(page.page_number, t.bbox[1], rows=_table_rows(t, shapes, page)) for t in found]
    boxes = [t.bbox for t in found]
    outside = page.filter(lambda obj: not any(_centre_in(obj, box) for box in boxes))
    for line in outside.extract_text_lines(return_chars=True):
        chars = line["chars"]
        blocks.append(
            _Block(
                page.page_number,
                line["top"],
                line=_Line(
                    text=line["text"],
                    top=line["top"],
                    size=round(max(c["size"] for c in chars), 1),
                    bold=any(_is_bold(c["fontname"]) for c in chars),
                    page=page.page_number,
                ),
            )
        )
    return sorted(blocks, key=lambda b: b.top)


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
            cells.append(Cell(text, start, max(end - start, 1), fill, ink))
        rows.append(sorted(cells, key=lambda c: c.start))
    return rows


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


# Interpretation: from blocks in reading order to tables with the heading before each.


def _tables(extracted: _Extracted) -> Iterator[Table]:
    body_size = extracted.sizes.most_common(1)[0][0] if extracted.sizes else 0.0
    furniture = _page_furniture(extracted)
    pending: list[_Line] = []
    for block in extracted.blocks:
        if block.line is not None:
            if block.line.text not in furniture and not _PAGE_NUMBER.match(block.line.text):
                pending.append(block.line)
            continue
        yield Table(block.rows, _heading(pending, body_size), f"side {block.page}")
        pending = []


def _page_furniture(extracted: _Extracted) -> set[str]:
    """Running heads and feet: the same line on at least half the pages (of three or more)."""
    if extracted.pages < 3:
        return set()
    pages_of: dict[str, set[int]] = {}
    for block in extracted.blocks:
        if block.line is not None:
            pages_of.setdefault(block.line.text, set()).add(block.page)
    return {text for text, pages in pages_of.items() if 2 * len(pages) >= extracted.pages}


def _heading(lines: list[_Line], body_size: float) -> str | None:
    """The last heading-like line before a table (with the lines it wraps from), or the last
    short line; None when no text stands between this table and the one before it."""
    if not lines:
        return None
    heads = [i for i, line in enumerate(lines) if _looks_like_heading(line, body_size)]
    if not heads:
        short = [line.text for line in lines if len(line.text) <= 100]
        return short[-1] if short else None
    last = heads[-1]
    first = last
    while (
        first - 1 in heads
        and lines[first - 1].size == lines[last].size
        and lines[first - 1].page == lines[first].page
        and lines[first].top - lines[first - 1].top < 2 * lines[first].size
    ):
        first -= 1
    return " ".join(line.text for line in lines[first : last + 1])


def _looks_like_heading(line: _Line, body_size: float) -> bool:
    if len(line.text) > 100:
        return False
    capitals = line.text == line.text.upper() and sum(c.isalpha() for c in line.text) >= 3
    return line.size > body_size + 0.5 or line.bold or capitals
