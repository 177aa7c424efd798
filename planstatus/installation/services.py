"""Bringing an installation to life: migrations, demo data, demo users; creating users and
new regions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from planstatus.accounts.models import Membership
from planstatus.installation.seed import EXAMPLE_SEED, load_seed_file
from planstatus.regions.models import Municipality, Region

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
    """Migrate, and on an empty database load Hallingdal's data, the example region and the
    demo users (members of both)."""
    call_command("migrate", interactive=False, verbosity=verbosity)
    result = InitResult(seeded=False)
    if not load_demo:
        return result
    if not Region.objects.exists():
        load_seed_file()
        load_seed_file(path=EXAMPLE_SEED)
        result.seeded = True
    if not User.objects.exists():
        region = Region.objects.get(slug="hallingdal")
        example = Region.objects.filter(is_example=True).first()
        for username, role in DEMO_USERS:
            user = create_user(
                username=username,
                password=settings.DEMO_PASSWORD,
                region=region if role else None,
                role=role,
                installation_admin=role is None,
            )
            if role and example is not None:
                Membership.objects.create(user=user, region=example, role=role)
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


@dataclass(frozen=True)
class MunicipalityEntry:
    number: str
    name: str


@dataclass(frozen=True)
class NewRegion:
    region: Region
    secretariat: User | None
    new_user: bool  # the secretariat's account was made now (and needs a password)


@transaction.atomic
def create_region(
    *,
    name: str,
    slug: str,
    council_name: str,
    municipalities: list[MunicipalityEntry],
    secretariat_email: str = "",
) -> NewRegion:
    """A region with its municipalities and, given an address, its first secretariat: an
    existing account with that address gets the role, else a new one without a password
    (they choose it from the mail invite_secretariat() sends)."""
    region = Region.objects.create(name=name, slug=slug, council_name=council_name)
    Municipality.objects.bulk_create(
        Municipality(region=region, number=m.number, name=m.name) for m in municipalities
    )
    if not secretariat_email:
        return NewRegion(region=region, secretariat=None, new_user=False)
    user = User.objects.filter(email__iexact=secretariat_email, is_active=True).first()
    new_user = user is None
    if user is None:
        user = User.objects.create_user(
            username=_free_username(secretariat_email), email=secretariat_email
        )  # no password: unusable until they choose one
    Membership.objects.create(user=user, region=region, role=Membership.Role.SECRETARIAT)
    return NewRegion(region=region, secretariat=user, new_user=new_user)


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


# The secretariat is written to in Nynorsk whatever language the administrator uses.
MAIL_LANGUAGE = "nn"


def invite_secretariat(*, new_region: NewRegion, base_url: str, reply_to: str = "") -> None:
    """Mail the region's secretariat: the region's address, their user name and, for a new
    account, a link to choose a password (Django's password-reset link, valid for
    PASSWORD_RESET_TIMEOUT). Call it after the region is committed; raises OSError when the
    mail cannot be sent."""
    user = new_region.secretariat
    if user is None:
        return
    context = {
        "region": new_region.region,
        "username": user.get_username(),
        "region_url": base_url + reverse("region", args=[new_region.region.slug]),
        "login_url": base_url + reverse("login"),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "password_url": "",
    }
    if new_region.new_user:
        context["password_url"] = base_url + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    with translation.override(MAIL_LANGUAGE):
        subject = render_to_string("installation/email/secretariat_subject.txt", context)
        body = render_to_string("installation/email/secretariat.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        reply_to=[reply_to] if reply_to else None,
    ).send()
