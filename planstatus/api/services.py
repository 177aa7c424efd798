"""Making, revoking and checking API tokens. Writes run in one transaction."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planstatus.api.models import ApiToken
from planstatus.reporting.actions.links import hash_token

# Recognisable in a leaked file or a secret scanner's rules; the random part follows.
TOKEN_PREFIX = "ps_"
TOKEN_BYTES = 32
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6


@transaction.atomic
def issue_api_token(
    *, user: User, name: str = "", now: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for the user and return it with its secret, which is kept nowhere."""
    if not user.is_active:
        raise ValueError(_("The user is not active."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        token_hash=hash_token(secret),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        created_at=now or timezone.now(),
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Stop a token from working. Revoking again keeps the first time."""
    # A conditional update, so two revocations at once cannot both win.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])


def authenticate_api_token(*, secret: str, now: datetime.datetime | None = None) -> User | None:
    """The active user a token belongs to, or None for an unknown or revoked token."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(secret)).first()
    if token is None or not token.is_usable():
        return None
    if token.needs_last_used_update(now):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
