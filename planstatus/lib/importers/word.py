"""Reading plans from Word (.docx) tables, and the table interpretation shared with pdf.py.

Word and PDF readers both turn a document into `Table`s: rows of `Cell`s with their text,
fill colour and position in the table grid, and the heading written just before the table.
`interpret_tables` then finds the header row, focus areas, goals and measures without knowing
which format the rows came from. The helpers for codes, actors and text are shared with
spreadsheet.py too.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from planstatus.lib import unpack
from planstatus.lib.importers.base import (
    DOCUMENT,
    MAX_UPLOAD_BYTES,
    Code,
    ImportWarning,
    ParsedArea,
    ParsedGoal,
    ParsedMeasure,
    ParsedPlan,
    UnreadableDocument,
    check_numbering,
    clean_text,
)
from planstatus.lib.importers.status import status_from_colour, status_from_words
from planstatus.lib.timing import parse_timing

Colour = str | tuple[float, ...] | None


# ---------------------------------------------------------------------------------------
# Column headers, shared with spreadsheet.py
# ---------------------------------------------------------------------------------------

# Header words per field, Nynorsk, Bokmål and English, written as `header_key` leaves them
# (lower case, letters only).
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "code": (
        "nr",
        "nummer",
        "kode",
        "tiltakskode",
        "tiltakkode",
        "tiltaksnr",
        "tiltaknr",
        "tiltaksnummer",
        "code",
        "no",
        "id",
        "measurecode",
    ),
    "measure": (
        "tiltak",
        "tiltaket",
        "tiltaka",
        "tiltakene",
        "aktivitet",
        "aktivitetar",
        "aktiviteter",
        "measure",
        "measures",
        "action",
        "actions",
    ),
    "timing": (
        "tid",
        "tidsrom",
        "tidsperiode",
        "periode",
        "tidspunkt",
        "tidsplan",
        "når",
        "frist",
        "år",
        "time",
        "timing",
        "when",
        "period",
        "deadline",
    ),
    "responsible": (
        "ansvar",
        "ansvarleg",
        "ansvarlig",
        "ansvarlege",
        "ansvarlige",
        "hovudansvar",
        "hovedansvar",
        "responsible",
        "responsibility",
        "owner",
    ),
    "involved": (
        "involvering",
        "involverte",
        "involvert",
        "medverkande",
        "medvirkende",
        "samarbeidspartnarar",
        "samarbeidspartnere",
        "partnarar",
        "partnere",
        "involved",
        "involvement",
        "partners",
    ),
    "status": ("status", "statusfarge", "framdrift", "fremdrift", "progress"),
    "note": (
        "merknad",
        "merknader",
        "kommentar",
        "kommentarar",
        "kommentarer",
        "note",
        "notes",
        "comment",
        "comments",
    ),
    # Only spreadsheets have one row per measure and so columns for the area and goal.
    "area": (
        "innsatsområde",
        "innsatsområder",
        "innsatsområda",
        "satsingsområde",
        "satsingsområder",
        "satsingsområda",
        "satsningsområde",
        "fokusområde",
        "fokusområder",
        "tema",
        "focusarea",
        "area",
    ),
    "goal_code": ("målkode", "målnr", "målnummer", "goalcode", "goalno"),
    "goal": ("mål", "delmål", "målet", "goal", "goals", "objective"),
}
_HEADER_LOOKUP = {word: name for name, words in _HEADER_WORDS.items() for word in words}
# A table is a plan table when its header has «Tiltak» and at least one of these.
_TABLE_FIELDS = {"timing", "responsible", "involved", "status"}


def header_key(text: str) -> str:
    """«Tiltak-kode» → «tiltakkode», «Tid (år)» → «tid»."""
    text = re.sub(r"\(.*?\)", " ", text).casefold()
    return re.sub(r"[\W\d_]", "", text)


def header_field(text: str) -> str | None:
    """The field a column header names, or None. «Ansvar/ansvarleg» counts as «Ansvar»."""
    for alternative in re.split(r"[/|]", text):
        name = _HEADER_LOOKUP.get(header_key(alternative))
        if name:
            return name
    return None


# ---------------------------------------------------------------------------------------
# Codes, headings, text and actors, shared with spreadsheet.py
# ---------------------------------------------------------------------------------------

# A measure code at the start of a cell: «1.1.1», «1.1.1.», «.5.2.». At least one inner dot,
# so that «2025 …» or «40 % …» at the start of a text is not read as a code.
_LEADING_CODE = re.compile(r"^\s*(?P<code>\.?\d{1,3}(?:\.\d{1,3})+\.?)(?=[\s:)–-]|$)")
_ANY_CODE = re.compile(r"^\.?\d{1,3}(?:\.\d{1,3})*\.?$")
_GOAL_PREFIX = re.compile(
    r"^\s*(?:delmål|mål)(?!\w)\s*(?P<code>\d{1,3}(?:\.\d{1,3})*)?\.?\s*[:.)–-]?\s*",
    re.IGNORECASE,
)
_AREA_WORD = r"(?:innsatsområde|satsingsområde|satsningsområde|fokusområde|tema)"
_AREA_PREFIX = re.compile(
    rf"^\s*(?:{_AREA_WORD}\s*)?(?P<code>\d{{1,2}})\s*[.:)–-]?\s+(?=\S)", re.IGNORECASE
)
_AREA_WORD_ONLY = re.compile(rf"^\s*{_AREA_WORD}(?!\w)\s*[:.–-]?\s*", re.IGNORECASE)
_CONTINUED = re.compile(r"\s*\((?:forts\.?|framhald|fortsettelse|fortsatt|cont\.?)\)\s*$", re.I)


def split_leading_code(text: str) -> tuple[str, str]:
    """(written code, rest) for a cell that starts with a measure code, else ("", text)."""
    match = _LEADING_CODE.match(text)
    if not match:
        return "", text
    return match.group("code"), text[match.end() :]


def is_code(text: str) -> bool:
    return bool(_ANY_CODE.match(text.strip()))


def read_code(written: str, parent: str) -> tuple[str, str, ImportWarning | None]:
    """(code, written_code, warning) for a code as written under the goal or area `parent`.

    «1.1.1.» is 1.1.1 written with a trailing dot: no guess, no warning. «.5.2.» under goal
    4.5 lacks its first number: it is read as 4.5.2, with a warning.
    """
    written = written.strip()
    core = written.strip(". ")
    parts = core.split(".")
    if not core or not all(p.isdigit() for p in parts):
        return written, "", None  # odd codes are kept as written; check_numbering reports them
    parent_parts = parent.split(".") if parent else []
    missing = len(parent_parts) + 1 - len(parts)
    guessed = parent_parts and missing > 0 and parts[:-1] == parent_parts[missing:]
    if guessed:
        parts = parent_parts[:missing] + parts
    code = ".".join(parts)
    warning = (
        ImportWarning.at(code, Code.CODE_COMPLETED, written=written, code=code) if guessed else None
    )
    return code, (written if written != code else ""), warning


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
    text = _CONTINUED.sub("", tidy_text(text).replace("\n", " "))
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


def normalise_name(name: str) -> str:
    """Compare actor names regardless of case, dashes and spacing (as imports.matching)."""
    name = unicodedata.normalize("NFC", name).casefold()
    name = re.sub(r"[‐-―]", "-", name)
    return re.sub(r"\s+", " ", name).strip(" .,;:")


_CONJUNCTIONS = {"og", "eller", "and", "&", "samt"}


def split_actors(text: str, known_actors: Iterable[str]) -> list[str]:
    """The names in an actor cell, split on line breaks, commas and semicolons.

    A name broken over two lines (narrow PDF columns wrap «Næringshage Vidju») is joined
    again when the joined form is a known actor; a line such as «Regionråd Næringsforum»
    (two names on one line, as in flattened text) is split when every part is known.
    """
    known = {normalise_name(a) for a in known_actors}
    lines = _join_broken_lines([line.strip() for line in text.splitlines() if line.strip()], known)
    names: list[str] = []
    for line in _join_wrapped_names(lines, known):
        for piece in re.split(r"[;,]", line):
            piece = re.sub(r"\s+", " ", piece).strip(" .:")
            if piece:
                names.extend(_segment(piece, known) or [piece])
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(normalise_name(name), name)
    return list(unique.values())


def _join_broken_lines(lines: list[str], known: set[str]) -> list[str]:
    """Join «Berdskaps-» + «koordinator»; keep the hyphen unless only the form without it
    is a known actor."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        if len(previous) > 1 and previous[-1] == "-" and previous[-2].isalpha():
            first_word = line.split()[0].casefold()
            if first_word in _CONJUNCTIONS:
                out[-1] = f"{previous} {line}"
            elif normalise_name(previous[:-1] + line) in known:
                out[-1] = previous[:-1] + line
            else:
                out[-1] = previous + line
        else:
            out.append(line)
    return out


