"""The secretariat edits actor groups on the web (issue 20): the actor's edit page chooses one
actor or a group and its members, refusals come back as form errors, municipality actors are
made with one button, and the change log, the actor list and the actor's page show groups."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from planstatus.plans.models import MeasureActor
from planstatus.regions.models import Actor, Municipality
from tests.audit import region_changes
from tests.base import BaseTestCase
from tests.html import find, parse, text


class ActorGroupWebTests(BaseTestCase):
    flaa: Actor
    group: Actor

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for name, number in (("Nesbyen", "3322"), ("Flå", "3320"), ("Gol", "3324")):
            Municipality.objects.create(region=cls.region, name=name, number=number)
        cls.flaa = Actor.objects.create(region=cls.region, name="Flå kommune")
        cls.group = Actor.objects.create(
            region=cls.region, name="Kommunane i Testdal", short_name="Kommunane"
        )
        MeasureActor.objects.create(
            measure=cls.measure, actor=cls.group, role=MeasureActor.Role.RESPONSIBLE
        )

    def setUp(self) -> None:
        self.client.force_login(self.owner)

    def edit_url(self, actor: Actor) -> str:
        return reverse("actor_edit", args=["testdal", actor.pk])

    def post_actor(self, actor: Actor, **changes: Any) -> Any:
        data: dict[str, Any] = {
            "name": actor.name,
            "short_name": actor.short_name,
            "kind": actor.kind,
            "email": actor.email,
            "note": actor.note,
            "aliases_text": "\n".join(actor.aliases),
            "reports_as": "group" if actor.is_group else "single",
        }
        data.update(changes)
        return self.client.post(self.edit_url(actor), data)

    def make_municipality_actors(self) -> list[Actor]:
        response = self.client.post(reverse("municipality_actors", args=["testdal"]))
        self.assertRedirects(response, reverse("actor_list", args=["testdal"]))
        return list(Actor.objects.filter(municipality__isnull=False).order_by("municipality"))

    def test_button_makes_an_actor_per_municipality_and_ties_the_named_one(self) -> None:
        page = parse(self.client.get(self.edit_url(self.group)))
        notice = find(page, '//*[@data-testid="municipalities-without-actor"]')
        self.assertIn("3 kommunar har ingen aktør enno", text(notice))
        self.assertIn("Lag aktørar for alle kommunane", text(notice))
        actors = self.make_municipality_actors()
        self.assertEqual(
            [a.name for a in actors], ["Flå kommune", "Nesbyen kommune", "Gol kommune"]
        )
        self.assertEqual(actors[0].pk, self.flaa.pk)  # tied, not doubled
        page = parse(self.client.get(self.edit_url(self.group)))
        self.assertFalse(page.xpath('//*[@data-testid="municipalities-without-actor"]'))
        # A second press makes nothing more.
        self.assertEqual(self.make_municipality_actors(), actors)
        self.assertEqual(Actor.objects.filter(region=self.region).count(), 5)

    def test_button_returns_to_the_actor_being_edited(self) -> None:
        response = self.client.post(
            reverse("municipality_actors", args=["testdal"]), {"actor": self.group.pk}
        )
        self.assertRedirects(response, self.edit_url(self.group))

    def test_member_picker_offers_single_actors_with_the_municipalities_first(self) -> None:
        self.make_municipality_actors()
        other_group = Actor.objects.create(region=self.region, name="Ordførarane", is_group=True)
        page = parse(self.client.get(self.edit_url(self.group)))
        labels = [
            " ".join(label.text_content().split())
            for label in page.xpath('//fieldset[.//input[@name="members"]]//label')
        ]
        self.assertEqual(
            labels,
            ["Flå kommune", "Nesbyen kommune", "Gol kommune", "Testdal regionråd"],
        )
        self.assertNotIn(other_group.name, labels)
        choices = page.xpath('//input[@name="reports_as"]/parent::label')
        self.assertEqual(
            [" ".join(c.text_content().split()) for c in choices],
            ["Éin aktør", "Ei gruppe av medlemer"],
        )
        legend = find(page, '//fieldset[.//input[@name="reports_as"]]/legend')
        self.assertIn("Kven rapporterer", text(legend))
        help_text = text(find(page, '//fieldset[.//input[@name="reports_as"]]//p'))
        self.assertIn("Ordførarane i kommunane", help_text)

    def test_secretariat_makes_a_group_and_undoes_it(self) -> None:
        members = self.make_municipality_actors()
        response = self.post_actor(self.group, reports_as="group", members=[m.pk for m in members])
        self.assertRedirects(response, reverse("actor_list", args=["testdal"]))
        self.group.refresh_from_db()
        self.assertTrue(self.group.is_group)
        self.assertEqual(set(self.group.members.all()), set(members))

        # The form shows the choice as saved.
        page = parse(self.client.get(self.edit_url(self.group)))
        checked = page.xpath('//input[@name="reports_as"][@checked]/@value')
        self.assertEqual(checked, ["group"])
        ticked = page.xpath('//input[@name="members"][@checked]/@value')
        self.assertEqual(sorted(map(int, ticked)), sorted(m.pk for m in members))
        # A member's page says which group it is in.
        member_page = parse(self.client.get(self.edit_url(members[0])))
        self.assertIn(
            "Kommunane i Testdal", text(find(member_page, '//*[@data-testid="actor-groups"]'))
        )

        response = self.post_actor(self.group, reports_as="single")
        self.assertEqual(response.status_code, 302)
        self.group.refresh_from_db()
        self.assertFalse(self.group.is_group)
        self.assertFalse(self.group.members.exists())

    def test_group_changes_are_in_the_change_log(self) -> None:
        members = self.make_municipality_actors()
        self.post_actor(self.group, reports_as="group", members=[members[0].pk, members[2].pk])
        self.post_actor(self.group, reports_as="group", members=[members[0].pk])
        entries = [e for e in region_changes(self.region) if e.label == self.group.name]
        changes = [(c.field, c.old, c.new) for e in entries for c in e.changes]
        self.assertIn(("medlemer", "–", "Flå kommune, Gol kommune"), changes)
        self.assertIn(("medlemer", "Flå kommune, Gol kommune", "Flå kommune"), changes)
        self.assertIn(("rapporterer som ei gruppe av medlemer", "nei", "ja"), changes)
        self.assertTrue(all(e.user == self.owner for e in entries if e.action == "~"))
        log = parse(self.client.get(reverse("region_log", args=["testdal"])))
        self.assertIn("Flå kommune, Gol kommune", text(log))

    def test_refusals_are_form_errors_in_nynorsk_and_save_nothing(self) -> None:
        members = self.make_municipality_actors()
        # No member chosen.
        response = self.post_actor(self.group, name="Nytt namn", reports_as="group")
        self.assertEqual(response.status_code, 400)
        page = parse(response)
        self.assertIn("Ei gruppe treng minst eitt medlem.", text(find(page, '//*[@role="alert"]')))
        # Members ticked for one actor are not dropped without a word.
        response = self.post_actor(self.group, reports_as="single", members=[members[0].pk])
        self.assertEqual(response.status_code, 400)
        self.assertIn("«Ei gruppe av medlemer»", text(find(parse(response), '//*[@role="alert"]')))
        # A member of a group cannot become a group itself (set_actor_group's refusal).
        self.post_actor(self.group, reports_as="group", members=[members[0].pk])
        response = self.post_actor(
            members[0], name="Flå kommune (endra)", reports_as="group", members=[members[1].pk]
        )
        self.assertEqual(response.status_code, 400)
        alert = text(find(parse(response), '//*[@role="alert"]'))
        self.assertIn("er medlem av ei gruppe og kan ikkje sjølv vere ei gruppe", alert)
        # A group, the actor itself or another region's actor is no choice.
        outsider = Actor.objects.create(region=self.other_region, name="Annandal kommune")
        for bad in (self.group.pk, outsider.pk, "x"):
            response = self.post_actor(members[1], reports_as="group", members=[bad])
            self.assertEqual(response.status_code, 400, bad)
        self.group.refresh_from_db()
        self.assertEqual(self.group.name, "Kommunane i Testdal")
        self.assertEqual(list(self.group.members.all()), [members[0]])
        flaa = Actor.objects.get(pk=members[0].pk)
        self.assertEqual((flaa.name, flaa.is_group), ("Flå kommune", False))
        self.assertFalse(Actor.objects.filter(pk=members[1].pk, is_group=True).exists())

    def test_a_new_actor_can_be_made_a_group_at_once(self) -> None:
        members = self.make_municipality_actors()
        response = self.client.post(
            reverse("actor_create", args=["testdal"]),
            {
                "name": "Ordførarane i kommunane",
                "kind": "role",
                "reports_as": "group",
                "members": [m.pk for m in members],
            },
        )
        self.assertEqual(response.status_code, 302)
        role = Actor.objects.get(name="Ordførarane i kommunane")
        self.assertTrue(role.is_group)
        self.assertEqual(role.members.count(), 3)
        # Refused: nothing is made, and the form comes back.
        response = self.client.post(
            reverse("actor_create", args=["testdal"]),
            {"name": "Kommunedirektørane", "kind": "role", "reports_as": "group"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Actor.objects.filter(name="Kommunedirektørane").exists())

    def test_list_and_actor_page_show_members_and_groups(self) -> None:
        members = self.make_municipality_actors()
        self.post_actor(self.group, reports_as="group", members=[m.pk for m in members])
        listing = parse(self.client.get(reverse("actor_list", args=["testdal"])))
        self.assertEqual(
            text(find(listing, '//*[@data-testid="group-members"]')),
            "Gruppe av: Flå kommune, Gol kommune, Nesbyen kommune",
        )
        self.assertEqual(len(listing.xpath('//*[@data-testid="member-of"]')), 3)
        # The group's page in the plan, public for a published plan.
        self.client.logout()
        url = reverse("plan_actor", args=["testdal", "regionplan", self.group.pk])
        page = parse(self.client.get(url))
        names = [text(a) for a in page.xpath('//*[@data-testid="group-members"]//a')]
        self.assertEqual(names, ["Flå kommune", "Gol kommune", "Nesbyen kommune"])
        # A member's page: its group, and the group's measures it reports on.
        page = parse(
            self.client.get(reverse("plan_actor", args=["testdal", "regionplan", members[0].pk]))
        )
        self.assertIn("Kommunane i Testdal", text(find(page, '//*[@data-testid="member-of"]')))
        self.assertIn(self.measure.text, text(find(page, '//*[@data-testid="through-groups"]')))

    def test_only_the_secretariat_makes_municipality_actors(self) -> None:
        url = reverse("municipality_actors", args=["testdal"])
        for user in (self.colleague, self.outsider):
            self.client.force_login(user)
            self.assertIn(self.client.post(url).status_code, {403, 404})
        self.client.force_login(self.owner)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertFalse(Actor.objects.filter(municipality__isnull=False).exists())
        listing = parse(self.client.get(reverse("actor_list", args=["testdal"])))
        self.assertTrue(listing.xpath('//*[@data-testid="municipalities-without-actor"]'))
        self.client.force_login(self.colleague)
        listing = parse(self.client.get(reverse("actor_list", args=["testdal"])))
        self.assertFalse(listing.xpath('//*[@data-testid="municipalities-without-actor"]'))

    def test_a_form_without_the_choice_is_refused_and_the_group_kept(self) -> None:
        members = self.make_municipality_actors()
        self.post_actor(self.group, reports_as="group", members=[members[0].pk])
        response = self.post_actor(self.group, reports_as="", note="Ny merknad")
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "Vel éin aktør eller ei gruppe.", text(find(parse(response), '//*[@role="alert"]'))
        )
        self.group.refresh_from_db()
        self.assertEqual((self.group.note, self.group.is_group), ("", True))
        self.assertEqual(list(self.group.members.all()), [members[0]])

    def test_saving_an_unchanged_group_adds_one_version_only(self) -> None:
        members = self.make_municipality_actors()
        self.post_actor(self.group, reports_as="group", members=[members[0].pk])
        before = self.group.history.count()  # type: ignore[attr-defined]
        self.post_actor(self.group, reports_as="group", members=[members[0].pk])
        # The form's own save; no empty versions from the unchanged group and members.
        self.assertEqual(self.group.history.count(), before + 1)  # type: ignore[attr-defined]
