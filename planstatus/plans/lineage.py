"""What the lineage pages read: an item's chain back and forward, what became of an archived
plan's items, and the region's story (timeline, programmes, today's plan).

Only confirmed links between plans the reader may see are followed. Each builder runs a
fixed number of queries, however long the chains or many the plans.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from planstatus.lib.status import Status
from planstatus.plans.models import (
    Continuation,
    FocusArea,
    Goal,
    Measure,
    Plan,
    PlanPredecessor,
    ProgrammeDetails,
    item_kind,
)
from planstatus.plans.outline import PlanOutline, StatusCount, count_statuses
from planstatus.regions.models import Region

Item = FocusArea | Goal | Measure


def _confirmed(kind: str, visible: QuerySet[Plan]) -> QuerySet[Continuation]:
    ids = visible.values("pk")
    return Continuation.objects.filter(
        kind=kind,
        state=Continuation.State.CONFIRMED,
        earlier_plan__in=ids,
        later_plan__in=ids,
    )


# --- An item's chain ---------------------------------------------------------------------


@dataclass
class ChainStep:
    item: Item
    plan: Plan
    # 1: carried on directly from (or in) the item; 2: one plan further away; …
    distance: int
    note: str


@dataclass
class ItemChain:
    earlier: list[ChainStep] = field(default_factory=list)  # oldest first
    later: list[ChainStep] = field(default_factory=list)  # nearest first

    def __bool__(self) -> bool:
        return bool(self.earlier or self.later)


def _walk(start: int, edges: dict[int, list[tuple[int, str]]]) -> dict[int, tuple[int, str]]:
    """Every item reachable from `start`, with its distance and the note of the link that
    reached it first. Breadth first with a seen-set, so a circle of links ends."""
    found: dict[int, tuple[int, str]] = {}
    frontier = [start]
    distance = 0
    seen = {start}
    while frontier:
        distance += 1
        following = []
        for node in frontier:
            for other, note in edges.get(node, []):
                if other not in seen:
                    seen.add(other)
                    found[other] = (distance, note)
                    following.append(other)
        frontier = following
    return found


def item_chain(item: Goal | Measure, *, region: Region, visible: QuerySet[Plan]) -> ItemChain:
    """The item's whole chain, back and forward, in two queries: the region's confirmed
    links of the item's kind (few), then the items in the chain with their plans."""
    kind = item_kind(item)
    earlier_field, later_field = f"earlier_{kind}_id", f"later_{kind}_id"
    back: dict[int, list[tuple[int, str]]] = {}
    forward: dict[int, list[tuple[int, str]]] = {}
    links = _confirmed(kind, visible).filter(later_plan__region=region).order_by("pk")
    for earlier, later, note in links.values_list(earlier_field, later_field, "note"):
        back.setdefault(later, []).append((earlier, note))
        forward.setdefault(earlier, []).append((later, note))
    before = _walk(item.pk, back)
    after = _walk(item.pk, forward)
    if not before and not after:
        return ItemChain()
    ids = set(before) | set(after)
    items: dict[int, Any]
    if isinstance(item, Measure):
        items = {
            m.pk: m
            for m in Measure.objects.with_status()
            .select_related("focus_area__plan__region")
            .filter(pk__in=ids)
        }
    else:
        items = {g.pk: g for g in Goal.objects.select_related("plan__region").filter(pk__in=ids)}

    def step(pk: int, distance: int, note: str) -> ChainStep:
        found = items[pk]
        plan = found.focus_area.plan if isinstance(found, Measure) else found.plan
        return ChainStep(found, plan, distance, note)

    return ItemChain(
        earlier=sorted(
            (step(pk, d, n) for pk, (d, n) in before.items()),
            key=lambda s: (-s.distance, s.plan.title, s.item.order),
        ),
        later=sorted(
            (step(pk, d, n) for pk, (d, n) in after.items()),
            key=lambda s: (s.distance, s.plan.title, s.item.order),
        ),
    )


# --- What became of an archived plan -------------------------------------------------------


class Outcome(models.TextChoices):
    CARRIED_ON = "carried_on", _("carried on")
    COMPLETED = "completed", _("done")
    DROPPED = "dropped", _("dropped")
    UNLINKED = "unlinked", _("not linked to a later plan yet")

    # Like a status, an outcome is shown as a word with a symbol, never by colour alone.
    @property
    def symbol(self) -> str:
        return {"carried_on": "→", "completed": "✓", "dropped": "✗", "unlinked": "…"}[self.value]


