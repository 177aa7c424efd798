"""The plan dashboard: filters that combine, counts per status, overdue, who carries what.

A plan has at most a few hundred measures, so the dashboard fetches all of the plan's
current measures in a fixed number of queries and filters them here. That keeps the query
count flat however many measures match, and makes the free-text search case-insensitive for
Norwegian letters on SQLite too (its LIKE only folds ASCII).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from planstatus.core.status import status_label
from planstatus.lib.charts import BarChart, Series
from planstatus.lib.status import Status
from planstatus.plans.forms import CONTINUOUS, YEARLY, DashboardForm
from planstatus.plans.groups import group_reporting
from planstatus.plans.models import FocusArea, Measure, MeasureActor, Plan
from planstatus.plans.outline import StatusCount, count_statuses
from planstatus.regions.models import Actor


@dataclass(frozen=True)
class Filters:
    area: FocusArea | None = None
    responsible: Actor | None = None
    involved: Actor | None = None
    due_year: int | None = None
    due_kind: str = ""  # forms.CONTINUOUS or forms.YEARLY
    statuses: frozenset[Status] = frozenset()
    overdue: bool = False
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.area
            or self.responsible
            or self.involved
            or self.due_year
            or self.due_kind
            or self.statuses
            or self.overdue
            or self.text
        )


def read_filters(form: DashboardForm) -> Filters:
    """The filters a valid DashboardForm asks for; none when the form is not valid. The
    dashboard and the timeline read their filters alike, so a shared URL means the same."""
    if not form.is_valid():
        return Filters()
    data = form.cleaned_data
    due = data["frist"]
    return Filters(
        area=data["omrade"],
        responsible=data["ansvar"],
        involved=data["involvert"],
        due_year=due if isinstance(due, int) else None,
        due_kind=due if isinstance(due, str) else "",
        statuses=frozenset(Status(s) for s in data["status"]),
        overdue=data["forseinka"],
        text=data["q"].strip(),
    )


def _searchable(m: Measure) -> str:
    names = [link.actor.name for link in m.links]
    names += [link.written_as for link in m.links if link.written_as]
    return " ".join([m.code, m.text, m.timing_text, *names]).casefold()


def matches(m: Measure, filters: Filters, today: datetime.date) -> bool:
    """Whether a measure (with its actor links prefetched) passes every filter."""
    if filters.area is not None and m.focus_area_id != filters.area.pk:
        return False
    links = m.links
    for actor, role in (
        (filters.responsible, MeasureActor.Role.RESPONSIBLE),
        (filters.involved, MeasureActor.Role.INVOLVED),
    ):
        if actor is not None and not any(
            link.actor_id == actor.pk and link.role == role for link in links
        ):
            return False
    if filters.due_year is not None and m.end_year != filters.due_year:
        return False
    if filters.due_kind == CONTINUOUS and not m.continuous:
        return False
    if filters.due_kind == YEARLY and not m.yearly:
        return False
    if filters.statuses and m.current_status not in filters.statuses:
        return False
    if filters.overdue and not m.is_overdue(today):
        return False
    words = filters.text.casefold().split()
    return not words or all(word in _searchable(m) for word in words)


@dataclass
class AreaSummary:
    area: FocusArea
    measures: list[Measure]

    @property
    def status_counts(self) -> list[StatusCount]:
        return count_statuses(self.measures)

    @property
    def overdue_count(self) -> int:
        return sum(1 for m in self.measures if getattr(m, "overdue", False))


@dataclass
class Dashboard:
    plan: Plan
    filters: Filters
    everything: list[Measure]
    measures: list[Measure]
    areas: list[AreaSummary] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.everything)

    @property
    def status_counts(self) -> list[StatusCount]:
        return count_statuses(self.measures)

    @property
    def overdue_count(self) -> int:
        return sum(1 for m in self.measures if getattr(m, "overdue", False))


def plan_measures(plan: Plan) -> list[Measure]:
    """The plan's current measures with status, parents and actors: three queries.

    Every measure shares the one `plan` object (with its region), so links to the measures
    cost no query per row.
    """
    measures = list(
        Measure.objects.with_status()
        .filter(focus_area__plan=plan, archived_at__isnull=True)
        .select_related("focus_area", "goal")
        .with_actors()
        .with_milestones()
        .order_by("focus_area__order", "order", "pk")
    )
    for m in measures:
        m.focus_area.plan = plan
    return measures


def build_dashboard(
    *,
    plan: Plan,
    filters: Filters,
    areas: list[FocusArea],
    today: datetime.date,
) -> Dashboard:
    everything = plan_measures(plan)
    shown = [m for m in everything if matches(m, filters, today)]
    groups = group_reporting(m.pk for m in shown if m.has_group_responsible)
    for m in shown:
        # Overdue is a mark of its own beside the reported status, never instead of it.
        m.overdue = m.is_overdue(today)  # type: ignore[attr-defined]
        m.group = groups.get(m.pk)  # type: ignore[attr-defined]
    by_area: dict[int, list[Measure]] = {}
    for m in shown:
        by_area.setdefault(m.focus_area_id, []).append(m)
    return Dashboard(
        plan=plan,
        filters=filters,
        everything=everything,
        measures=shown,
        areas=[AreaSummary(area, by_area.get(area.pk, [])) for area in areas],
    )


def plan_actors(plan: Plan) -> list[Actor]:
    """Actors named on the plan's current measures, by name: one query."""
    return list(
        Actor.objects.filter(
            measure_links__measure__focus_area__plan=plan,
            measure_links__measure__archived_at__isnull=True,
        )
        .distinct()
        .order_by("name")
    )


