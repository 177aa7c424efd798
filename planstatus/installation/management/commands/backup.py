from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from planstatus.core.commands import PlanstatusCommand
from planstatus.installation.backup import BackupError, make_backup


class Command(PlanstatusCommand):
    help = (
        "Write a consistent backup of the whole installation (regions, users, actors, plans, "
        "history, rounds and everything else) to FILE, a zip that `planstatus restore` reads "
        "back into an empty database on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if path.is_dir():
            raise CommandError(
                _("%(path)s is a folder; give a file name, for example %(path)s/kopi.zip.")
                % {"path": path}
            )
        try:
            summary = make_backup(path=path)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(rows)s rows from %(tables)s tables to %(path)s.")
                % {"rows": summary.rows, "tables": summary.models, "path": summary.path}
            )
        )
