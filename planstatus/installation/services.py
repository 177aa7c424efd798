"""Bringing an installation to life: migrations, demo data, demo users; creating users."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _

from planstatus.accounts.models import Membership
from planstatus.installation.seed import load_seed_file
from planstatus.regions.models import Region

# (user name, role in Hallingdal or None for the installation administrator)
DEMO_USERS = [
    ("admin", None),
    ("sekretariat", Membership.Role.SECRETARIAT),
    ("lesar", Membership.Role.READER),
]


@dataclass
class InitResult:
    seeded: bool
    demo_users: list[str] = field(default_factory=list)


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    email: str = "",
    region: Region | None = None,
    role: str | None = None,
    installation_admin: bool = False,
) -> User:
    """A user with a role in one region, or an installation administrator."""
    if role is not None and region is None:
        raise ValueError(_("A role must belong to a region."))
    if installation_admin:
        user = User.objects.create_superuser(username=username, email=email, password=password)
    else:
        user = User.objects.create_user(username=username, email=email, password=password)
    if region is not None and role is not None:
        Membership.objects.create(user=user, region=region, role=role)
    return user


def initialise_installation(*, load_demo: bool = True, verbosity: int = 1) -> InitResult:
    """Migrate, and on an empty database load Hallingdal's data and the demo users."""
    call_command("migrate", interactive=False, verbosity=verbosity)
    result = InitResult(seeded=False)
    if not load_demo:
        return result
    if not Region.objects.exists():
        load_seed_file()
        result.seeded = True
    if not User.objects.exists():
        region = Region.objects.get(slug="hallingdal")
        for username, role in DEMO_USERS:
            create_user(
                username=username,
                password=settings.DEMO_PASSWORD,
                region=region if role else None,
                role=role,
                installation_admin=role is None,
            )
            result.demo_users.append(username)
    return result


def working_demo_logins() -> list[tuple[str, str]]:
    """Demo users that still have the documented password (only those may be printed)."""
    logins = []
    for username, role in DEMO_USERS:
        user = User.objects.filter(username=username, is_active=True).first()
        if user and user.check_password(settings.DEMO_PASSWORD):
            label = str(Membership.Role(role).label) if role else _("installation administrator")
            logins.append((f"{username} / {settings.DEMO_PASSWORD}", label))
    return logins
