import getpass
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from planstatus.accounts.models import Membership
from planstatus.core.commands import PlanstatusCommand
from planstatus.installation.services import create_user
from planstatus.regions.models import Region


class Command(PlanstatusCommand):
    help = (
        "Create a user with a role in a region (secretariat or reader), or an installation "
        "administrator. Without --password the password is asked for, or generated with "
        "--generate-password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--region", help="the region's short name, e.g. hallingdal")
        parser.add_argument("--role", choices=[r.value for r in Membership.Role])
        parser.add_argument(
            "--admin", action="store_true", help="installation administrator (all regions)"
        )
        parser.add_argument("--password", help="avoid on shared machines: shells keep history")
        parser.add_argument("--generate-password", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(
                _("The user «%(username)s» already exists.") % {"username": username}
            )
        if not options["admin"] and not (options["region"] and options["role"]):
            raise CommandError(_("Give --region and --role, or --admin."))
        region = None
        if options["region"]:
            region = Region.objects.filter(slug=options["region"]).first()
            if region is None:
                raise CommandError(
                    _("Found no region «%(region)s».") % {"region": options["region"]}
                )

        generated = False
        password = options["password"]
        if options["generate_password"]:
            password, generated = secrets.token_urlsafe(12), True
        elif password is None:
            password = getpass.getpass(_("Password: "))
            if password != getpass.getpass(_("Password (once more): ")):
                raise CommandError(_("The passwords do not match."))
        try:
            validate_password(password, User(username=username, email=options["email"]))
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e

        create_user(
            username=username,
            password=password,
            email=options["email"],
            region=region,
            role=options["role"],
            installation_admin=options["admin"],
        )
        self.stdout.write(
            self.style.SUCCESS(_("Created the user «%(username)s».") % {"username": username})
        )
        if generated:
            self.stdout.write(_("Password: %(password)s") % {"password": password})
