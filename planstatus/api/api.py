"""The read-only REST API, /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.

Every answer goes through the same visibility rules as the web pages (`plans/access.py` and
`accounts/roles.py`): anonymous callers see published plans and public comments; a token's
user sees what that user may see on the web. Anything the caller may not see answers 404,
as on the web. List endpoints are paginated with `limit` and `offset`, and each costs a fixed
number of queries whatever the page size.
"""

# No `from __future__ import annotations`: django-ninja reads the operations' parameter
# types at import time, and under @paginate it would look for them in its own module.

from collections import Counter
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Path
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.pagination import paginate
from ninja.renderers import JSONRenderer

from planstatus.accounts.roles import can_read_internal
from planstatus.api.auth import ApiTokenAuth, InvalidApiToken, caller
from planstatus.api.opendata import history_entry, measure_entry, status_value
from planstatus.api.schemas import (
    Converted,
    ErrorOut,
    FocusAreaOut,
    GoalOut,
    HistoryEntryOut,
    IndicatorDetailOut,
    IndicatorOut,
    LimitOffset,
    MeasureOut,
    PlanDetailOut,
    PlanOut,
    RegionOut,
    StatusCode,
    StatusOut,
)
from planstatus.indicators.models import VALUE_PLACES, Indicator, IndicatorValue
from planstatus.indicators.services import (
    IndicatorSummary,
    assessment_label,
    assessment_symbol,
    region_municipalities,
    status_rule,
    summarise,
)
from planstatus.lib.opendata.json import measure_dict
from planstatus.lib.opendata.model import FocusAreaEntry, GoalEntry
from planstatus.lib.status import Status
from planstatus.plans.access import (
    get_measure_for_user,
    get_plan_for_user,
    get_region_for_user,
    visible_plans,
    visible_regions,
)
from planstatus.plans.groups import GroupReporting, group_reporting
from planstatus.plans.models import Goal, Measure, Plan, StatusUpdate
from planstatus.regions.models import Region

API_VERSION = "1"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# Both databases store ids as 64-bit integers; a larger number can name nothing.
MAX_ID = 2**63 - 1

T = TypeVar("T")

DESCRIPTION = """
Read-only access to the plans that Planstatus follows up: regions → plans → focus areas →
goals → measures, each measure with its actors, its current traffic-light status and its
status history.

**Who sees what.** Without a token you get published plans and the comments marked public.
With a personal API token (`Authorization: Bearer <token>`) you get what its user may see on
the web: for members of a region also its unpublished plans, internal comments, evidence links
and who reported. A token that is not valid is refused with 401, never read as anonymous.
Anything you may not see answers 404.

**Lists** are paginated: `limit` (at most 500) and `offset`; `count` is the total.

**Numbers.** Indicator values, weights, baselines and targets are JSON numbers. They are kept
with at most four decimals, and a region value computed as a weighted mean is rounded to four.
Periods are strings: a year («2024») or a date («2024-01-01»).

**Files.** Every plan can also be downloaded as CSV, Excel and JSON (see `downloads`).
"""