def due_years(plan: Plan) -> list[int]:
    span = Measure.objects.filter(focus_area__plan=plan, archived_at__isnull=True).aggregate(
        first=Min("end_year"), last=Max("end_year")
    )
    if span["first"] is None:
        return []
    return list(range(span["first"], span["last"] + 1))


def filter_choices(plan: Plan) -> tuple[list[FocusArea], list[Actor], list[int]]:
    """The filter form's choices: the plan's focus areas, the actors on its measures and the
    years they are due; three queries."""
    return list(plan.focus_areas.all()), plan_actors(plan), due_years(plan)


# --- Progress over time -------------------------------------------------------------------


# --- Who carries what ---------------------------------------------------------------------


@dataclass
class MatrixRow:
    actor: Actor
    # Per focus area, in the areas' order: (responsible, involved) counts.
    cells: list[tuple[int, int]]

    @property
    def responsible(self) -> int:
        return sum(r for r, _ in self.cells)

    @property
    def involved(self) -> int:
        return sum(i for _, i in self.cells)


def actor_matrix(plan: Plan, areas: list[FocusArea]) -> list[MatrixRow]:
    """Actor × focus area: how many current measures each actor is responsible for or
    involved in. One query, however many actors and measures."""
    counts = (
        MeasureActor.objects.filter(
            measure__focus_area__plan=plan, measure__archived_at__isnull=True
        )
        .values("actor_id", "measure__focus_area_id", "role")
        .annotate(n=Count("measure_id", distinct=True))
    )
    actors = {a.pk: a for a in plan_actors(plan)}
    table: dict[int, dict[int, list[int]]] = {}
    for row in counts:
        cell = table.setdefault(row["actor_id"], {}).setdefault(
            row["measure__focus_area_id"], [0, 0]
        )
        cell[0 if row["role"] == MeasureActor.Role.RESPONSIBLE else 1] += row["n"]
    return [
        MatrixRow(
            actor=actor,
            cells=[tuple(table.get(actor.pk, {}).get(a.pk, [0, 0])) for a in areas],  # type: ignore[misc]
        )
        for actor in actors.values()
    ]


# --- Charts (the pipeline the status case uses too) ---------------------------------------


def status_series(statuses: list[Status], values: dict[Status, list[int]]) -> tuple[Series, ...]:
    return tuple(
        Series(
            label=status_label(status),
            colour=status.palette[2],
            mark=status.symbol,
            values=tuple(values[status]),
        )
        for status in statuses
        if any(values[status])
    )


def area_chart(board: Dashboard) -> BarChart:
    """Measures per status in each focus area of what the filters show."""
    values = {s: [count_of(a.measures, s) for a in board.areas] for s in Status}
    return BarChart(
        title=str(_("Measures per status in each focus area")),
        description=str(
            _("One bar per focus area, split by status; the table below has the numbers.")
        ),
        categories=tuple(
            f"{a.area.code}. {a.area.name}" if a.area.code else a.area.name for a in board.areas
        ),
        series=status_series(list(Status), values),
        total_label=str(_("Total")),
    )


def count_of(measures: list[Measure], status: Status) -> int:
    return sum(1 for m in measures if m.current_status == status)
