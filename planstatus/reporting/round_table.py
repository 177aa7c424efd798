"""The round page's table: one row per measure, and on a group measure one row per member
(each member reports for itself), with the status, the round's last report, who made it and
whether it is approved. A fixed number of queries, however many measures and members."""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from planstatus.lib.status import Status
from planstatus.plans.groups import MemberStatus
from planstatus.plans.models import MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor
from planstatus.reporting.messages import set_by
from planstatus.reporting.models import ReportingRound, RoundReport, Submission
from planstatus.reporting.reads import MeasureReport, measure_reports


class Approval(enum.StrEnum):
    """Where a row's latest report stands with the secretariat."""

    NONE = "none"  # nothing reported in the round
    PENDING = "pending"  # sent from a link, awaiting approval
    RETURNED = "returned"  # sent back to the body with a note
    APPROVED = "approved"  # approved by the secretariat
    DIRECT = "direct"  # needed no approval: the secretariat's own, or a plan without approval


@dataclass(frozen=True)
class RoundRow:
    """One line of the table: a measure, a group measure's own line, or one member's."""

    report: MeasureReport
    # On a group measure: the member whose own status the line shows (None: the measure's).
    member: Actor | None
    # The actors the line is about: the member, else the measure's responsible actors.
    actors: list[Actor]
    status: Status
    status_at: datetime.datetime | None
    # The line's newest report in the round, and its newest report sent from a link.
    in_round: StatusUpdate | None
    submission: Submission | None
    show_person: bool = False

    @property
    def measure_pk(self) -> int:
        return self.report.measure.pk

    @property
    def key(self) -> str:
        """The line's id on the page (#tiltak-12, #tiltak-12-7 for a member)."""
        if self.member is None:
            return f"tiltak-{self.measure_pk}"
        return f"tiltak-{self.measure_pk}-{self.member.pk}"

    @property
    def is_group(self) -> bool:
        """The group measure's own line: its status is the rule's over the members."""
        return self.member is None and self.report.group is not None

    @property
    def approval(self) -> Approval:
        sub, update = self.submission, self.in_round
        if sub is not None and sub.is_pending:
            return Approval.PENDING
        if (
            sub is not None
            and sub.state == Submission.State.RETURNED
            and (update is None or sub.decided_at is None or sub.decided_at > update.created_at)
        ):
            return Approval.RETURNED
        if update is None:
            return Approval.NONE
        if sub is not None and sub.status_update_id == update.pk:
            return Approval.APPROVED
        return Approval.DIRECT

    @property
    def has_answered(self) -> bool:
        """Reported in the round, or sent and awaiting approval (as the progress counts)."""
        if self.is_group:
            return self.report.has_answered
        return self.in_round is not None or self.approval == Approval.PENDING

    @property
    def last_at(self) -> datetime.datetime | None:
        """When the line was last reported in the round (a report awaiting approval too)."""
        if self.approval in (Approval.PENDING, Approval.RETURNED):
            assert self.submission is not None
            return self.submission.created_at
        return self.in_round.created_at if self.in_round else None

    @property
    def last_by(self) -> str:
        """Who reported: the body; the person too on the secretariat's pages."""
        if self.approval in (Approval.PENDING, Approval.RETURNED):
            assert self.submission is not None
            sub = self.submission
            if self.show_person and sub.contact_person is not None:
                return f"{sub.actor.name} ({sub.contact_person.name})"
            return str(sub.actor.name)
        if self.in_round is None:
            return ""
        return set_by(self.in_round, with_person=self.show_person)


@dataclass(frozen=True)
class MeasureRows:
    """A measure's lines: one, or on a group measure its own line and one per member."""

    head: RoundRow
    members: list[RoundRow] = field(default_factory=list)

    @property
    def rows(self) -> list[RoundRow]:
        return [self.head, *self.members]


@dataclass(frozen=True)
class RowFilter:
    actor_id: int | None = None
    status: Status | None = None
    not_reported: bool = False

    @property
    def active(self) -> bool:
        return self.actor_id is not None or self.status is not None or self.not_reported

    def keeps(self, row: RoundRow, *, by_actor: bool = True) -> bool:
        if by_actor and not self._names(row):
            return False
        if self.status is not None and row.status != self.status:
            return False
        return not (self.not_reported and row.has_answered)

    def _names(self, row: RoundRow) -> bool:
        return self.actor_id is None or self.actor_id in {a.pk for a in row.actors}

    def apply(self, measures: Iterable[MeasureRows]) -> list[MeasureRows]:
        """The measures with a line the filter keeps. A group measure keeps its own line
        above its kept members, so each member's line still says what it belongs to; the
        group itself as the actor keeps all its measures' members."""
        if not self.active:
            return list(measures)
        kept = []
        for m in measures:
            if m.head.is_group:
                by_actor = not (self.actor_id is not None and self._names(m.head))
                members = [r for r in m.members if self.keeps(r, by_actor=by_actor)]
                if members:
                    kept.append(MeasureRows(head=m.head, members=members))
            elif self.keeps(m.head):
                kept.append(m)
        return kept


