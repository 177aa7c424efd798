from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from planstatus.core.commands import PlanstatusCommand
from planstatus.installation.backup import BackupError, restore_backup


class Command(PlanstatusCommand):
    help = (
        "Bring a backup made by `planstatus backup` back into an empty database. The file is "
        "checked completely before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = restore_backup(path=options["file"])
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored %(rows)s rows from %(file)s.") % {"rows": rows, "file": options["file"]}
            )
        )
