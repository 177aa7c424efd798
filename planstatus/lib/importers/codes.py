"""Codes of measures and goals: the one `read_code`, and codes made up where a document has
none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planstatus.lib.importers.base import Code, ImportWarning, ParsedGoal
from planstatus.lib.vocabulary import DOTTED_CODE, LETTER_CODE

# The longest code the database keeps (Measure.code, written_code, FocusArea.code).
MAX_CODE_LENGTH = 20

# A dotted code at the start of a cell: «1.1.1», «1.1.1.», «.5.2.». At least one inner dot,
# so that «2025 …» or «40 % …» at the start of a text is not read as a code.
_LEADING_CODE = re.compile(rf"^\s*(?P<code>{DOTTED_CODE})(?=[\s:)–-]|$)")
_ANY_CODE = re.compile(r"^\.?\d{1,3}(?:\.\d{1,3})*\.?$")
# A code of any shape standing alone in a code column: «1.1.1», «BA1», «IKT 1», «3a», «A.2».
_CELL_CODE = re.compile(rf"^(?:{DOTTED_CODE}|\d{{1,3}}\.?|{LETTER_CODE}\.?)$")


@dataclass(frozen=True)
class CodeReading:
    code: str
    written_code: str  # as written, when it differs from `code`; else ""
    warning: ImportWarning | None = None
    # A note saved with the measure, in the plan's own language, when the code was guessed.
    note: str = ""


def split_leading_code(text: str) -> tuple[str, str]:
    """(written code, rest) for a cell that starts with a dotted code, else ("", text)."""
    match = _LEADING_CODE.match(text)
    if not match:
        return "", text
    return match.group("code"), text[match.end() :]


def is_code(text: str) -> bool:
    """A number or a dotted number alone: «2», «1.1.1», «.5.2.»."""
    return bool(_ANY_CODE.match(text.strip()))


def is_cell_code(text: str) -> bool:
    """A code of any shape alone in a cell, as code columns hold them."""
    return bool(_CELL_CODE.match(text.strip())) and len(text.strip()) <= MAX_CODE_LENGTH


def read_code(written: str, parent: str) -> CodeReading:
    """A measure code as written under the goal or area `parent`.

    «1.1.1.» is 1.1.1 written with a trailing dot: no guess, no warning. «.5.2.» under goal
    4.5 has lost its first number, and a bare «2» under goal 4.5 is its second measure:
    both are read as 4.5.2, with a warning. A code that cannot be placed under its parent
    is kept as it stands, warned about when it starts with a dot. Codes that are not
    numbers («BA1», «IKT 1», «3a») are kept as written.
    """
    written = written.strip()
    core = written.strip(". ")
    parts = core.split(".")
    if not core or not all(p.isdigit() for p in parts):
        return CodeReading(written, "")
    code = core
    dotted_start = written.startswith(".")
    if dotted_start or len(parts) == 1:
        parent_parts = parent.split(".") if parent else []
        missing = len(parent_parts) + 1 - len(parts)
        if parent_parts and missing > 0 and parts[:-1] == parent_parts[missing:]:
            code = ".".join(parent_parts[:missing] + parts)
            if "." in parent:
                warning = ImportWarning.at(
                    code, Code.CODE_COMPLETED_FROM_GOAL, written=written, code=code, goal=parent
                )
            else:
                warning = ImportWarning.at(
                    code, Code.CODE_COMPLETED_FROM_AREA, written=written, code=code, area=parent
                )
            note = f"Skrive som «{written}» i dokumentet; lese som {code}."
            return CodeReading(code, written, warning, note)
        if dotted_start:
            warning = ImportWarning.at(core, Code.CODE_INCOMPLETE, written=written, code=core)
            note = f"Skrive som «{written}» i dokumentet; lese som {core}."
            return CodeReading(core, written, warning, note)
    return CodeReading(code, written if written != code else "")


def next_code(goal: ParsedGoal, parent: str) -> str:
    """The code a measure without one gets: one past the highest number under its goal."""
    numbers = [int(p) for m in goal.measures if (p := m.code.rsplit(".", 1)[-1]).isdigit()]
    return f"{parent}.{max(numbers, default=0) + 1}" if parent else str(len(goal.measures) + 1)
