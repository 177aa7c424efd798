"""Writes about a region's actors that span several rows: municipality actors and groups."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Actor, Region


@transaction.atomic
def ensure_municipality_actors(*, region: Region) -> list[Actor]:
    """Give every municipality of the region an actor tied to it, in municipality order.

    An existing actor written «<name> kommune» (or with a former name) is tied rather than
    doubled, so a seed or import that already named the municipality keeps its actor.
    """
    actors: list[Actor] = []
    for municipality in region.municipalities.all():
        actor = Actor.objects.filter(municipality=municipality).first()
        if actor is None:
            candidates = [f"{name} kommune" for name in municipality.known_names()]
            actor = Actor.objects.filter(
                region=region, name__in=candidates, municipality__isnull=True
            ).first()
            if actor is None:
                actor = Actor.objects.create(
                    region=region,
                    name=f"{municipality.name} kommune",
                    kind=Actor.Kind.MUNICIPALITY,
                )
            actor.municipality = municipality
            actor.save(update_fields=["municipality"])
        actors.append(actor)
    return actors


@transaction.atomic
def set_actor_group(*, actor: Actor, is_group: bool, members: Iterable[Actor]) -> None:
    """Make the actor one body or a group of the given members (the secretariat's choice).

    Members come from the same region, are single bodies (no group inside a group: progress
    counts bodies that report) and never the actor itself.
    """
    member_list = list(members) if is_group else []
    for member in member_list:
        if member.region_id != actor.region_id:
            raise ValidationError(_("%(name)s is in another region.") % {"name": member.name})
        if member.pk == actor.pk:
            raise ValidationError(_("A group cannot be a member of itself."))
        if member.is_group:
            raise ValidationError(
                _("%(name)s is a group itself; choose its members instead.") % {"name": member.name}
            )
    if is_group and not member_list:
        raise ValidationError(_("A group needs at least one member."))
    if is_group and actor.groups.exists():
        raise ValidationError(
            _("%(name)s is a member of a group; it cannot be a group itself.")
            % {"name": actor.name}
        )
    if actor.is_group != is_group:  # an unchanged choice adds no empty version to the log
        actor.is_group = is_group
        actor.save(update_fields=["is_group"])
    actor.members.set(member_list)
