from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from planstatus.core.commands import PlanstatusCommand
from planstatus.installation.forms import NewRegionForm
from planstatus.installation.services import create_region


class Command(PlanstatusCommand):
    help = (
        "Make a region with its municipalities, e.g. "
        '`planstatus create-region Valdres --council "Valdres regionråd" '
        '--municipality "3451 Nord-Aurdal" --municipality "3452 Sør-Aurdal"`. '
        "Then give it a secretariat with `planstatus createuser NAME --region SLUG "
        "--role secretariat`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the region's name, e.g. Valdres")
        parser.add_argument(
            "--slug", default="", help="short name in addresses (default: from the name)"
        )
        parser.add_argument("--council", default="", help="the council's name")
        parser.add_argument(
            "--municipality",
            action="append",
            default=[],
            metavar="NUMBER NAME",
            help="a municipality, e.g. '3451 Nord-Aurdal'; repeat for each",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        form = NewRegionForm(
            {
                "name": options["name"],
                "slug": options["slug"],
                "council_name": options["council"],
                "municipalities": "\n".join(options["municipality"]),
            }
        )
        if not form.is_valid():
            problems = [
                f"{form.fields[field].label}: {message}" if field in form.fields else str(message)
                for field, messages in form.errors.items()
                for message in messages
            ]
            raise CommandError("\n".join(problems))
        data = form.cleaned_data
        new_region = create_region(
            name=data["name"],
            slug=data["slug"],
            council_name=data["council_name"],
            municipalities=data["municipalities"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Made the region %(name)s (%(slug)s) with %(count)s municipalities.")
                % {
                    "name": new_region.region.name,
                    "slug": new_region.region.slug,
                    "count": len(data["municipalities"]),
                }
            )
        )
