"""«Mitt arbeid»: what waits for a member of a region's secretariat, plan by plan, and the
next step they would naturally take.

It reads from each app what that app owns (the round's progress and the reports awaiting
approval from reporting, late and hand-set measures from plans, the last sent case from
cases, the public's unanswered input from feedback) and decides nothing that the apps' own
pages do not show; it only puts it on one screen. A fixed number of queries per plan,
whatever the plan's size.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.urls import reverse

from planstatus.accounts.models import Membership
from planstatus.cases.models import SentCase
from planstatus.feedback.models import PublicInput
from planstatus.feedback.reads import open_inputs
from planstatus.plans.dashboard import plan_measures
from planstatus.plans.groups import group_reporting
from planstatus.plans.models import Measure, Plan
from planstatus.regions.models import Region
from planstatus.reporting.models import ReportingRound, Submission
from planstatus.reporting.progress import ActorProgress, RoundProgress, round_progress
from planstatus.reporting.reads import disagreements, pending_submissions
from planstatus.reporting.recipients import has_address, prefetch_recipients

# A list on the page shows this many, then says how many more there are.
SHOWN = 8
# Reminding is the next step when the deadline is this close, or past.
REMIND_WITHIN_DAYS = 7


class Step(enum.StrEnum):
    APPROVE = "approve"
    REMIND = "remind"
    CLOSE = "close"
    MAKE_CASE = "make_case"
    PUBLISH = "publish"
    OPEN_ROUND = "open_round"
    FOLLOW_ROUND = "follow_round"


@dataclass
class PlanWork:
    plan: Plan
    can_edit: bool
    round: ReportingRound | None
    progress: RoundProgress | None
    behind_with_address: list[ActorProgress]
    behind_without_address: list[ActorProgress]
    pending: list[Submission]
    pending_count: int
    overdue: list[Measure]
    disagreements: list[Measure]
    set_by_hand: list[Measure]
    last_case: SentCase | None
    last_closed: ReportingRound | None
    step: Step | None = None
    days_left: int | None = None

    @property
    def days_past(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def behind_count(self) -> int:
        return len(self.behind_with_address) + len(self.behind_without_address)

    @property
    def to_check(self) -> list[Measure]:
        return [*self.disagreements, *(m for m in self.set_by_hand if m not in self.disagreements)]

    @property
    def step_url(self) -> str:
        slugs = [self.plan.region.slug, self.plan.slug]
        if self.step == Step.APPROVE and self.round is not None:
            return reverse("round", args=[*slugs, self.round.pk]) + "#godkjenning"
        if self.step == Step.CLOSE and self.round is not None:
            return reverse("round_close", args=[*slugs, self.round.pk])
        if self.step in (Step.REMIND, Step.FOLLOW_ROUND) and self.round is not None:
            return reverse("round", args=[*slugs, self.round.pk])
        if self.step == Step.MAKE_CASE:
            return reverse("case_page", args=slugs)
        if self.step == Step.PUBLISH:
            return reverse("plan_settings", args=slugs)
        return reverse("round_open", args=slugs)


@dataclass
class RegionWork:
    region: Region
    can_edit: bool
    plans: list[PlanWork] = field(default_factory=list)
    # The public's input not yet answered: the newest few, and how many in all.
    inputs: list[PublicInput] = field(default_factory=list)
    inputs_count: int = 0


def next_step(work: PlanWork, today: datetime.date) -> Step:
    """What the secretariat would naturally do next with the plan, most pressing first."""
    if work.pending_count:
        return Step.APPROVE
    if work.round is not None and work.progress is not None:
        everyone = not work.progress.behind
        deadline_passed = work.round.deadline < today
        if everyone or (deadline_passed and not work.behind_with_address):
            return Step.CLOSE
        near = (work.round.deadline - today).days <= REMIND_WITHIN_DAYS
        if near and work.behind_with_address:
            return Step.REMIND
        return Step.FOLLOW_ROUND
    closed = work.last_closed
    if closed is not None and closed.closed_at is not None:
        case = work.last_case
        if case is None or case.sent_at < closed.closed_at:
            return Step.MAKE_CASE
    if not work.plan.published:
        return Step.PUBLISH
    return Step.OPEN_ROUND


def _plan_work(plan: Plan, *, editor: bool, today: datetime.date) -> PlanWork:
    measures = plan_measures(plan)
    groups = group_reporting(m.pk for m in measures if m.has_group_responsible)
    round = plan.reporting_rounds.filter(state=ReportingRound.State.OPEN).first()
    progress = round_progress(round) if round is not None else None
    with_address: list[ActorProgress] = []
    without_address: list[ActorProgress] = []
    found_disagreements: list[Measure] = []
    if round is not None and progress is not None:
        behind = progress.behind
        prefetch_recipients(a.actor for a in behind)
        for entry in behind:
            (with_address if has_address(entry.actor) else without_address).append(entry)
        found_disagreements = disagreements(round)
    pending_query = pending_submissions(plan)
    pending = list(pending_query[:SHOWN])
    last_closed = (
        plan.reporting_rounds.filter(state=ReportingRound.State.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )
    work = PlanWork(
        plan=plan,
        can_edit=editor,
        round=round,
        progress=progress,
        behind_with_address=with_address,
        behind_without_address=without_address,
        pending=pending,
        pending_count=len(pending) if len(pending) < SHOWN else pending_query.count(),
        overdue=[m for m in measures if m.is_overdue(today)],
        disagreements=found_disagreements,
        set_by_hand=[m for m in measures if m.pk in groups and groups[m.pk].set_by_hand],
        last_case=plan.sent_cases.first(),
        last_closed=last_closed,
        days_left=(round.deadline - today).days if round is not None else None,
    )
    work.step = next_step(work, today) if editor else None
    return work


def my_work(user: User, *, today: datetime.date) -> list[RegionWork]:
    """Each region the person is a member of, with its current plans' work."""
    memberships = (
        Membership.objects.filter(user=user).select_related("region").order_by("region__name")
    )
    regions = []
    for membership in memberships:
        editor = membership.role == Membership.Role.SECRETARIAT
        region = membership.region
        work = RegionWork(region=region, can_edit=editor)
        work.inputs, work.inputs_count = open_inputs(region)
        plans = region.plans.exclude(state=Plan.State.ARCHIVED).select_related("region")
        for plan in plans.order_by("-period_start", "title"):
            work.plans.append(_plan_work(plan, editor=editor, today=today))
        regions.append(work)
    return regions
