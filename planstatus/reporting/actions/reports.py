"""Reporting a measure's status in a round, through a personal link or by the secretariat.

The write and its conflict check are plans' (plans/actions/status.py); a round adds who
reported (the actor, the link) and refuses what the round does not allow. When the plan's
reports must be approved, a report from a link waits as a Submission until the secretariat
approves it (then it is written as above) or returns it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from planstatus.accounts.roles import known_user
from planstatus.lib.status import Status
from planstatus.plans.actions.status import check_not_changed, record_status, set_status
from planstatus.plans.groups import GroupReporting, group_reporting
from planstatus.plans.models import Measure, MeasureActor, StatusUpdate
from planstatus.regions.models import Actor
from planstatus.reporting.actions.items import publish_item
from planstatus.reporting.actions.rounds import AnyUser, locked_round
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.models import ReportingLink, ReportingRound, RoundReport, Submission


@transaction.atomic
def record_round_status(
    *,
    round: ReportingRound,
    measure: Measure,
    status: Status,
    comment: str = "",
    comment_is_public: bool = False,
    evidence_url: str = "",
    user: AnyUser = None,
    actor: Actor | None = None,
    link: ReportingLink | None = None,
    expected_previous: int | None = None,
) -> StatusUpdate | Submission:
    """Report a measure's status in a round.

    `expected_previous` is the id of the latest update the person saw (None: they saw none).
    If someone has reported since, StatusConflict is raised and nothing is saved; the caller
    shows the newer status and, if the person still wants the change, calls again with that
    update's id. With a `link`, the link's actor reports and must be responsible; if the
    plan's reports must be approved, the report is returned as a pending Submission.
    """
    round = locked_round(round)
    if not round.is_open:
        raise RoundError(Refusal.ROUND_CLOSED)
    try:
        status = Status(status)
    except ValueError:
        raise RoundError(Refusal.UNKNOWN_STATUS) from None
    actor = _reporting_actor(round=round, actor=actor, link=link)
    measure = _locked_measure(round=round, measure=measure)
    member = None
    if actor is not None:
        if not Measure.objects.responsible_for(actor).filter(pk=measure.pk).exists():
            raise RoundError(Refusal.NOT_RESPONSIBLE, actor=actor.name, code=measure.code)
        member = _as_member(actor, group_reporting([measure.pk]).get(measure.pk))
    else:
        check_reason_for_hand_set(measure=measure, comment=comment)
    if link is not None and round.plan.reports_need_approval:
        assert actor is not None
        check_not_changed(measure=measure, member=member, expected_previous=expected_previous)
        return _submit(
            round=round,
            measure=measure,
            actor=actor,
            as_member=member is not None,
            link=link,
            status=status,
            comment=comment,
            comment_is_public=comment_is_public,
            evidence_url=evidence_url,
        )
    update = set_status(
        measure=measure,
        status=status,
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        user=user,
        expected_previous=expected_previous,
        member=member,
    )
    RoundReport.objects.create(
        round=round,
        status_update=update,
        actor=actor,
        via_link=link,
        # The person whose link it is: the secretariat sees who saved, a link holder never.
        contact_person_id=link.contact_person_id if link is not None else None,
    )
    return update


def _submit(
    *,
    round: ReportingRound,
    measure: Measure,
    actor: Actor,
    as_member: bool,
    link: ReportingLink,
    status: Status,
    comment: str,
    comment_is_public: bool,
    evidence_url: str,
) -> Submission:
    # A newer report from the same body replaces its pending one (the link page shows the
    # pending report in the form, so the body corrects it rather than adds to it). Saved
    # one by one, so the replacement is in the report's history.
    for pending in Submission.objects.filter(
        measure=measure, actor=actor, state=Submission.State.PENDING
    ):
        pending.state = Submission.State.REPLACED
        pending.save(update_fields=["state"])
    return Submission.objects.create(
        round=round,
        measure=measure,
        actor=actor,
        as_member=as_member,
        via_link=link,
        contact_person_id=link.contact_person_id,
        status=status,
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
    )


@transaction.atomic
def approve_submissions(*, submissions: Iterable[Submission], user: AnyUser) -> list[Submission]:
    """Publish pending reports: each becomes the status update it would have been without
    approval, credited to its body, with the approver as the person who set it; a milestone
    or an update becomes the measure's, as the secretariat's own would. Reports no longer
    pending (approved, returned or replaced meanwhile) are left alone. Returns those
    approved."""
    now = timezone.now()
    approved = []
    for submission in _locked_pending(submissions):
        if submission.kind != Submission.Kind.STATUS:
            publish_item(submission=submission, user=user)
            submission.state = Submission.State.APPROVED
            submission.decided_at, submission.decided_by = now, known_user(user)
            submission.save(update_fields=["state", "decided_at", "decided_by"])
            approved.append(submission)
            continue
        measure = Measure.objects.select_for_update(of=("self",)).get(pk=submission.measure_id)
        update = record_status(
            measure=measure,
            status=Status(submission.status),
            comment=submission.comment,
            comment_is_public=submission.comment_is_public,
            evidence_url=submission.evidence_url,
            user=user,
            member=submission.actor if submission.as_member else None,
        )
        RoundReport.objects.create(
            round=submission.round,
            status_update=update,
            actor=submission.actor,
            via_link=submission.via_link,
            contact_person_id=submission.contact_person_id,
        )
        submission.state = Submission.State.APPROVED
        submission.status_update = update
        submission.decided_at, submission.decided_by = now, known_user(user)
        submission.save(update_fields=["state", "status_update", "decided_at", "decided_by"])
        approved.append(submission)
    return approved


@transaction.atomic
def return_submissions(
    *, submissions: Iterable[Submission], note: str, user: AnyUser
) -> list[Submission]:
    """Send pending reports back to their bodies with a note they see on their link page.
    Nothing is published; the body can report again from its link."""
    now = timezone.now()
    returned = []
    for submission in _locked_pending(submissions):
        submission.state = Submission.State.RETURNED
        submission.return_note = note
        submission.decided_at, submission.decided_by = now, known_user(user)
        submission.save(update_fields=["state", "return_note", "decided_at", "decided_by"])
        returned.append(submission)
    return returned


def _locked_pending(submissions: Iterable[Submission]) -> list[Submission]:
    return list(
        Submission.all_kinds.select_for_update(of=("self",))
        .filter(pk__in=[s.pk for s in submissions], state=Submission.State.PENDING)
        .select_related("round", "actor", "via_link", "measure")
        .order_by("created_at", "pk")
    )


def _as_member(actor: Actor, group: GroupReporting | None) -> Actor | None:
    """The actor, when it reports its own status as a member of a group measure; else None
    (it reports the measure's status)."""
    return actor if group is not None and actor.pk in group.member_ids() else None


@transaction.atomic
def report_status(
    *,
    measure: Measure,
    status: Status,
    comment: str = "",
    comment_is_public: bool = False,
    evidence_url: str = "",
    user: AnyUser,
    expected_previous: int | None,
) -> StatusUpdate:
    """The secretariat sets a measure's status, from the measure page or a round page.

    While the plan has an open round the update counts as reported in it, so the round's
    progress and reminders see it. Either way a newer update than the one the person saw
    raises StatusConflict, and nothing is saved.
    """
    open_round = ReportingRound.objects.filter(
        plan__focus_areas__measures=measure, state=ReportingRound.State.OPEN
    ).first()
    if open_round is not None:
        update = record_round_status(
            round=open_round,
            measure=measure,
            status=status,
            comment=comment,
            comment_is_public=comment_is_public,
            evidence_url=evidence_url,
            user=user,
            expected_previous=expected_previous,
        )
        # Without a link the secretariat's report is written at once, approval or not.
        assert isinstance(update, StatusUpdate)
        return update
    check_reason_for_hand_set(measure=measure, comment=comment)
    return set_status(
        measure=measure,
        status=Status(status),
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        user=user,
        expected_previous=expected_previous,
    )


def check_reason_for_hand_set(*, measure: Measure, comment: str) -> None:
    """The secretariat's own status on a group measure overrides what its members report
    (issue 20): it must say why, whichever page it was set on."""
    group = MeasureActor.objects.filter(
        measure=measure, role=MeasureActor.Role.RESPONSIBLE, actor__is_group=True
    )
    if not comment.strip() and group.exists():
        raise RoundError(Refusal.REASON_REQUIRED)


def _reporting_actor(
    *, round: ReportingRound, actor: Actor | None, link: ReportingLink | None
) -> Actor | None:
    if link is None:
        return actor
    if link.plan_id != round.plan_id or not link.is_usable():
        raise RoundError(Refusal.LINK_NOT_VALID)
    if actor is not None and actor.pk != link.actor_id:
        raise RoundError(Refusal.LINK_OF_ANOTHER_ACTOR)
    return link.actor


def _locked_measure(*, round: ReportingRound, measure: Measure) -> Measure:
    # Locked before the checks, so the measure cannot be archived or moved meanwhile (the
    # status write locks it again for its conflict check, a no-op within one transaction).
    locked = (
        Measure.objects.select_for_update(of=("self",))
        .filter(pk=measure.pk, focus_area__plan_id=round.plan_id)
        .first()
    )
    if locked is None:
        raise RoundError(Refusal.MEASURE_NOT_IN_PLAN, plan=round.plan.title)
    if locked.archived_at is not None:
        raise RoundError(Refusal.MEASURE_ARCHIVED, code=locked.code)
    return locked


@transaction.atomic
def report_unchanged(
    *, round: ReportingRound, link: ReportingLink, measures: Iterable[Measure]
) -> list[StatusUpdate]:
    """«Ingen endring sidan sist»: for each measure the link's body has not answered in the
    round, its previous status and comment are reported again, marked as carried forward.

    The body's previous status is the measure's latest (on a group measure, the member's own
    latest report). Nothing new is published, so a carried report needs no approval. A
    measure with no earlier status, or one the body has already answered in the round
    (reported, or awaiting approval), is left alone. Returns the reports written.
    """
    round = locked_round(round)
    if not round.is_open:
        raise RoundError(Refusal.ROUND_CLOSED)
    actor = _reporting_actor(round=round, actor=None, link=link)
    assert actor is not None
    measures = [_locked_measure(round=round, measure=m) for m in measures]
    ids = [m.pk for m in measures]
    responsible = set(
        Measure.objects.responsible_for(actor).filter(pk__in=ids).values_list("pk", flat=True)
    )
    answered = set(
        RoundReport.objects.filter(
            round=round, actor=actor, status_update__measure_id__in=ids
        ).values_list("status_update__measure_id", flat=True)
    ) | set(
        Submission.objects.filter(
            measure_id__in=ids, actor=actor, state=Submission.State.PENDING
        ).values_list("measure_id", flat=True)
    )
    groups = group_reporting(ids)
    written = []
    for measure in measures:
        if measure.pk not in responsible:
            raise RoundError(Refusal.NOT_RESPONSIBLE, actor=actor.name, code=measure.code)
        member = _as_member(actor, groups.get(measure.pk))
        previous = StatusUpdate.objects.latest_of(measure, member)
        if measure.pk in answered or previous is None or previous.status == Status.UNKNOWN:
            continue
        update = record_status(
            measure=measure,
            status=Status(previous.status),
            comment=previous.comment,
            comment_is_public=previous.comment_is_public,
            evidence_url=previous.evidence_url,
            member=member,
        )
        RoundReport.objects.create(
            round=round,
            status_update=update,
            actor=actor,
            via_link=link,
            contact_person_id=link.contact_person_id,
            carried_forward=True,
        )
        written.append(update)
    return written
