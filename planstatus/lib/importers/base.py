"""What every plan reader produces, and the checks shared by all formats.

A reader turns the bytes of one document into a `ParsedPlan`. It never touches the database:
matching actors, reviewing and saving happen afterwards (see planstatus/imports/).

Readers word nothing themselves: a warning or a refusal carries a `Code` and its parameters
(the text it is about, a code, a row number), and planstatus/imports/messages.py words it in
the person's language. The `str()` of an `UnreadableDocument` (code and parameters) is for
logs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from planstatus.lib.status import Status
from planstatus.lib.timing import Timing, parse_timing

STATUSES = tuple(s.value for s in Status)  # the one list: planstatus/lib/status.py
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


# `where` of a warning about the whole document rather than one code.
DOCUMENT = "document"

Params = dict[str, str | int | float]


class Code(StrEnum):
    """Every warning and refusal a reader can give. Each has one message per language in
    planstatus/imports/messages.py; the comments give each code's parameters."""

    # Refusals (UnreadableDocument)
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"  # size_mb, limit_mb
    UNKNOWN_FORMAT = "unknown_format"
    IMAGE_FILE = "image_file"  # format: PNG, JPEG, GIF
    OLD_OFFICE_FILE = "old_office_file"
    RTF_FILE = "rtf_file"
    DAMAGED_OFFICE_FILE = "damaged_office_file"
    ZIP_NOT_OFFICE = "zip_not_office"
    # expected, found: a format key ("docx", "xlsx", "pptx", "pdf") the message names
    NOT_EXPECTED_FORMAT = "not_expected_format"  # expected
    WRONG_PACKAGE = "wrong_package"  # found, expected
    OLD_FORMAT_OR_PASSWORD = "old_format_or_password"  # save_as
    PACKAGE_DAMAGED = "package_damaged"  # expected
    CONTENT_DAMAGED = "content_damaged"  # expected
    UNPACKS_TOO_LARGE = "unpacks_too_large"
    TOO_HEAVY = "too_heavy"  # reading needs more memory or time than allowed
    NOT_TEXT = "not_text"
    NOT_CSV = "not_csv"
    ENCRYPTED_PDF = "encrypted_pdf"
    SCANNED_PDF = "scanned_pdf"
    NO_TEXT = "no_text"
    DAMAGED_PDF = "damaged_pdf"
    NO_PLAN_TABLE = "no_plan_table"
    NO_HEADER_ROW = "no_header_row"
    NO_MEASURES = "no_measures"
    NO_MEASURES_IN_TEXT = "no_measures_in_text"
    # Warnings about the whole document
    PAGES_TRUNCATED = "pages_truncated"  # pages
    ROWS_TRUNCATED = "rows_truncated"  # rows
    READ_AS_WINDOWS_1252 = "read_as_windows_1252"
    TEXT_OUTSIDE_MEASURES = "text_outside_measures"  # text
    # Numbering (check_numbering)
    DUPLICATE_CODE = "duplicate_code"  # code, count
    MEASURE_UNDER_OTHER_GOAL = "measure_under_other_goal"  # code, goal
    NUMBERING_GAP = "numbering_gap"  # missing: codes, comma-separated
    # Focus areas and goals
    AREA_HEADING_MISSING = "area_heading_missing"  # area
    AREA_WITHOUT_NUMBER = "area_without_number"  # name, code
    AREA_ON_ROW_WITHOUT_NUMBER = "area_on_row_without_number"  # row, code
    AREA_WITHOUT_NAME = "area_without_name"  # code
    HEADING_RECASED = "heading_recased"  # heading, name
    AREA_NAME_RECASED = "area_name_recased"  # text, name
    GOAL_WITHOUT_CODE = "goal_without_code"  # text, code
    GOAL_WITHOUT_TEXT = "goal_without_text"  # code
    MEASURES_WITHOUT_GOAL = "measures_without_goal"
    # Measures
    CODE_COMPLETED = "code_completed"  # written, code (kept for reviews stored before 2026-12)
    CODE_COMPLETED_FROM_GOAL = "code_completed_from_goal"  # written, code, goal
    CODE_COMPLETED_FROM_AREA = "code_completed_from_area"  # written, code, area
    CODE_INCOMPLETE = "code_incomplete"  # written, code
    MEASURE_WITHOUT_CODE = "measure_without_code"  # text, code
    MEASURE_ON_ROW_WITHOUT_CODE = "measure_on_row_without_code"  # row, code
    ROW_CONTINUES_MEASURE = "row_continues_measure"  # code
    EXTRA_TIMING = "extra_timing"  # timing
    AMBIGUOUS_ACTORS = "ambiguous_actors"
    STATUS_WORDS_AND_COLOUR_DIFFER = "status_words_and_colour_differ"  # words
    STATUS_NOT_UNDERSTOOD = "status_not_understood"  # words
    # Since the one interpreter (issue 18)
    COLUMNS_GUESSED = "columns_guessed"  # columns: «Tiltak=measure, …» as guessed from content
    TIMING_FROM_HEADING = "timing_from_heading"  # timing, text: where it stands
    CODES_GENERATED = "codes_generated"  # count
    STATUS_FROM_PROSE = "status_from_prose"  # words
    ACTORS_SPLIT_AT_COMMA = "actors_split_at_comma"  # text
    VALUE_TOO_LONG = "value_too_long"  # what, text, limit
    BLOCK_NOT_READ = "block_not_read"  # text: a heading or line that is no part of the plan
    COLUMN_NOT_FOUND = "column_not_found"  # column: a header the person named, not found
    SEVERAL_BULLETS_IN_ONE_LINE = "several_bullets_in_one_line"  # count
    COLUMNS_NOT_READ = "columns_not_read"  # columns: headers, comma-separated
    TIMING_NOT_UNDERSTOOD = "timing_not_understood"  # timing: as written


