from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from planstatus.core.services import initialise_installation, working_demo_logins


class Command(BaseCommand):
    help = "Prepare the database (as `init`) and serve Planstatus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        initialise_installation(verbosity=0)
        host, port = options["host"], options["port"]
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(f"Planstatus: http://{shown_host}:{port}/"))
        for login, role in working_demo_logins():
            self.stdout.write(f"Demo-innlogging: {login}  ({role})")
        self.stdout.write(f"Data: {settings.DATA_DIR}")
        call_command("runserver", f"{shown_host}:{port}", use_reloader=False)
