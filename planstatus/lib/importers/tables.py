"""Plans in tables: which columns hold what, and the rows read as focus areas, goals and
measures, for tables from any format (Word, PDF, spreadsheets, OpenDocument).

Columns are found by their headers (vocabulary.HEADER_WORDS, with a confidence), by the
person (`columns`), or, in a table without a header row, from what the cells hold: codes,
years and timing words, status words and colours, short names and long texts. Two layouts
of rows are read:

- document tables (Word, PDF): a row merged across the table, or «Mål 1.1 …» in the measure
  column, starts a focus area or goal; the heading before the table names the focus area;
- one row per measure with the focus area and goal in columns of their own (spreadsheets,
  and Word tables with a «Mål»/«Strategi» column merged down): an empty or merged cell
  repeats the one above.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from planstatus.lib.documents.model import Cell, Colour, Table
from planstatus.lib.importers.actors import normalise_name, split_actors_checked
from planstatus.lib.importers.base import (
    DOCUMENT,
    Code,
    ColumnReading,
    ImportWarning,
    ParsedArea,
    ParsedGoal,
    ParsedMeasure,
    ParsedPlan,
    TableChoice,
    TableReading,
    clean_text,
)
from planstatus.lib.importers.codes import (
    is_cell_code,
    is_code,
    next_code,
    read_code,
    split_leading_code,
)
from planstatus.lib.importers.status import status_from_colour
from planstatus.lib.timing import parse_timing
from planstatus.lib.vocabulary import (
    AREA_WORDS,
    CONTINUED,
    ROLES,
    header_key,
    header_role_guess,
    status_from_words,
)

Columns = dict[str, tuple[int, int]]  # role → grid columns [start, end)
# A person's mapping: a header's text (as written, compared folded) or a column number
# (from 1, as people count columns) → a role.
ColumnMap = dict[str, str]

# A table is a plan table when its header has a measure column and one of these.
_TABLE_FIELDS = {"timing", "responsible", "involved", "status"}
_SHEET_FIELDS = {"code", "timing", "responsible", "involved", "status", "area", "goal", "goal_code"}
_HIERARCHY = {"area", "goal", "goal_code"}
_DETAILS = ("timing", "responsible", "involved", "status")


# ---------------------------------------------------------------------------------------
# Headings, goals and text
# ---------------------------------------------------------------------------------------

_GOAL_PREFIX = re.compile(
    r"^\s*(?:delmål|mål|hovudmål|hovedmål|effektmål|resultatmål)(?!\w)\s*"
    r"(?P<code>\d{1,3}(?:\.\d{1,3})*)?\.?\s*[:.)–-]?\s*",
    re.IGNORECASE,
)
_AREA_WORD = "(?:" + "|".join(w for w in AREA_WORDS if w not in ("område",)) + ")"
_AREA_PREFIX = re.compile(
    rf"^\s*(?:{_AREA_WORD}\s*)?(?P<code>\d{{1,2}})\s*[.:)–-]?\s+(?=\S)", re.IGNORECASE
)
_AREA_WORD_ONLY = re.compile(rf"^\s*{_AREA_WORD}(?!\w)\s*[:.–-]?\s*", re.IGNORECASE)


# «A: …», «B) …», «1. …» (not a date such as «1. februar 2012»).
_AREA_LABEL = re.compile(
    r"^(?:[A-ZÆØÅ]\s*[:.)]|\d{1,2}[.)]\s+(?!(?:jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|des)))",
    re.IGNORECASE,
)


def parse_goal_heading(text: str) -> tuple[str, str] | None:
    """(code, text) for «Mål 1.1: …», «MÅL 1.1. …» or «Delmål 1.1 …», else None."""
    match = _GOAL_PREFIX.match(text)
    if not match:
        return None
    return match.group("code") or "", tidy_text(text[match.end() :])


def parse_area_heading(text: str) -> tuple[str, str, bool]:
    """(code, name, recased) for «1. Næring», «Innsatsområde 2: Klima» or «KLIMA OG MILJØ».

    A name in capitals is written in sentence case, and `recased` says so: the reader must
    warn, since a proper noun such as «HALLINGDAL» loses its capital.
    """
    text = CONTINUED.sub("", tidy_text(text).replace("\n", " "))
    code = ""
    match = _AREA_PREFIX.match(text)
    if match:
        code, text = match.group("code"), text[match.end() :]
    else:
        text = _AREA_WORD_ONLY.sub("", text)
    text = text.strip(" :.–-")
    recased = False
    if text and text == text.upper() and any(c.isalpha() for c in text):
        text, recased = text[0] + text[1:].lower(), True
    return code, text, recased


# A line ending in a hyphen or slash after a letter continues on the next line without a
# space («beredskaps-/samling», «bør/må»), unless the next word is a conjunction, as in
# «bu- og blilyst».
_SOFT_BREAK = re.compile(r"(?<=[^\W\d_][-/])[ \t]*\n\s*(?!(?:og|eller|and|or|samt)\b)(?=\w)")


def tidy_text(text: str) -> str:
    """A cell's text as one line per bullet, with lines broken mid-word joined again."""
    text = text.replace("\u00ad", "")  # soft hyphens are invisible unless a line breaks there
    return clean_text(_SOFT_BREAK.sub("", text))


