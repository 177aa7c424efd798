"""A status in words, in the person's language: the one list is planstatus.lib.status."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from planstatus.lib.status import Status

# For model fields and forms: every status with its word, in the order of the scale.
STATUS_CHOICES = [(s.value, gettext_lazy(s.msgid)) for s in Status]


def status_label(status: str) -> str:
    """«påstarta»: the status's word in the active language."""
    return gettext(Status(status).msgid)


def status_colour_name(status: str) -> str:
    """«gul»: the traffic-light colour's word, as the plan documents write it."""
    return gettext(Status(status).colour_msgid)
