"""The secretariat administers its region's actors and plan settings; readers only look."""

from __future__ import annotations

from django.urls import reverse

from planstatus.plans.models import Plan
from planstatus.regions.models import Actor
from tests.audit import region_changes
from tests.base import BaseTestCase

HOSTILE = "<script>alert(1)</script>'; DROP TABLE regions_actor; -- 🚀"


class ActorPageTests(BaseTestCase):
    def test_reader_sees_the_list_but_no_edit_links(self) -> None:
        self.client.force_login(self.colleague)
        response = self.client.get(reverse("actor_list", args=["testdal"]))
        self.assertContains(response, "Testdal regionråd")
        self.assertNotContains(response, reverse("actor_create", args=["testdal"]))

    def test_secretariat_creates_and_edits_an_actor(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.post(
            reverse("actor_create", args=["testdal"]),
            {
                "name": "Næringshage Vidju",
                "short_name": "Næringshagen",
                "kind": "company",
                "email": "post@vidju.example",
                "aliases_text": "Næringshage\nNæringshagen\n\nNæringshage\n",
                "reports_as": "single",
            },
        )
        self.assertRedirects(response, reverse("actor_list", args=["testdal"]))
        actor = Actor.objects.get(name="Næringshage Vidju")
        self.assertEqual(actor.aliases, ["Næringshage", "Næringshagen"])
        self.assertEqual(actor.region, self.region)

        url = reverse("actor_edit", args=["testdal", actor.pk])
        self.assertContains(self.client.get(url), "Næringshage\nNæringshagen")
        self.client.post(
            url,
            {
                "name": HOSTILE,
                "kind": "company",
                "email": "ny@vidju.example",
                "reports_as": "single",
            },
        )
        actor.refresh_from_db()
        self.assertEqual((actor.name, actor.email), (HOSTILE, "ny@vidju.example"))
        page = self.client.get(reverse("actor_list", args=["testdal"])).content.decode()
        self.assertNotIn("<script>alert(1)", page)
        changes = next(e for e in region_changes(self.region) if e.action == "~").changes
        self.assertIn(("Næringshage Vidju", HOSTILE), [(c.old, c.new) for c in changes])

    def test_bad_actor_input_is_refused_and_nothing_written(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("actor_create", args=["testdal"])
        cases = [
            ({"name": "Testdal regionråd", "kind": "council"}, "har allereie ein aktør"),
            ({"name": "", "kind": "council"}, "Ingenting vart lagra"),
            ({"name": "Ny", "kind": "council", "email": "ikkje-e-post"}, "e-post"),
            ({"name": "Ny", "kind": "nonsense"}, "Ingenting vart lagra"),
            ({"name": "Ny", "kind": "council", "aliases_text": "x" * 300}, "200"),
        ]
        for data, message in cases:
            response = self.client.post(url, data)
            self.assertContains(response, message, status_code=400)
        self.assertEqual(Actor.objects.filter(region=self.region).count(), 1)

    def test_actor_of_another_region_is_404(self) -> None:
        other = Actor.objects.create(region=self.other_region, name="Annandal regionråd")
        self.client.force_login(self.owner)
        response = self.client.get(reverse("actor_edit", args=["testdal", other.pk]))
        self.assertEqual(response.status_code, 404)


class PlanSettingsTests(BaseTestCase):
    def settings_data(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "title": self.draft.title,
            "kind": "regional_plan",
            "state": "adopted",
            "period_start": "2025",
            "period_end": "2028",
            "adopted_by": "Hallingtinget",
            "adopted_on": "2024-10-15",
        }
        data.update(changes)
        return data

    def test_secretariat_publishes_a_plan(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("plan_settings", args=["testdal", "utkast"])
        response = self.client.post(url, self.settings_data(published="on"))
        self.assertRedirects(response, self.draft.get_absolute_url())
        self.client.logout()
        self.assertContains(self.client.get(self.draft.get_absolute_url()), self.draft.title)

    def test_bad_periods_are_refused(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("plan_settings", args=["testdal", "utkast"])
        for data, message in [
            (self.settings_data(period_start="2028", period_end="2025"), "kan ikkje slutte"),
            (self.settings_data(period_start="25"), "Skriv eit årstal"),
            (self.settings_data(adopted_on="15.10.24x"), "dato"),
            (self.settings_data(title=""), "Ingenting vart lagra"),
        ]:
            self.assertContains(self.client.post(url, data), message, status_code=400)
        draft = Plan.objects.get(pk=self.draft.pk)
        self.assertEqual((draft.period_start, draft.published), (None, False))
