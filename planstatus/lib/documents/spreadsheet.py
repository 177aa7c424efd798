"""Reading plans from spreadsheets, one row per measure: .xlsx with openpyxl, and .csv.

Columns are found by their headers (Nynorsk, Bokmål or English, in any order): Innsatsområde,
Mål (code and/or text, or a separate Mål-kode), Tiltak-kode, Tiltak, Tid, Ansvar, Involvering,
Status, Merknad. An empty area or goal cell repeats the one above, as when cells are merged.
Status comes from the status cell's words or, in .xlsx, from its fill colour.
"""

from __future__ import annotations

import colorsys
import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles.colors import COLOR_INDEX  # type: ignore[import-untyped]

from planstatus.lib.importers.base import (
    DOCUMENT,
    Code,
    ParsedArea,
    ParsedGoal,
    ParsedMeasure,
    ParsedPlan,
    UnreadableDocument,
    check_numbering,
)
from planstatus.lib.importers.word import (
    Colour,
    check_package,
    check_size,
    header_field,
    is_code,
    next_code,
    normalise_name,
    parse_area_heading,
    parse_goal_heading,
    pick_status,
    read_code,
    split_actors,
    split_leading_code,
    tidy_text,
)
from planstatus.lib.timing import parse_timing

MAX_ROWS = 5000
MAX_COLUMNS = 40
_HEADER_ROWS = 20  # the header may stand under a title and a blank line or two

_ROW_FIELDS = {"code", "timing", "responsible", "involved", "status", "area", "goal", "goal_code"}


@dataclass
class _Value:
    text: str
    fill: Colour = None


Row = list[_Value]


