"""What the API answers, as typed schemas; the OpenAPI document is generated from these.

Field descriptions are in English, the language of API documentation for developers; the
data itself (status words, names) is as the plans write it.
"""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
# Far beyond any plan, and well inside what both databases take as an offset.
MAX_OFFSET = 1_000_000

StatusCode = Literal["unknown", "not_started", "started", "done", "cancelled"]

INTERNAL_ONLY = (
    " Null unless the token's user may read the region's internal data (a member of the "
    "region or an installation administrator)."
)


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in words.")


class PageParams(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items to return at most."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


class PageOut(Schema):
    count: int = Field(description="How many items there are in all, on every page.")
    limit: int
    offset: int


class StatusOut(Schema):
    code: StatusCode = Field(description="Stable machine value of the status.")
    word: str = Field(description="The status as the interface words it (Nynorsk).")
    colour: Literal["grey", "red", "yellow", "green", "dark"] = Field(
        description="Traffic-light colour; never the only carrier of the status."
    )
    symbol: str


class RegionOut(Schema):
    slug: str
    name: str
    council_name: str
    description: str
    url: str = Field(description="The region's web page.")


class RegionPage(PageOut):
    items: list[RegionOut]


class DownloadsOut(Schema):
    csv: str
    xlsx: str
    json_: str = Field(serialization_alias="json")


class PlanOut(Schema):
    region: str = Field(description="The region's slug.")
    slug: str
    title: str
    kind: Literal["regional_plan", "strategic_plan", "programme", "action_programme"]
    state: Literal["draft", "adopted", "archived"]
    description: str
    period_start: int | None
    period_end: int | None
    adopted_by: str
    adopted_on: datetime.date | None
    published: bool = Field(description="Published plans are public; others are internal.")
    url: str = Field(description="The plan's web page.")
    downloads: DownloadsOut = Field(description="The plan as CSV, Excel and JSON files.")


class PlanPage(PageOut):
    items: list[PlanOut]


class StatusCountOut(Schema):
    status: StatusOut
    count: int


class PlanDetailOut(PlanOut):
    internal: bool = Field(
        description="Whether this caller sees internal comments and reporting details."
    )
    measure_count: int
    status_counts: list[StatusCountOut]


class FocusAreaOut(Schema):
    id: int
    code: str
    name: str
    order: int


class FocusAreaPage(PageOut):
    items: list[FocusAreaOut]


class GoalOut(Schema):
    id: int
    code: str
    text: str
    focus_area_id: int | None = Field(description="Null for a goal of the whole plan.")
    order: int


class GoalPage(PageOut):
    items: list[GoalOut]


class ActorOut(Schema):
    id: int
    name: str
    short_name: str
    written_as: str = Field(description="The form the plan used for the actor in this row.")


class TimingOut(Schema):
    text: str = Field(description="The time as the plan writes it («2025.-2026», «Kont»).")
    start_year: int | None
    end_year: int | None
    yearly: bool
    continuous: bool


class MeasureOut(Schema):
    id: int
    code: str = Field(description="The code as read (used for sorting); may repeat in a plan.")
    written_code: str = Field(description="The code exactly as the plan document writes it.")
    text: str
    timing: TimingOut
    note: str
    focus_area_id: int
    goal_id: int | None
    responsible: list[ActorOut]
    involved: list[ActorOut]
    status: StatusOut
    status_at: datetime.datetime | None = Field(description="When the status was set.")
    archived_at: datetime.datetime | None = Field(
        description="Set when a revised plan dropped the measure; its history is kept."
    )
    url: str = Field(description="The measure's web page.")


class MeasurePage(PageOut):
    items: list[MeasureOut]


class HistoryEntryOut(Schema):
    id: int
    at: datetime.datetime
    status: StatusOut
    previous_status: StatusOut
    source: Literal["web", "seed", "import"]
    comment: str = Field(
        description="The comment; empty when there is none or it is internal and the caller "
        "may not read internal data."
    )
    comment_is_public: bool
    evidence_url: str | None = Field(description="Link to documentation." + INTERNAL_ONLY)
    reported_by: str | None = Field(description="User name of who reported." + INTERNAL_ONLY)
    reported_by_actor: str | None = Field(
        description="The actor that reported in a reporting round." + INTERNAL_ONLY
    )
    round_title: str | None = Field(description="The reporting round." + INTERNAL_ONLY)


class HistoryPage(PageOut):
    items: list[HistoryEntryOut]
