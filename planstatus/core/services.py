"""Bringing an installation to life: migrations, demo data and the demo login."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from planstatus.plans.services import load_seed_file
from planstatus.regions.models import Region


@dataclass
class InitResult:
    seeded: bool
    demo_user_created: bool


def initialise_installation(*, load_demo: bool = True, verbosity: int = 1) -> InitResult:
    """Migrate, and on an empty database load Hallingdal's data and the demo login."""
    call_command("migrate", interactive=False, verbosity=verbosity)
    seeded = False
    demo_user_created = False
    if load_demo and not Region.objects.exists():
        load_seed_file()
        seeded = True
    User = get_user_model()
    if load_demo and not User.objects.exists():
        User.objects.create_superuser(
            username=settings.DEMO_USERNAME, email="", password=settings.DEMO_PASSWORD
        )
        demo_user_created = True
    return InitResult(seeded=seeded, demo_user_created=demo_user_created)


def demo_login_works() -> bool:
    """True while the demo user still has the documented password (so we may print it)."""
    user = get_user_model().objects.filter(username=settings.DEMO_USERNAME).first()
    return bool(user and user.is_active and user.check_password(settings.DEMO_PASSWORD))
