from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planstatus.reporting.rounds import REMINDER_KIND_TEXT, RoundError, send_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders due today for open reporting rounds, to actors who have not "
        "reported all their measures. Meant to run daily from cron; running it again the "
        "same day sends nothing twice."
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
                "Oppgi adressa til nettstaden med --base-url eller PLANSTATUS_BASE_URL, "
                "til dømes https://planstatus.example.no."
            )
        try:
            sent = send_reminders(base_url=base_url)
        except RoundError as e:
            raise CommandError(str(e)) from None
        for reminder in sent:
            self.stdout.write(
                f"Sende påminning ({REMINDER_KIND_TEXT[reminder.kind]}) til {reminder.actor} "
                f"<{reminder.email}> for «{reminder.round}» i «{reminder.round.plan}»."
            )
        if sent:
            self.stdout.write(self.style.SUCCESS(f"Sende {len(sent)} påminning(ar)."))
        else:
            self.stdout.write("Ingen påminningar å sende i dag.")