class SafeJSONRenderer(JSONRenderer):
    """JSON with «<», «>» and «&» escaped, so that text from the plans stays inert even if a
    browser is talked into reading an answer as HTML."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        text = super().render(request, data, response_status=response_status)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class PlanstatusAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        # The token is optional: an operation may be called with it or without it.
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                if "security" in operation:
                    operation["security"] = [*operation["security"], {}]
        return schema


api = PlanstatusAPI(
    title="Planstatus API",
    version=API_VERSION,
    description=DESCRIPTION,
    urls_namespace="api",
    auth=ApiTokenAuth(),
    renderer=SafeJSONRenderer(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)

# Every operation may answer these; each carries {"detail": "..."}.
ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@api.exception_handler(InvalidApiToken)
def invalid_token(request: HttpRequest, exc: InvalidApiToken) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same answer for what does not exist and what the caller may not see.
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _validation_message(exc)}, status=422)


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "Invalid input. " + "; ".join(parts)


Slug = Path(..., pattern=SLUG_PATTERN, max_length=50)
Id = Path(..., ge=1, le=MAX_ID)


def _status(value: str) -> StatusOut:
    return StatusOut.model_validate(status_value(value), from_attributes=True)


def _region(request: HttpRequest, region: Region) -> dict[str, Any]:
    return {
        "slug": region.slug,
        "name": region.name,
        "council_name": region.council_name,
        "description": region.description,
        "url": request.build_absolute_uri(reverse("region", args=[region.slug])),
    }


def _plan(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    def download(fmt: str) -> str:
        return request.build_absolute_uri(
            reverse("plan_data", args=[plan.region.slug, plan.slug, fmt])
        )

    return {
        "region": plan.region.slug,
        "slug": plan.slug,
        "title": plan.title,
        "kind": plan.kind,
        "state": plan.state,
        "description": plan.description,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "adopted_by": plan.adopted_by,
        "adopted_on": plan.adopted_on,
        "published": plan.published,
        "url": request.build_absolute_uri(plan.get_absolute_url()),
        "downloads": {"csv": download("csv"), "xlsx": download("xlsx"), "json_": download("json")},
    }


def _measures_page(request: HttpRequest, plan: Plan, measures: list[Measure]) -> list[Any]:
    groups = group_reporting(m.pk for m in measures if m.has_group_responsible)
    internal = can_read_internal(caller(request), plan.region)
    return [_measure(request, plan, m, groups.get(m.pk), internal=internal) for m in measures]


def _measure(
    request: HttpRequest,
    plan: Plan,
    m: Measure,
    group: GroupReporting | None = None,
    *,
    internal: bool = False,
) -> dict[str, Any]:
    """As in the plan's JSON file (lib/opendata/json.measure_dict), and when it was archived."""
    area, goal = m.focus_area, m.goal
    entry = measure_entry(
        m,
        focus_area=FocusAreaEntry(id=area.pk, code=area.code, name=area.name),
        goal=GoalEntry(id=goal.pk, code=goal.code, text=goal.text, focus_area_id=goal.focus_area_id)
        if goal
        else None,
        url=request.build_absolute_uri(plan.measure_url(m.pk)),
        group=group,
        internal=internal,
    )
    return measure_dict(entry) | {"archived_at": m.archived_at}


def _measures(plan: Plan) -> QuerySet[Measure]:
    """The plan's current measures in plan order, with status and actors (a query each)."""
    return (
        plan.measures()
        .with_status()
        .select_related("focus_area", "goal")
        .with_actors()
        .with_milestones()
        .order_by("focus_area__order", "order", "pk")
    )


# Regions and plans


@api.get("/regions", response={200: list[RegionOut], **ERRORS}, tags=["regions"])
@paginate(LimitOffset)
def list_regions(request: HttpRequest) -> Any:
    """Regions with at least one plan the caller may see."""
    regions = visible_regions(caller(request)).order_by("name", "pk")
    return Converted(regions, lambda r: _region(request, r))


@api.get("/regions/{region_slug}", response={200: RegionOut, **ERRORS}, tags=["regions"])
def get_region(request: HttpRequest, region_slug: str = Slug) -> dict[str, Any]:
    return _region(request, get_region_for_user(caller(request), region_slug))


@api.get(
    "/regions/{region_slug}/plans",
    response={200: list[PlanOut], **ERRORS},
    tags=["plans"],
    by_alias=True,
)
@paginate(LimitOffset)
def list_plans(request: HttpRequest, region_slug: str = Slug) -> Any:
    """The region's plans the caller may see, newest period first."""
    user = caller(request)
    region = get_region_for_user(user, region_slug)
    plans = visible_plans(user).filter(region=region).order_by("-period_start", "title", "pk")
    return Converted(plans, lambda p: _plan(request, p))


@api.get(
    "/regions/{region_slug}/plans/{plan_slug}",
    response={200: PlanDetailOut, **ERRORS},
    tags=["plans"],
    by_alias=True,
)
def get_plan(request: HttpRequest, region_slug: str = Slug, plan_slug: str = Slug) -> Any:
    """A plan with how many of its measures have each status."""
    user = caller(request)
    plan = get_plan_for_user(user, region_slug, plan_slug)
    statuses = plan.measures().with_status().values_list("status", flat=True)  # type: ignore[misc]
    counts = Counter(statuses)
    return {
        **_plan(request, plan),
        "internal": can_read_internal(user, plan.region),
        "measure_count": sum(counts.values()),
        "status_counts": [{"status": _status(s), "count": counts.get(s.value, 0)} for s in Status],
    }


# Inside a plan


