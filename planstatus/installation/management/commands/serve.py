import importlib.util
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from planstatus.core.commands import PlanstatusCommand
from planstatus.installation.services import initialise_installation, working_demo_logins


def default_workers() -> int:
    # Gunicorn's rule of thumb; each worker is one process with its own database connection.
    return int(os.environ.get("PLANSTATUS_WORKERS") or 2 * (os.cpu_count() or 1) + 1)


class Command(PlanstatusCommand):
    help = (
        "Prepare the database (as `init`: migrations run automatically) and serve Planstatus. "
        "--production serves with gunicorn and several workers; otherwise Django's "
        "development server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--production",
            action="store_true",
            help="serve with gunicorn (PLANSTATUS_WORKERS workers); needs PLANSTATUS_DEBUG=false",
        )
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        shown_host = f"[{host}]" if ":" in host else host
        if options["production"]:
            self.serve_production(shown_host, port, options["workers"] or default_workers())
            return
        initialise_installation(verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Planstatus: http://{shown_host}:{port}/"))
        for login, role in working_demo_logins():
            self.stdout.write(
                _("Demo login: %(login)s  (%(role)s)") % {"login": login, "role": role}
            )
        self.stdout.write(f"Data: {settings.DATA_DIR}")
        call_command("runserver", f"{shown_host}:{port}", use_reloader=False)

    def serve_production(self, host: str, port: int, workers: int) -> None:
        if settings.DEBUG:
            raise CommandError(
                _(
                    "--production needs PLANSTATUS_DEBUG=false (and PLANSTATUS_SECRET_KEY and "
                    "PLANSTATUS_ALLOWED_HOSTS). See docs/operations.md."
                )
            )
        # gunicorn is a dependency of this very Python, so it is run as a module of it: a
        # service manager's PATH (systemd's is /usr/bin:/bin) need not know the venv.
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError(_("Found no gunicorn. Install it with `make install`."))
        # No demo users in production: an empty database gets Hallingdal's plan data only
        # when asked for with `planstatus init`.
        initialise_installation(load_demo=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                _("Planstatus (gunicorn, %(workers)s workers): http://%(host)s:%(port)s/")
                % {"workers": workers, "host": host, "port": port}
            )
        )
        self.stdout.flush()
        # Replace this process with gunicorn, so a service manager's signals reach it directly.
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "planstatus.wsgi:application",
                f"--bind={host}:{port}",
                f"--workers={workers}",
                "--access-logfile=-",
                # Tokens of personal links out of the access log (planstatus.core.logging).
                "--logger-class=planstatus.core.logging.GunicornAccessLog",
                "--timeout=120",  # a 150-measure PDF takes a few seconds, never two minutes
                "--graceful-timeout=30",
            ],
        )