def _join_wrapped_names(lines: list[str], known: set[str]) -> list[str]:
    """Greedily join consecutive lines whose joined text is a known actor."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        end = i + 1
        for j in range(len(lines), i + 1, -1):
            if normalise_name(" ".join(lines[i:j])) in known:
                end = j
                break
        out.append(" ".join(lines[i:end]))
        i = end
    return out


def _segment(piece: str, known: set[str]) -> list[str] | None:
    """Split «Regionrådet BFK» into known names, or None if the piece is one name or unknown."""
    if normalise_name(piece) in known or not known:
        return None
    words = piece.split()
    if len(words) < 2 or len(words) > 12:
        return None
    # best[i]: a split of words[:i] into known names (conjunctions between them dropped).
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(words) + 1):
        for start in range(end):
            if start not in best:
                continue
            chunk = " ".join(words[start:end])
            if chunk.casefold() in _CONJUNCTIONS and best[start]:
                best.setdefault(end, best[start])
            elif normalise_name(chunk) in known:
                best.setdefault(end, [*best[start], chunk])
    found = best.get(len(words))
    return found if found and len(found) > 1 else None


# ---------------------------------------------------------------------------------------
# Tables: the structure both the Word and the PDF reader produce
# ---------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    start: int = 0  # first grid column the cell covers
    span: int = 1  # grid columns it covers
    fill: Colour = None  # background colour, as the format gives it
    ink: Colour = None  # colour of a symbol such as ● in a cell without words

    @property
    def end(self) -> int:
        return self.start + self.span


@dataclass
class Table:
    rows: list[list[Cell]]
    # The heading written just before the table; None when nothing stands between this table
    # and the previous one, so that it continues the same focus area (a table split by a
    # page break).
    heading: str | None
    where: str  # «tabell 2», «side 3», for warnings


Columns = dict[str, tuple[int, int]]  # field → grid columns [start, end)


def interpret_tables(tables: Iterable[Table], *, known_actors: Sequence[str]) -> ParsedPlan:
    """Focus areas, goals and measures from the plan tables. Other tables are skipped."""
    builder = _PlanBuilder(known_actors)
    for table in tables:
        builder.add_table(table)
    if not builder.found_table:
        raise UnreadableDocument(Code.NO_PLAN_TABLE)
    return builder.finish()


def find_header(rows: Sequence[Sequence[Cell]], look: int = 4) -> tuple[int, Columns] | None:
    """The index and columns of the header row among the first rows of a table."""
    for index, row in enumerate(rows[:look]):
        columns = _header_columns(row)
        if columns:
            return index, columns
    return None


def _header_columns(row: Sequence[Cell]) -> Columns | None:
    columns: Columns = {}
    for cell in row:
        name = header_field(cell.text) if cell.text.strip() else None
        if name and name not in columns:
            columns[name] = (cell.start, cell.end)
    if "measure" not in columns or not columns.keys() & _TABLE_FIELDS:
        return None
    # An unlabelled column just left of «Tiltak» holds the codes.
    if "code" not in columns:
        start = columns["measure"][0]
        blank = [c for c in row if c.end <= start and not c.text.strip()]
        if blank and blank[-1].end == start:
            columns["code"] = (blank[-1].start, start)
    return columns


def _fields(row: Sequence[Cell], columns: Columns) -> dict[str, list[Cell]]:
    """The cells of each field. A cell belongs to the column it starts in."""
    out: dict[str, list[Cell]] = {name: [] for name in columns}
    for cell in row:
        for name, (start, end) in columns.items():
            if start <= cell.start < end:
                out[name].append(cell)
    return out


def _text(cells: Iterable[Cell]) -> str:
    return "\n".join(c.text for c in cells if c.text.strip())


def _is_goal_code(code: str) -> bool:
    return code.strip(".").count(".") == 1


def _has_details(fields: dict[str, list[Cell]], row: list[Cell]) -> bool:
    """Whether a row has what measures have and goal rows lack: timing, actors or a status."""
    details = ("timing", "responsible", "involved", "status")
    if any(_text(fields.get(name, [])) for name in details):
        return True
    return any(status_from_colour(c.fill) for c in row)


def _covers_fields(cell: Cell, columns: Columns) -> int:
    return sum(1 for start, end in columns.values() if cell.start < end and cell.end > start)


@dataclass
class _PlanBuilder:
    known_actors: Sequence[str]
    plan: ParsedPlan = field(default_factory=lambda: ParsedPlan(title=None))
    area: ParsedArea | None = None
    goal: ParsedGoal | None = None
    measure: ParsedMeasure | None = None
    columns: Columns | None = None
    found_table: bool = False
    recased: list[tuple[ParsedArea, str]] = field(default_factory=list)

    # Tables and rows

    def add_table(self, table: Table) -> None:
        header = find_header(table.rows)
        if header is None:
            # A table without a header right after a plan table continues it.
            if self.columns is None or table.heading is not None:
                return
            start, columns, continued = 0, self.columns, True
        else:
            start, columns, continued = header[0] + 1, header[1], False
        self.columns, self.found_table = columns, True
        # A row above the header with one text in it names the focus area.
        above = [[c for c in row if c.text.strip()] for row in table.rows[: max(start - 1, 0)]]
        title = next((row[0].text for row in above if len(row) == 1), None)
        if title or table.heading:
            self._start_area(title or table.heading or "")
        for index, row in enumerate(table.rows[start:]):
            self._add_row(row, columns, first_continued=continued and index == 0)

    def _add_row(self, row: list[Cell], columns: Columns, *, first_continued: bool) -> None:
        filled = [c for c in row if c.text.strip()]
        if not filled or _header_columns(row):
            return  # empty, or the header repeated on a new page
        goal = parse_goal_heading(filled[0].text)
        if goal is not None:
            self._start_goal(*goal)
            return
        if len(filled) == 1 and _covers_fields(filled[0], columns) > 1:
            self._spanning_row(filled[0].text)
            return
        fields = _fields(row, columns)
        written = _text(fields.get("code", [])).strip()
        text = _text(fields.get("measure", []))
        if not is_code(written):
            written, text = split_leading_code(f"{written}\n{text}".strip())
        if _is_goal_code(written) and not _has_details(fields, row):
            self._start_goal(written.strip("."), tidy_text(text))  # «1.1 | Goal text | | |»
            return
        if not written and (not text.strip() or first_continued) and self.measure:
            self._continue_measure(text, fields, row)
        elif written or text.strip():
            self._add_measure(written, text, fields, row)

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

    # Areas, goals and measures

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
            self.plan.warn(code, Code.GOAL_WITHOUT_CODE, text=_short(text), code=code)
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
            self.plan.warn(area.code or DOCUMENT, Code.MEASURES_WITHOUT_GOAL)
        return self.goal

    def _add_measure(
        self, written: str, text: str, fields: dict[str, list[Cell]], row: list[Cell]
    ) -> None:
        goal = self._ensure_goal()
        parent = goal.code or self._ensure_area().code
        if written:
            code, written_code, warning = read_code(written, parent)
            if warning:
                self.plan.warnings.append(warning)
        else:
            code, written_code = next_code(goal, parent), ""
            self.plan.warn(code, Code.MEASURE_WITHOUT_CODE, text=_short(text), code=code)
        self.measure = ParsedMeasure(
            code=code,
            text=tidy_text(text),
            timing=parse_timing(_text(fields.get("timing", []))),
            responsible=split_actors(_text(fields.get("responsible", [])), self.known_actors),
            involved=split_actors(_text(fields.get("involved", [])), self.known_actors),
            status=self._row_status(code, fields, row),
            written_code=written_code,
            note=tidy_text(_text(fields.get("note", []))),
        )
        goal.measures.append(self.measure)

    def _continue_measure(self, text: str, fields: dict[str, list[Cell]], row: list[Cell]) -> None:
        """A row without a code: the rest of the measure above, split over a page break."""
        measure = self.measure
        assert measure is not None
        if text.strip():
            measure.text = tidy_text(f"{measure.text}\n{text}")
        for name, actors in (("responsible", measure.responsible), ("involved", measure.involved)):
            for actor in split_actors(_text(fields.get(name, [])), self.known_actors):
                if actor not in actors:
                    actors.append(actor)
        timing = _text(fields.get("timing", []))
        if timing and not measure.timing.text:
            measure.timing = parse_timing(timing)
        if measure.status == "unknown":
            measure.status = self._row_status(measure.code, fields, row)
        self.plan.warn(measure.code, Code.ROW_CONTINUES_MEASURE, code=measure.code)

    def _row_status(self, code: str, fields: dict[str, list[Cell]], row: list[Cell]) -> str:
        status_cells = fields.get("status", [])
        status, warning = pick_status(
            _text(status_cells), _status_colours(status_cells, fields, row), where=code
        )
        if warning:
            self.plan.warnings.append(warning)
        return status

    def finish(self) -> ParsedPlan:
        plan = self.plan
        plan.areas = [a for a in plan.areas if a.goals]
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


def pick_status(
    words: str, colours: Iterable[Colour], *, where: str
) -> tuple[str, ImportWarning | None]:
    """(status, warning at `where`): the status cell's words decide; failing them, the first
    colour that means a status. Disagreement and words not understood are warned about."""
    words = words.strip()
    said = status_from_words(words) if words else None
    shown = next((s for c in colours if (s := status_from_colour(c))), None)
    if said and shown and said != shown:
        warning = ImportWarning.at(where, Code.STATUS_WORDS_AND_COLOUR_DIFFER, words=_short(words))
        return said, warning
    if said or shown:
        return said or shown or "unknown", None
    if words:
        return "unknown", ImportWarning.at(where, Code.STATUS_NOT_UNDERSTOOD, words=_short(words))
    return "unknown", None


def next_code(goal: ParsedGoal, parent: str) -> str:
    """The code a measure without one gets: one past the highest number under its goal."""
    numbers = [int(p) for m in goal.measures if (p := m.code.rsplit(".", 1)[-1]).isdigit()]
    return f"{parent}.{max(numbers, default=0) + 1}" if parent else str(len(goal.measures) + 1)


def _short(text: str, length: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# ---------------------------------------------------------------------------------------
# Zip containers (.docx, .xlsx): checked before a library parses them
# ---------------------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The folder each kind of Office package keeps its parts in.
_ZIP_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def check_size(data: bytes) -> None:
    if not data:
        raise UnreadableDocument(Code.EMPTY_FILE)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableDocument(
            Code.TOO_LARGE,
            size_mb=round(len(data) / 1_000_000, 1),
            limit_mb=MAX_UPLOAD_BYTES // 1_000_000,
        )


def check_package(data: bytes, expected: str) -> None:
    """Refuse anything but an intact Office zip package of the `expected` kind ("docx",
    "xlsx")."""
    check_size(data)
    folder, save_as = _ZIP_FOLDERS[expected], f".{expected}"
    if data.startswith(_OLE2):
        # Old .doc/.xls files and password-protected Office files are both OLE2 containers.
        raise UnreadableDocument(Code.OLD_FORMAT_OR_PASSWORD, save_as=save_as)
    if not data.startswith(b"PK"):
        raise UnreadableDocument(Code.NOT_EXPECTED_FORMAT, expected=expected)
    # Every entry unpacked once, bounded, before a library opens the package whole.
    try:
        with unpack.Package(data) as package:
            names = package.names()
            if not any(n.startswith(folder) for n in names):
                raise _wrong_package(names, expected)
            package.check()
    except unpack.TooLarge as exc:
        raise UnreadableDocument(Code.UNPACKS_TOO_LARGE) from exc
    except unpack.Damaged as exc:
        raise UnreadableDocument(Code.PACKAGE_DAMAGED, expected=expected) from exc


def _wrong_package(names: list[str], expected: str) -> UnreadableDocument:
    for found, folder in _ZIP_FOLDERS.items():
        if any(n.startswith(folder) for n in names):
            return UnreadableDocument(Code.WRONG_PACKAGE, found=found, expected=expected)
    if "content.xml" in names:
        return UnreadableDocument(Code.OPENDOCUMENT, save_as=f".{expected}")
    return UnreadableDocument(Code.NOT_EXPECTED_FORMAT, expected=expected)


# ---------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------

_HEADING_STYLES = ("heading", "overskrift", "title", "tittel")


def read(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    """A plan from the tables of a .docx file."""
    check_package(data, "docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds on broken parts
        raise UnreadableDocument(Code.CONTENT_DAMAGED, expected="docx") from exc
    plan = interpret_tables(_docx_tables(document), known_actors=known_actors)
    plan.title = (document.core_properties.title or "").strip() or None
    check_numbering(plan)
    return plan


def _docx_tables(document: DocxDocument) -> Iterator[Table]:
    paragraphs: list[Paragraph] = []
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs.append(block)
            continue
        number += 1
        yield Table(_docx_rows(block), _pick_heading(paragraphs), f"tabell {number}")
        paragraphs = []


def _pick_heading(paragraphs: list[Paragraph]) -> str | None:
    """The last heading-like paragraph before a table; None if no text stands there."""
    texts = [(p, p.text.strip()) for p in paragraphs if p.text.strip()]
    if not texts:
        return None
    for paragraph, text in reversed(texts):
        if _looks_like_heading(paragraph, text):
            return text
    short = [text for _, text in texts if len(text) <= 100]
    return short[-1] if short else None


def _looks_like_heading(paragraph: Paragraph, text: str) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.casefold().startswith(_HEADING_STYLES):
        return True
    runs = [r for r in paragraph.runs if r.text.strip()]
    bold = bool(runs) and all(r.bold for r in runs)
    return len(text) <= 100 and (bold or text == text.upper())


def _docx_rows(table: DocxTable) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    above: dict[int, Cell] = {}  # grid column → cell above, for vertically merged cells
    for tr in table._tbl.tr_lst:
        column = tr.grid_before
        cells: list[Cell] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue" and column in above:
                # The merged cell's text and colour hold for every row it covers.
                cell = replace(above[column], start=column, span=span)
            else:
                cell = Cell(_Cell(tc, table).text, column, span, _tc_fill(tc), _tc_ink(tc))
            cells.append(cell)
            for grid_column in range(column, column + span):
                above[grid_column] = cell
            column += span
        rows.append(cells)
    return rows


def _attr(element: Any, name: str) -> str | None:
    value = element.get(_qn(name))
    return value if value and value.lower() != "auto" else None


def _tc_fill(tc: Any) -> Colour:
    """Cell shading; failing that, shading or highlighting of the text inside the cell."""
    for path in ("./w:tcPr/w:shd", ".//w:pPr/w:shd", ".//w:rPr/w:shd"):
        for shd in tc.xpath(path):
            # w:val="solid" paints the pattern colour (w:color) over the whole cell.
            if shd.get(_qn("val")) == "solid" and _attr(shd, "color"):
                return _attr(shd, "color")
            if _attr(shd, "fill"):
                return _attr(shd, "fill")
    for highlight in tc.xpath(".//w:rPr/w:highlight"):
        if _attr(highlight, "val") and _attr(highlight, "val") != "none":
            return _attr(highlight, "val")
    return None


def _tc_ink(tc: Any) -> Colour:
    """The colour of a symbol such as ● in a cell that has no letters or digits."""
    text = "".join(tc.xpath(".//w:t/text()"))
    if not text.strip() or any(c.isalnum() for c in text):
        return None
    for colour in tc.xpath(".//w:r[w:t]/w:rPr/w:color"):
        if _attr(colour, "val"):
            return _attr(colour, "val")
    return None


def _qn(name: str) -> str:
    return f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{name}"
