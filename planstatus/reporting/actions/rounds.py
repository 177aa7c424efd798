"""Opening and closing reporting rounds, and handing an actor a new link in one.

Opening gives every responsible actor a personal link by e-mail; closing freezes every
measure's status in a snapshot that later corrections never touch.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from planstatus.accounts.roles import known_user
from planstatus.lib.status import Status
from planstatus.plans.models import Measure, Plan, StatusUpdate
from planstatus.regions.models import Actor, ContactPerson
from planstatus.reporting.actions.links import issue_link
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.mail import record_failure, render_mail, send_mail
from planstatus.reporting.models import (
    DEFAULT_REMINDER_PLAN,
    REMINDER_PLAN_MAX_DAYS,
    MailFailure,
    ReportingLink,
    ReportingRound,
    RoundSnapshot,
)
from planstatus.reporting.progress import responsibilities
from planstatus.reporting.recipients import Recipient, prefetch_recipients, recipients
from planstatus.reporting.round_links import (
    check_base_url,
    link_expiry,
    link_request_url,
    reporting_url,
)

logger = logging.getLogger(__name__)

AnyUser = User | AnonymousUser | None


def locked_round(round: ReportingRound) -> ReportingRound:
    # Reports and closing both lock the round first, so no report slips in between the
    # snapshot and the closing (on SQLite the transaction serialises writes instead).
    return (
        ReportingRound.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=round.pk)
    )


@dataclass(frozen=True)
class RoundLink:
    actor: Actor
    link: ReportingLink
    # Not in repr: a result printed in a log or a traceback must not carry the secret.
    token: str = field(repr=False)
    url: str = field(repr=False)
    mailed: bool
    contact_person: ContactPerson | None = None

    @property
    def email(self) -> str:
        return self.contact_person.email if self.contact_person else self.actor.email


@dataclass(frozen=True)
class OpenedRound:
    round: ReportingRound
    links: list[RoundLink]

    @property
    def not_mailed(self) -> list[RoundLink]:
        """The links the secretariat must hand over itself (no address, or the mail failed)."""
        return [link for link in self.links if not link.mailed]

    @property
    def mailed_count(self) -> int:
        return sum(1 for link in self.links if link.mailed)


def open_round(
    *,
    plan: Plan,
    title: str,
    deadline: datetime.date,
    message: str = "",
    user: AnyUser,
    base_url: str,
    reminder_plan: Sequence[int] = DEFAULT_REMINDER_PLAN,
    now: datetime.datetime | None = None,
) -> OpenedRound:
    """Open a round, issue links and mail them to those with an address.

    Each contact person of each responsible actor gets a link of their own (for a group,
    each contact person of each member); a body without contact persons gets one link, by
    its own address if it has one. The round and its links are written in one
    transaction; the mails go out after it, so no mail carries a link that a rollback took
    away. A failed mail does not undo the round: that link is returned with mailed=False,
    for the page to show and copy.
    """
    now = now or timezone.now()
    check_base_url(base_url)
    with transaction.atomic():
        round = _create_round(
            plan=plan,
            title=title,
            deadline=deadline,
            message=message,
            user=user,
            reminder_plan=reminder_plan,
            now=now,
        )
        issued: list[tuple[Recipient, list[Measure], ReportingLink, str]] = []
        for recipient, measures in _invitations(plan.pk):
            link, token = issue_link(
                actor=recipient.actor,
                contact_person=recipient.person,
                round=round,
                expires_at=link_expiry(deadline),
                user=user,
                now=now,
            )
            issued.append((recipient, measures, link, token))
    reply_to = user.email if isinstance(user, User) else ""
    links = []
    for recipient, measures, link, token in issued:
        url = reporting_url(base_url=base_url, token=token)
        mailed = _mail_invitation(
            round=round,
            recipient=recipient,
            measures=measures,
            link=link,
            url=url,
            reply_to=reply_to,
            base_url=base_url,
        )
        links.append(
            RoundLink(
                actor=recipient.actor,
                link=link,
                token=token,
                url=url,
                mailed=mailed,
                contact_person=recipient.person,
            )
        )
    logger.info(
        "Opened reporting round %s for plan %s: %d links, %d sent by mail.",
        round.pk,
        plan.pk,
        len(links),
        sum(link.mailed for link in links),
    )
    return OpenedRound(round=round, links=links)


def _invitations(plan_id: int) -> list[tuple[Recipient, list[Measure]]]:
    """Each recipient of the plan's round with the measures its mail lists. A body that
    reports both for itself and as a member of a group gets one link for all of them."""
    found: dict[tuple[int, int | None], tuple[Recipient, list[Measure]]] = {}
    plan_responsibilities = responsibilities(plan_id)
    prefetch_recipients(r.actor for r in plan_responsibilities)
    for responsibility in plan_responsibilities:
        for recipient in recipients(responsibility.actor):
            key = (recipient.actor.pk, recipient.person.pk if recipient.person else None)
            _, measures = found.setdefault(key, (recipient, []))
            measures += [m for m in responsibility.measures if m not in measures]
    return sorted(found.values(), key=lambda e: (e[0].actor.name, e[0].name, e[0].email))


def clean_reminder_plan(plan: Sequence[int]) -> list[int]:
    """The reminder plan sorted and without repeats, or RoundError."""
    days = sorted(set(plan))
    if any(abs(d) > REMINDER_PLAN_MAX_DAYS for d in days):
        raise RoundError(Refusal.REMINDER_DAY_TOO_FAR, days=str(REMINDER_PLAN_MAX_DAYS))
    return days


def _create_round(
    *,
    plan: Plan,
    title: str,
    deadline: datetime.date,
    message: str,
    user: AnyUser,
    reminder_plan: Sequence[int],
    now: datetime.datetime,
) -> ReportingRound:
    if not title.strip():
        raise RoundError(Refusal.NO_TITLE)
    if deadline < timezone.localdate(now):
        raise RoundError(Refusal.DEADLINE_PASSED)
    days = clean_reminder_plan(reminder_plan)
    already_open = RoundError(Refusal.ALREADY_OPEN, plan=plan.title)
    if ReportingRound.objects.filter(plan=plan, state=ReportingRound.State.OPEN).exists():
        raise already_open
    round = ReportingRound(
        plan=plan,
        title=title.strip(),
        deadline=deadline,
        message=message.strip(),
        reminder_plan=days,
        opened_at=now,
        opened_by=known_user(user),
    )
    round._history_user = known_user(user)  # type: ignore[attr-defined]
    try:
        # The constraint catches a second opening that passed the check at the same time.
        with transaction.atomic():
            round.save()
    except IntegrityError:
        raise already_open from None
    return round


def _mail_invitation(
    *,
    round: ReportingRound,
    recipient: Recipient,
    measures: list[Measure],
    link: ReportingLink,
    url: str,
    reply_to: str,
    base_url: str,
) -> bool:
    actor = recipient.actor
    if not recipient.email:
        return False
    subject, body = render_mail(
        "round_opened",
        {
            "actor": actor,
            "person": recipient.person,
            "round": round,
            "plan": round.plan,
            "measures": measures,
            "url": url,
            "request_url": link_request_url(base_url),
            "expires_at": timezone.localtime(link.expires_at),
        },
    )
    try:
        send_mail(to=recipient.email, subject=subject, body=body, reply_to=reply_to)
    except OSError as e:
        # The mail's text is not logged: it holds the token.
        logger.warning("Mail to actor %s in round %s failed.", actor.pk, round.pk, exc_info=True)
        record_failure(
            round=round,
            actor=actor,
            email=recipient.email,
            kind=MailFailure.Kind.INVITATION,
            error=e,
        )
        return False
    return True


@transaction.atomic
def update_round(
    *,
    round: ReportingRound,
    title: str,
    deadline: datetime.date,
    message: str,
    reminder_plan: Sequence[int],
    user: AnyUser,
) -> ReportingRound:
    """Change an open round's title, message, deadline or reminder plan.

    A new deadline moves the expiry of the round's working links with it. Reminders are
    recorded by the day they were for, so a moved deadline brings the plan's reminders on
    their new days, and an unchanged day is never sent twice.
    """
    locked = locked_round(round)
    if not locked.is_open:
        raise RoundError(Refusal.ROUND_CLOSED)
    if not title.strip():
        raise RoundError(Refusal.NO_TITLE)
    # A deadline already passed may stay as it is (the plan may change after it), but a
    # new one cannot be in the past.
    if deadline != locked.deadline and deadline < timezone.localdate():
        raise RoundError(Refusal.DEADLINE_PASSED)
    days = clean_reminder_plan(reminder_plan)
    if deadline != locked.deadline:
        ReportingLink.objects.filter(round=locked, revoked_at__isnull=True).update(
            expires_at=link_expiry(deadline)
        )
    locked.title = title.strip()
    locked.deadline = deadline
    locked.message = message.strip()
    locked.reminder_plan = days
    locked._history_user = known_user(user)  # type: ignore[attr-defined]
    locked.save()
    round.refresh_from_db()
    return round


@transaction.atomic
def close_round(*, round: ReportingRound, user: AnyUser) -> ReportingRound:
    """Freeze every current measure's latest status in the snapshot and close the round."""
    locked = locked_round(round)
    if not locked.is_open:
        raise RoundError(Refusal.ALREADY_CLOSED)
    now = timezone.now()
    measures = (
        Measure.objects.filter(focus_area__plan_id=locked.plan_id, archived_at__isnull=True)
        .with_latest_id()
        .only("pk")
    )
    measure_updates = [(m.pk, m.latest_id) for m in measures]  # type: ignore[attr-defined]
    updates = StatusUpdate.objects.in_bulk([u for _, u in measure_updates if u is not None])
    RoundSnapshot.objects.bulk_create(
        _snapshot_row(round=locked, measure_id=measure_id, update=updates.get(update_id))
        for measure_id, update_id in measure_updates
    )
    locked.state = ReportingRound.State.CLOSED
    locked.closed_at = now
    locked.closed_by = known_user(user)
    locked._history_user = known_user(user)  # type: ignore[attr-defined]
    locked.save()
    round.refresh_from_db()
    return round


