from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from planstatus.core.services import initialise_installation


class Command(BaseCommand):
    help = "Migrate the database and, when it is empty, load Hallingdal's data and demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="Only migrate; load no demo data or users."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = initialise_installation(
            load_demo=not options["no_demo"], verbosity=max(0, options["verbosity"] - 1)
        )
        if result.seeded:
            self.stdout.write("Lasta inn Hallingdal sine data.")
        if result.demo_users:
            self.stdout.write(f"Oppretta demobrukarar: {', '.join(result.demo_users)}.")
        self.stdout.write(self.style.SUCCESS("Databasen er klar."))