class UnreadableDocument(ValueError):
    """The document cannot be read as a plan: a `Code` and its parameters, which the
    imports layer words for the person."""

    def __init__(self, code: Code, /, **params: str | int | float) -> None:
        super().__init__(f"{code} {params}" if params else str(code))
        self.code = code
        self.params: Params = params
        # A document whose tables held no plan as read: each table's reading, for the
        # person to name the columns and read it again.
        self.tables: list[TableReading] = []


@dataclass
class ImportWarning:
    where: str  # a code such as "4.5.2", or DOCUMENT
    code: str  # a Code; a plain string when read back from stored JSON
    params: Params = field(default_factory=dict)
    # "numbering" warnings are recomputed after every edit in the review; others stay.
    kind: str = "reader"
    # Only in reviews stored before warnings had codes: the Nynorsk text, shown as it is.
    message: str = ""
    # The block of the document the warning is about: {"block": index, "page": …, "line": …,
    # "row": …, "sheet": …}, whichever the format has; empty when it is about no one block.
    place: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "where": self.where,
            "code": str(self.code),
            "params": dict(self.params),
            "kind": self.kind,
        }
        if self.message:
            data["message"] = self.message
        if self.place:
            data["place"] = dict(self.place)
        return data

    @classmethod
    def at(
        cls, where: str, code: Code, /, *, kind: str = "reader", **params: str | int | float
    ) -> ImportWarning:
        """`ImportWarning.at("4.5.2", Code.CODE_COMPLETED, written=".5.2.", code="4.5.2")`"""
        return cls(where, code, params, kind)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportWarning:
        return cls(
            where=str(data.get("where", "")),
            code=str(data.get("code", "")),
            params=dict(data.get("params") or {}),
            kind=data.get("kind", "reader"),
            message=str(data.get("message", "")),
            place=dict(data.get("place") or {}),
        )


