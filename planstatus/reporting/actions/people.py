"""Contact persons in reporting: removing one, and handing a person their link again.

A person is the secretariat's to add and edit (a form on the actor's contact page; the
change log keeps each version). Removing one ends their links and erases their address and
phone; their reports stay, with the actor's name.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from planstatus.accounts.roles import known_user
from planstatus.plans.models import MeasureActor
from planstatus.regions.models import Actor, ContactPerson
from planstatus.reporting.actions.links import issue_link
from planstatus.reporting.actions.reminders import links_withdrawn
from planstatus.reporting.actions.rounds import AnyUser
from planstatus.reporting.mail import record_failure, render_mail, send_mail
from planstatus.reporting.models import MailFailure, ReminderSent, ReportingLink, ReportingRound
from planstatus.reporting.recipients import Recipient
from planstatus.reporting.round_links import (
    check_base_url,
    link_expiry,
    link_request_url,
    reporting_url,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def remove_contact_person(*, person: ContactPerson, user: AnyUser) -> None:
    """Remove a person: their links stop working, their reports keep the actor's name.

    Removing means their address and phone go too: from the person's earlier versions in
    the change log (which keeps the name, and who removed them when) and from the round's
    record of reminders and failed mail, where a placeholder on the reserved `.invalid`
    domain stands in (a reminder row stays unique per address and day).
    """
    ReportingLink.objects.filter(contact_person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=known_user(user)
    )
    pk, address, actor = person.pk, person.email, person.actor
    placeholder = Concat(Value("fjerna-"), Cast("id", CharField()), Value("@fjerna.invalid"))
    ReminderSent.objects.filter(contact_person=person).update(email=placeholder)
    if address.lower() != actor.email.lower():
        MailFailure.objects.filter(actor=actor, email__iexact=address).update(email=placeholder)
    person._history_user = known_user(user)  # type: ignore[attr-defined]
    person.delete()
    ContactPerson.history.filter(id=pk).update(email="", phone="")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Requested:
    recipient: Recipient
    round: ReportingRound
    link: ReportingLink
    token: str


def request_links(*, email: str, base_url: str, now: datetime.datetime | None = None) -> int:
    """Mail a fresh link for each open round in which the address's person (or actor)
    reports. Returns how many mails went out; the caller must not tell the asker, so
    that the page says nothing about whether the address is known.

    A person whose every link in a round was revoked gets none: the secretariat took the
    access away on purpose. Earlier links keep working, as after a reminder.
    """
    check_base_url(base_url)
    now = now or timezone.now()
    requested: list[_Requested] = []
    with transaction.atomic():
        for recipient in _recipients_by_address(email):
            for round in _open_rounds_for(recipient.actor):
                if links_withdrawn(round=round, actor=recipient.actor, person=recipient.person):
                    continue
                link, token = issue_link(
                    actor=recipient.actor,
                    contact_person=recipient.person,
                    round=round,
                    expires_at=link_expiry(round.deadline),
                    now=now,
                )
                requested.append(_Requested(recipient, round, link, token))
        sent: list[bool] = []
        for item in requested:
            transaction.on_commit(partial(_mail_link, item=item, base_url=base_url, sent=sent))
    return len(sent)


def _recipients_by_address(email: str) -> list[Recipient]:
    # A group reports through its members, so its own address and persons get no link, as
    # when the round opened.
    persons = ContactPerson.objects.filter(
        email__iexact=email, actor__is_group=False
    ).select_related("actor")
    actors = Actor.objects.filter(email__iexact=email, is_group=False)
    return [Recipient(actor=p.actor, person=p) for p in persons] + [
        Recipient(actor=a, person=None) for a in actors
    ]


def _open_rounds_for(actor: Actor) -> list[ReportingRound]:
    """Open rounds of plans in which the actor reports: responsible itself, or a member of
    a responsible group."""
    responsible = MeasureActor.objects.filter(
        Q(actor=actor) | Q(actor__is_group=True, actor__members=actor),
        role=MeasureActor.Role.RESPONSIBLE,
        measure__archived_at__isnull=True,
    ).values("measure__focus_area__plan_id")
    return list(
        ReportingRound.objects.filter(
            state=ReportingRound.State.OPEN,
            plan__region_id=actor.region_id,
            plan_id__in=responsible,
        ).select_related("plan__region")
    )


def _mail_link(*, item: _Requested, base_url: str, sent: list[bool]) -> None:
    recipient, round = item.recipient, item.round
    subject, body = render_mail(
        "link_requested",
        {
            "actor": recipient.actor,
            "person": recipient.person,
            "round": round,
            "plan": round.plan,
            "url": reporting_url(base_url=base_url, token=item.token),
            "request_url": link_request_url(base_url),
            "expires_at": timezone.localtime(item.link.expires_at),
        },
    )
    try:
        send_mail(to=recipient.email, subject=subject, body=body)
    except OSError as e:
        logger.warning(
            "Requested link for actor %s in round %s failed.",
            recipient.actor.pk,
            round.pk,
            exc_info=True,
        )
        with transaction.atomic():
            item.link.delete()
            record_failure(
                round=round,
                actor=recipient.actor,
                email=recipient.email,
                kind=MailFailure.Kind.REQUESTED,
                error=e,
            )
        return
    sent.append(True)