@api.get(
    "/regions/{region_slug}/plans/{plan_slug}/focus-areas",
    response={200: list[FocusAreaOut], **ERRORS},
    tags=["plan content"],
)
@paginate(LimitOffset)
def list_focus_areas(request: HttpRequest, region_slug: str = Slug, plan_slug: str = Slug) -> Any:
    plan = get_plan_for_user(caller(request), region_slug, plan_slug)
    areas = plan.focus_areas.order_by("order", "pk")
    return areas


@api.get(
    "/regions/{region_slug}/plans/{plan_slug}/goals",
    response={200: list[GoalOut], **ERRORS},
    tags=["plan content"],
)
@paginate(LimitOffset)
def list_goals(request: HttpRequest, region_slug: str = Slug, plan_slug: str = Slug) -> Any:
    plan = get_plan_for_user(caller(request), region_slug, plan_slug)
    goals = plan.goals.order_by("order", "pk")
    return goals


@api.get(
    "/regions/{region_slug}/plans/{plan_slug}/measures",
    response={200: list[MeasureOut], **ERRORS},
    tags=["plan content"],
)
@paginate(LimitOffset)
def list_measures(
    request: HttpRequest,
    region_slug: str = Slug,
    plan_slug: str = Slug,
    status: StatusCode | None = None,
) -> Any:
    """The plan's current measures in plan order, each with its status and actors. Measures a
    revised plan dropped are left out (their own URL still answers). Filter with `status`."""
    plan = get_plan_for_user(caller(request), region_slug, plan_slug)
    measures = _measures(plan)
    if status is not None:
        # `status` is the with_status() annotation, which the Django plugin cannot see.
        measures = measures.filter(status=status)  # type: ignore[misc]
    return Converted(measures, convert_page=lambda page: _measures_page(request, plan, page))


@api.get(
    "/regions/{region_slug}/plans/{plan_slug}/measures/{pk}",
    response={200: MeasureOut, **ERRORS},
    tags=["plan content"],
)
def get_measure(
    request: HttpRequest, region_slug: str = Slug, plan_slug: str = Slug, pk: int = Id
) -> dict[str, Any]:
    measure = get_measure_for_user(caller(request), region_slug, plan_slug, pk)
    [entry] = _measures_page(request, measure.focus_area.plan, [measure])
    return entry


@api.get(
    "/regions/{region_slug}/plans/{plan_slug}/measures/{pk}/history",
    response={200: list[HistoryEntryOut], **ERRORS},
    tags=["plan content"],
)
@paginate(LimitOffset)
def list_measure_history(
    request: HttpRequest,
    region_slug: str = Slug,
    plan_slug: str = Slug,
    pk: int = Id,
) -> Any:
    """The measure's status updates, newest first. Comments not marked public, evidence links
    and reporting details only for callers who may read the region's internal data."""
    user = caller(request)
    measure = get_measure_for_user(user, region_slug, plan_slug, pk)
    internal = can_read_internal(user, measure.focus_area.plan.region)
    updates = (
        StatusUpdate.objects.filter(measure=measure)
        .select_related("member")
        .order_by("-created_at", "-pk")
    )
    if internal:
        updates = updates.select_related("created_by", "round_report__actor", "round_report__round")
    return Converted(
        updates,
        lambda u: HistoryEntryOut.model_validate(
            history_entry(u, internal=internal), from_attributes=True
        ),
    )


# Indicators


def _number(value: Decimal) -> float:
    # Kept with four decimals; a weighted mean is rounded to the same before it leaves.
    return float(value.quantize(Decimal(1).scaleb(-VALUE_PLACES)))


def _optional_number(value: Decimal | None) -> float | None:
    return None if value is None else _number(value)


def _indicators(plan: Plan, *, internal: bool) -> QuerySet[Indicator]:
    """The plan's indicators in plan order, with what summarise() and the answer read (one
    query each: targets, values, goals, measures)."""
    values = IndicatorValue.objects.order_by("period", "pk")
    if internal:
        values = values.select_related("entered_by")
    return plan.indicators.order_by("order", "name", "pk").prefetch_related(
        "targets",
        Prefetch("values", queryset=values),
        Prefetch("goals", queryset=Goal.objects.order_by("order", "code", "pk")),
        Prefetch(
            "measures",
            queryset=Measure.objects.order_by("focus_area__order", "order", "code", "pk"),
        ),
    )


