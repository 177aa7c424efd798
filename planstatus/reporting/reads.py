"""What the reporting pages show: an actor's work, measures with their latest and in-round
reports, a plan's rounds, and what changed since the previous round. Fixed query counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from planstatus.lib.status import Status
from planstatus.plans.groups import GroupReporting, MemberStatus, group_reporting
from planstatus.plans.models import Measure, MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor
from planstatus.reporting.messages import set_by
from planstatus.reporting.models import (
    ReportingLink,
    ReportingLinkUse,
    ReportingRound,
    RoundReport,
    RoundSnapshot,
    Submission,
)
from planstatus.reporting.round_links import LINK_GRACE_DAYS


@dataclass(frozen=True)
class MeasureReport:
    """A measure as the reporting pages show it: now, and what the round has heard."""

    measure: Measure
    latest: StatusUpdate | None
    # The newest update reported in the round, by anyone (on a link page: by its body).
    in_round: StatusUpdate | None
    # Shown on a body's link page, which shows what the public sees plus the body's own
    # reports in the round (docs/architecture.md, "What a link holder sees").
    for_link: bool = False
    # The secretariat's pages name the contact person who saved a report; no one else's do.
    show_person: bool = False
    # On a group measure: every member's own status, and (when the reporter is one of the
    # members) the reporter's own row, whose latest report its form answers.
    group: GroupReporting | None = None
    own: MemberStatus | None = None
    # On a link page: the body's newest report if it awaits approval or was returned.
    submission: Submission | None = None

    @property
    def awaiting_approval(self) -> bool:
        return self.submission is not None and self.submission.is_pending

    @property
    def returned(self) -> bool:
        return self.submission is not None and self.submission.state == Submission.State.RETURNED

    @property
    def has_answered(self) -> bool:
        """The body (or, on the secretariat's pages, anyone) has reported in the round."""
        return self.in_round is not None or self.awaiting_approval

    @property
    def can_carry_forward(self) -> bool:
        """On a link page: nothing answered yet, and an earlier status to say is unchanged."""
        return self.for_link and not self.has_answered and self.reported_status is not None

    @property
    def shows_internal(self) -> bool:
        return not self.for_link

    @property
    def expected_previous(self) -> int | None:
        """The update a new report must follow: the member's own latest report on a group
        measure, else the measure's latest update."""
        if self.own is not None:
            return self.own.update.pk if self.own.update else None
        return self.latest.pk if self.latest else None

    @property
    def reported_status(self) -> Status | None:
        """What the reporter's form starts from: its report awaiting approval, else the
        status it reported last."""
        if self.submission is not None:
            return Status(self.submission.status)
        update = self.own.update if self.own is not None else self.latest
        return Status(update.status) if update and update.status != Status.UNKNOWN else None

    @property
    def latest_is_own(self) -> bool:
        return (
            self.latest is not None and self.in_round is not None and self.latest == self.in_round
        )

    @property
    def set_by(self) -> str:
        if self.latest is None or (self.for_link and not self.latest_is_own):
            return ""
        return set_by(self.latest, with_person=self.show_person)

    @property
    def shown_comment(self) -> str:
        latest = self.latest
        if latest is None:
            return ""
        if self.for_link and not (latest.comment_is_public or self.latest_is_own):
            return ""
        return latest.comment

    @property
    def shown_evidence_url(self) -> str:
        # Evidence links are never public: a link holder sees its own only.
        if self.latest is None or (self.for_link and not self.latest_is_own):
            return ""
        return self.latest.evidence_url

    @property
    def in_round_by(self) -> str:
        if self.in_round is None:
            return ""
        return set_by(self.in_round, with_person=self.show_person)


@dataclass(frozen=True)
class ActorWork:
    actor: Actor
    round: ReportingRound | None
    responsible: list[MeasureReport]
    involved: list[MeasureReport]

    @property
    def reported_count(self) -> int:
        return sum(1 for r in self.responsible if r.has_answered)

    @property
    def can_carry_forward(self) -> list[MeasureReport]:
        """The measures «ingen endring» would carry: not answered yet, with a status to carry."""
        return [r for r in self.responsible if r.can_carry_forward]


def actor_work(
    *, actor: Actor, plan: Plan, round: ReportingRound | None, reporter: Actor | None = None
) -> ActorWork:
    """The actor's current measures in the plan, split by role, its groups' included. About
    eight queries. With a reporter, the round's reports are that body's own only (what its
    link page shows)."""
    links = list(
        MeasureActor.objects.filter(
            Q(actor=actor) | Q(actor__members=actor),
            measure__focus_area__plan=plan,
            measure__archived_at__isnull=True,
        )
        .values_list("measure_id", "role")
        .distinct()
    )
    responsible_ids = {m for m, role in links if role == MeasureActor.Role.RESPONSIBLE}
    involved_ids = {m for m, _ in links} - responsible_ids
    reports = measure_reports(
        round=round, measure_ids=responsible_ids | involved_ids, reporter=reporter
    )
    return ActorWork(
        actor=actor,
        round=round,
        responsible=[r for r in reports if r.measure.pk in responsible_ids],
        involved=[r for r in reports if r.measure.pk in involved_ids],
    )


def measure_reports(
    *,
    round: ReportingRound | None,
    measure_ids: set[int] | list[int],
    reporter: Actor | None = None,
    show_person: bool = False,
) -> list[MeasureReport]:
    """Measures in plan order with their latest update and the round's (with a reporter:
    that body's own newest report in the round), and the members of group measures; about
    seven queries. With show_person (the secretariat's pages only) a report names the
    contact person who saved it."""
    measures = list(
        Measure.objects.filter(pk__in=list(measure_ids))
        .select_related("focus_area", "goal")
        .with_latest_id()
        .order_by("focus_area__order", "order", "pk")
    )
    in_round: dict[int, int] = {}
    if round is not None:
        reported = RoundReport.objects.filter(
            round=round, status_update__measure_id__in=[m.pk for m in measures]
        ).order_by("status_update__created_at", "status_update_id")
        if reporter is not None:
            reported = reported.filter(actor=reporter)
        # Later rows overwrite earlier ones: the newest report wins.
        in_round = dict(reported.values_list("status_update__measure_id", "status_update_id"))
    wanted = {m.latest_id for m in measures if m.latest_id} | set(in_round.values())  # type: ignore[attr-defined]
    updates = (
        StatusUpdate.objects.filter(pk__in=wanted)
        .select_related("created_by", "round_report__actor", "round_report__contact_person")
        .in_bulk()
    )
    groups = group_reporting(m.pk for m in measures)
    submissions = _open_submissions(reporter, [m.pk for m in measures]) if reporter else {}
    return [
        MeasureReport(
            measure=m,
            latest=updates.get(m.latest_id),  # type: ignore[attr-defined]
            in_round=updates.get(in_round[m.pk]) if m.pk in in_round else None,
            for_link=reporter is not None,
            show_person=show_person and reporter is None,
            group=groups.get(m.pk),
            own=_own_row(groups.get(m.pk), reporter),
            submission=submissions.get(m.pk),
        )
        for m in measures
    ]


def _open_submissions(reporter: Actor, measure_ids: list[int]) -> dict[int, Submission]:
    """The body's newest report per measure, when it awaits approval or was returned (a
    newer report, or an approval, settles the earlier ones)."""
    newest: dict[int, Submission] = {}
    rows = Submission.objects.filter(actor=reporter, measure_id__in=measure_ids).order_by(
        "created_at", "pk"
    )
    for row in rows:
        newest[row.measure_id] = row
    open_states = {Submission.State.PENDING, Submission.State.RETURNED}
    return {m: row for m, row in newest.items() if row.state in open_states}


def measure_submissions_pending(measure: Measure) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(measure=measure, state=Submission.State.PENDING)
        .select_related("actor", "round")
        .order_by("created_at", "pk")
    )


