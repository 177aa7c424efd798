from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from planstatus.installation.seed import load_seed_file
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import MeasureActor, Plan
from planstatus.regions.models import Actor


class HallingdalPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_seed_file()

    def test_region_page_shows_municipalities_and_plans(self) -> None:
        response = self.client.get(reverse("region", args=["hallingdal"]))
        for name in ["Flå", "Gol", "Hemsedal", "Hol", "Nesbyen", "Ål", "3330"]:
            self.assertContains(response, name)
        self.assertContains(response, "Regionplan for Hallingdal")
        self.assertContains(response, "Byregionprogrammet")

    def test_plan_page_shows_everything_with_flags(self) -> None:
        response = self.client.get(reverse("plan", args=["hallingdal", "regionplan"]))
        html = response.content.decode()
        self.assertEqual(html.count('data-testid="focus-area"'), 6)
        self.assertEqual(html.count('data-testid="measure-row"'), 68)
        self.assertEqual(html.count('data-code="5.4.1"'), 2)
        # Two measures under each duplicated code carry the flag.
        self.assertEqual(html.count("Dobbel kode"), 4)
        self.assertIn("skrive «.5.2.»", html)
        self.assertIn("Status for 68 tiltak", html)

    def test_plan_page_query_count_does_not_grow_with_measures(self) -> None:
        plan = Plan.objects.get(slug="regionplan")
        url = reverse("plan", args=["hallingdal", "regionplan"])
        self.client.get(url)  # warm caches that are not ours (e.g. content types)
        # Plan, rounds, areas, goals, measures, milestones, links, actors.
        with self.assertNumQueries(8):
            self.client.get(url)
        measure = plan.measures().first()
        assert measure is not None
        record_status(measure=measure, status=Status.DONE)
        # A plan with 13 measures costs the same, once it too has actors on its measures.
        small = Plan.objects.get(slug="byregionprogrammet")
        result = small.measures().first()
        assert result is not None
        MeasureActor.objects.create(
            measure=result,
            actor=Actor.objects.get(short_name="NAV"),
            role=MeasureActor.Role.RESPONSIBLE,
        )
        # The same eight, and one for the archived programme: the links that carry its items on.
        with self.assertNumQueries(9):
            self.client.get(reverse("plan", args=["hallingdal", small.slug]))

    def test_programme_page_shows_results_with_statuses(self) -> None:
        response = self.client.get(reverse("plan", args=["hallingdal", "byregionprogrammet"]))
        self.assertContains(response, "Krokeide")
        self.assertContains(response, 'data-status="cancelled"')
        self.assertContains(response, 'data-status="done"')
