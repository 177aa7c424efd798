from typing import Any

from django.utils.translation import ngettext

from planstatus.core.commands import PlanstatusCommand
from planstatus.feedback.services import erase_expired_emails


class Command(PlanstatusCommand):
    help = (
        "Delete the e-mail addresses left with input from the public once they are older "
        "than their region allows (the inbox's setting, 90 days unless changed). The input "
        "and its answer stay. Meant to run daily beside send-reminders."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        n = erase_expired_emails()
        self.stdout.write(
            ngettext("%(n)s e-mail address deleted.", "%(n)s e-mail addresses deleted.", n)
            % {"n": n}
        )