def short(text: str, length: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# ---------------------------------------------------------------------------------------
# Status
# ---------------------------------------------------------------------------------------


def pick_status(
    words: str, colours: Iterable[Colour], *, where: str
) -> tuple[str, ImportWarning | None]:
    """(status, warning at `where`): the status cell's words decide; failing them, the first
    colour that means a status. Disagreement and words not understood are warned about. An
    empty, uncoloured cell is unknown: nothing is guessed."""
    words = words.strip()
    said = status_from_words(words) if words else None
    shown = next((s for c in colours if (s := status_from_colour(c))), None)
    if said and shown and said != shown:
        warning = ImportWarning.at(where, Code.STATUS_WORDS_AND_COLOUR_DIFFER, words=short(words))
        return said, warning
    if said or shown:
        return said or shown or "unknown", None
    if words:
        return "unknown", ImportWarning.at(where, Code.STATUS_NOT_UNDERSTOOD, words=short(words))
    return "unknown", None


# ---------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------


@dataclass
class Found:
    """The columns of one table: where its header row is, and each column's role."""

    header_row: int | None
    columns: Columns
    readings: list[ColumnReading]


def _header_columns(
    row: Sequence[Cell],
    *,
    sheet: bool,
    mapping: ColumnMap | None = None,
    found: set[str] | None = None,
) -> tuple[Columns, list[ColumnReading]] | None:
    columns: Columns = {}
    readings: list[ColumnReading] = []
    for cell in row:
        if not cell.text.strip():
            continue
        person = _person_role(mapping, cell, found)
        guess = (person, 1.0) if person else header_role_guess(cell.text)
        if guess is None:
            # A column the reader cannot place: shown for the person to map, and warned
            # about when it holds anything.
            readings.append(ColumnReading(cell.col, cell.text.strip(), "ignore", 0.0, "header"))
            continue
        role, confidence = guess
        readings.append(
            ColumnReading(
                cell.col, cell.text.strip(), role, confidence, "person" if person else "header"
            )
        )
        if role == "measure" and "measure" in columns and not person:
            # «Strategi | Tiltak»: the strategy over the measures is their goal.
            first = next(r for r in readings if r.role == "measure" and r is not readings[-1])
            if _weak_measure_word(first.header) and not _weak_measure_word(cell.text):
                first.role = "goal"
                columns["goal"] = columns.pop("measure")
            elif _weak_measure_word(cell.text):
                readings[-1].role = role = "goal"
        if role != "ignore" and role in columns and not person:
            # Two headers for one role: the surer reading wins («Tiltak» over «Tiltak-ID»,
            # «Tid» over «Frå år»); the other column is left out.
            earlier = next(r for r in readings[:-1] if r.role == role)
            if confidence > earlier.confidence:
                earlier.role = "ignore"
                del columns[role]
            else:
                readings[-1].role = "ignore"
                continue
        if role != "ignore" and role not in columns:
            columns[role] = (cell.col, cell.end)
    fields = _SHEET_FIELDS if sheet else _TABLE_FIELDS
    if "measure" not in columns or not (columns.keys() & fields or mapping):
        return None
    # An unlabelled column just left of «Tiltak» holds the codes.
    if "code" not in columns:
        start = columns["measure"][0]
        blank = [c for c in row if c.end <= start and not c.text.strip()]
        if blank and blank[-1].end == start:
            columns["code"] = (blank[-1].col, start)
            readings.append(ColumnReading(blank[-1].col, "", "code", 0.5, "header"))
    return columns, sorted(readings, key=lambda r: r.index)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _weak_measure_word(header: str) -> bool:
    """Strategies and goal-like headers that name the measure column only when no column
    is headed «Tiltak» or «Aktivitet»."""
    return bool(re.match(r"\s*(?:strategi|delmål|satsing|innsats|mål)", header, re.IGNORECASE))


def _person_role(
    mapping: ColumnMap | None, cell: Cell, found: set[str] | None = None
) -> str | None:
    """The role the person gave this column, by its header or its number; the header's
    key goes into `found`, so that a name found in no table can be told."""
    if not mapping:
        return None
    wanted = header_key(cell.text) or cell.text.strip().casefold()
    for key, role in mapping.items():
        if key.isdigit() and int(key) - 1 == cell.col:
            return role
        if (header_key(key) or key.strip().casefold()) == wanted:
            if found is not None:
                found.add(key)
            return role
    return None


def find_header(
    rows: Sequence[Sequence[Cell]],
    *,
    sheet: bool = False,
    mapping: ColumnMap | None = None,
    names: set[str] | None = None,
) -> Found | None:
    """The header row among the first rows of a table (4 in a document, 20 in a sheet,
    where a title and blank lines may stand above it)."""
    for index, row in enumerate(rows[: 20 if sheet else 4]):
        found = _header_columns(row, sheet=sheet, mapping=mapping, found=names)
        if found:
            return Found(index, *found)
    return None


def header_from_line(text: str, table: Table) -> tuple[str, Found] | None:
    """A table's header printed as a line of text above it (a web table printed to PDF
    without borders): the line ends with one header word per column of the table,
    «26. januar 2011 – kommunestyret Punkt Beskrivelse Ansvarlig Frist Kommentar /
    rapportering». (label before the headers, columns), or None."""
    starts = sorted({c.col for row in table.rows for c in row})
    tokens = re.sub(r"\s*/\s*", "/", text.strip()).split()
    roles: list[tuple[str, str]] = []
    while tokens and len(roles) < len(starts):
        guess = header_role_guess(tokens[-1])
        if guess is None or guess[1] < 1.0:
            break
        roles.insert(0, (tokens.pop(), guess[0]))
    names = [role for _, role in roles]
    if len(roles) != len(starts) or "measure" not in names or len(set(names)) != len(names):
        return None
    broken = header_role_guess(tokens[-1]) if tokens and tokens[-1].endswith("-") else None
    if broken and header_role_guess(roles[-1][0]) == broken:
        roles = [(tokens.pop() + roles[-1][0], broken[0]), *roles[:-1]]
    columns: Columns = {}
    readings = []
    for (header, role), start, end in zip(roles, starts, [*starts[1:], 10_000], strict=True):
        columns[role] = (start, end)
        readings.append(ColumnReading(start, header, role, 0.8, "header"))

    return " ".join(tokens).strip(" :–-"), Found(None, columns, readings)


def _by_index_only(mapping: ColumnMap | None) -> bool:
    return bool(mapping) and all(k.isdigit() for k in mapping or {})


_YEARISH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def guess_columns(rows: Sequence[Sequence[Cell]], known_actors: Sequence[str]) -> Found | None:
    """Roles from what the cells hold, for a table without a header row: codes, timing
    (years, «årleg»), status (words or colours), names (short, capitalised, or known
    actors) and the measure (the longest texts). None unless it finds a measure column
    and at least one other."""
    width = max((c.end for row in rows for c in row), default=0)
    if width < 2 or len(rows) < 2:
        return None
    known = {normalise_name(a) for a in known_actors}
    body = [row for row in rows if len([c for c in row if c.text.strip()]) >= 2]
    if len(body) < 2:
        return None
    stats: dict[int, dict[str, float]] = {}
    for column in range(width):
        texts = [c.text.strip() for row in body for c in row if c.col == column]
        filled = [t for t in texts if t]
        fills = [c.fill for row in body for c in row if c.col == column]
        coloured = sum(1 for f in fills if status_from_colour(f))
        if not filled and not coloured:
            continue
        n = max(len(filled), 1)
        stats[column] = {
            "filled": len(filled) / max(len(body), 1),
            "length": sum(len(t) for t in filled) / n,
            "code": sum(1 for t in filled if is_cell_code(t)) / n,
            "timing": sum(1 for t in filled if len(t) <= 40 and _timing_like(t)) / n,
            "status": (sum(1 for t in filled if status_from_words(t)) + coloured)
            / max(len(filled) + coloured, 1),
            "names": sum(1 for t in filled if _names_like(t, known)) / n,
            "goal": sum(1 for t in filled if parse_goal_heading(t)) / n,
        }
    roles: dict[int, tuple[str, float]] = {}
    for column, s in stats.items():
        if s["goal"] >= 0.6:
            roles[column] = ("goal", s["goal"])
        elif s["code"] >= 0.7 and s["length"] <= 12:
            roles[column] = ("code", s["code"])
        elif s["timing"] >= 0.6:
            roles[column] = ("timing", s["timing"])
        elif s["status"] >= 0.6 and s["length"] <= 40:
            roles[column] = ("status", s["status"])
    rest = [c for c in stats if c not in roles]
    if not rest:
        return None
    measure = max(rest, key=lambda c: stats[c]["length"] * stats[c]["filled"])
    if stats[measure]["length"] < 20:
        return None
    roles[measure] = ("measure", 0.6)
    actor_roles = iter(("responsible", "involved"))
    for column in sorted(c for c in rest if c != measure):
        s = stats[column]
        if s["names"] >= 0.6 and s["length"] <= 80:
            role = next(actor_roles, None)
            if role:
                roles[column] = (role, 0.5)
    others = {r for r, _ in roles.values()} - {"measure"}
    if not others:
        return None
    columns: Columns = {}
    readings = []
    for column, (role, confidence) in sorted(roles.items()):
        columns.setdefault(role, (column, column + 1))
        readings.append(ColumnReading(column, "", role, confidence, "content"))
    return Found(None, columns, readings)


def _timing_like(text: str) -> bool:
    timing = parse_timing(text)
    if timing.start is not None:
        return len(_YEARISH.sub("", text).split()) <= 4
    return timing.yearly or timing.continuous


def _names_like(text: str, known: set[str]) -> bool:
    names = [n.strip() for n in re.split(r"[\n,;/]", text) if n.strip()]
    if not names:
        return False
    return all(
        normalise_name(n) in known or (n[:1].isupper() and len(n.split()) <= 5) for n in names
    )


def _columns_from_index_map(mapping: ColumnMap, rows: Sequence[Sequence[Cell]]) -> Found:
    columns: Columns = {}
    readings = []
    for key, role in sorted(mapping.items(), key=lambda kv: int(kv[0])):
        column = int(key) - 1
        readings.append(ColumnReading(column, "", role, 1.0, "person"))
        if role != "ignore":
            columns.setdefault(role, (column, column + 1))
    return Found(None, columns, readings)


def _chosen_columns(table: Table, choice: TableChoice, guessed: Found | None) -> Found:
    """The columns as the person chose them; headers as the table (or the line printed
    above it) writes them."""
    header_row = choice.header_row
    if header_row is not None and not 0 <= header_row < len(table.rows):
        header_row = None
    headers = {r.index: r.header for r in guessed.readings} if guessed else {}
    ends: dict[int, int] = {}
    if header_row is not None:
        for cell in table.rows[header_row]:
            headers[cell.col] = cell.text.strip()
            ends[cell.col] = cell.end
    columns: Columns = {}
    readings = []
    for column, role in sorted(choice.roles.items()):
        readings.append(ColumnReading(column, headers.get(column, ""), role, 1.0, "person"))
        if role != "ignore" and role not in columns:
            columns[role] = (column, ends.get(column, column + 1))
    return Found(header_row, columns, readings)


def _complete_columns(reading: TableReading, table: Table, readings: list[ColumnReading]) -> None:
    """Every column of the table in the reading, in order, each with the first texts under
    its header: the review shows a role picker over each, read or not."""
    start = 0 if reading.header_row is None else reading.header_row + 1
    by_index = {r.index: r for r in readings}
    header_cells = (
        {c.col: c.text.strip() for c in table.rows[reading.header_row]}
        if reading.header_row is not None and reading.header_row < len(table.rows)
        else {}
    )
    held = {c.col for row in table.rows[start:] for c in row if c.text.strip() or c.fill}
    starts = sorted(held | {col for col, text in header_cells.items() if text} | set(by_index))
    complete = []
    for column in starts:
        found = by_index.get(column)
        if found is None:
            source = "header" if header_cells else "content"
            found = ColumnReading(column, header_cells.get(column, ""), "ignore", 0.0, source)
        found.sample = [
            short(cell.text.strip(), 40)
            for row in table.rows[start:]
            for cell in row
            if cell.col == column and cell.text.strip() and not cell.continued
        ][:2]
        complete.append(found)
    reading.columns = complete


def _fields(row: Sequence[Cell], columns: Columns) -> dict[str, list[Cell]]:
    """The cells of each field. A cell belongs to the column it starts in."""
    out: dict[str, list[Cell]] = {name: [] for name in columns}
    for cell in row:
        for name, (start, end) in columns.items():
            if start <= cell.col < end:
                out[name].append(cell)
    return out


def _text(cells: Iterable[Cell]) -> str:
    return "\n".join(c.text for c in cells if c.text.strip())


def cell_code(text: str) -> tuple[str, str] | None:
    """(code, rest) for a code column's cell that holds a code of any shape and perhaps a
    date under it: «FSK 026/12.» over «29.02.12.», «FSK-» / «8.2.06» broken over two
    lines. None when the cell holds no such code."""
    text = _SOFT_BREAK.sub("", text.replace("\u00ad", ""))
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    first = re.split(r"\s+(?=\d{1,2}\.\d{1,2}\.\d{2,4}\.?$)", lines[0])[0]
    code = first.strip().rstrip(".").strip()
    if not code or len(code) > 20 or len(code.split()) > 3 or not any(c.isdigit() for c in code):
        return None
    rest = "\n".join([lines[0][len(first) :].strip(), *lines[1:]]).strip()
    return code, rest


def _is_goal_code(code: str) -> bool:
    return code.strip(".").count(".") == 1


def _covers_fields(cell: Cell, columns: Columns) -> int:
    return sum(1 for start, end in columns.values() if cell.col < end and cell.end > start)


# ---------------------------------------------------------------------------------------
# Reading the tables of a document
# ---------------------------------------------------------------------------------------


@dataclass
class TableInput:
    """A table with what stood before it: the heading (None when nothing stands between
    it and the previous table, so that it goes on from it)."""

    table: Table
    heading: str | None
    where: str
    # Columns found elsewhere (a header printed above the table), and the text before them
    found: Found | None = None
    label: str = ""
    # When the heading is a goal («Mål 1.1 …»), the area heading above it, if any.
    area_heading: str | None = None


@dataclass
class TablesReader:
    known_actors: Sequence[str]
    mapping: ColumnMap | None = None
    sheet: bool = False
    plan: ParsedPlan = field(default_factory=lambda: ParsedPlan(title=None))
    area: ParsedArea | None = None
    goal: ParsedGoal | None = None
    measure: ParsedMeasure | None = None
    columns: Columns | None = None
    found_table: bool = False
    recased: list[tuple[ParsedArea, str]] = field(default_factory=list)
    # One-row-per-measure layout
    areas: dict[str, ParsedArea] = field(default_factory=dict)
    goals: dict[tuple[str, str], ParsedGoal] = field(default_factory=dict)
    area_text: str = ""
    goal_text: str = ""
    goal_code: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # role → the header's text
    header_texts: set[str] = field(default_factory=set)  # every header cell, folded
    code_rest: str = ""  # what a code cell holds besides the code (a date)
    names_found: set[str] = field(default_factory=set)  # the person's headers found
    generated: bool = False  # the measure being added has a code made up
    # The person's reading of single tables, by block index (the review's role pickers)
    choices: dict[int, TableChoice] = field(default_factory=dict)

    def columns_not_found(self) -> list[str]:
        """The headers the person named that no table has (column numbers aside)."""
        return [k for k in self.mapping or {} if not k.isdigit() and k not in self.names_found]

    place: dict[str, object] = field(default_factory=dict)

    def add_table(self, item: TableInput) -> bool:
        """Read a table; False when it is no plan table (and so not read)."""
        table = item.table
        found = item.found or self._columns(table)
        reading = TableReading(table.place.index, table.name or item.where, None)
        self.plan.tables.append(reading)
        choice = self.choices.get(table.place.index)
        if choice is not None:
            found = _chosen_columns(table, choice, found)
            if "measure" not in found.columns:
                # The person says this table is no part of the plan.
                reading.header_row, reading.columns, reading.used = found.header_row, [], False
                _complete_columns(reading, table, found.readings)
                return False
        if found is None:
            # A table without a header right after a plan table continues it (a table split
            # by a page break); each sheet of a spreadsheet stands on its own.
            if self.columns is None or item.heading is not None or self.sheet:
                reading.used = False
                _complete_columns(reading, table, [])
                return False
            start, columns, continued = 0, self.columns, True
            reading.columns = [
                ColumnReading(s, self.headers.get(role, ""), role, 1.0, "previous")
                for role, (s, _) in sorted(self.columns.items(), key=lambda kv: kv[1])
            ]
        else:
            start = 0 if found.header_row is None else found.header_row + 1
            columns, continued = found.columns, False
            reading.header_row = found.header_row
            reading.columns = found.readings
            self.headers = {r.role: r.header for r in found.readings}
            self.header_texts = {_folded(r.header) for r in found.readings if r.header}
            if found.header_row is None and any(r.source == "content" for r in found.readings):
                described = ", ".join(f"{r.index + 1}={r.role}" for r in found.readings)
                self._warn(DOCUMENT, Code.COLUMNS_GUESSED, table, 0, columns=described)
        self.columns, self.found_table = columns, True
        self._warn_unplaced(table, start, reading)
        _complete_columns(reading, table, reading.columns)
        if columns.keys() & _HIERARCHY:
            above = [[c for c in row if c.text.strip()] for row in table.rows[: max(start - 1, 0)]]
            title = next((row[0].text for row in above if len(row) == 1), None)
            if "area" not in columns and (title or item.heading):
                self.area_text = (title or item.heading or "").strip()
                self.goal_text = self.goal_code = ""
            self._read_sheet_rows(table, start, columns)
            return True
        # A row above the header with one text in it names the focus area.
        above = [[c for c in row if c.text.strip()] for row in table.rows[: max(start - 1, 0)]]
        title = next((row[0].text for row in above if len(row) == 1), None)
        heading = title or item.heading or ""
        goal_heading = parse_goal_heading(heading) if heading else None
        if goal_heading is not None and goal_heading[0]:
            if item.area_heading:
                self._start_area(item.area_heading)
            self._start_goal(*goal_heading)  # «Mål 1.1 …» over the table: its goal
        elif heading and not (item.label and _AREA_LABEL.match(item.label)):
            self._start_area(heading)
        if item.label:
            # The text before a header printed above the table: a focus area when it looks
            # like one («A: Oppgaver fra 2006»), else a goal under the area.
            if _AREA_LABEL.match(item.label) or self.area is None:
                self._start_area(item.label)
            else:
                self._start_goal("", tidy_text(item.label))
        for index, row in enumerate(table.rows[start:], start=start):
            self.place = {"block": table.place.index, "row": table.row_number(index)}
            if table.place.sheet:
                self.place["sheet"] = table.place.sheet
            self._add_row(row, columns, first_continued=continued and index == start)
        return True

    def _warn_unplaced(self, table: Table, start: int, reading: TableReading) -> None:
        """One warning for the columns no role was found for, when they hold anything."""
        unplaced = [c for c in reading.columns if c.role == "ignore" and c.confidence == 0.0]
        held = [
            c.header
            for c in unplaced
            if any(
                cell.col == c.index and cell.text.strip()
                for row in table.rows[start:]
                for cell in row
            )
        ]
        if held:
            self._warn(DOCUMENT, Code.COLUMNS_NOT_READ, table, None, columns=", ".join(held))

    def _columns(self, table: Table) -> Found | None:
        if _by_index_only(self.mapping):
            assert self.mapping is not None
            found = find_header(table.rows, sheet=self.sheet, mapping=None)
            by_index = _columns_from_index_map(self.mapping, table.rows)
            if "measure" not in by_index.columns:
                return None
            return Found(found.header_row if found else None, by_index.columns, by_index.readings)
        found = find_header(
            table.rows, sheet=self.sheet, mapping=self.mapping, names=self.names_found
        )
        if found is not None:
            return found
        if self.columns is not None and not self.sheet:
            return None  # maybe the rest of the table before; add_table decides
        return guess_columns(table.rows, self.known_actors)

    def _warn(
        self, where: str, code: Code, table: Table | None, row: int | None, /, **params: str | int
    ) -> None:
        warning = ImportWarning(where, code, dict(params))
        if table is not None:
            warning.place = {"block": table.place.index}
            if row is not None:
                warning.place["row"] = table.row_number(row)
        else:
            warning.place = dict(self.place)
        self.plan.warnings.append(warning)

    def _plan_warn(self, warning: ImportWarning | None) -> None:
        if warning is not None:
            warning.place = warning.place or dict(self.place)
            self.plan.warnings.append(warning)

    # Document rows

    def _add_row(self, row: list[Cell], columns: Columns, *, first_continued: bool) -> None:
        filled = [c for c in row if c.text.strip()]
        if not filled or self._header_again(row):
            return  # empty, or the header repeated on a new page
        goal = parse_goal_heading(filled[0].text)
        measure_start, measure_end = columns.get("measure", (-1, -1))
        in_measure_column = measure_start <= filled[0].col < measure_end
        if goal is not None and not filled[0].continued and (len(filled) == 1 or in_measure_column):
            self._start_goal(*goal)
            return
        if len(filled) == 1 and _covers_fields(filled[0], columns) > 1:
            self._spanning_row(filled[0].text)
            return
        fields = _fields(row, columns)
        written = _text(fields.get("code", [])).strip()
        text = _text(fields.get("measure", []))
        written, text = self._code_and_text(written, text)
        if _is_goal_code(written) and not self._has_details(fields, row):
            self._start_goal(written.strip("."), tidy_text(text))  # «1.1 | Goal text | | |»
            return
        if not written and (not text.strip() or first_continued) and self.measure:
            self._continue_measure(text, fields, row)
        elif written or text.strip():
            self._add_measure(written, text, fields, row)

    def _header_again(self, row: list[Cell]) -> bool:
        """The table's header row again, as printed at the top of each page. Once the
        header is known only a row of those very headers is one: a measure whose comment
        or text happens to begin with header words («Avslutta: tiltaket er slått saman …»,
        «Ferdig. Rapporten …») is a measure."""
        if not _header_columns(row, sheet=self.sheet):
            return False
        texts = [_folded(c.text) for c in row if c.text.strip()]
        return not self.header_texts or all(t in self.header_texts for t in texts)

    def _code_and_text(self, written: str, text: str) -> tuple[str, str]:
        """The code and the measure's text of a row: the code column's code of any shape
        (a date under it is kept in the note), or a dotted code at the start of the text."""
        self.code_rest = ""
        if is_code(written) or is_cell_code(written):
            return written, text
        found = cell_code(written) if written else None
        if found is not None:
            self.code_rest = found[1]
            return found[0], text
        return split_leading_code(f"{written}\n{text}".strip())

    def _has_details(self, fields: dict[str, list[Cell]], row: list[Cell]) -> bool:
        """Whether a row has what measures have and goal rows lack: timing, actors or a
        status."""
        if any(_text(fields.get(name, [])) for name in _DETAILS):
            return True
        return any(status_from_colour(c.fill) for c in row)

    def _spanning_row(self, text: str) -> None:
        """A row merged across the table: a goal, or a focus area written inside the table."""
        code, rest = split_leading_code(text)
        area_code, _, recased = parse_area_heading(text)
        if _is_goal_code(code):
            self._start_goal(code.strip("."), tidy_text(rest))
        elif self.goal and not self.goal.text and not self.goal.measures:
            self.goal.text = tidy_text(text)  # «Mål 1.1» in one row, its text in the next
        elif area_code or recased or _AREA_WORD_ONLY.match(text) or self.area is None:
            self._start_area(text)
        else:
            self._start_goal("", tidy_text(text))

    def _start_area(self, heading: str) -> None:
        code, name, recased = parse_area_heading(heading)
        if self.area and normalise_name(name) == normalise_name(self.area.name):
            return  # the same heading repeated over a continued table
        self.area = ParsedArea(code=code, name=name)
        self.plan.areas.append(self.area)
        self.goal = self.measure = None
        if recased:  # warned about in finish(), when the area's code is known
            self.recased.append((self.area, heading.strip()))

    def _ensure_area(self) -> ParsedArea:
        if self.area is None:
            self.area = ParsedArea(code="", name="")
            self.plan.areas.append(self.area)
        return self.area

    def _start_goal(self, code: str, text: str) -> None:
        area = self._ensure_area()
        code = code.strip(".")
        if not code:
            code = f"{area.code or len(self.plan.areas)}.{len(area.goals) + 1}"
            self._warn(code, Code.GOAL_WITHOUT_CODE, None, None, text=short(text), code=code)
        if not area.code:
            area.code = code.split(".")[0]
        self.goal = ParsedGoal(code=code, text=text)
        area.goals.append(self.goal)
        self.measure = None

    def _ensure_goal(self) -> ParsedGoal:
        if self.goal is None:
            area = self._ensure_area()
            self.goal = ParsedGoal(code="", text="")
            area.goals.append(self.goal)
            self._warn(area.code or DOCUMENT, Code.MEASURES_WITHOUT_GOAL, None, None)
        return self.goal

    def _add_measure(
        self, written: str, text: str, fields: dict[str, list[Cell]], row: list[Cell]
    ) -> None:
        goal = self._ensure_goal()
        parent = goal.code or self._ensure_area().code
        note = ""
        if written:
            reading = read_code(written, parent)
            code, written_code, note = reading.code, reading.written_code, reading.note
            self._plan_warn(reading.warning)
        else:
            code, written_code = next_code(goal, parent), ""
            self._warn(code, Code.MEASURE_WITHOUT_CODE, None, None, text=short(text), code=code)
            self.generated = True
        notes = tidy_text(_text(fields.get("note", [])))
        notes = "\n".join(n for n in (self.code_rest, notes) if n)
        self.measure = ParsedMeasure(
            code=code,
            text=tidy_text(text),
            timing=parse_timing(_text(fields.get("timing", []))),
            responsible=self._actors(code, _text(fields.get("responsible", [])), responsible=True),
            involved=self._actors(code, _text(fields.get("involved", []))),
            status=self._row_status(code, fields, row),
            written_code=written_code,
            note="\n".join(n for n in (note, notes) if n),
            comment=tidy_text(_text(fields.get("comment", []))),
            code_generated=self.generated,
        )
        self.generated = False
        goal.measures.append(self.measure)

    def _actors(self, code: str, text: str, *, responsible: bool = False) -> list[str]:
        names, uncertain = split_actors_checked(text, self.known_actors)
        if responsible and uncertain and len(names) > 1:
            self._warn(code, Code.ACTORS_SPLIT_AT_COMMA, None, None, text=short(text, 80))
        return names

    def _continue_measure(self, text: str, fields: dict[str, list[Cell]], row: list[Cell]) -> None:
        """A row without a code: the rest of the measure above, split over a page break."""
        measure = self.measure
        assert measure is not None
        if text.strip():
            measure.text = tidy_text(f"{measure.text}\n{text}")
        for name, actors in (("responsible", measure.responsible), ("involved", measure.involved)):
            for actor in self._actors(measure.code, _text(fields.get(name, []))):
                if actor not in actors:
                    actors.append(actor)
        timing = _text(fields.get("timing", []))
        if timing and not measure.timing.text:
            measure.timing = parse_timing(timing)
        if measure.status == "unknown":
            measure.status = self._row_status(measure.code, fields, row)
        comment = tidy_text(_text(fields.get("comment", [])))
        if comment and comment not in measure.comment:
            measure.comment = f"{measure.comment}\n{comment}".strip()
        self._warn(measure.code, Code.ROW_CONTINUES_MEASURE, None, None, code=measure.code)

    def _row_status(self, code: str, fields: dict[str, list[Cell]], row: list[Cell]) -> str:
        status_cells = fields.get("status", [])
        status, warning = pick_status(
            _text(status_cells), _status_colours(status_cells, fields, row), where=code
        )
        self._plan_warn(warning)
        return status

    # One row per measure, with the area and goal in columns

    def _read_sheet_rows(self, table: Table, start: int, columns: Columns) -> None:
        for index, row in enumerate(table.rows[start:], start=start):
            self.place = {"block": table.place.index, "row": table.row_number(index)}
            if table.place.sheet:
                self.place["sheet"] = table.place.sheet
            self._sheet_row(row, columns, table.row_number(index))

    def _sheet_row(self, row: list[Cell], columns: Columns, number: int) -> None:
        fields = _fields(row, columns)
        if not any(c.text.strip() for c in row) or _header_columns(row, sheet=True):
            return
        filled = [c for c in row if c.text.strip()]
        if (
            len(filled) == 1
            and not filled[0].continued
            and _covers_fields(filled[0], columns) > 1
            and not fields.get("measure")
        ):
            # A row merged across the sheet names the area (or goal) of the rows below.
            code, rest = split_leading_code(filled[0].text)
            heading = parse_goal_heading(filled[0].text)
            if heading is not None or _is_goal_code(code):
                self.goal_code, self.goal_text = heading if heading else (code, rest)
            else:
                self.area_text = filled[0].text.strip()
                self.goal_text = self.goal_code = ""
            return
        measure_text = _text(fields.get("measure", [])).strip()
        goal_in_measure = parse_goal_heading(measure_text)
        if goal_in_measure:  # a goal written in the measure column, as in a Word table
            self.goal_code, self.goal_text = goal_in_measure
            measure_text = ""
        self._carry(fields)
        written = _text(fields.get("code", [])).strip()
        written, measure_text = self._code_and_text(written, measure_text)
        goal = self._sheet_goal(written, number)
        if written or measure_text.strip():
            self._add_sheet_measure(goal, written, measure_text, fields, row, number)

    def _carry(self, fields: dict[str, list[Cell]]) -> None:
        """An empty area or goal cell repeats the one above (merged cells read as empty)."""
        area = _text(fields.get("area", [])).strip()
        if area:
            if area != self.area_text:
                self.goal_text = self.goal_code = ""
            self.area_text = area
        goal = _text(fields.get("goal", [])).strip()
        goal_code = _text(fields.get("goal_code", [])).strip()
        parsed = parse_goal_heading(goal) if goal and not goal_code else None
        if parsed and parsed[0] and parsed[0] == self.goal_code.strip("."):
            return  # «Mål 1 / Strategi mål 1:» merged down beside goal 1 named above
        if goal or goal_code:
            self.goal_text, self.goal_code = goal, goal_code

    def _sheet_goal(self, measure_code: str, number: int) -> ParsedGoal:
        code, text = self.goal_code.strip("."), self.goal_text
        parsed = parse_goal_heading(text)
        if parsed:
            code, text = code or parsed[0], parsed[1]
        elif not code:
            written, rest = split_leading_code(text)
            code, text = written.strip("."), rest if written else text
        if not code and measure_code.strip(".").count(".") >= 1 and is_code(measure_code):
            code = measure_code.strip(".").rsplit(".", 1)[0]  # 1.2.3 lies under goal 1.2
        area = self._sheet_area(code or measure_code, number)
        key = (area.code, code or normalise_name(text))
        if key not in self.goals:
            if not code:
                code = f"{area.code}.{len(area.goals) + 1}"
                self._warn(code, Code.GOAL_WITHOUT_CODE, None, None, text=text[:50], code=code)
            goal = ParsedGoal(code=code, text=tidy_text(text))
            if not goal.text:
                self._warn(code, Code.GOAL_WITHOUT_TEXT, None, None, code=code)
            self.goals[key] = goal
            area.goals.append(goal)
        return self.goals[key]

    def _sheet_area(self, code_below: str, number: int) -> ParsedArea:
        text = self.area_text
        code, name, recased = ("", "", False)
        if is_code(text):
            code = text.strip(".")
        elif text:
            code, name, recased = parse_area_heading(text)
        if not code and is_code(code_below):
            code = code_below.strip(".").split(".")[0]
        key = code or normalise_name(name)
        if key not in self.areas:
            if not code:
                code = str(len(self.areas) + 1)
                self._warn(code, Code.AREA_ON_ROW_WITHOUT_NUMBER, None, None, row=number, code=code)
            if not name:
                name = f"Innsatsområde {code}"  # plan content, in the plan's language
                self._warn(code, Code.AREA_WITHOUT_NAME, None, None, code=code)
            if recased:
                self._warn(code, Code.AREA_NAME_RECASED, None, None, text=text, name=name)
            self.areas[key] = ParsedArea(code=code, name=name)
            self.plan.areas.append(self.areas[key])
        return self.areas[key]

    def _add_sheet_measure(
        self,
        goal: ParsedGoal,
        written: str,
        text: str,
        fields: dict[str, list[Cell]],
        row: list[Cell],
        number: int,
    ) -> None:
        note = ""
        if written:
            reading = read_code(written, goal.code)
            code, written_code, note = reading.code, reading.written_code, reading.note
            self._plan_warn(reading.warning)
        else:
            code, written_code = next_code(goal, goal.code), ""
            self._warn(code, Code.MEASURE_ON_ROW_WITHOUT_CODE, None, None, row=number, code=code)
            self.generated = True
        status_cells = fields.get("status", [])
        colours = [c.fill for c in status_cells] + [
            c.fill for name in ("code", "measure") for c in fields.get(name, [])
        ]
        status, status_warning = pick_status(_text(status_cells), colours, where=code)
        self._plan_warn(status_warning)
        notes = tidy_text(_text(fields.get("note", [])))
        notes = "\n".join(n for n in (self.code_rest, notes) if n)
        self.measure = ParsedMeasure(
            code=code,
            text=tidy_text(text),
            timing=parse_timing(_text(fields.get("timing", []))),
            responsible=self._actors(code, _text(fields.get("responsible", [])), responsible=True),
            involved=self._actors(code, _text(fields.get("involved", []))),
            status=status,
            written_code=written_code,
            note="\n".join(n for n in (note, notes) if n),
            comment=tidy_text(_text(fields.get("comment", []))),
            code_generated=self.generated,
        )
        self.generated = False
        goal.measures.append(self.measure)

    # The result

    def finish(self) -> ParsedPlan:
        plan = self.plan
        plan.areas = [a for a in plan.areas if a.goals]
        if self.areas:  # the one-row-per-measure layout numbers its own areas
            return plan
        used = {a.code for a in plan.areas if a.code}
        for number, area in enumerate(plan.areas, start=1):
            if not area.code:
                area.code = str(number) if str(number) not in used else f"{number}?"
                plan.warn(area.code, Code.AREA_WITHOUT_NUMBER, name=area.name, code=area.code)
            if not area.name:
                # A name to save if the review leaves it: plan content, in the plan's language.
                area.name = f"Innsatsområde {area.code}"
                plan.warn(area.code, Code.AREA_WITHOUT_NAME, code=area.code)
        for area, heading in self.recased:
            plan.warn(area.code, Code.HEADING_RECASED, heading=heading, name=area.name)
        return plan


def _status_colours(
    status_cells: list[Cell], fields: dict[str, list[Cell]], row: list[Cell]
) -> list[Colour]:
    """Colours in the order they count: the status cell's fill and symbol, then the fills of
    the measure's code and text, then of its other cells."""
    measure_cells = fields.get("code", []) + fields.get("measure", [])
    others = [c for c in row if c not in status_cells and c not in measure_cells]
    colours: list[Colour] = [c.fill for c in status_cells] + [c.ink for c in status_cells]
    return colours + [c.fill for c in measure_cells + others]


ROLE_NAMES = ROLES