def filter_actors(bodies: Iterable[Actor], measures: Iterable[MeasureRows]) -> list[Actor]:
    """The actors to filter by: every body that reports in the round, and the groups whose
    members report, by name."""
    actors = {a.pk: a for a in bodies}
    for m in measures:
        if m.head.is_group:
            actors.update((a.pk, a) for a in m.head.actors if a.is_group)
    return sorted(actors.values(), key=lambda a: (a.name, a.pk))


def round_rows(
    *, round: ReportingRound, measure_ids: list[int], show_person: bool = False
) -> list[MeasureRows]:
    """The table's lines for the given measures, in plan order; about twelve queries."""
    reports = measure_reports(round=round, measure_ids=measure_ids, show_person=show_person)
    ids = [r.measure.pk for r in reports]
    actors = _responsible_actors(ids)
    in_round = _in_round_by_line(round, ids)
    submissions = _submissions_by_line(round.plan, round, ids)
    result = []
    for report in reports:
        m = report.measure
        latest = report.latest
        head = RoundRow(
            report=report,
            member=None,
            actors=actors.get(m.pk, []),
            status=Status(latest.status) if latest else Status.UNKNOWN,
            status_at=latest.created_at if latest else None,
            in_round=report.in_round if report.group is None else in_round.get((m.pk, None)),
            submission=submissions.get((m.pk, None)),
            show_person=show_person,
        )
        members = [
            member_row(report, row, in_round.get((m.pk, row.member.pk)), submissions)
            for row in (report.group.members if report.group else [])
        ]
        result.append(MeasureRows(head=head, members=members))
    return result


def member_row(
    report: MeasureReport,
    row: MemberStatus,
    in_round: StatusUpdate | None,
    submissions: dict[tuple[int, int | None], Submission],
) -> RoundRow:
    return RoundRow(
        report=report,
        member=row.member,
        actors=[row.member],
        status=row.status,
        status_at=row.update.created_at if row.update else None,
        in_round=in_round,
        submission=submissions.get((report.measure.pk, row.member.pk)),
        show_person=report.show_person,
    )


def _responsible_actors(measure_ids: list[int]) -> dict[int, list[Actor]]:
    links = (
        MeasureActor.objects.filter(measure_id__in=measure_ids, role=MeasureActor.Role.RESPONSIBLE)
        .select_related("actor")
        .order_by("position", "pk")
    )
    actors: dict[int, list[Actor]] = defaultdict(list)
    for link in links:
        actors[link.measure_id].append(link.actor)
    return actors


def _in_round_by_line(
    round: ReportingRound, measure_ids: list[int]
) -> dict[tuple[int, int | None], StatusUpdate]:
    """Each line's newest report in the round: (measure, member or None) → its update."""
    reports = (
        RoundReport.objects.filter(round=round, status_update__measure_id__in=measure_ids)
        .select_related("status_update__created_by", "actor", "contact_person")
        .order_by("status_update__created_at", "status_update_id")
    )
    newest: dict[tuple[int, int | None], StatusUpdate] = {}
    for report in reports:
        update = report.status_update
        # set_by() reads who reported from the update's round report: it is at hand.
        update.round_report = report
        newest[(update.measure_id, update.member_id)] = update
    return newest


def _submissions_by_line(
    plan: Plan, round: ReportingRound, measure_ids: list[int]
) -> dict[tuple[int, int | None], Submission]:
    """Each line's newest report from a link: this round's, or one still pending from an
    earlier round (it waits into this one)."""
    rows = (
        Submission.objects.filter(measure_id__in=measure_ids)
        .filter(Q(round=round) | Q(round__plan=plan, state=Submission.State.PENDING))
        .exclude(state=Submission.State.REPLACED)
        .select_related("actor", "contact_person")
        .order_by("created_at", "pk")
    )
    newest: dict[tuple[int, int | None], Submission] = {}
    for sub in rows:
        newest[(sub.measure_id, sub.actor_id if sub.as_member else None)] = sub
    return newest