def _snapshot_row(
    *, round: ReportingRound, measure_id: int, update: StatusUpdate | None
) -> RoundSnapshot:
    if update is None:
        return RoundSnapshot(round=round, measure_id=measure_id, status=Status.UNKNOWN)
    return RoundSnapshot(
        round=round,
        measure_id=measure_id,
        status=update.status,
        comment=update.comment,
        comment_is_public=update.comment_is_public,
        status_update=update,
        reported_at=update.created_at,
    )


def issue_round_link(
    *, round: ReportingRound, actor: Actor, user: AnyUser, base_url: str
) -> tuple[ReportingLink, str]:
    """A new link for an actor in an open round, for the secretariat to hand over itself.

    The actor's earlier links in the round keep working (one may have been forwarded inside
    the body); the secretariat revokes a link on its own when it should stop.
    Returns the link and its full address.
    """
    check_base_url(base_url)
    with transaction.atomic():
        round = locked_round(round)
        if not round.is_open:
            raise RoundError(Refusal.ROUND_CLOSED)
        # The bodies asked in the round: a group's members, not the group itself.
        if actor.pk not in {r.actor.pk for r in responsibilities(round.plan_id)}:
            raise RoundError(Refusal.NOT_RESPONSIBLE_IN_PLAN, actor=actor.name)
        link, token = issue_link(
            actor=actor, round=round, expires_at=link_expiry(round.deadline), user=user
        )
    return link, reporting_url(base_url=base_url, token=token)