@dataclass
class ItemOutcome:
    outcome: Outcome
    # Where the item was carried on: (plan, item) of the confirmed links forward.
    carried_into: list[tuple[Plan, Item]] = field(default_factory=list)


@dataclass
class PlanOutcomes:
    # None where nothing may be said to this reader: an item with no link forward and no
    # stated end is «not linked yet», which is the secretariat's to-do, not a public claim.
    areas: dict[int, ItemOutcome | None]
    goals: dict[int, ItemOutcome | None]
    measures: dict[int, ItemOutcome | None]
    internal: bool

    @property
    def counts(self) -> list[tuple[ItemOutcome, int]]:
        """How many measures had each outcome (as outcomes, so they show alike)."""
        counts = Counter(o.outcome for o in self.measures.values() if o is not None)
        shown = [o for o in Outcome if self.internal or o != Outcome.UNLINKED]
        return [(ItemOutcome(outcome), counts.get(outcome, 0)) for outcome in shown]


def _outcome(carried: list[tuple[Plan, Item]], measures: list[Measure]) -> ItemOutcome:
    """Carried on when linked forward; done or dropped only when the statuses say so
    (dropped is «stopped without being carried out», a thing someone stated, never the
    mere absence of a link); otherwise not linked yet."""
    if carried:
        return ItemOutcome(Outcome.CARRIED_ON, carried)
    if measures and all(m.current_status == Status.DONE for m in measures):
        return ItemOutcome(Outcome.COMPLETED)
    if measures and all(m.current_status == Status.CANCELLED for m in measures):
        return ItemOutcome(Outcome.DROPPED)
    return ItemOutcome(Outcome.UNLINKED)


def plan_outcomes(
    plan: Plan, outline: PlanOutline, *, visible: QuerySet[Plan], internal: bool
) -> PlanOutcomes:
    """Per item of an archived plan: carried on (a confirmed link forward into a plan the
    reader may see), done (all its measures done, not carried on), dropped (all stopped
    without being carried out) or not linked to a later plan yet, which only the
    secretariat (`internal`) is told; for others that item has no outcome.

    Focus areas and goals have no status of their own: one counts as carried on when it or
    any of its measures is, and as done or dropped when all its measures are. One query on
    top of the outline."""
    forward: dict[tuple[str, int], list[tuple[Plan, Item]]] = {}
    links = (
        Continuation.objects.filter(
            earlier_plan=plan,
            state=Continuation.State.CONFIRMED,
            later_plan__in=visible.values("pk"),
        )
        .with_items()
        .order_by("later_plan__title", "pk")
    )
    for link in links:
        earlier, later = link.earlier, link.later
        assert earlier is not None and later is not None
        forward.setdefault((link.kind, earlier.pk), []).append((link.later_plan, later))

    def shown(outcome: ItemOutcome) -> ItemOutcome | None:
        return outcome if internal or outcome.outcome != Outcome.UNLINKED else None

    measures = {
        m.pk: shown(_outcome(forward.get(("measure", m.pk), []), [m])) for m in outline.measures
    }
    goals: dict[int, ItemOutcome | None] = {}
    areas: dict[int, ItemOutcome | None] = {}
    for section in outline.areas:
        for goal_section in section.sections:
            if goal_section.goal is not None:
                goals[goal_section.goal.pk] = shown(
                    _outcome(
                        _with_measures(
                            forward, "goal", goal_section.goal.pk, goal_section.measures
                        ),
                        goal_section.measures,
                    )
                )
        areas[section.area.pk] = shown(
            _outcome(
                _with_measures(forward, "focus_area", section.area.pk, section.measures),
                section.measures,
            )
        )
    for goal in outline.plan_goals:
        goals[goal.pk] = shown(_outcome(forward.get(("goal", goal.pk), []), []))
    return PlanOutcomes(areas=areas, goals=goals, measures=measures, internal=internal)


def _with_measures(
    forward: dict[tuple[str, int], list[tuple[Plan, Item]]],
    kind: str,
    pk: int,
    measures: list[Measure],
) -> list[tuple[Plan, Item]]:
    """The item's own links forward, or else a sign that one of its measures goes on."""
    own = forward.get((kind, pk), [])
    if own:
        return own
    return [pair for m in measures for pair in forward.get(("measure", m.pk), [])]


# --- The region's story --------------------------------------------------------------------


@dataclass
class TimelineEntry:
    plan: Plan
    predecessors: list[Plan]
    successors: list[Plan]