def pending_submissions(plan: Plan) -> QuerySet[Submission]:
    """The plan's reports awaiting approval, from any round, oldest first: the secretariat's
    list. Reports still pending when their round closed wait on into the next round."""
    return (
        Submission.objects.filter(round__plan=plan, state=Submission.State.PENDING)
        .select_related("measure", "actor", "round")
        .order_by("measure__focus_area__order", "measure__order", "created_at", "pk")
    )


def _own_row(group: GroupReporting | None, reporter: Actor | None) -> MemberStatus | None:
    if group is None or reporter is None:
        return None
    return next((row for row in group.members if row.member.pk == reporter.pk), None)


def plan_rounds(plan: Plan) -> list[ReportingRound]:
    """All the plan's rounds in one query: the open one first, then the newest closed."""
    return list(
        ReportingRound.objects.filter(plan=plan).order_by(
            F("closed_at").desc(nulls_first=True), "-pk"
        )
    )


def snapshot_statuses(round: ReportingRound) -> dict[int, str]:
    """A closed round's frozen status per measure id."""
    return dict(RoundSnapshot.objects.filter(round=round).values_list("measure_id", "status"))


def refused_uses(round: ReportingRound) -> QuerySet[ReportingLinkUse]:
    """Refused uses of the plan's links while the round was open, newest first."""
    uses = ReportingLinkUse.objects.filter(
        link__plan_id=round.plan_id, at__gte=round.opened_at, action__startswith="refused_"
    )
    if round.closed_at is not None:
        uses = uses.filter(at__lte=round.closed_at + datetime.timedelta(days=LINK_GRACE_DAYS))
    return uses.select_related("link__actor").order_by("-at", "-pk")


