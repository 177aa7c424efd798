"""Writes for input from the public: sending it, answering it, deleting its address."""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from planstatus.accounts.roles import known_user
from planstatus.feedback.models import PublicInput
from planstatus.plans.models import Measure
from planstatus.regions.models import Region

logger = logging.getLogger(__name__)


def send_input(*, measure: Measure, text: str, email: str) -> PublicInput:
    return PublicInput.objects.create(measure=measure, text=text.strip(), email=email.strip())


def answer_input(
    *,
    item: PublicInput,
    answer: str,
    public_question: str,
    published: bool,
    user: User | AnonymousUser,
    base_url: str,
) -> PublicInput:
    """Answer (or correct the answer; the earlier text stays in the history), publish or
    withdraw. The first answer is mailed to the sender, if they left an address, once the
    answer is saved."""
    with transaction.atomic():
        # As stored, not as a bound form may have changed the object it was given.
        item = PublicInput.objects.select_for_update().get(pk=item.pk)
        first = not item.is_answered
        item.answer = answer.strip()
        item.public_question = public_question.strip()
        item.published = published
        if first:
            item.answered_at = timezone.now()
            item.answered_by = known_user(user)
        item._history_user = known_user(user)  # type: ignore[attr-defined]
        item.save()
        if first and item.email:
            address, measure = item.email, item.measure
            transaction.on_commit(
                lambda: _mail_answer(
                    address=address, measure=measure, answer=item.answer, base_url=base_url
                )
            )
    return item


def _mail_answer(*, address: str, measure: Measure, answer: str, base_url: str) -> None:
    plan = measure.focus_area.plan
    body = _(
        "You sent input on measure %(code)s in %(plan)s. The secretariat of %(council)s "
        "answers:\n\n%(answer)s\n\nThe measure: %(url)s\n"
    ) % {
        "code": measure.code,
        "plan": plan.title,
        "council": plan.region.council_name or plan.region.name,
        "answer": answer,
        "url": base_url.rstrip("/") + measure.get_absolute_url(),
    }
    try:
        send_mail(
            _("Answer to your input on %(plan)s") % {"plan": plan.title}, body, None, [address]
        )
    except OSError:
        # The answer is saved and shown in the inbox; the mail server's trouble is logged.
        logger.warning("The answer to input on measure %s could not be mailed", measure.pk)


def erase_email(*, item: PublicInput) -> None:
    PublicInput.objects.filter(pk=item.pk).exclude(email="").update(
        email="", email_erased_at=timezone.now()
    )


def erase_expired_emails(*, now: datetime.datetime | None = None) -> int:
    """Delete every address kept longer than its region allows; returns how many."""
    now = now or timezone.now()
    expired = 0
    for region in Region.objects.filter(
        Exists(
            PublicInput.objects.filter(measure__focus_area__plan__region=OuterRef("pk")).exclude(
                email=""
            )
        )
    ):
        cutoff = now - datetime.timedelta(days=region.input_email_days)
        expired += (
            PublicInput.objects.filter(
                measure__focus_area__plan__region=region, created_at__lt=cutoff
            )
            .exclude(email="")
            .update(email="", email_erased_at=now)
        )
    return expired
