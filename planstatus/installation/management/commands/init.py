from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from planstatus.core.commands import PlanstatusCommand
from planstatus.installation.services import initialise_installation


class Command(PlanstatusCommand):
    help = (
        "Migrate the database and, when it is empty, load Hallingdal's data, the example "
        "region and demo users."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Only migrate; load no demo data, example region or users.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = initialise_installation(
            load_demo=not options["no_demo"], verbosity=max(0, options["verbosity"] - 1)
        )
        if result.seeded:
            self.stdout.write(
                _("Loaded Hallingdal's data and the example region Eksempelregionen (made up).")
            )
        if result.demo_users:
            self.stdout.write(
                _("Created demo users: %(users)s.") % {"users": ", ".join(result.demo_users)}
            )
        self.stdout.write(self.style.SUCCESS(_("The database is ready.")))