def read(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    """A plan from an .xlsx or .csv file, told apart by content."""
    if data.startswith(b"PK"):
        return read_xlsx(data, known_actors=known_actors)
    return read_csv(data, known_actors=known_actors)


def read_xlsx(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    check_package(data, "xlsx")
    try:
        sheets = _xlsx_sheets(data)
    except UnreadableDocument:
        raise
    except Exception as exc:  # openpyxl and its XML parser raise many kinds on broken parts
        raise UnreadableDocument(Code.CONTENT_DAMAGED, expected="xlsx") from exc
    # The first sheet with a header row holds the plan; the template's second sheet is help.
    for rows, truncated in sheets:
        if _find_columns(rows):
            return _read_rows(rows, truncated, known_actors)
    raise UnreadableDocument(Code.NO_HEADER_ROW)


def read_csv(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    check_size(data)
    text, guessed = _decode(data)
    rows, truncated = _csv_rows(text)
    plan = _read_rows(rows, truncated, known_actors)
    if guessed:
        plan.warn(DOCUMENT, Code.READ_AS_WINDOWS_1252)
    return plan


# .xlsx


def _xlsx_sheets(data: bytes) -> list[tuple[list[Row], bool]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        theme = _theme_colours(getattr(workbook, "loaded_theme", None))
        sheets = []
        for sheet in workbook.worksheets:
            cells = sheet.iter_rows(max_col=MAX_COLUMNS)
            rows = [
                [_Value(_text(c.value), _fill(c, theme)) for c in row]
                for row in itertools.islice(cells, MAX_ROWS + 1)
            ]
            sheets.append((rows[:MAX_ROWS], len(rows) > MAX_ROWS))
        return sheets
    finally:
        workbook.close()  # read-only workbooks keep the zip open until closed


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
        return _tinted(theme[colour.theme], float(colour.tint or 0))
    return None


# The order of theme colours in styles: light 1 and dark 1 swap places with the XML order.
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", *(f"accent{i}" for i in range(1, 7)))


def _theme_colours(xml: bytes | None) -> list[str]:
    if not xml:
        return []
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return []
    namespace = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    scheme = root.find(f".//{namespace}clrScheme")
    if scheme is None:
        return []
    found: dict[str, str] = {}
    for child in scheme:
        name = child.tag.removeprefix(namespace)
        for value in child:
            # <a:srgbClr val="4472C4"/>, or <a:sysClr val="windowText" lastClr="000000"/>
            attribute = "val" if value.tag.endswith("srgbClr") else "lastClr"
            found[name] = value.get(attribute) or ""
    return [found.get(name, "") for name in _THEME_ORDER]


def _tinted(hex_colour: str, tint: float) -> str:
    """Excel's tint: lighten towards white (tint > 0) or darken towards black (tint < 0)."""
    if len(hex_colour) != 6 or not tint:
        return hex_colour
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    return "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(hue, light, saturation))


# .csv


def _decode(data: bytes) -> tuple[str, bool]:
    """The text of a CSV file, and whether its encoding had to be guessed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), False  # Excel's «Unicode text»
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(Code.NOT_CSV)
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        # Norwegian Excel saves «CSV (semikolonseparert)» as Windows-1252.
        return data.decode("cp1252", errors="replace"), True


def _csv_rows(text: str) -> tuple[list[Row], bool]:
    """Rows split on the delimiter (;, comma or tab) that gives the best header row."""
    best: tuple[int, str] = (0, ";")
    for delimiter in (";", ",", "\t"):
        head = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 20))
        found = _find_columns([[_Value(v) for v in row] for row in head])
        if found and len(found[1]) > best[0]:
            best = (len(found[1]), delimiter)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=best[1])
        rows = [
            [_Value(v) for v in row[:MAX_COLUMNS]] for row in itertools.islice(reader, MAX_ROWS + 1)
        ]
    except csv.Error as exc:
        raise UnreadableDocument(Code.NOT_CSV) from exc
    return rows[:MAX_ROWS], len(rows) > MAX_ROWS


# Rows to plan


def _find_columns(rows: Sequence[Row]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:_HEADER_ROWS]):
        columns: dict[str, int] = {}
        for number, value in enumerate(row):
            name = header_field(value.text) if value.text.strip() else None
            if name and name not in columns:
                columns[name] = number
        if "measure" in columns and columns.keys() & _ROW_FIELDS:
            return index, columns
    return None


def _read_rows(rows: list[Row], truncated: bool, known_actors: Sequence[str]) -> ParsedPlan:
    found = _find_columns(rows)
    if found is None:
        raise UnreadableDocument(Code.NO_HEADER_ROW)
    header, columns = found
    builder = _SheetBuilder(known_actors)
    for number, row in enumerate(rows[header + 1 :], start=header + 2):
        builder.add(_SheetRow(row, columns, number))
    plan = builder.finish()
    if truncated:
        plan.warn(DOCUMENT, Code.ROWS_TRUNCATED, rows=MAX_ROWS)
    check_numbering(plan)
    return plan


@dataclass
class _SheetRow:
    values: Row
    columns: dict[str, int]
    number: int  # as the spreadsheet numbers it

    def text(self, name: str) -> str:
        value = self.value(name)
        return value.text.strip() if value else ""

    def value(self, name: str) -> _Value | None:
        index = self.columns.get(name)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def fills(self, names: Iterable[str]) -> Iterator[Colour]:
        for name in names:
            value = self.value(name)
            if value is not None:
                yield value.fill


@dataclass
class _SheetBuilder:
    known_actors: Sequence[str]
    plan: ParsedPlan = field(default_factory=lambda: ParsedPlan(title=None))
    areas: dict[str, ParsedArea] = field(default_factory=dict)
    goals: dict[tuple[str, str], ParsedGoal] = field(default_factory=dict)
    area_text: str = ""
    goal_text: str = ""
    goal_code: str = ""

    def add(self, row: _SheetRow) -> None:
        measure_text = row.text("measure")
        if not any(v.text.strip() for v in row.values):
            return
        goal_in_measure = parse_goal_heading(measure_text)
        if goal_in_measure:  # a goal written in the measure column, as in a Word table
            self.goal_code, self.goal_text = goal_in_measure
            measure_text = ""
        self._carry(row)
        written = row.text("code")
        if not is_code(written):
            written, measure_text = split_leading_code(f"{written}\n{measure_text}".strip())
        goal = self._goal(row, written)
        if written or measure_text.strip():
            self._add_measure(goal, written, measure_text, row)

    def _carry(self, row: _SheetRow) -> None:
        """An empty area or goal cell repeats the one above (merged cells read as empty)."""
        if row.text("area"):
            if row.text("area") != self.area_text:
                self.goal_text = self.goal_code = ""
            self.area_text = row.text("area")
        if row.text("goal") or row.text("goal_code"):
            self.goal_text, self.goal_code = row.text("goal"), row.text("goal_code")

    def _goal(self, row: _SheetRow, measure_code: str) -> ParsedGoal:
        code, text = self.goal_code.strip("."), self.goal_text
        parsed = parse_goal_heading(text)
        if parsed:
            code, text = code or parsed[0], parsed[1]
        elif not code:
            written, rest = split_leading_code(text)
            code, text = written.strip("."), rest if written else text
        if not code and measure_code.strip(".").count(".") >= 1:
            code = measure_code.strip(".").rsplit(".", 1)[0]  # 1.2.3 lies under goal 1.2
        area = self._area(code or measure_code, row)
        key = (area.code, code or normalise_name(text))
        if key not in self.goals:
            if not code:
                code = f"{area.code}.{len(area.goals) + 1}"
                self.plan.warn(code, Code.GOAL_WITHOUT_CODE, text=text[:50], code=code)
            goal = ParsedGoal(code=code, text=tidy_text(text))
            if not goal.text:
                self.plan.warn(code, Code.GOAL_WITHOUT_TEXT, code=code)
            self.goals[key] = goal
            area.goals.append(goal)
        return self.goals[key]

    def _area(self, code_below: str, row: _SheetRow) -> ParsedArea:
        text = self.area_text
        code, name, recased = ("", "", False)
        if is_code(text):
            code = text.strip(".")
        elif text:
            code, name, recased = parse_area_heading(text)
        code = code or code_below.strip(".").split(".")[0]
        key = code or normalise_name(name)
        if key not in self.areas:
            if not code:
                code = str(len(self.areas) + 1)
                self.plan.warn(code, Code.AREA_ON_ROW_WITHOUT_NUMBER, row=row.number, code=code)
            if not name:
                name = f"Innsatsområde {code}"  # plan content, in the plan's language
                self.plan.warn(code, Code.AREA_WITHOUT_NAME, code=code)
            if recased:
                self.plan.warn(code, Code.AREA_NAME_RECASED, text=text, name=name)
            self.areas[key] = ParsedArea(code=code, name=name)
            self.plan.areas.append(self.areas[key])
        return self.areas[key]

    def _add_measure(self, goal: ParsedGoal, written: str, text: str, row: _SheetRow) -> None:
        if written:
            code, written_code, warning = read_code(written, goal.code)
            if warning:
                self.plan.warnings.append(warning)
        else:
            code, written_code = next_code(goal, goal.code), ""
            self.plan.warn(code, Code.MEASURE_ON_ROW_WITHOUT_CODE, row=row.number, code=code)
        colours = row.fills(("status", "code", "measure"))
        status, status_warning = pick_status(row.text("status"), colours, where=code)
        if status_warning:
            self.plan.warnings.append(status_warning)
        goal.measures.append(
            ParsedMeasure(
                code=code,
                text=tidy_text(text),
                timing=parse_timing(row.text("timing")),
                responsible=split_actors(row.text("responsible"), self.known_actors),
                involved=split_actors(row.text("involved"), self.known_actors),
                status=status,
                written_code=written_code,
                note=tidy_text(row.text("note")),
            )
        )

    def finish(self) -> ParsedPlan:
        return self.plan
