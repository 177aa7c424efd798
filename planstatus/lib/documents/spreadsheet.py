"""Spreadsheets → one table block per sheet: .xlsx with openpyxl (fills, including theme
colours with tints and the old indexed palette; bold; merged ranges), and .csv (the
delimiter that splits the rows most consistently)."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from datetime import date, datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from openpyxl.styles.colors import COLOR_INDEX  # type: ignore[import-untyped]
from openpyxl.utils import range_boundaries  # type: ignore[import-untyped]

from planstatus.lib.documents import package
from planstatus.lib.documents.colours import EXCEL_THEME_ORDER, excel_tinted, theme_colours
from planstatus.lib.documents.decoding import NotText, decode_text
from planstatus.lib.documents.model import Cell, Colour, Document, Place, Table
from planstatus.lib.importers.base import Code, UnreadableDocument

MAX_ROWS = 5000
MAX_COLUMNS = 40

Merges = list[tuple[int, int, int, int]]  # min_col, min_row, max_col, max_row (1-based)


def read_xlsx(data: bytes) -> Document:
    workbook = package.open_workbook(data)
    try:
        merges = _merges(data)
        theme = _theme(getattr(workbook, "loaded_theme", None))
        document = Document([], "xlsx")
        truncated = False
        for sheet in workbook.worksheets:
            cells = sheet.iter_rows(max_col=MAX_COLUMNS)
            values = [
                [(_text(c.value), _fill(c, theme), _bold(c)) for c in row]
                for row in itertools.islice(cells, MAX_ROWS + 1)
            ]
            truncated = truncated or len(values) > MAX_ROWS
            rows, numbers = _table_rows(values[:MAX_ROWS], merges.get(sheet.title, []))
            place = Place(len(document.blocks), sheet=sheet.title)
            document.blocks.append(Table(place, rows, numbers, sheet.title))
        title = (workbook.properties.title or "").strip() if workbook.properties else ""
        document.title = title or None
    except UnreadableDocument:
        raise
    except Exception as exc:  # openpyxl and its XML parser raise many kinds on broken parts
        raise UnreadableDocument(Code.CONTENT_DAMAGED, expected="xlsx") from exc
    finally:
        workbook.close()  # read-only workbooks keep the zip open until closed
    if truncated:
        document.notes.append((Code.ROWS_TRUNCATED, {"rows": MAX_ROWS}))
    return document


_Value = tuple[str, Colour, bool]


def _table_rows(values: list[list[_Value]], merges: Merges) -> tuple[list[list[Cell]], list[int]]:
    """Cells of a sheet with its merged ranges: a range merged across columns is one cell
    with a span; the rows below a range merged down repeat it (continued)."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}  # (row, col) → its range's corner
    spans: dict[tuple[int, int], tuple[int, int]] = {}  # corner → (col span, row span)
    for min_col, min_row, max_col, max_row in merges:
        spans[(min_row, min_col)] = (max_col - min_col + 1, max_row - min_row + 1)
        for row in range(min_row, min(max_row, MAX_ROWS) + 1):
            for col in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                if (row, col) != (min_row, min_col):
                    covered[(row, col)] = (min_row, min_col)
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    corners: dict[tuple[int, int], Cell] = {}
    for r, row_values in enumerate(values, start=1):
        cells: list[Cell] = []
        for c, value in enumerate(row_values, start=1):
            text, fill, bold = value
            corner = covered.get((r, c))
            if corner is not None:
                first = corners.get(corner)
                # Covered cells of the corner's own row belong to its span.
                if first is not None and corner[0] != r and corner[1] == c:
                    cells.append(
                        Cell(
                            first.text,
                            c - 1,
                            first.col_span,
                            fill=first.fill,
                            bold=first.bold,
                            continued=True,
                        )
                    )
                continue
            col_span, row_span = spans.get((r, c), (1, 1))
            cell = Cell(text, c - 1, col_span, row_span, fill=fill, bold=bold)
            corners[(r, c)] = cell
            cells.append(cell)
        rows.append(cells)
        numbers.append(r)
    return rows, numbers


