"""Who has reported what in a round, and the plan's statuses over its closed rounds."""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planstatus.lib.charts import BarChart
from planstatus.lib.status import Status
from planstatus.plans.dashboard import status_series
from planstatus.plans.models import Measure, MeasureActor, Plan
from planstatus.regions.models import Actor
from planstatus.reporting.models import ReportingRound, RoundReport, RoundSnapshot, Submission


@dataclass(frozen=True)
class Responsibility:
    actor: Actor
    measures: list[Measure]


def responsibilities(plan_id: int) -> list[Responsibility]:
    """Every body that reports on the plan's current measures, with those measures; two
    queries. A group reports through its members: each member is asked for the group's
    measures, and the group itself, which is nobody's house, gets no link."""
    links = (
        MeasureActor.objects.filter(
            role=MeasureActor.Role.RESPONSIBLE,
            measure__focus_area__plan_id=plan_id,
            measure__archived_at__isnull=True,
        )
        .select_related("actor", "measure")
        .prefetch_related("actor__members")
        .order_by("measure__focus_area__order", "measure__order", "measure_id")
    )
    actors: dict[int, Actor] = {}
    measures: dict[int, list[Measure]] = defaultdict(list)
    for link in links:
        for body in link.actor.reporting_bodies():
            actors.setdefault(body.pk, body)
            if link.measure not in measures[body.pk]:
                measures[body.pk].append(link.measure)
    ordered = sorted(actors.values(), key=lambda a: (a.name, a.pk))
    return [Responsibility(actor=a, measures=measures[a.pk]) for a in ordered]


def responsible_actors(plan: Plan) -> list[Actor]:
    """The actors responsible for at least one current measure of the plan, by name."""
    return [r.actor for r in responsibilities(plan.pk)]


class ReportState(enum.StrEnum):
    ALL = "all"
    SOME = "some"
    NONE = "none"

    @property
    def label(self) -> str:
        return str(_REPORT_STATE_LABELS[self])


_REPORT_STATE_LABELS = {
    ReportState.ALL: gettext_lazy("all reported"),
    ReportState.SOME: gettext_lazy("partly reported"),
    ReportState.NONE: gettext_lazy("not reported"),
}


@dataclass(frozen=True)
class ActorProgress:
    actor: Actor
    measures: list[Measure]
    reported: list[Measure]

    @property
    def total(self) -> int:
        return len(self.measures)

    @property
    def reported_count(self) -> int:
        return len(self.reported)

    @property
    def unreported(self) -> list[Measure]:
        return [m for m in self.measures if m not in self.reported]

    @property
    def state(self) -> ReportState:
        if self.reported_count == self.total:
            return ReportState.ALL
        return ReportState.SOME if self.reported else ReportState.NONE


@dataclass(frozen=True)
class RoundProgress:
    round: ReportingRound
    actors: list[ActorProgress]
    measures: list[Measure]
    unreported: list[Measure]

    @property
    def reported_count(self) -> int:
        return len(self.measures) - len(self.unreported)

    @property
    def behind(self) -> list[ActorProgress]:
        return [a for a in self.actors if a.state != ReportState.ALL]


def round_progress(round: ReportingRound) -> RoundProgress:
    """Who has reported what in the round. Six queries, however many actors and measures.

    A measure counts as reported for all its responsible actors once anyone reported on it
    in the round: the round asks for the measure's status, not for one answer per actor.
    On a group measure each member is asked for its own status, so a member counts as having
    reported only when it has; the measure counts as reported once any member has. A report
    awaiting the secretariat's approval counts as reported.
    """
    in_round = RoundReport.objects.filter(round=round, status_update__measure=OuterRef("pk"))
    measures = list(
        Measure.objects.filter(focus_area__plan_id=round.plan_id, archived_at__isnull=True)
        .annotate(reported_in_round=Exists(in_round))
        .order_by("focus_area__order", "order", "pk")
    )
    by_id = {m.pk: m for m in measures}
    members_reported = set(
        RoundReport.objects.filter(round=round, status_update__member__isnull=False)
        .order_by()
        .values_list("status_update__measure_id", "status_update__member_id")
    )
    # A report awaiting approval is an answer: the body is not reminded of it.
    waiting = set(
        Submission.objects.filter(round=round, state=Submission.State.PENDING)
        .order_by()
        .values_list("measure_id", "actor_id")
    )
    members_reported |= waiting
    reported_measures = {m.pk for m in measures if m.reported_in_round}  # type: ignore[attr-defined]
    reported_measures |= {measure_id for measure_id, _actor in waiting}
    group_measures = set(
        MeasureActor.objects.filter(
            role=MeasureActor.Role.RESPONSIBLE, actor__is_group=True, measure_id__in=list(by_id)
        )
        .order_by()
        .values_list("measure_id", flat=True)
    )
    progress = []
    order = {m.pk: i for i, m in enumerate(measures)}
    for responsibility in responsibilities(round.plan_id):
        actor = responsibility.actor
        own = sorted(
            (by_id[m.pk] for m in responsibility.measures if m.pk in by_id),
            key=lambda m: order[m.pk],
        )
        reported = [
            m
            for m in own
            if (
                (m.pk, actor.pk) in members_reported
                if m.pk in group_measures
                else m.pk in reported_measures
            )
        ]
        progress.append(ActorProgress(actor=actor, measures=own, reported=reported))
    unreported = [m for m in measures if m.pk not in reported_measures]
    return RoundProgress(round=round, actors=progress, measures=measures, unreported=unreported)


# --- The plan over its closed rounds -----------------------------------------------------


@dataclass
class RoundShare:
    """How the measures stood at one moment: a closed round, or now."""

    label: str
    counts: dict[Status, int]
    round_pk: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, status: Status) -> float:
        return self.counts.get(status, 0) / self.total if self.total else 0.0

    @property
    def rows(self) -> list[tuple[Status, int, float]]:
        return [(s, self.counts.get(s, 0), self.share(s)) for s in Status]


def progress_over_time(plan: Plan, now_measures: list[Measure]) -> list[RoundShare]:
    """Counts per status at each closed round, oldest first, then now: one query."""
    rows = (
        RoundSnapshot.objects.filter(round__plan=plan, round__state=ReportingRound.State.CLOSED)
        .values("round_id", "round__title", "round__closed_at", "status")
        .annotate(n=Count("id"))
        .order_by("round__closed_at", "round_id")
    )
    shares: dict[int, RoundShare] = {}
    for row in rows:
        share = shares.setdefault(
            row["round_id"],
            RoundShare(label=row["round__title"], counts={}, round_pk=row["round_id"]),
        )
        share.counts[Status(row["status"])] = row["n"]
    now = RoundShare(label="", counts=dict(Counter(m.current_status for m in now_measures)))
    return [*shares.values(), now]


def timeline_chart(points: list[RoundShare]) -> BarChart:
    """The whole plan per status at each closed round and now."""
    values = {s: [p.counts.get(s, 0) for p in points] for s in Status}
    return BarChart(
        title=str(_("Progress over time")),
        description=str(_("One bar per closed round and one for now, split by status.")),
        categories=tuple(p.label or str(_("Now")) for p in points),
        series=status_series(list(Status), values),
        total_label=str(_("Total")),
        # The same measures at each round: a status's count summed over rounds means nothing.
        additive=False,
    )
