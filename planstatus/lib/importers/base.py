"""What every plan reader produces, and the checks shared by all formats.

A reader turns the bytes of one document into a `ParsedPlan`. It never touches the database:
matching actors, reviewing and saving happen afterwards (see planstatus/plans/imports.py).
Messages meant for users are in Nynorsk.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from planstatus.lib.timing import Timing, parse_timing

STATUSES = ("unknown", "not_started", "started", "done", "cancelled")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UnreadableDocument(ValueError):
    """The document cannot be read as a plan. The message is shown to the user as it is."""


@dataclass
class ImportWarning:
    where: str  # a code such as "4.5.2", or "dokument"
    message: str
    # "numbering" warnings are recomputed after every edit in the review; others stay.
    kind: str = "reader"

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "message": self.message, "kind": self.kind}


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "written_code": self.written_code or self.code,
            "text": self.text,
            "timing": self.timing.as_dict(),
            "responsible": list(self.responsible),
            "involved": list(self.involved),
            "status": self.status,
            "note": self.note,
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

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "goals": [g.as_dict() for g in self.goals]}


@dataclass
class ParsedPlan:
    title: str | None
    areas: list[ParsedArea] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)

    def measures(self) -> list[ParsedMeasure]:
        return [m for a in self.areas for g in a.goals for m in g.measures]

    def warn(self, where: str, message: str, kind: str = "reader") -> None:
        self.warnings.append(ImportWarning(where, message, kind))

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `planstatus import-plan --dry-run --json`."""
        return {
            "title": self.title,
            "areas": [a.as_dict() for a in self.areas],
            "warnings": [w.as_dict() for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedPlan:
        """The inverse of `as_dict`, for drafts kept between upload and confirmation."""
        return cls(
            title=data.get("title"),
            areas=[
                ParsedArea(
                    code=a["code"],
                    name=a["name"],
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
            warnings=[
                ImportWarning(w["where"], w["message"], w.get("kind", "reader"))
                for w in data.get("warnings", [])
            ],
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
    )


class PlanReader(Protocol):
    """One module per format implements this."""

    def __call__(self, data: bytes, *, known_actors: list[str]) -> ParsedPlan: ...


def _code_parts(code: str) -> list[int] | None:
    parts = code.split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


def check_numbering(plan: ParsedPlan) -> None:
    """Add warnings for duplicate codes, gaps and measures outside their goal's numbering.

    Readers fix nothing silently: a code read differently from how it is written carries
    `written_code` and its own warning from the reader.
    """
    if not plan.measures():
        raise UnreadableDocument("Fann ingen tiltak i dokumentet. Er dette ein plan?")
    plan.warnings = [w for w in plan.warnings if w.kind != "numbering"]
    counts = Counter(m.code for m in plan.measures() if m.code)
    for code, n in counts.items():
        if n > 1:
            plan.warn(code, f"Koden {code} er brukt på {n} tiltak. Alle er tekne med.", "numbering")
    for area in plan.areas:
        for goal in area.goals:
            numbers = []
            for m in goal.measures:
                parts = _code_parts(m.code)
                if goal.code and parts and not m.code.startswith(goal.code + "."):
                    plan.warn(m.code, f"Tiltak {m.code} står under mål {goal.code}.", "numbering")
                if parts:
                    numbers.append(parts[-1])
            expected = 1
            for number in sorted(set(numbers)):
                if number > expected:
                    missing = ", ".join(f"{goal.code}.{n}" for n in range(expected, number))
                    plan.warn(
                        goal.code or area.code, f"Ingen tiltak med kode {missing}.", "numbering"
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
