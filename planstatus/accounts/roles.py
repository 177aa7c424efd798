"""Who may do what in a region. The single place where roles are interpreted."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from planstatus.accounts.models import Membership
from planstatus.regions.models import Region

AnyUser = User | AnonymousUser


def known_user(user: AnyUser | None) -> User | None:
    """The person to name in the change log: a signed-in user, else nobody."""
    return user if isinstance(user, User) and user.is_authenticated else None


def is_installation_admin(user: AnyUser) -> bool:
    return bool(user.is_active and user.is_superuser)


def role_in(user: AnyUser, region: Region) -> str | None:
    """The user's role in the region, cached on the user for the request."""
    if not user.is_authenticated:
        return None
    cache: dict[int, str | None] = user.__dict__.setdefault("_planstatus_roles", {})
    if region.pk not in cache:
        cache[region.pk] = (
            Membership.objects.filter(user=user, region=region)
            .values_list("role", flat=True)
            .first()
        )
    return cache[region.pk]


def can_read_internal(user: AnyUser, region: Region) -> bool:
    """Members (secretariat and readers) see everything in their region, internal notes too."""
    return is_installation_admin(user) or role_in(user, region) is not None


def can_edit(user: AnyUser, region: Region) -> bool:
    return is_installation_admin(user) or role_in(user, region) == Membership.Role.SECRETARIAT
