from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planstatus.core.commands import PlanstatusCommand
from planstatus.reporting.actions.reminders import send_reminders
from planstatus.reporting.errors import RoundError
from planstatus.reporting.messages import REMINDER_KIND_TEXT, refusal_message


class Command(PlanstatusCommand):
    help = (
        "Send the reminders due today by each open round's reminder plan (days before and "
        "after its deadline) to those who have not reported all their measures: each "
        "contact person with a new link of their own, else the actor's own address. Meant "
        "to run daily from cron or a systemd timer; running it again the same day sends "
        "nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            help="the site's address for the links in the mails, e.g. https://planstatus.no "
            "(default: the PLANSTATUS_BASE_URL environment variable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Cron has no request to take the host from, so the address must be given.
        base_url = options["base_url"] or settings.BASE_URL
        if not base_url:
            raise CommandError(
                _(
                    "Give the site's address with --base-url or PLANSTATUS_BASE_URL, "
                    "for example https://planstatus.example.no."
                )
            )
        try:
            sent = send_reminders(base_url=base_url)
        except RoundError as e:
            raise CommandError(refusal_message(e)) from None
        for reminder in sent:
            words = {
                "kind": REMINDER_KIND_TEXT[reminder.kind],
                "actor": reminder.actor,
                "email": reminder.email,
                "round": reminder.round,
                "plan": reminder.round.plan,
            }
            if reminder.contact_person is not None:
                line = _(
                    "Sent a reminder (%(kind)s) to %(person)s of %(actor)s <%(email)s> "
                    "for «%(round)s» in «%(plan)s»."
                ) % (words | {"person": reminder.contact_person.name})
            else:
                line = (
                    _(
                        "Sent a reminder (%(kind)s) to %(actor)s <%(email)s> "
                        "for «%(round)s» in «%(plan)s»."
                    )
                    % words
                )
            self.stdout.write(line)
        if sent:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext("Sent %(count)d reminder.", "Sent %(count)d reminders.", len(sent))
                    % {"count": len(sent)}
                )
            )
        else:
            self.stdout.write(_("No reminders to send today."))
