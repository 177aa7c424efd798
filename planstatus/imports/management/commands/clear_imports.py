from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planstatus.core.commands import PlanstatusCommand
from planstatus.imports.drafts import clear_old_documents
from planstatus.imports.models import DOCUMENT_DAYS


class Command(PlanstatusCommand):
    help = (
        f"Remove uploaded plan documents kept for a review longer than {DOCUMENT_DAYS} days, "
        "and files no import names. The imports stay on record and can still be saved; "
        "only reading them again needs the document. Meant to run daily from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = clear_old_documents()
        if removed:
            self.stdout.write(
                ngettext(
                    "Removed %(count)s uploaded document.",
                    "Removed %(count)s uploaded documents.",
                    removed,
                )
                % {"count": removed}
            )
        else:
            self.stdout.write(_("No uploaded document was due for removal."))
