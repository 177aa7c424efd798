"""Reminders to the actors who are behind in an open round: scheduled (for cron) or sent
by hand."""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from planstatus.accounts.roles import known_user
from planstatus.regions.models import Actor
from planstatus.reporting.actions.links import issue_link
from planstatus.reporting.actions.rounds import AnyUser
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.mail import record_failure, render_mail, send_mail
from planstatus.reporting.models import ReminderSent, ReportingLink, ReportingRound
from planstatus.reporting.progress import ActorProgress, round_progress
from planstatus.reporting.round_links import check_base_url, link_expiry, reporting_url

logger = logging.getLogger(__name__)


def scheduled_reminder_kind(
    round: ReportingRound, today: datetime.date
) -> ReminderSent.Kind | None:
    """Which scheduled reminder is due for a round on a day, if any."""
    opened_on = timezone.localdate(round.opened_at)
    # Not on the day the round opened: the actors have just had the invitation.
    if today <= opened_on or today > round.deadline:
        return None
    if today == round.deadline:
        return ReminderSent.Kind.ON_DEADLINE
    remind_on = round.deadline - datetime.timedelta(days=round.reminder_days_before)
    # Any day from the reminder day to the deadline, so a day cron missed is caught up;
    # the unique constraint keeps it to one. A round opened after that day gets none.
    if round.reminder_days_before and opened_on < remind_on <= today:
        return ReminderSent.Kind.BEFORE_DEADLINE
    return None


def send_reminders(*, now: datetime.datetime | None = None, base_url: str) -> list[ReminderSent]:
    """Send the reminders due today to actors behind in open rounds. Safe to run often."""
    check_base_url(base_url)
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent: list[ReminderSent] = []
    rounds = ReportingRound.objects.filter(state=ReportingRound.State.OPEN).select_related(
        "plan__region"
    )
    for round in rounds:
        kind = scheduled_reminder_kind(round, today)
        if kind is not None:
            sent += _remind_behind(round=round, kind=kind, user=None, base_url=base_url, now=now)
    return sent


def send_manual_reminders(
    *, round: ReportingRound, user: AnyUser, base_url: str
) -> list[ReminderSent]:
    """Remind now every actor with an address who has not reported all its measures."""
    check_base_url(base_url)
    round.refresh_from_db(fields=["state"])
    if not round.is_open:
        raise RoundError(Refusal.CLOSED_NO_REMINDERS)
    return _remind_behind(
        round=round, kind=ReminderSent.Kind.MANUAL, user=user, base_url=base_url, now=None
    )


def _remind_behind(
    *,
    round: ReportingRound,
    kind: ReminderSent.Kind,
    user: AnyUser,
    base_url: str,
    now: datetime.datetime | None,
) -> list[ReminderSent]:
    # Checked first so a second run does no work; the constraint settles a run at the same time.
    already: set[int] = set()
    if kind != ReminderSent.Kind.MANUAL:
        already = set(
            ReminderSent.objects.filter(round=round, kind=kind).values_list("actor_id", flat=True)
        )
    sent = []
    for entry in round_progress(round).behind:
        if entry.actor.email and entry.actor.pk not in already:
            reminder = _send_reminder(
                round=round, entry=entry, kind=kind, user=user, base_url=base_url, now=now
            )
            if reminder is not None:
                sent.append(reminder)
    return sent


class _LinkWithdrawn(Exception):
    """The actor's link for the round was revoked on purpose; no reminder is sent."""


def _send_reminder(
    *,
    round: ReportingRound,
    entry: ActorProgress,
    kind: ReminderSent.Kind,
    user: AnyUser,
    base_url: str,
    now: datetime.datetime | None,
) -> ReminderSent | None:
    """Record one reminder and a new link in one transaction per actor, and mail it once
    that transaction has committed (so no mail carries a link a rollback took away).

    Call it outside a transaction, as the command and the view do: the mail then goes out
    when the actor's transaction ends, and the reminder is returned only if it did. Until
    the actor's earlier links keep working; see _deliver().
    """
    actor = entry.actor
    delivered: list[ReminderSent] = []
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                round=round,
                actor=actor,
                kind=kind,
                email=actor.email,
                sent_at=now or timezone.now(),
                sent_by=known_user(user),
            )
            link, token = _fresh_link(round=round, actor=actor, user=user)
            transaction.on_commit(
                partial(
                    _deliver,
                    reminder=reminder,
                    entry=entry,
                    link=link,
                    url=reporting_url(base_url=base_url, token=token),
                    delivered=delivered,
                )
            )
    except IntegrityError:
        return None  # another run sent this scheduled reminder a moment ago
    except _LinkWithdrawn:
        return None
    return delivered[0] if delivered else None


def _deliver(
    *,
    reminder: ReminderSent,
    entry: ActorProgress,
    link: ReportingLink,
    url: str,
    delivered: list[ReminderSent],
) -> None:
    """Mail a recorded reminder. Earlier links keep working either way. Failed: the
    reminder's link (which never left the server) and the record are removed, so the next
    run tries again, and the failure is kept for the round page."""
    round, actor = reminder.round, entry.actor
    subject, body = render_mail(
        "reminder",
        {
            "actor": actor,
            "round": round,
            "plan": round.plan,
            "measures": entry.unreported,
            "reported_count": entry.reported_count,
            "total": entry.total,
            "url": url,
            "expires_at": timezone.localtime(link.expires_at),
        },
    )
    try:
        send_mail(to=actor.email, subject=subject, body=body)
    except OSError as e:
        logger.warning(
            "Reminder to actor %s in round %s failed.", actor.pk, round.pk, exc_info=True
        )
        with transaction.atomic():
            link.delete()
            reminder.delete()
            record_failure(round=round, actor=actor, kind=reminder.kind, error=e)
        return
    delivered.append(reminder)


def _fresh_link(*, round: ReportingRound, actor: Actor, user: AnyUser) -> tuple[ReportingLink, str]:
    """A new link for the reminder mail, with its token.

    Raw tokens are never stored, so a reminder cannot repeat the link from the first mail:
    it carries a new one, and the earlier links keep working (one may have been forwarded
    inside the body). An actor whose every link in the round was revoked got them revoked
    on purpose, and a reminder must not hand the access back.
    """
    links = ReportingLink.objects.filter(actor=actor, round=round)
    if links.exists() and not links.filter(revoked_at__isnull=True).exists():
        raise _LinkWithdrawn
    # Without a link the actor was made responsible after the round opened: the reminder
    # carries its first link.
    return issue_link(actor=actor, round=round, expires_at=link_expiry(round.deadline), user=user)
