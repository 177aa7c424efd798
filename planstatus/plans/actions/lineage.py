"""Lineage: which plan builds on which, and which item carries on which."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from planstatus.accounts.roles import known_user
from planstatus.lib.similarity import rank_continuations
from planstatus.plans.models import (
    Continuation,
    FocusArea,
    Goal,
    Measure,
    Plan,
    PlanPredecessor,
    item_kind,
    item_plan_id,
)

# Suggestions below this similarity are noise; more than a few per item bury the right one.
SUGGEST_THRESHOLD = 0.25

SUGGEST_PER_ITEM = 3


class LineageRefusal(enum.StrEnum):
    ITSELF = "itself"
    OTHER_REGION = "other_region"  # plans
    CIRCLE = "circle"
    NOT_A_PREDECESSOR = "not_a_predecessor"  # earlier, plan
    DIFFERENT_KINDS = "different_kinds"


class LineageError(ValueError):
    """A lineage change was refused; nothing was written. plans/messages.py words it."""

    def __init__(self, code: LineageRefusal, /, **params: str) -> None:
        super().__init__(f"{code}: {params}" if params else str(code))
        self.code = code
        self.params = params


def _region_predecessors(plan: Plan) -> dict[int, set[int]]:
    graph: dict[int, set[int]] = {}
    links = PlanPredecessor.objects.filter(plan__region_id=plan.region_id)
    for plan_id, predecessor_id in links.values_list("plan_id", "predecessor_id"):
        graph.setdefault(plan_id, set()).add(predecessor_id)
    return graph


@transaction.atomic
def set_predecessors(
    *, plan: Plan, predecessors: Iterable[Plan], user: User | AnonymousUser | None = None
) -> None:
    """Name the earlier plans this plan builds on: plans of the same region, never itself,
    and never a plan that builds on this one (directly or further back)."""
    wanted = {p.pk: p for p in predecessors}
    if plan.pk in wanted:
        raise LineageError(LineageRefusal.ITSELF)
    foreign = [p.title for p in wanted.values() if p.region_id != plan.region_id]
    if foreign:
        raise LineageError(LineageRefusal.OTHER_REGION, plans=", ".join(foreign))
    graph = _region_predecessors(plan)
    graph[plan.pk] = set(wanted)
    # Walk back from each chosen plan: reaching this plan again would make a circle.
    seen: set[int] = set()
    stack = list(wanted)
    while stack:
        current = stack.pop()
        if current == plan.pk:
            raise LineageError(LineageRefusal.CIRCLE)
        if current not in seen:
            seen.add(current)
            stack.extend(graph.get(current, ()))
    history_user = known_user(user)
    existing = {link.predecessor_id: link for link in plan.predecessor_links.all()}
    for predecessor_id, link in existing.items():
        if predecessor_id not in wanted:
            if history_user is not None:
                link._history_user = history_user  # type: ignore[attr-defined]
            link.delete()
    for predecessor_id, predecessor in wanted.items():
        if predecessor_id not in existing:
            link = PlanPredecessor(plan=plan, predecessor=predecessor)
            if history_user is not None:
                link._history_user = history_user  # type: ignore[attr-defined]
            link.save()


def _require_predecessor(plan: Plan, predecessor: Plan) -> None:
    if not plan.predecessor_links.filter(predecessor=predecessor).exists():
        raise LineageError(
            LineageRefusal.NOT_A_PREDECESSOR, earlier=predecessor.title, plan=plan.title
        )


def _items_for_comparison(plan: Plan) -> dict[Continuation.Kind, list[tuple[Any, str]]]:
    return {
        Continuation.Kind.FOCUS_AREA: [(a, a.name) for a in plan.focus_areas.all()],
        Continuation.Kind.GOAL: [(g, g.text) for g in plan.goals.all()],
        Continuation.Kind.MEASURE: [
            (m, m.text) for m in plan.measures().select_related("focus_area")
        ],
    }


@transaction.atomic
def suggest_continuations(
    *,
    plan: Plan,
    predecessor: Plan,
    threshold: float = SUGGEST_THRESHOLD,
    per_item: int = SUGGEST_PER_ITEM,
) -> list[Continuation]:
    """Store, as suggestions, the earlier items each of the plan's items most resembles.

    Focus areas are compared with focus areas, goals with goals, measures with measures.
    A pair that already has a link — suggested, confirmed or rejected — is left as it is,
    so running this again adds only what is new and never brings back a rejection."""
    _require_predecessor(plan, predecessor)
    later_items = _items_for_comparison(plan)
    earlier_items = _items_for_comparison(predecessor)
    existing: set[tuple[Any, ...]] = set(
        Continuation.objects.filter(later_plan=plan, earlier_plan=predecessor).values_list(
            "kind",
            "earlier_focus_area_id",
            "later_focus_area_id",
            "earlier_goal_id",
            "later_goal_id",
            "earlier_measure_id",
            "later_measure_id",
        )
    )
    new: list[Continuation] = []
    for kind, later in later_items.items():
        for match in rank_continuations(
            later, earlier_items[kind], threshold=threshold, per_item=per_item
        ):
            link = Continuation(
                kind=kind,
                earlier_plan=predecessor,
                later_plan=plan,
                similarity=match.score,
                **{f"earlier_{kind}": match.earlier, f"later_{kind}": match.later},
            )
            key = (
                kind,
                link.earlier_focus_area_id,
                link.later_focus_area_id,
                link.earlier_goal_id,
                link.later_goal_id,
                link.earlier_measure_id,
                link.later_measure_id,
            )
            if key not in existing:
                existing.add(key)
                new.append(link)
    return bulk_create_with_history(new, Continuation)


@transaction.atomic
def decide_continuation(
    *, link: Continuation, accept: bool, user: User | AnonymousUser | None
) -> Continuation:
    """Confirm or reject a link. A decision may be changed later; the history keeps each."""
    # Locked, so two people deciding at once both end up in the history, one after the other.
    current = Continuation.objects.select_for_update().get(pk=link.pk)
    state = Continuation.State.CONFIRMED if accept else Continuation.State.REJECTED
    if current.state == state:
        return current
    current.state = state
    current.decided_by = known_user(user)
    current.decided_at = timezone.now()
    if current.decided_by is not None:
        current._history_user = current.decided_by  # type: ignore[attr-defined]
    current.save()
    return current


@transaction.atomic
def confirm_continuation(
    *,
    earlier: FocusArea | Goal | Measure,
    later: FocusArea | Goal | Measure,
    note: str = "",
    user: User | AnonymousUser | None = None,
) -> Continuation:
    """Link two items by hand as confirmed (curated data), or confirm the existing link."""
    kind = item_kind(later)
    if item_kind(earlier) != kind:
        raise LineageError(LineageRefusal.DIFFERENT_KINDS)
    later_plan = Plan.objects.get(pk=item_plan_id(later))
    earlier_plan = Plan.objects.get(pk=item_plan_id(earlier))
    _require_predecessor(later_plan, earlier_plan)
    link, _created = Continuation.objects.get_or_create(
        kind=kind,
        **{f"earlier_{kind}": earlier, f"later_{kind}": later},
        defaults={"earlier_plan": earlier_plan, "later_plan": later_plan, "note": note},
    )
    link = decide_continuation(link=link, accept=True, user=user)
    if note and link.note != note:
        link.note = note
        link.save(update_fields=["note"])
    return link
