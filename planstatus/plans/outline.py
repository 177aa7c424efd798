"""The plan as nested sections with status counts, fetched in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from planstatus.lib.status import Status
from planstatus.plans.models import FocusArea, Goal, Measure, Plan


@dataclass
class StatusCount:
    status: Status
    count: int


def count_statuses(measures: list[Measure]) -> list[StatusCount]:
    counts = Counter(m.current_status for m in measures)
    return [StatusCount(status, counts.get(status, 0)) for status in Status]


@dataclass
class GoalSection:
    goal: Goal | None
    measures: list[Measure] = field(default_factory=list)


@dataclass
class AreaSection:
    area: FocusArea
    sections: list[GoalSection]

    @property
    def measures(self) -> list[Measure]:
        return [m for s in self.sections for m in s.measures]

    @property
    def status_counts(self) -> list[StatusCount]:
        return count_statuses(self.measures)


@dataclass
class PlanOutline:
    plan_goals: list[Goal]
    areas: list[AreaSection]
    duplicate_codes: set[str]

    @property
    def measures(self) -> list[Measure]:
        return [m for a in self.areas for m in a.measures]

    @property
    def goal_count(self) -> int:
        return sum(1 for a in self.areas for s in a.sections if s.goal is not None)

    @property
    def status_counts(self) -> list[StatusCount]:
        return count_statuses(self.measures)


def build_plan_outline(
    plan: Plan, statuses: dict[int, str] | None = None, *, today: datetime.date | None = None
) -> PlanOutline:
    """The plan as it stands now, with late measures marked (`overdue`, as of `today`), or,
    given `statuses` (a round's frozen ones by measure id), the measures and statuses of that
    moment, unmarked: lateness is a judgement about now."""
    areas = list(plan.focus_areas.all())
    goals = list(plan.goals.all())
    if statuses is None:
        fetched = Measure.objects.with_status().filter(archived_at__isnull=True).with_milestones()
    else:
        # A measure archived since the round closed was still in the plan then.
        fetched = Measure.objects.filter(pk__in=list(statuses))
    measures = list(fetched.filter(focus_area__plan=plan).with_actors().order_by("order", "pk"))
    if statuses is not None:
        for m in measures:
            m.status = statuses[m.pk]  # type: ignore[attr-defined]
    else:
        day = today or timezone.localdate()
        for m in measures:
            m.overdue = m.is_overdue(day)  # type: ignore[attr-defined]
    area_by_id = {a.pk: a for a in areas}
    goal_by_id = {g.pk: g for g in goals}
    by_goal: dict[int | None, list[Measure]] = {}
    for m in measures:
        # Reuse the fetched parents, so that links and labels cost no query per row.
        m.focus_area = area_by_id[m.focus_area_id]
        if m.goal_id is not None:
            m.goal = goal_by_id[m.goal_id]
        by_goal.setdefault(m.goal_id, []).append(m)
    # Measures without a goal are listed per focus area, before the goals.
    loose: dict[int, list[Measure]] = {}
    for m in by_goal.pop(None, []):
        loose.setdefault(m.focus_area_id, []).append(m)

    sections_by_area: dict[int, list[GoalSection]] = {
        a.pk: [GoalSection(None, loose[a.pk])] if a.pk in loose else [] for a in areas
    }
    for goal in goals:
        if goal.focus_area_id is not None:
            sections_by_area[goal.focus_area_id].append(GoalSection(goal, by_goal.get(goal.pk, [])))

    codes = Counter(m.code for m in measures if m.code)
    return PlanOutline(
        plan_goals=[g for g in goals if g.focus_area_id is None],
        areas=[AreaSection(a, sections_by_area[a.pk]) for a in areas],
        duplicate_codes={code for code, n in codes.items() if n > 1},
    )