@dataclass
class ResultGroup:
    area: FocusArea
    results: list[Measure]


@dataclass
class ProgrammeStory:
    plan: Plan
    details: ProgrammeDetails | None
    results: list[ResultGroup]

    @property
    def result_counts(self) -> list[StatusCount]:
        return count_statuses([m for g in self.results for m in g.results])


@dataclass
class CurrentPlan:
    plan: Plan
    counts: list[StatusCount]
    total: int


@dataclass
class RegionStory:
    timeline: list[TimelineEntry]
    programmes: list[ProgrammeStory]
    current: CurrentPlan | None


PROGRAMME_KINDS = {Plan.Kind.PROGRAMME, Plan.Kind.ACTION_PROGRAMME}


def _timeline_order(plans: list[Plan], predecessors: dict[int, list[Plan]]) -> list[Plan]:
    """Earlier plans before the plans that build on them; otherwise by period, then title.
    Plans without a period keep their place among the ones that have one by their links."""

    def key(p: Plan) -> tuple[int, str]:
        return (p.period_start or p.period_end or 9999, p.title)

    ordered: list[Plan] = []
    placed: set[int] = set()
    remaining = sorted(plans, key=key)
    while remaining:
        ready = [
            p for p in remaining if all(q.pk in placed for q in predecessors.get(p.pk, []))
        ] or remaining[:1]  # a circle (refused on input) must still not loop forever
        first = ready[0]
        ordered.append(first)
        placed.add(first.pk)
        remaining.remove(first)
    return ordered


def _current_plan(plans: list[Plan]) -> Plan | None:
    """Today's plan: the newest adopted regional plan (by period, then adoption date)."""
    adopted = [
        p for p in plans if p.kind == Plan.Kind.REGIONAL_PLAN and p.state == Plan.State.ADOPTED
    ]
    if not adopted:
        return None
    return max(
        adopted,
        key=lambda p: (p.period_start or 0, p.adopted_on.toordinal() if p.adopted_on else 0, p.pk),
    )


def region_story(region: Region, *, visible: QuerySet[Plan]) -> RegionStory:
    """The region's plans as a timeline, its programmes with their results and advice, and
    the status of today's plan. At most eight queries, however many plans and programmes."""
    plans = list(visible.filter(region=region))
    by_id = {p.pk: p for p in plans}
    predecessors: dict[int, list[Plan]] = {}
    successors: dict[int, list[Plan]] = {}
    for plan_id, predecessor_id in PlanPredecessor.objects.filter(plan__region=region).values_list(
        "plan_id", "predecessor_id"
    ):
        if plan_id in by_id and predecessor_id in by_id:
            predecessors.setdefault(plan_id, []).append(by_id[predecessor_id])
            successors.setdefault(predecessor_id, []).append(by_id[plan_id])
    timeline = [
        TimelineEntry(p, predecessors.get(p.pk, []), successors.get(p.pk, []))
        for p in _timeline_order(plans, predecessors)
    ]

    programme_plans = [e.plan for e in timeline if e.plan.kind in PROGRAMME_KINDS]
    details = {
        d.plan_id: d
        for d in ProgrammeDetails.objects.filter(plan__in=[p.pk for p in programme_plans])
        .select_related("applicant")
        .prefetch_related("advice", "follow_up_items", "partners")
    }
    results: dict[int, list[ResultGroup]] = {}
    fetched = (
        Measure.objects.with_status()
        .filter(focus_area__plan__in=[p.pk for p in programme_plans], archived_at__isnull=True)
        .select_related("focus_area")
        .order_by("focus_area__order", "order", "pk")
    )
    for m in fetched:
        groups = results.setdefault(m.focus_area.plan_id, [])
        if not groups or groups[-1].area.pk != m.focus_area_id:
            groups.append(ResultGroup(m.focus_area, []))
        groups[-1].results.append(m)
    programmes = [
        ProgrammeStory(p, details.get(p.pk), results.get(p.pk, [])) for p in programme_plans
    ]

    current = _current_plan(plans)
    current_plan = None
    if current is not None:
        # The annotation is unknown to the type checker's model of the queryset.
        values = current.measures().with_status().values_list("status", flat=True)  # type: ignore[misc]
        statuses = Counter(Status(s) for s in values)
        current_plan = CurrentPlan(
            current,
            [StatusCount(status, statuses.get(status, 0)) for status in Status],
            sum(statuses.values()),
        )
    return RegionStory(timeline=timeline, programmes=programmes, current=current_plan)