def _indicator(request: HttpRequest, plan: Plan, summary: IndicatorSummary) -> dict[str, Any]:
    indicator, judgement = summary.indicator, summary.judgement
    latest = summary.latest
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "aggregation": indicator.aggregation,
        "weight_label": indicator.weight_label,
        "baseline": (
            {"value": _number(indicator.baseline_value), "year": indicator.baseline_year}
            if indicator.baseline_value is not None and indicator.baseline_year is not None
            else None
        ),
        "targets": [
            {"year": t.year, "value": _number(t.value), "note": t.note} for t in summary.targets
        ],
        "source": indicator.source,
        "definition": indicator.definition,
        "goals": [{"id": g.pk, "code": g.code} for g in indicator.goals.all()],
        "measures": [{"id": m.pk, "code": m.code} for m in indicator.measures.all()],
        "assessment": {
            "code": judgement.assessment.value,
            "label": assessment_label(judgement.assessment),
            "symbol": assessment_symbol(judgement.assessment),
            "expected": _optional_number(judgement.expected),
        },
        "latest": (
            {"period": latest.period, "value": _number(latest.value)}
            if latest is not None and latest.value is not None
            else None
        ),
        "url": request.build_absolute_uri(
            reverse("indicator", args=[plan.region.slug, plan.slug, indicator.pk])
        ),
    }


def _entered(value: IndicatorValue | None, *, internal: bool) -> dict[str, str | None]:
    """Who entered a value and the note on its source: for internal readers only, and not
    even read from the value otherwise."""
    if not internal or value is None:
        return {"source_note": None, "entered_by": None}
    return {
        "source_note": value.source_note,
        "entered_by": value.entered_by.get_username() if value.entered_by else None,
    }


@api.get(
    "/regions/{region_slug}/plans/{plan_slug}/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    tags=["indicators"],
)
@paginate(LimitOffset)
def list_indicators(request: HttpRequest, region_slug: str = Slug, plan_slug: str = Slug) -> Any:
    """The plan's indicators in plan order, each with its targets, the region's latest value
    and how it stands against the target path."""
    plan = get_plan_for_user(caller(request), region_slug, plan_slug)
    municipalities = region_municipalities(plan.region)

    def convert(indicator: Indicator) -> dict[str, Any]:
        indicator.plan = plan
        return _indicator(request, plan, summarise(indicator, municipalities))

    return Converted(_indicators(plan, internal=False), convert)


@api.get(
    "/regions/{region_slug}/plans/{plan_slug}/indicators/{pk}",
    response={200: IndicatorDetailOut, **ERRORS},
    tags=["indicators"],
)
def get_indicator(
    request: HttpRequest, region_slug: str = Slug, plan_slug: str = Slug, pk: int = Id
) -> dict[str, Any]:
    """An indicator with the region's series (entered or computed, with the municipalities
    missing from a computed period) and every municipality's values. Source notes and who
    entered a value only for callers who may read the region's internal data."""
    user = caller(request)
    plan = get_plan_for_user(user, region_slug, plan_slug)
    internal = can_read_internal(user, plan.region)
    indicator = _indicators(plan, internal=internal).filter(pk=pk).first()
    if indicator is None:
        raise Http404
    indicator.plan = plan
    municipalities = region_municipalities(plan.region)
    summary = summarise(indicator, municipalities)
    entered_for_region = {v.period: v for v in indicator.values.all() if v.municipality_id is None}
    return {
        **_indicator(request, plan, summary),
        "internal": internal,
        "assessment_rule": status_rule(),
        "region_values": [
            {
                "period": r.period,
                "value": _optional_number(r.value),
                "missing": list(r.missing),
                **_entered(
                    None if indicator.is_computed else entered_for_region.get(r.period),
                    internal=internal,
                ),
            }
            for r in summary.region
        ],
        "municipality_values": [
            {
                "municipality": {"name": m.name, "number": m.number},
                "period": v.period,
                "value": _number(v.value),
                "weight": _optional_number(v.weight),
                **_entered(v, internal=internal),
            }
            for m, by_period in summary.municipalities.items()
            for v in sorted(by_period.values(), key=lambda v: (v.year, v.period))
        ],
    }


@api.get("/statuses", response={200: list[StatusOut], **ERRORS}, tags=["statuses"])
def list_statuses(request: HttpRequest) -> list[StatusOut]:
    """The status scale, from not assessed to stopped: code, word, colour and symbol."""
    return [_status(s) for s in Status]