def round_links(round: ReportingRound) -> QuerySet[ReportingLink]:
    """The round's links, newest first, each with when it was last opened; one query."""
    opened = ReportingLinkUse.objects.filter(
        link=OuterRef("pk"), action=ReportingLinkUse.Action.OPENED
    )
    return (
        round.links.select_related("actor", "contact_person", "created_by")
        .annotate(last_opened=Subquery(opened.order_by("-at").values("at")[:1]))
        .order_by("actor__name", "-created_at", "-pk")
    )


def previous_closed_round(round: ReportingRound) -> ReportingRound | None:
    rounds = ReportingRound.objects.filter(
        plan_id=round.plan_id, state=ReportingRound.State.CLOSED
    ).exclude(pk=round.pk)
    if round.closed_at is not None:
        rounds = rounds.filter(closed_at__lt=round.closed_at)
    return rounds.order_by("-closed_at", "-pk").first()


@dataclass(frozen=True)
class StatusChange:
    measure: Measure
    from_status: Status
    to_status: Status


def changes_since_previous(round: ReportingRound) -> list[StatusChange]:
    """Measures whose status differs from the previous closed round's snapshot.

    A closed round is compared by its own snapshot; an open one by the statuses as they
    stand now. A measure new since the previous round counts as moved from "not assessed".
    Without a previous closed round there is nothing to compare, and the list is empty.
    """
    previous = previous_closed_round(round)
    if previous is None:
        return []
    before = dict(RoundSnapshot.objects.filter(round=previous).values_list("measure_id", "status"))
    changes = []
    for measure, status in _statuses_of(round):
        was = Status(before.get(measure.pk, Status.UNKNOWN))
        if was != status:
            changes.append(StatusChange(measure=measure, from_status=was, to_status=status))
    return changes


def _statuses_of(round: ReportingRound) -> list[tuple[Measure, Status]]:
    # With the plan and region: the list links every measure, and a link costs no query then.
    if not round.is_open:
        rows = RoundSnapshot.objects.filter(round=round).select_related(
            "measure__focus_area__plan__region"
        )
        return [(row.measure, Status(row.status)) for row in rows]
    measures = (
        Measure.objects.filter(focus_area__plan_id=round.plan_id, archived_at__isnull=True)
        .with_status()
        .select_related("focus_area__plan__region")
        .order_by("focus_area__order", "order", "pk")
    )
    return [(m, m.current_status) for m in measures]


def disagreements(round: ReportingRound) -> list[Measure]:
    """Measures on which two bodies said different things in the round: each body's latest
    report (or report awaiting approval) differs from another's. The later save stands as
    the measure's status, so the secretariat should look. Members of a group are left out:
    they report their own parts, and the rule rolls those up. Three queries."""
    said: dict[int, dict[int, tuple[datetime.datetime, str]]] = {}

    def hear(measure_id: int, actor_id: int, when: datetime.datetime, status: str) -> None:
        latest = said.setdefault(measure_id, {})
        if actor_id not in latest or latest[actor_id][0] <= when:
            latest[actor_id] = (when, status)

    reports = (
        RoundReport.objects.filter(
            round=round, actor__isnull=False, status_update__member__isnull=True
        )
        .order_by()
        .values_list(
            "status_update__measure_id",
            "actor_id",
            "status_update__created_at",
            "status_update__status",
        )
    )
    for measure_id, actor_id, when, status in reports:
        hear(measure_id, actor_id, when, status)
    waiting = (
        Submission.objects.filter(round=round, state=Submission.State.PENDING, as_member=False)
        .order_by()
        .values_list("measure_id", "actor_id", "created_at", "status")
    )
    for measure_id, actor_id, when, status in waiting:
        hear(measure_id, actor_id, when, status)
    ids = [m for m, by in said.items() if len({status for _when, status in by.values()}) > 1]
    return list(
        Measure.objects.filter(pk__in=[*ids, 0])
        .select_related("focus_area__plan__region")
        .order_by("focus_area__order", "order", "pk")
    )