@dataclass
class ParsedMeasure:
    code: str
    text: str
    timing: Timing = field(default_factory=lambda: parse_timing(""))
    responsible: list[str] = field(default_factory=list)
    involved: list[str] = field(default_factory=list)
    status: str = "unknown"
    written_code: str = ""  # as the document writes it, when it differs from `code`
    note: str = ""
    # The document's comment on the status («Kommentar», «Statuskommentar»): the measure's
    # first status comment.
    comment: str = ""
    # The document gives no code: `code` is made up (area.goal.measure).
    code_generated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "written_code": "" if self.code_generated else (self.written_code or self.code),
            "text": self.text,
            "timing": self.timing.as_dict(),
            "responsible": list(self.responsible),
            "involved": list(self.involved),
            "status": self.status,
            "note": self.note,
            "comment": self.comment,
            "code_generated": self.code_generated,
        }


@dataclass
class ParsedGoal:
    code: str
    text: str
    measures: list[ParsedMeasure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "text": self.text,
            "measures": [m.as_dict() for m in self.measures],
        }


@dataclass
class ParsedArea:
    code: str
    name: str
    goals: list[ParsedGoal] = field(default_factory=list)
    # Narrative text under the area's heading (a prose report's paragraphs), kept as it is.
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "goals": [g.as_dict() for g in self.goals],
        }
        if self.description:
            data["description"] = self.description
        return data


@dataclass
class ColumnReading:
    """How the interpreter read one column of a table: for the person to check, and to
    change with a role picker."""

    index: int  # the column's grid position in the table, from 0
    header: str  # the header as written; "" when the table has no header row
    role: str  # a vocabulary.ROLES value
    confidence: float  # 1.0 a header word; less for a phrase, a guess from content
    source: str  # "header", "content", "person" (given by the person), "previous" (the
    # table goes on from the one before)
    # The first texts under the header, shortened: what the column holds, for the person.
    sample: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "index": self.index,
            "header": self.header,
            "role": self.role,
            "confidence": round(self.confidence, 2),
            "source": self.source,
        }
        if self.sample:
            data["sample"] = list(self.sample)
        return data


@dataclass(frozen=True)
class TableChoice:
    """The person's reading of one table (the review's role pickers): each column's role by
    its grid position, and the row the headers stand in (None: the table has none). A
    table given no measure column is no part of the plan."""

    roles: dict[int, str]
    header_row: int | None = None


@dataclass
class TableReading:
    block: int  # the table's block index in the document
    name: str  # «tabell 2», «side 3», a sheet's name
    header_row: int | None  # the row (from 0) the headers stand in; None without one
    columns: list[ColumnReading] = field(default_factory=list)
    used: bool = True  # read as part of the plan

    def as_dict(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "name": self.name,
            "header_row": self.header_row,
            "columns": [c.as_dict() for c in self.columns],
            "used": self.used,
        }


@dataclass
class ParsedPlan:
    title: str | None
    areas: list[ParsedArea] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    # The tables found and how their columns were read (empty for documents read as text).
    tables: list[TableReading] = field(default_factory=list)
    # For documents read line by line: each line's block index and what it was read as
    # ("area", "goal", "measure", "description", "ignored", …), for a line-by-line review.
    lines: list[dict[str, Any]] = field(default_factory=list)

    def measures(self) -> list[ParsedMeasure]:
        return [m for a in self.areas for g in a.goals for m in g.measures]

    def warn(
        self, where: str, code: Code, /, *, kind: str = "reader", **params: str | int | float
    ) -> None:
        self.warnings.append(ImportWarning.at(where, code, kind=kind, **params))

    def as_dict(self) -> dict[str, Any]:
        """The JSON kept for a review; `import-plan --json` prints it with each warning worded."""
        data: dict[str, Any] = {
            "title": self.title,
            "areas": [a.as_dict() for a in self.areas],
            "warnings": [w.as_dict() for w in self.warnings],
        }
        if self.tables:
            data["tables"] = [t.as_dict() for t in self.tables]
        if self.lines:
            data["lines"] = [dict(line) for line in self.lines]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedPlan:
        """The inverse of `as_dict`, for drafts kept between upload and confirmation."""
        return cls(
            title=data.get("title"),
            areas=[
                ParsedArea(
                    code=a["code"],
                    name=a["name"],
                    description=a.get("description") or "",
                    goals=[
                        ParsedGoal(
                            code=g["code"],
                            text=g["text"],
                            measures=[_measure_from_dict(m) for m in g["measures"]],
                        )
                        for g in a["goals"]
                    ],
                )
                for a in data.get("areas", [])
            ],
            warnings=[ImportWarning.from_dict(w) for w in data.get("warnings", [])],
            tables=[_table_from_dict(t) for t in data.get("tables") or []],
            lines=[dict(line) for line in data.get("lines") or []],
        )


