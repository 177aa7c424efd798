"""The mails to actors: rendered in Nynorsk whatever language the sender uses, sent as
plain text, and a failure kept on record for the secretariat."""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from planstatus.regions.models import Actor
from planstatus.reporting.models import MailFailure, ReportingRound

# The actors are written to in Nynorsk whatever language the person opening the round uses.
MAIL_LANGUAGE = "nn"


def render_mail(name: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(MAIL_LANGUAGE):
        subject = render_to_string(f"reporting/email/{name}_subject.txt", context)
        body = render_to_string(f"reporting/email/{name}.txt", context)
    # A line break in a subject would break the header.
    return " ".join(subject.split()), body


def send_mail(*, to: str, subject: str, body: str, reply_to: str = "") -> None:
    """Send one plain-text mail. Raises OSError (smtplib's errors are OSErrors) on failure."""
    EmailMessage(
        subject=subject, body=body, to=[to], reply_to=[reply_to] if reply_to else None
    ).send()


def record_failure(
    *, round: ReportingRound, actor: Actor, email: str, kind: str, error: OSError
) -> None:
    MailFailure.objects.create(
        round=round, actor=actor, kind=kind, email=email, error=str(error)[:300]
    )
