"""Actor groups and municipality actors through the regions services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import TestCase

from planstatus.regions.models import Actor, Municipality, Region
from planstatus.regions.services import ensure_municipality_actors, set_actor_group


class ActorGroupTests(TestCase):
    def setUp(self) -> None:
        self.region = Region.objects.create(slug="dal", name="Dal")
        Municipality.objects.create(region=self.region, name="Flå", number="3320")
        Municipality.objects.create(
            region=self.region, name="Nesbyen", number="3322", former_names=["Nes"]
        )
        self.existing = Actor.objects.create(region=self.region, name="Nes kommune")
        self.group = Actor.objects.create(region=self.region, name="Kommunane")

    def test_each_municipality_gets_one_actor_and_a_named_one_is_tied(self) -> None:
        actors = ensure_municipality_actors(region=self.region)
        self.assertEqual(
            [a.municipality.name for a in actors if a.municipality], ["Flå", "Nesbyen"]
        )
        self.assertEqual(actors[1].pk, self.existing.pk)
        self.assertEqual(ensure_municipality_actors(region=self.region), actors)
        self.assertEqual(Actor.objects.filter(region=self.region).count(), 3)

    def test_group_reports_through_its_members(self) -> None:
        members = ensure_municipality_actors(region=self.region)
        self.assertEqual(self.group.reporting_bodies(), [self.group])
        set_actor_group(actor=self.group, is_group=True, members=members)
        self.group.refresh_from_db()
        self.assertEqual(self.group.reporting_bodies(), sorted(members, key=lambda a: a.name))
        set_actor_group(actor=self.group, is_group=False, members=[])
        self.group.refresh_from_db()
        self.assertEqual(self.group.reporting_bodies(), [self.group])
        self.assertFalse(self.group.members.exists())

    def test_refusals_change_nothing(self) -> None:
        other = Region.objects.create(slug="fjell", name="Fjell")
        outsider = Actor.objects.create(region=other, name="Fjell kommune")
        for members in ([outsider], [self.group], []):
            with self.assertRaises(ValidationError):
                set_actor_group(actor=self.group, is_group=True, members=members)
        self.group.refresh_from_db()
        self.assertFalse(self.group.is_group)
        self.assertFalse(self.group.members.exists())