def _table_from_dict(t: dict[str, Any]) -> TableReading:
    return TableReading(
        block=int(t.get("block", 0)),
        name=str(t.get("name", "")),
        header_row=t.get("header_row"),
        columns=[
            ColumnReading(
                index=int(c.get("index", 0)),
                header=str(c.get("header", "")),
                role=str(c.get("role", "ignore")),
                confidence=float(c.get("confidence", 0)),
                source=str(c.get("source", "")),
                sample=[str(x) for x in c.get("sample") or []],
            )
            for c in t.get("columns") or []
        ],
        used=bool(t.get("used", True)),
    )


def _measure_from_dict(m: dict[str, Any]) -> ParsedMeasure:
    timing = m.get("timing") or {}
    written = m.get("written_code") or ""
    return ParsedMeasure(
        code=m["code"],
        text=m["text"],
        timing=Timing(
            text=timing.get("text", ""),
            start=timing.get("start"),
            end=timing.get("end"),
            yearly=bool(timing.get("yearly")),
            continuous=bool(timing.get("continuous")),
        ),
        responsible=list(m.get("responsible") or []),
        involved=list(m.get("involved") or []),
        status=m.get("status") or "unknown",
        written_code="" if written == m["code"] else written,
        note=m.get("note") or "",
        comment=m.get("comment") or "",
        code_generated=bool(m.get("code_generated")),
    )


def _code_parts(code: str) -> list[int] | None:
    parts = code.split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


def check_numbering(plan: ParsedPlan) -> None:
    """Add warnings for duplicate codes, gaps and measures outside their goal's numbering,
    and for a time that could not be read (no year, «årleg» or «kontinuerleg»: the measure
    would fall out of the due-year filter and the timeline). The review computes them again
    after every edit (kind "numbering"), so a corrected time clears its warning.

    Readers fix nothing silently: a code read differently from how it is written carries
    `written_code` and its own warning from the reader.
    """
    if not plan.measures():
        raise UnreadableDocument(Code.NO_MEASURES)
    plan.warnings = [w for w in plan.warnings if w.kind != "numbering"]
    for m in plan.measures():
        if not m.timing.understood:
            plan.warn(m.code, Code.TIMING_NOT_UNDERSTOOD, kind="numbering", timing=m.timing.text)
    counts = Counter(m.code for m in plan.measures() if m.code)
    for code, n in counts.items():
        if n > 1:
            plan.warn(code, Code.DUPLICATE_CODE, kind="numbering", code=code, count=n)
    for area in plan.areas:
        for goal in area.goals:
            numbers = []
            for m in goal.measures:
                parts = _code_parts(m.code)
                if goal.code and parts and not m.code.startswith(goal.code + "."):
                    plan.warn(
                        m.code,
                        Code.MEASURE_UNDER_OTHER_GOAL,
                        kind="numbering",
                        code=m.code,
                        goal=goal.code,
                    )
                if parts:
                    numbers.append(parts[-1])
            expected = 1
            for number in sorted(set(numbers)):
                if number > expected:
                    missing = ", ".join(f"{goal.code}.{n}" for n in range(expected, number))
                    plan.warn(
                        goal.code or area.code,
                        Code.NUMBERING_GAP,
                        kind="numbering",
                        missing=missing,
                    )
                expected = number + 1


_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Collapse runs of spaces, keeping line breaks that start a bullet."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if out and not line.startswith(("•", "-", "–", "*")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)
