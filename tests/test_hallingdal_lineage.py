"""Hallingdal's lineage as the seed gives it: Byregionprogrammet, its details, the links to
the regional plan curated by hand, and the region page that tells the story."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planstatus.installation.seed import (
    HALLINGDAL_SEED,
    SeedError,
    load_region_data,
    load_seed_file,
)
from planstatus.lib.status import Status
from planstatus.plans.access import visible_plans
from planstatus.plans.actions.lineage import set_predecessors, suggest_continuations
from planstatus.plans.actions.programme import store_programme_details
from planstatus.plans.actions.status import record_status
from planstatus.plans.lineage import region_story
from planstatus.plans.models import (
    Continuation,
    FocusArea,
    Measure,
    Plan,
    ProgrammeAdvice,
    ProgrammeDetails,
)
from planstatus.regions.models import Region
from tests.html import by_testid, parse, row, text

# (kind, programme code, regional plan code, start of the later item's text)
CURATED = {
    ("focus_area", "2", "6", ""),
    ("focus_area", "3", "1", ""),
    ("focus_area", "4", "2", ""),
    ("focus_area", "5", "5", ""),
    ("focus_area", "6", "3", ""),
    ("goal", "M1", "1.2", ""),
    ("goal", "M1", "2.1", ""),
    ("measure", "2.1", "6.3.5", ""),
    ("measure", "3.2", "1.1.2", ""),
    ("measure", "4.1", "2.1.1", ""),
    ("measure", "4.2", "2.1.1", ""),
    ("measure", "5.2", "5.4.1", "Etablere"),
    ("measure", "5.2", "5.4.1", "Styrke"),
    ("measure", "6.1", "3.2.1", ""),
}


def _code(link: Continuation, side: str) -> str:
    item = getattr(link, f"{side}_{link.kind}")
    return str(item.code)


class HallingdalLineageTests(TestCase):
    programme: Plan
    plan: Plan

    @classmethod
    def setUpTestData(cls) -> None:
        load_seed_file()
        cls.programme = Plan.objects.get(slug="byregionprogrammet")
        cls.plan = Plan.objects.get(slug="regionplan")

    def measure(self, plan: Plan, code: str, start: str = "") -> Measure:
        return plan.measures().get(code=code, text__startswith=start)

    def test_the_regional_plan_builds_on_the_programme(self) -> None:
        self.assertEqual(list(self.plan.predecessors.all()), [self.programme])
        self.assertFalse(self.programme.predecessors.exists())

    def test_the_curated_links_are_loaded_confirmed(self) -> None:
        links = list(Continuation.objects.with_items())
        self.assertTrue(all(link.state == Continuation.State.CONFIRMED for link in links))
        self.assertTrue(all(link.note for link in links))
        self.assertTrue(all(link.similarity is None for link in links))
        found = set()
        for link in links:
            self.assertEqual((link.earlier_plan, link.later_plan), (self.programme, self.plan))
            later = link.later
            start = ""
            if isinstance(later, Measure) and later.code == "5.4.1":
                start = later.text.split()[0]
            found.add((link.kind, _code(link, "earlier"), _code(link, "later"), start))
        self.assertEqual(found, CURATED)
        # «Ringeriksbanen og E16» goes on as FRE 16, the joint project for the two.
        fre16 = self.measure(self.plan, "3.2.1")
        self.assertIn("FRE 16", fre16.text)
        self.assertIn("Ringeriksbanen", fre16.continues.get().earlier_measure.text)  # type: ignore[union-attr]

    def test_programme_details_from_the_seed(self) -> None:
        details = ProgrammeDetails.objects.get(plan=self.programme)
        assert details.applicant is not None
        self.assertEqual(details.applicant.name, "Hemsedal")
        # The page writes Nes, Nesbyen's name until 2020.
        self.assertEqual(
            {m.name for m in details.partners.all()}, {"Flå", "Gol", "Hol", "Nesbyen", "Ål"}
        )
        self.assertEqual(details.partners_as_written, "Flå, Gol, Hol, Nes, Ål")
        self.assertEqual(
            [(a.number, a.text[:17]) for a in details.advice.all()],
            [(1, "Bygg tillit, vær "), (2, "Etablér ei felles"), (3, "Skap nettverksfor")],
        )
        self.assertEqual(
            [i.text for i in details.follow_up_items.all()],
            [
                "Funksjonell arbeidsdeling",
                "Vidareutvikling/nye arbeidsplassar",
                "Tilby høgare relevant utdanning",
                "Profilering",
                "Livskvalitet",
            ],
        )
        self.assertIn("forankra i Strategisk plan", details.follow_up)
        self.assertIn("fleirkjernestruktur", details.application_excerpt)
        self.assertTrue(details.intro.startswith("I løpet av Byregionprogrammet"))

    def test_storing_details_again_replaces_them_and_keeps_the_history(self) -> None:
        details, unmatched = store_programme_details(
            plan=self.programme,
            advice=["Bygg tillit", "Ny tekst"],
            applicant="Hemsedal",
            partners=["Flå", "Gol", "Atlantis"],
        )
        self.assertEqual(unmatched, ["Atlantis"])
        self.assertEqual([a.text for a in details.advice.all()], ["Bygg tillit", "Ny tekst"])
        self.assertEqual({m.name for m in details.partners.all()}, {"Flå", "Gol"})
        self.assertEqual(details.partners_as_written, "Flå, Gol, Atlantis")
        history = ProgrammeAdvice.history.filter(number=3)  # type: ignore[attr-defined]
        self.assertEqual([h.history_type for h in history.order_by("history_date")], ["+", "-"])

    def test_the_region_page_tells_the_story(self) -> None:
        response = self.client.get(reverse("region", args=["hallingdal"]))
        page = response.content.decode()
        doc = parse(response)
        # Timeline: the programme before the plan that builds on it.
        timeline = text(by_testid(doc, "timeline"))
        self.assertLess(timeline.index("Byregionprogrammet"), timeline.index("Regionplan for"))
        self.assertIn("Byggjer på", timeline)
        self.assertIn("Vidareført i", timeline)
        self.assertIn("arkivert", timeline)
        # Facts: who applied and who took part, and the stated figures checked.
        facts = text(by_testid(doc, "programme-facts"))
        self.assertIn("Hemsedal", facts)
        self.assertIn("Nesbyen", facts)
        self.assertIn("står som «Flå, Gol, Hol, Nes, Ål» på programsida", facts)
        # Dates of stated figures as the language writes them, the month in small letters.
        checks = text(by_testid(doc, "fact-checks"))
        self.assertIn("(1. januar 2015)", checks)
        self.assertNotIn("Jan", checks)
        # Advice and follow-up, results with status word and symbol.
        self.assertIn("Bygg tillit, vær raus og fleksibel", page)
        by_testid(doc, "programme-follow-up")
        results = doc.xpath('//*[@data-testid="programme-result"]')
        self.assertEqual(len(results), 13)
        [krokeide] = [r for r in results if "Krokeide" in text(r)]
        self.assertEqual(krokeide.xpath(".//*[@data-status]/@data-status"), ["cancelled"])
        self.assertIn("⊘", text(krokeide))
        # Today's plan: counts per status and the way to the dashboard.
        current = by_testid(doc, "current-plan")
        self.assertIn("Regionplan for Hallingdal", text(current))
        self.assertIn("Status for 68 tiltak", text(current))
        dashboard = reverse("dashboard", args=["hallingdal", "regionplan"])
        self.assertIn(dashboard, current.xpath(".//a/@href"))

    def test_region_page_queries_do_not_grow_with_programmes(self) -> None:
        url = reverse("region", args=["hallingdal"])
        self.client.get(url)
        with CaptureQueriesContext(connection) as first:
            self.client.get(url)
        record_status(measure=self.plan.measures().first(), status=Status.DONE)  # type: ignore[arg-type]
        region = Region.objects.get(slug="hallingdal")
        for n in range(3):
            other = Plan.objects.create(
                region=region,
                slug=f"program-{n}",
                kind=Plan.Kind.PROGRAMME,
                title=f"Program {n}",
                state=Plan.State.ARCHIVED,
                published=True,
            )
            area = FocusArea.objects.create(plan=other, name="Resultat")
            for i in range(4):
                Measure.objects.create(focus_area=area, code=str(i), text=f"Resultat {i}")
            store_programme_details(
                plan=other, advice=["Eitt råd", "Eit anna"], partners=["Gol", "Ål"]
            )
            set_predecessors(plan=self.plan, predecessors=[self.programme, other])
        with self.assertNumQueries(len(first)):
            page = self.client.get(url)
        self.assertContains(page, "Program 2")
        # Plans, their links, programme details + advice, follow-up and partners, results,
        # today's statuses.
        with self.assertNumQueries(8):
            story = region_story(region, visible=visible_plans(AnonymousUser()))
        self.assertEqual(len(story.programmes), 4)

    def test_the_measure_page_shows_where_it_came_from(self) -> None:
        page = self.client.get(self.measure(self.plan, "3.2.1").get_absolute_url())
        self.assertContains(page, 'data-testid="chain-earlier"')
        self.assertContains(page, "Utnytte ringverknadar ved bygging av Ringeriksbanen og E16")
        self.assertContains(page, "fellesprosjektet for Ringeriksbanen og E16")

    def test_the_programme_page_shows_what_became_of_each_result(self) -> None:
        doc = parse(self.client.get(self.programme.get_absolute_url()))

        def outcome(code: str) -> str:
            [shown] = row(doc, code).xpath(".//*[@data-outcome]/@data-outcome")
            return str(shown)

        self.assertEqual(outcome("6.1"), "carried_on")
        self.assertEqual(outcome("1.1"), "completed")
        self.assertEqual(outcome("3.5"), "dropped")
        self.assertEqual(outcome("5.2"), "carried_on")
        # The page states 3.1 as done («Utvikla …»): shown done, not «lagt bort» (issue 21,
        # bug 4); 3.3 states nothing, so the public is told nothing about what became of it.
        [status] = row(doc, "3.1").xpath(".//*[@data-status]/@data-status")
        self.assertEqual(status, "done")
        self.assertEqual(outcome("3.1"), "completed")
        self.assertEqual(row(doc, "3.3").xpath(".//*[@data-outcome]/@data-outcome"), [])

    def test_suggestions_on_the_real_texts_leave_the_curated_links_alone(self) -> None:
        new = suggest_continuations(plan=self.plan, predecessor=self.programme)
        self.assertTrue(new)
        self.assertTrue(all(link.state == Continuation.State.SUGGESTED for link in new))
        confirmed = Continuation.objects.filter(state=Continuation.State.CONFIRMED)
        self.assertEqual(confirmed.count(), len(CURATED))


class SeedLineageErrorTests(TestCase):
    def data(self) -> dict[str, Any]:
        with HALLINGDAL_SEED.open(encoding="utf-8") as f:
            return dict(yaml.safe_load(f))

    def assert_refused(self, data: dict[str, Any], message: str) -> None:
        with self.assertRaisesMessage(SeedError, message):
            load_region_data(data=data)
        self.assertFalse(Region.objects.exists())
        self.assertFalse(Plan.objects.exists())

    def test_a_code_used_twice_needs_the_start_of_the_text(self) -> None:
        data = copy.deepcopy(self.data())
        for link in data["continuations"]:
            link["later"].pop("text", None)
        self.assert_refused(data, "«5.4.1» i regionplan passar med 2 punkt, ikkje eitt.")

    def test_an_unknown_plan_or_municipality_is_refused(self) -> None:
        data = copy.deepcopy(self.data())
        data["continuations"][0]["earlier"]["plan"] = "strategisk-plan-2017"
        self.assert_refused(data, "Det finst ingen plan «strategisk-plan-2017» i fila.")
        data = copy.deepcopy(self.data())
        data["plans"][1]["facts"]["partner_municipalities"].append("Atlantis")
        self.assert_refused(data, "Ukjend kommune: Atlantis.")
