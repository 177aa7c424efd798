from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from planstatus.api.services import issue_api_token
from planstatus.core.commands import PlanstatusCommand


class Command(PlanstatusCommand):
    help = (
        "Make an API key for a user and print it once. The key reads what the user may read "
        "on the web. Send it as «Authorization: Bearer <key>»."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the key is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                _("Found no user «%(username)s».") % {"username": options["username"]}
            )
        if not user.is_active:
            raise CommandError(
                _("The user «%(username)s» is not active.") % {"username": user.username}
            )
        token, secret = issue_api_token(user=user, name=options["name"] or "kommandolinja")
        # The key alone on standard output, so that a script can take it; the advice beside it.
        self.stdout.write(secret)
        self.stderr.write(
            _(
                "API key %(prefix)s… for «%(username)s». It will not be shown again: "
                "keep it safe now."
            )
            % {"prefix": token.prefix, "username": user.username}
        )
