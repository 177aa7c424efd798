"""Reminders to the actors who are behind in an open round: scheduled (for cron) or sent
by hand."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from planstatus.accounts.roles import known_user
from planstatus.regions.models import Actor, ContactPerson
from planstatus.reporting.actions.links import issue_link
from planstatus.reporting.actions.rounds import AnyUser
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.mail import record_failure, render_mail, send_mail
from planstatus.reporting.models import ReminderSent, ReportingLink, ReportingRound
from planstatus.reporting.progress import ActorProgress, round_progress
from planstatus.reporting.recipients import Recipient, prefetch_recipients, recipients
from planstatus.reporting.round_links import (
    check_base_url,
    link_expiry,
    link_request_url,
    reporting_url,
)

logger = logging.getLogger(__name__)


# A reminder day that cron missed is caught up this many days later at most (and never
# once a later reminder day has come); older ones would only confuse.
CATCH_UP_DAYS = 2


@dataclass(frozen=True)
class Due:
    """The reminder of a round's plan that is due on a day."""

    day: datetime.date
    kind: ReminderSent.Kind


def due_reminder(round: ReportingRound, today: datetime.date) -> Due | None:
    """Which day of the round's reminder plan is due today, if any: the latest one that has
    come, unless it is more than CATCH_UP_DAYS old, fell on or before the day the round
    opened (the actors have just had the invitation) or is today's opening day itself."""
    opened_on = timezone.localdate(round.opened_at)
    if today <= opened_on:
        return None
    come = [day for day in round.reminder_days() if opened_on < day <= today]
    if not come or (today - come[-1]).days > CATCH_UP_DAYS:
        return None
    day = come[-1]
    if day < round.deadline:
        kind = ReminderSent.Kind.BEFORE_DEADLINE
    elif day == round.deadline:
        kind = ReminderSent.Kind.ON_DEADLINE
    else:
        kind = ReminderSent.Kind.AFTER_DEADLINE
    return Due(day=day, kind=kind)


def send_reminders(*, now: datetime.datetime | None = None, base_url: str) -> list[ReminderSent]:
    """Send the reminders due today to those behind in open rounds. Safe to run often: each
    reminder of a round's plan goes to each address once."""
    check_base_url(base_url)
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent: list[ReminderSent] = []
    rounds = ReportingRound.objects.filter(state=ReportingRound.State.OPEN).select_related(
        "plan__region"
    )
    for round in rounds:
        due = due_reminder(round, today)
        if due is not None:
            sent += _remind_behind(
                round=round, kind=due.kind, day=due.day, user=None, base_url=base_url, now=now
            )
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
        round=round, kind=ReminderSent.Kind.MANUAL, day=None, user=user, base_url=base_url, now=None
    )


def _remind_behind(
    *,
    round: ReportingRound,
    kind: ReminderSent.Kind,
    day: datetime.date | None,
    user: AnyUser,
    base_url: str,
    now: datetime.datetime | None,
) -> list[ReminderSent]:
    """Remind each recipient of each actor behind: every contact person with a link of their
    own, else the body by its own address."""
    # Checked first so a second run does no work; the constraint settles a run at the same time.
    already: set[tuple[int, str]] = set()
    if day is not None:
        already = set(
            ReminderSent.objects.filter(round=round, scheduled_for=day).values_list(
                "actor_id", "email"
            )
        )
    behind = round_progress(round).behind
    prefetch_recipients(entry.actor for entry in behind)
    sent = []
    done: set[tuple[int, str]] = set()
    for entry in behind:
        for recipient in recipients(entry.actor):
            key = (recipient.actor.pk, recipient.email)
            if not recipient.email or key in already or key in done:
                continue
            done.add(key)
            reminder = _send_reminder(
                round=round,
                entry=entry,
                recipient=recipient,
                kind=kind,
                day=day,
                user=user,
                base_url=base_url,
                now=now,
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
    recipient: Recipient,
    kind: ReminderSent.Kind,
    day: datetime.date | None,
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
    delivered: list[ReminderSent] = []
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                round=round,
                actor=recipient.actor,
                contact_person=recipient.person,
                kind=kind,
                email=recipient.email,
                scheduled_for=day,
                sent_at=now or timezone.now(),
                sent_by=known_user(user),
            )
            link, token = _fresh_link(round=round, recipient=recipient, user=user)
            transaction.on_commit(
                partial(
                    _deliver,
                    reminder=reminder,
                    entry=entry,
                    recipient=recipient,
                    link=link,
                    url=reporting_url(base_url=base_url, token=token),
                    request_url=link_request_url(base_url),
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
    recipient: Recipient,
    link: ReportingLink,
    url: str,
    request_url: str,
    delivered: list[ReminderSent],
) -> None:
    """Mail a recorded reminder. Earlier links keep working either way. Failed: the
    reminder's link (which never left the server) and the record are removed, so the next
    run tries again, and the failure is kept for the round page."""
    round, actor = reminder.round, recipient.actor
    subject, body = render_mail(
        "reminder",
        {
            "actor": actor,
            "person": recipient.person,
            "request_url": request_url,
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
        send_mail(to=recipient.email, subject=subject, body=body)
    except OSError as e:
        logger.warning(
            "Reminder to actor %s in round %s failed.", actor.pk, round.pk, exc_info=True
        )
        with transaction.atomic():
            link.delete()
            reminder.delete()
            record_failure(
                round=round, actor=actor, email=recipient.email, kind=reminder.kind, error=e
            )
        return
    delivered.append(reminder)


def _fresh_link(
    *, round: ReportingRound, recipient: Recipient, user: AnyUser
) -> tuple[ReportingLink, str]:
    """A new link for the reminder mail, with its token.

    Raw tokens are never stored, so a reminder cannot repeat the link from the first mail:
    it carries a new one, and the earlier links keep working (one may have been forwarded
    inside the body). A person (or an actor without persons) whose every link in the round
    was revoked got them revoked on purpose, and a reminder must not hand the access back.
    """
    if links_withdrawn(round=round, actor=recipient.actor, person=recipient.person):
        raise _LinkWithdrawn
    # Without a link the actor was made responsible (or the person added) after the round
    # opened: the reminder carries the first link.
    return issue_link(
        actor=recipient.actor,
        contact_person=recipient.person,
        round=round,
        expires_at=link_expiry(round.deadline),
        user=user,
    )


def links_withdrawn(*, round: ReportingRound, actor: Actor, person: ContactPerson | None) -> bool:
    """Whether every link of this recipient in the round was revoked (and there were some)."""
    links = ReportingLink.objects.filter(actor=actor, round=round, contact_person=person)
    return links.exists() and not links.filter(revoked_at__isnull=True).exists()