def _merges(data: bytes) -> dict[str, Merges]:
    """Merged ranges per sheet name, from the sheets' XML (read-only workbooks have none)."""
    workbook = package.read_part(data, "xl/workbook.xml")
    relations = package.read_part(data, "xl/_rels/workbook.xml.rels")
    if workbook is None or relations is None:
        return {}
    try:
        targets = {
            r.get("Id"): r.get("Target", "")
            for r in package.parse_xml(relations).iter("{*}Relationship")
        }
        out: dict[str, Merges] = {}
        for sheet in package.parse_xml(workbook).iter("{*}sheet"):
            rid = sheet.get(
                "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            )
            target = targets.get(rid, "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            part = package.read_part(data, path)
            if part is None:
                continue
            found: Merges = []
            for ref in re.findall(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"', part):
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
                found.append((min_col, min_row, max_col, max_row))
            out[sheet.get("name", "")] = found
        return out
    except (etree.XMLSyntaxError, ValueError, TypeError):
        return {}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year typed as a number: 2025.0 → «2025»
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _bold(cell: Any) -> bool:
    font = getattr(cell, "font", None)
    return bool(font is not None and font.b)


def _fill(cell: Any, theme: list[str]) -> Colour:
    fill = getattr(cell, "fill", None)  # EmptyCell in read-only sheets has fill None
    if fill is None or getattr(fill, "patternType", None) in (None, "none"):
        return None  # no fill, or a gradient
    return _colour(fill.fgColor, theme)


def _colour(colour: Any, theme: list[str]) -> Colour:
    """An openpyxl colour as hex: given as ARGB, as an index into the old 64-colour palette,
    or as a theme colour with a tint (Excel's palette writes the top rows that way)."""
    kind = getattr(colour, "type", None)
    if kind == "rgb" and isinstance(colour.rgb, str):
        return str(colour.rgb)
    if kind == "indexed" and isinstance(colour.indexed, int) and colour.indexed < len(COLOR_INDEX):
        return str(COLOR_INDEX[colour.indexed])
    if kind == "theme" and isinstance(colour.theme, int) and colour.theme < len(theme):
        return excel_tinted(theme[colour.theme], float(colour.tint or 0))
    return None


def _theme(xml: bytes | None) -> list[str]:
    if not xml:
        return []
    try:
        found = theme_colours(package.parse_xml(xml))
    except etree.XMLSyntaxError:
        return []
    return [found.get(name, "") for name in EXCEL_THEME_ORDER]


# .csv


def read_csv(data: bytes) -> Document:
    package.check_size(data)
    try:
        decoded = decode_text(data)
    except NotText as error:
        raise UnreadableDocument(
            Code.EMPTY_FILE if error.reason == "empty" else Code.NOT_CSV
        ) from None
    text = decoded.text
    delimiter = _delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        values = [row[:MAX_COLUMNS] for row in itertools.islice(reader, MAX_ROWS + 1)]
    except csv.Error as exc:
        raise UnreadableDocument(Code.NOT_CSV) from exc
    rows = [[Cell(v, i) for i, v in enumerate(row)] for row in values[:MAX_ROWS]]
    table = Table(Place(0), rows, list(range(1, len(rows) + 1)))
    document = Document([table], "csv")
    if len(values) > MAX_ROWS:
        document.notes.append((Code.ROWS_TRUNCATED, {"rows": MAX_ROWS}))
    if decoded.guessed:
        document.notes.append((Code.READ_AS_WINDOWS_1252, {}))
    return document


def _delimiter(text: str) -> str:
    """The delimiter (;, comma or tab) that splits the first rows into the same number of
    columns most often; Norwegian Excel's semicolon when it is a tie."""
    best: tuple[float, str] = (0.0, ";")
    for delimiter in (";", ",", "\t"):
        try:
            head = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 50))
        except csv.Error:
            continue
        counts = Counter(len(r) for r in head if any(v.strip() for v in r))
        if not counts:
            continue
        width, times = counts.most_common(1)[0]
        if width < 2:
            continue
        score = width * times / sum(counts.values())
        if score > best[0]:
            best = (score, delimiter)
    return best[1]
