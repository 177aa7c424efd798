"""Who gets an actor's links in a round: each contact person of each body that reports for
it (a group's members), else the body itself, by its own address if it has one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from planstatus.regions.models import Actor, ContactPerson


@dataclass(frozen=True)
class Recipient:
    actor: Actor
    person: ContactPerson | None

    @property
    def email(self) -> str:
        return self.person.email if self.person is not None else self.actor.email

    @property
    def name(self) -> str:
        return self.person.name if self.person is not None else self.actor.name


def prefetch_recipients(actors: Iterable[Actor]) -> None:
    """Load the actors' members and everyone's contact persons in a fixed number of queries."""
    prefetch_related_objects(list(actors), "contact_persons", "members__contact_persons")


def recipients(actor: Actor) -> list[Recipient]:
    """An actor's recipients, body by body and person by person, by name."""
    found: list[Recipient] = []
    for body in actor.reporting_bodies():
        persons = sorted(body.contact_persons.all(), key=lambda p: (p.name, p.pk))
        if persons:
            found += [Recipient(actor=body, person=p) for p in persons]
        else:
            found.append(Recipient(actor=body, person=None))
    return found


def has_address(actor: Actor) -> bool:
    """Whether a reminder for the actor reaches anyone by e-mail."""
    return any(r.email for r in recipients(actor))
