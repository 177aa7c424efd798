from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planstatus.core.backup import BackupError, make_backup


class Command(BaseCommand):
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
            raise CommandError(f"{path} er ei mappe; oppgi eit filnamn, til dømes {path}/kopi.zip.")
        try:
            summary = make_backup(path=path)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Skreiv {summary.rows} rader frå {summary.models} tabellar til {summary.path}."
            )
        )
