"""What the API answers, as typed schemas; the OpenAPI document is generated from these.

Field descriptions are in English, the language of API documentation for developers; the
data itself (status words, names) is as the plans write it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import BaseModel, ConfigDict

from planstatus.lib.status import Status

T = TypeVar("T")

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
# Far beyond any plan, and well inside what both databases take as an offset.
MAX_OFFSET = 1_000_000

# The one list of statuses (an enum in the OpenAPI schema).
StatusCode = Status

INTERNAL_ONLY = (
    " Null unless the token's user may read the region's internal data (a member of the "
    "region or an installation administrator)."
)


class Out(BaseModel):
    """The base of every answer. Not ninja's Schema, whose wrapper for reading ORM objects
    (DjangoGetter) ran once per nested object: a fifth of the measure list's time
    (bench/RESULTS.md, issue 19). The answers are built as dicts; the few that are models
    (focus areas, goals) are read by attribute."""

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Out):
    detail: str = Field(description="What went wrong, in words.")


class LimitOffset(PaginationBase):
    """django-ninja's pagination, answering as the API always has: a page of `items` with
    the `count` of all, and the `limit` and `offset` asked for (at most 500 items a page).

    A list operation returns a QuerySet, or Converted() when its items need the request."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items to return at most."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="How many items there are in all, on every page.")
        limit: int
        offset: int

    def paginate_queryset(
        self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        """Two queries: the count, then the page's items (plus any prefetch)."""
        start = pagination.offset
        return {
            "count": queryset.count(),
            "items": queryset[start : start + pagination.limit],
            "limit": pagination.limit,
            "offset": pagination.offset,
        }


class Converted(Generic[T]):
    """A QuerySet whose items are converted as a page is sliced from it: one by one with
    `convert`, or the page at once with `convert_page` (for what it reads in one query)."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        convert: Callable[[Any], T] | None = None,
        *,
        convert_page: Callable[[list[Any]], list[T]] | None = None,
    ) -> None:
        self.queryset = queryset
        if convert_page is None:
            assert convert is not None
            convert_page = lambda items: [convert(item) for item in items]  # noqa: E731
        self.convert_page = convert_page

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list[T]:
        return self.convert_page(list(self.queryset[page]))


class StatusOut(Out):
    code: StatusCode = Field(description="Stable machine value of the status.")
    word: str = Field(description="The status as the interface words it (Nynorsk).")
    colour: Literal["grey", "red", "yellow", "green", "dark"] = Field(
        description="Traffic-light colour; never the only carrier of the status."
    )
    symbol: str


class RegionOut(Out):
    slug: str
    name: str
    council_name: str
    description: str
    url: str = Field(description="The region's web page.")


class DownloadsOut(Out):
    csv: str
    xlsx: str
    json_: str = Field(serialization_alias="json")


class PlanOut(Out):
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


class StatusCountOut(Out):
    status: StatusOut
    count: int


class PlanDetailOut(PlanOut):
    internal: bool = Field(
        description="Whether this caller sees internal comments and reporting details."
    )
    measure_count: int
    status_counts: list[StatusCountOut]


class FocusAreaOut(Out):
    id: int
    code: str
    name: str
    order: int


class GoalOut(Out):
    id: int
    code: str
    text: str
    focus_area_id: int | None = Field(description="Null for a goal of the whole plan.")
    order: int


class ActorOut(Out):
    id: int
    name: str
    short_name: str
    written_as: str = Field(description="The form the plan used for the actor in this row.")


class TimingOut(Out):
    text: str = Field(description="The time as the plan writes it («2025.-2026», «Kont»).")
    start_year: int | None
    end_year: int | None
    yearly: bool
    continuous: bool


class MilestoneOut(Out):
    id: int
    text: str
    due_on: datetime.date
    done_on: datetime.date | None = Field(description="The day it was marked done; null if not.")


class MemberStatusOut(Out):
    actor_id: int
    name: str
    status: StatusOut
    reported_at: datetime.datetime | None = Field(description="Null while it has not reported.")
    comment: str = Field(description="Empty when none, or internal and the caller may not read it.")


class MeasureOut(Out):
    id: int
    code: str = Field(description="The code as read (used for sorting); may repeat in a plan.")
    written_code: str = Field(description="The code exactly as the plan document writes it.")
    text: str
    timing: TimingOut
    note: str | None = Field(
        description="The secretariat's note; null unless published or the caller may read "
        "the region's internal information."
    )
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
    members: list[MemberStatusOut] = Field(
        description="On a measure whose responsible actor is a group, each member's own "
        "status; the measure's `status` is rolled up from them or set by hand. Empty otherwise."
    )
    milestones: list[MilestoneOut] = Field(
        description="Dated steps, by due date. One past due and not done makes the measure late."
    )


class HistoryEntryOut(Out):
    id: int
    at: datetime.datetime
    status: StatusOut
    previous_status: StatusOut
    source: Literal["web", "seed", "import", "rollup"]
    comment: str = Field(
        description="The comment; empty when there is none or it is internal and the caller "
        "may not read internal data."
    )
    comment_is_public: bool
    member: str | None = Field(
        description="On a group measure, the member whose own status this is; null for the "
        "measure's own status."
    )
    evidence_url: str | None = Field(description="Link to documentation." + INTERNAL_ONLY)
    reported_by: str | None = Field(description="User name of who reported." + INTERNAL_ONLY)
    reported_by_actor: str | None = Field(
        description="The actor that reported in a reporting round." + INTERNAL_ONLY
    )
    round_title: str | None = Field(description="The reporting round." + INTERNAL_ONLY)


# Indicators

IndicatorDirection = Literal["higher", "lower"]
IndicatorAggregation = Literal["direct", "sum", "weighted_mean"]
AssessmentCode = Literal["reached", "on_track", "behind", "unknown"]

PERIOD = "The period: a year («2024») or a date («2024-01-01»)."


class CodeLinkOut(Out):
    id: int
    code: str = Field(description="The code as read; measure codes may repeat in a plan.")


class BaselineOut(Out):
    value: float
    year: int


class TargetOut(Out):
    year: int
    value: float
    note: str


class PeriodValueOut(Out):
    period: str = Field(description=PERIOD)
    value: float


class AssessmentOut(Out):
    code: AssessmentCode = Field(description="Stable machine value of the assessment.")
    label: str = Field(description="The assessment as the interface words it (Nynorsk).")
    symbol: str
    expected: float | None = Field(
        description="Where the target path is at the time of the latest value; null when "
        "there is no value or no target."
    )


class IndicatorOut(Out):
    id: int
    name: str
    unit: str
    direction: IndicatorDirection = Field(description="Whether higher or lower is better.")
    aggregation: IndicatorAggregation = Field(
        description="How the region's value comes about: entered for the region (`direct`), "
        "the sum of the municipalities, or their mean weighted by `weight_label`. A computed "
        "period has a region value only when every municipality has a value."
    )
    weight_label: str = Field(description="What a weighted mean weights each municipality by.")
    baseline: BaselineOut | None = Field(description="Null when the indicator has none.")
    targets: list[TargetOut] = Field(description="By year, earliest first.")
    source: str
    definition: str
    goals: list[CodeLinkOut] = Field(description="The plan's goals the indicator measures.")
    measures: list[CodeLinkOut] = Field(description="The plan's measures it follows.")
    assessment: AssessmentOut = Field(
        description="The region's latest value against the targets; the detail gives the rule."
    )
    latest: PeriodValueOut | None = Field(description="The region's latest known value.")
    url: str = Field(description="The indicator's web page.")


class RegionValueOut(Out):
    period: str = Field(description=PERIOD)
    value: float | None = Field(
        description="Null for a computed period where some municipality has no value."
    )
    missing: list[str] = Field(
        description="For a computed value: the municipalities without a value (or weight)."
    )
    source_note: str | None = Field(
        description="Where an entered region value came from." + INTERNAL_ONLY
    )
    entered_by: str | None = Field(
        description="User name of who entered the region value." + INTERNAL_ONLY
    )


class MunicipalityOut(Out):
    name: str
    number: str = Field(description="The municipality number in use now (from 2024).")


class MunicipalityValueOut(Out):
    municipality: MunicipalityOut
    period: str = Field(description=PERIOD)
    value: float
    weight: float | None = Field(description="The weight in a weighted mean, if given.")
    source_note: str | None = Field(description="Where the value came from." + INTERNAL_ONLY)
    entered_by: str | None = Field(description="User name of who entered it." + INTERNAL_ONLY)


class IndicatorDetailOut(IndicatorOut):
    internal: bool = Field(description="Whether this caller sees source notes and who entered.")
    assessment_rule: str = Field(
        description="How the assessment is set, in words, as the web page states it."
    )
    region_values: list[RegionValueOut] = Field(description="The region's series, by period.")
    municipality_values: list[MunicipalityValueOut] = Field(
        description="Every municipality's values, by municipality number, then period."
    )
