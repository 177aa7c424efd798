"""Issuing, revoking and resolving personal reporting links. Writes run in one transaction.

A link belongs to one reporting round: it works while that round is open and until it
expires or is revoked. Several links of one actor in a round work side by side (a reminder
carries a new one, and earlier ones keep working); the secretariat revokes them one by one.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from planstatus.accounts.roles import known_user
from planstatus.regions.models import Actor, ContactPerson
from planstatus.reporting.models import (
    CROSS_REGION_MESSAGE,
    DETAIL_MAX_LENGTH,
    USER_AGENT_MAX_LENGTH,
    ReportingLink,
    ReportingLinkUse,
    ReportingRound,
)

# 32 random bytes: far beyond guessing, and short enough for a link in an e-mail.
TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored in place of the token.

    A plain hash, not a slow password hash, is enough: the token is random, not chosen by
    a person, so there is nothing to guess from a dictionary.
    """
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_link(
    *,
    actor: Actor,
    round: ReportingRound,
    expires_at: datetime.datetime,
    user: User | AnonymousUser | None = None,
    contact_person: ContactPerson | None = None,
    now: datetime.datetime | None = None,
) -> tuple[ReportingLink, str]:
    """Create a link for the actor (and one of its contact persons) in a round and return it
    with its token. The token is not kept anywhere after this."""
    now = now or timezone.now()
    plan = round.plan
    if actor.region_id != plan.region_id:
        raise ValueError(str(CROSS_REGION_MESSAGE))
    if contact_person is not None and contact_person.actor_id != actor.pk:
        raise ValueError("The contact person belongs to another actor.")
    if timezone.is_naive(expires_at):
        raise ValueError(_("The expiry time has no time zone."))
    if expires_at <= now:
        raise ValueError(_("The expiry time must be in the future."))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ReportingLink.objects.create(
        actor=actor,
        contact_person=contact_person,
        plan=plan,
        round=round,
        token_hash=hash_token(token),
        created_at=now,
        created_by=known_user(user),
        expires_at=expires_at,
    )
    return link, token


@transaction.atomic
def revoke_link(*, link: ReportingLink, user: User | AnonymousUser | None = None) -> None:
    """Stop a link from working. Revoking again keeps the first time and person."""
    # A conditional update, so two revocations at once cannot both win.
    ReportingLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=known_user(user)
    )
    link.refresh_from_db(fields=["revoked_at", "revoked_by"])


def _valid_ip(ip: str | None) -> str | None:
    # The log must not fail on a malformed address (PostgreSQL's inet column would refuse it).
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


@dataclass(frozen=True)
class LinkCheck:
    """What a token led to: a usable link, or the reason it was refused."""

    link: ReportingLink | None
    refusal: ReportingLinkUse.Action | None

    @property
    def usable(self) -> ReportingLink | None:
        return self.link if self.refusal is None else None


@transaction.atomic
def check_link(
    *,
    token: str,
    ip: str | None = None,
    user_agent: str = "",
    action: ReportingLinkUse.Action | None = ReportingLinkUse.Action.OPENED,
    detail: str = "",
    now: datetime.datetime | None = None,
) -> LinkCheck:
    """Look a token up and log the use, refusals too. The token itself is never logged.

    With action=None only a refusal is logged: the caller logs the outcome once it knows it.
    """
    now = now or timezone.now()
    link = _links().filter(token_hash=hash_token(token)).first()
    return _checked(link, ip=ip, user_agent=user_agent, action=action, detail=detail, now=now)


@transaction.atomic
def check_redeemed_link(
    *,
    link_id: int,
    ip: str | None = None,
    user_agent: str = "",
    action: ReportingLinkUse.Action | None = ReportingLinkUse.Action.OPENED,
    detail: str = "",
    now: datetime.datetime | None = None,
) -> LinkCheck:
    """As check_link(), for a link whose token this browser has already shown (the web
    layer keeps the link's id in the session, so the token need not travel again)."""
    return _checked(
        _links().filter(pk=link_id).first(),
        ip=ip,
        user_agent=user_agent,
        action=action,
        detail=detail,
        now=now or timezone.now(),
    )


def _links() -> QuerySet[ReportingLink]:
    return ReportingLink.objects.select_related("actor", "plan__region", "round__opened_by")


def _checked(
    link: ReportingLink | None,
    *,
    ip: str | None,
    user_agent: str,
    action: ReportingLinkUse.Action | None,
    detail: str,
    now: datetime.datetime,
) -> LinkCheck:
    refusal: ReportingLinkUse.Action | None = None
    if link is None:
        refusal = ReportingLinkUse.Action.REFUSED_UNKNOWN
    elif link.is_revoked:
        # Revocation is checked first: it was a deliberate act and says more than expiry.
        refusal = ReportingLinkUse.Action.REFUSED_REVOKED
    elif link.round_has_ended:
        # Before expiry: "the round is closed, ask this person" is what the holder needs.
        refusal = ReportingLinkUse.Action.REFUSED_CLOSED
    elif link.is_expired(now):
        refusal = ReportingLinkUse.Action.REFUSED_EXPIRED
    logged = refusal or action
    if logged is not None:
        log_link_use(link=link, action=logged, detail=detail, ip=ip, user_agent=user_agent, now=now)
    return LinkCheck(link=link, refusal=refusal)


def log_link_use(
    *,
    link: ReportingLink | None,
    action: ReportingLinkUse.Action,
    detail: str = "",
    ip: str | None = None,
    user_agent: str = "",
    now: datetime.datetime | None = None,
) -> ReportingLinkUse:
    return ReportingLinkUse.objects.create(
        link=link,
        at=now or timezone.now(),
        action=action,
        detail=detail[:DETAIL_MAX_LENGTH],
        ip=_valid_ip(ip),
        user_agent=user_agent[:USER_AGENT_MAX_LENGTH],
    )


def resolve_link(
    *,
    token: str,
    ip: str | None = None,
    user_agent: str = "",
    action: ReportingLinkUse.Action = ReportingLinkUse.Action.OPENED,
    detail: str = "",
    now: datetime.datetime | None = None,
) -> ReportingLink | None:
    """The usable link for a token, or None. Every call is logged, refusals too."""
    return check_link(
        token=token, ip=ip, user_agent=user_agent, action=action, detail=detail, now=now
    ).usable
