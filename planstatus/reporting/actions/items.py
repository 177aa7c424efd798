"""Milestones and updates («Kva har skjedd») a body adds through its link (issue 23).

They go the way of a status report from a link: when the plan's reports must be approved,
each waits as a `Submission` (kind milestone or news) that the secretariat approves or
returns on the round page, with the same decision and the same list; nothing of it is
public until then. Without approval it is written at once through plans' own actions, as
the secretariat's would be. An update's files are checked by content now, with the same
limits as the secretariat's (lib/attachments), and kept in the database until approved.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from planstatus.lib.attachments import AttachmentError, download_name, identify
from planstatus.plans.actions.milestones import add_milestone
from planstatus.plans.actions.news import AttachmentRefused, Upload, add_news
from planstatus.plans.models import Measure, MeasureNews, Milestone
from planstatus.regions.models import Actor
from planstatus.reporting.actions.rounds import AnyUser, locked_round
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.models import (
    ReportingLink,
    ReportingRound,
    Submission,
    SubmissionFile,
)


def _checked_measure(*, round: ReportingRound, measure: Measure, link: ReportingLink) -> Actor:
    """The link's body, when the round is open, the link usable and the body responsible
    for a current measure of the plan; else RoundError."""
    if not round.is_open:
        raise RoundError(Refusal.ROUND_CLOSED)
    if link.plan_id != round.plan_id or not link.is_usable():
        raise RoundError(Refusal.LINK_NOT_VALID)
    locked = (
        Measure.objects.select_for_update(of=("self",))
        .filter(pk=measure.pk, focus_area__plan_id=round.plan_id)
        .first()
    )
    if locked is None:
        raise RoundError(Refusal.MEASURE_NOT_IN_PLAN, plan=round.plan.title)
    if locked.archived_at is not None:
        raise RoundError(Refusal.MEASURE_ARCHIVED, code=locked.code)
    if not Measure.objects.responsible_for(link.actor).filter(pk=measure.pk).exists():
        raise RoundError(Refusal.NOT_RESPONSIBLE, actor=link.actor.name, code=measure.code)
    return link.actor


def _waiting(
    *, round: ReportingRound, measure: Measure, link: ReportingLink, actor: Actor, **fields: object
) -> Submission:
    return Submission.all_kinds.create(
        round=round,
        measure=measure,
        actor=actor,
        via_link=link,
        contact_person_id=link.contact_person_id,
        **fields,
    )


@transaction.atomic
def report_milestone(
    *,
    round: ReportingRound,
    measure: Measure,
    link: ReportingLink,
    text: str,
    due_on: datetime.date,
) -> Submission | Milestone:
    """A milestone from a body's link: waiting for approval, or added at once."""
    round = locked_round(round)
    actor = _checked_measure(round=round, measure=measure, link=link)
    if round.plan.reports_need_approval:
        return _waiting(
            round=round,
            measure=measure,
            link=link,
            actor=actor,
            kind=Submission.Kind.MILESTONE,
            text=text,
            day=due_on,
        )
    return add_milestone(measure=measure, text=text, due_on=due_on)


@transaction.atomic
def report_news(
    *,
    round: ReportingRound,
    measure: Measure,
    link: ReportingLink,
    date: datetime.date,
    text: str,
    files: list[Upload],
) -> Submission | MeasureNews:
    """An update from a body's link, with files checked as the secretariat's are: waiting
    for approval, or added at once. One bad file refuses it all (AttachmentRefused)."""
    round = locked_round(round)
    actor = _checked_measure(round=round, measure=measure, link=link)
    if not round.plan.reports_need_approval:
        return add_news(measure=measure, date=date, text=text, files=files)
    kinds = []
    for upload in files:
        try:
            kinds.append(identify(upload.data))
        except AttachmentError as e:
            raise AttachmentRefused(upload.name, e) from e
    submission = _waiting(
        round=round,
        measure=measure,
        link=link,
        actor=actor,
        kind=Submission.Kind.NEWS,
        text=text,
        day=date,
    )
    SubmissionFile.objects.bulk_create(
        SubmissionFile(
            submission=submission,
            filename=download_name(upload.name, kind),
            content_type=kind.content_type,
            data=upload.data,
            size=len(upload.data),
        )
        for upload, kind in zip(files, kinds, strict=True)
    )
    return submission


def publish_item(*, submission: Submission, user: AnyUser) -> Milestone | MeasureNews:
    """Write an approved milestone or update as the secretariat's would be (inside the
    caller's transaction, which has the submission locked)."""
    assert submission.day is not None
    if submission.kind == Submission.Kind.MILESTONE:
        return add_milestone(
            measure=submission.measure, text=submission.text, due_on=submission.day, user=user
        )
    files = list(submission.files.all())
    news = add_news(
        measure=submission.measure,
        date=submission.day,
        text=submission.text,
        files=[Upload(name=f.filename, data=bytes(f.data)) for f in files],
        user=user,
    )
    # On disk now, as the secretariat's attachments are; the waiting copies go.
    submission.files.all().delete()
    return news
