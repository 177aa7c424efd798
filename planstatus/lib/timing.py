"""Reading the "Tid" column of a plan: `2025`, `2025.-2026`, `2025 2026`, `årleg`, `Kont`."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from planstatus.lib.vocabulary import CONTINUOUS, YEARLY

_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d|21\d\d)(?!\d)")
# Nynorsk, Bokmål and English words (vocabulary.py), matched on word starts so that «Kont»,
# «kont.» and «kontinuerleg» all count.
_YEARLY = YEARLY
_CONTINUOUS = CONTINUOUS


@dataclass(frozen=True)
class Timing:
    text: str
    start: int | None = None
    end: int | None = None
    yearly: bool = False
    continuous: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def understood(self) -> bool:
        """Whether the text said something we could read: a year, yearly or continuous.
        An empty cell says nothing and is no misreading."""
        return not self.text or self.start is not None or self.yearly or self.continuous


def normalise_timing_text(text: str) -> str:
    """Join the lines of a cell with single spaces: "2025.-\\n2026" → "2025.-2026"."""
    parts = [line.strip() for line in text.splitlines() if line.strip()]
    joined = ""
    for part in parts:
        if joined and not joined.endswith("-"):
            joined += " "
        joined += part
    return re.sub(r"\s+", " ", joined)


def parse_timing(text: str) -> Timing:
    """Parse a timing cell. Years span from the first to the last year written."""
    text = normalise_timing_text(text)
    years = [int(y) for y in _YEAR.findall(text)]
    return Timing(
        text=text,
        start=min(years) if years else None,
        end=max(years) if years else None,
        yearly=bool(_YEARLY.search(text)),
        continuous=bool(_CONTINUOUS.search(text)),
    )
