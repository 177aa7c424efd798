"""A round's personal links: where they point and how long they work."""

from __future__ import annotations

import datetime

from django.utils import timezone

from planstatus.reporting.errors import Refusal, RoundError

# The web layer serves the reporting page here; the token is the only key to it.
REPORTING_URL_PATH = "/r/{token}/"
LINK_REQUEST_PATH = "/r/ny-lenke/"
# Links outlive the deadline by a fortnight: late reports are welcome while the round is open.
LINK_GRACE_DAYS = 14
LINK_EXPIRY_TIME = datetime.time(23, 59)


def link_expiry(deadline: datetime.date) -> datetime.datetime:
    """When a round's links stop working: 23:59 local time, 14 days after the deadline."""
    day = deadline + datetime.timedelta(days=LINK_GRACE_DAYS)
    return timezone.make_aware(datetime.datetime.combine(day, LINK_EXPIRY_TIME))


def reporting_url(*, base_url: str, token: str) -> str:
    return base_url.rstrip("/") + REPORTING_URL_PATH.format(token=token)


def link_request_url(base_url: str) -> str:
    """The public page where a person who lost the mail asks for their link again."""
    return base_url.rstrip("/") + LINK_REQUEST_PATH


def check_base_url(base_url: str) -> None:
    # A link without scheme and host would reach the actor as dead text.
    if not base_url.startswith(("https://", "http://")):
        raise RoundError(Refusal.BAD_BASE_URL)
