"""The content of an open-data download: plain dataclasses, no Django.

A public document carries no internal details: the service leaves internal comments out and
sets the reporting fields (evidence link, who reported, which actor and round) to None, so a
format module cannot show them by mistake.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class StatusValue:
    code: str  # stable machine value: unknown, not_started, started, done, cancelled
    word: str  # the word the interface shows («gjennomført»)
    colour: str  # colour name as in the CSS: grey, red, yellow, green, dark
    symbol: str


@dataclass(frozen=True)
class ActorEntry:
    id: int
    name: str
    short_name: str
    written_as: str  # the form the plan used in this row; may differ from the name


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime.datetime
    status: StatusValue
    previous_status: StatusValue
    source: str  # web, seed, import or rollup
    comment: str  # "" when there is none or the reader may not see it
    comment_is_public: bool
    # On a group measure, the member whose own status this is; None for the measure's own.
    member: str | None = None
    # Reporting details: None in a public document.
    evidence_url: str | None = None
    reported_by: str | None = None
    reported_by_actor: str | None = None
    round_title: str | None = None


@dataclass(frozen=True)
class MilestoneEntry:
    id: int
    text: str
    due_on: datetime.date
    done_on: datetime.date | None  # None while it is not done


@dataclass(frozen=True)
class MemberEntry:
    """A member's own latest status on a group measure."""

    actor_id: int
    name: str
    status: StatusValue
    reported_at: datetime.datetime | None  # None while the member has not reported
    comment: str  # "" when there is none or the reader may not see it


@dataclass(frozen=True)
class FocusAreaEntry:
    id: int
    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.code}. {self.name}" if self.code else self.name


@dataclass(frozen=True)
class GoalEntry:
    id: int
    code: str
    text: str
    focus_area_id: int | None


@dataclass(frozen=True)
class MeasureEntry:
    id: int
    code: str
    written_code: str
    text: str
    timing_text: str
    start_year: int | None
    end_year: int | None
    yearly: bool
    continuous: bool
    note: str | None  # None: internal, and this document is public
    focus_area: FocusAreaEntry
    goal: GoalEntry | None
    responsible: tuple[ActorEntry, ...]
    involved: tuple[ActorEntry, ...]
    status: StatusValue
    status_at: datetime.datetime | None
    url: str
    history: tuple[HistoryEntry, ...]  # newest first, members' reports included
    # On a group measure, each member's own status; empty on other measures.
    members: tuple[MemberEntry, ...] = ()
    milestones: tuple[MilestoneEntry, ...] = ()  # by due date

    @property
    def milestones_done(self) -> int:
        return sum(1 for m in self.milestones if m.done_on is not None)

    @property
    def latest(self) -> HistoryEntry | None:
        """The measure's own latest update (not a member's report)."""
        return next((h for h in self.history if h.member is None), None)

    @property
    def members_reported(self) -> int:
        return sum(1 for m in self.members if m.reported_at is not None)

    @property
    def comment(self) -> str:
        """The comment on the current status, when the reader may see it."""
        return self.latest.comment if self.latest else ""


@dataclass(frozen=True)
class PlanDocument:
    region_slug: str
    region_name: str
    slug: str
    title: str
    kind: str
    state: str
    description: str
    period_start: int | None
    period_end: int | None
    adopted_by: str
    adopted_on: datetime.date | None
    published: bool
    url: str
    generated_at: datetime.datetime
    # True when the document holds internal comments and reporting details.
    internal: bool
    statuses: tuple[StatusValue, ...]  # every status, in the order of the scale
    focus_areas: tuple[FocusAreaEntry, ...]
    goals: tuple[GoalEntry, ...]
    measures: tuple[MeasureEntry, ...]

    @property
    def filename_stem(self) -> str:
        """«testdal-regionplan», with «-intern» when internal details are in it."""
        stem = f"{self.region_slug}-{self.slug}"
        return f"{stem}-intern" if self.internal else stem

    def history_rows(self) -> list[tuple[MeasureEntry, HistoryEntry]]:
        """Every status update of the plan, measure by measure in plan order, oldest first."""
        return [(m, h) for m in self.measures for h in reversed(m.history)]
