import getpass
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planstatus.accounts.models import Membership
from planstatus.core.services import create_user
from planstatus.regions.models import Region


class Command(BaseCommand):
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
            raise CommandError(f"Brukaren «{username}» finst allereie.")
        if not options["admin"] and not (options["region"] and options["role"]):
            raise CommandError("Oppgi --region og --role, eller --admin.")
        region = None
        if options["region"]:
            region = Region.objects.filter(slug=options["region"]).first()
            if region is None:
                raise CommandError(f"Fann ingen region «{options['region']}».")

        generated = False
        password = options["password"]
        if options["generate_password"]:
            password, generated = secrets.token_urlsafe(12), True
        elif password is None:
            password = getpass.getpass("Passord: ")
            if password != getpass.getpass("Passord (ein gong til): "):
                raise CommandError("Passorda er ikkje like.")
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
        self.stdout.write(self.style.SUCCESS(f"Oppretta brukaren «{username}»."))
        if generated:
            self.stdout.write(f"Passord: {password}")
