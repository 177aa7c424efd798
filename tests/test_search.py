"""Search in a region's plans (issue 23, item 7): PostgreSQL's full-text search with the
`norwegian` configuration, SQLite's FTS5. The two stem differently (docs/search.md), so these
queries are the ones whose hits hold on both engines; the suite runs them on both."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Goal, Measure, MeasureActor, MeasureNews
from planstatus.regions.models import Actor
from tests.base import BaseTestCase
from tests.html import parse, text

URL = reverse("search", args=["testdal"])


class SearchTests(BaseTestCase):
    def setUp(self) -> None:
        area = self.measure.focus_area
        self.road = Measure.objects.create(
            focus_area=area, code="2.1.3", text="Byggje gang- og sykkelveg langs fylkesvegen"
        )
        self.office = Measure.objects.create(
            focus_area=area, code="2.1.4", text="Etablere eit felles innkjøpskontor for kommunane"
        )
        record_status(
            measure=self.office, status=Status.STARTED, comment="Hemmelegkommentar om budsjett"
        )
        self.office.note = "Usikker fordeling mellom kommunane (importmerknad)"
        self.office.save()
        self.goal = Goal.objects.create(
            plan=self.plan, focus_area=area, code="2.1", text="Betre folkehelse i heile regionen"
        )
        self.news = MeasureNews.objects.create(
            measure=self.road,
            date=datetime.date(2026, 5, 1),
            text="Styringsgruppa vedtok forprosjektet for sykkelvegen.",
        )
        self.hagen = Actor.objects.create(region=self.region, name="Næringshagen i Fjellvik")
        MeasureActor.objects.create(
            measure=self.office, actor=self.hagen, role=MeasureActor.Role.RESPONSIBLE
        )
        self.secret = Measure.objects.create(
            focus_area=self.draft_measure.focus_area,
            code="9.9.9",
            text="Løyndt sykkelveg i utkastet",
        )

    def hits(self, query: str) -> list[tuple[str, str]]:
        response = self.client.get(URL, {"q": query})
        self.assertEqual(response.status_code, 200, query)
        page = parse(response)
        return [
            (li.get("data-kind"), text(li.xpath('.//*[@class="search-hit__title"]')[0]))
            for li in page.xpath('//*[@data-testid="search-hit"]')
        ]

    def kinds_and_codes(self, query: str) -> set[tuple[str, str]]:
        return {(kind, title.split()[0]) for kind, title in self.hits(query)}

    def test_queries_whose_hits_hold_on_both_engines(self) -> None:
        expected = {
            # an exact word, with ø
            "innkjøpskontor": {("measure", "2.1.4")},
            "folkehelse": {("goal", "2.1")},
            "styringsgruppa": {("news", "2.1.3")},
            # an actor, with æ
            "næringshagen": {("actor", "Næringshagen")},
            # two words: both must occur
            "felles kommunane": {("measure", "2.1.4")},
            # a word and its definite form: stemmed on PostgreSQL, a prefix on SQLite
            "sykkelveg": {("measure", "2.1.3"), ("news", "2.1.3")},
            # upper case is the same
            "FOLKEHELSE": {("goal", "2.1")},
        }
        for query, hits in expected.items():
            with self.subTest(query=query):
                self.assertEqual(self.kinds_and_codes(query), hits)

    def test_a_code_finds_its_measure_first(self) -> None:
        self.assertEqual(self.hits("2.1.3")[0][0], "measure")
        self.assertTrue(self.hits("2.1.3")[0][1].startswith("2.1.3"))

    def test_a_measure_shows_its_status_in_words(self) -> None:
        page = parse(self.client.get(URL, {"q": "innkjøpskontor"}))
        [hit] = page.xpath('//*[@data-testid="search-hit"]')
        self.assertIn("påstarta", text(hit))

    def test_comments_and_import_notes_are_never_searched(self) -> None:
        self.client.force_login(self.owner)
        self.assertEqual(self.hits("hemmelegkommentar"), [])
        self.assertEqual(self.hits("importmerknad"), [])

    def test_an_unpublished_plan_is_found_by_members_only(self) -> None:
        self.assertNotIn(("measure", "9.9.9"), self.kinds_and_codes("sykkelveg"))
        self.client.force_login(self.outsider)
        self.assertNotIn(("measure", "9.9.9"), self.kinds_and_codes("sykkelveg"))
        self.client.force_login(self.colleague)
        self.assertIn(("measure", "9.9.9"), self.kinds_and_codes("sykkelveg"))

    def test_nothing_found_says_so(self) -> None:
        page = parse(self.client.get(URL, {"q": "trollbinding"}))
        self.assertIn("Ingenting funne", text(page.xpath('//*[@data-testid="search-none"]')[0]))

    def test_hostile_queries_never_fail(self) -> None:
        for query in [
            'NEAR(sykkelveg "',
            '"',
            "*",
            "sykkelveg OR",
            "-sykkelveg",
            ")(",
            "kommunane AND NOT",
            "sykkel:veg",
            "'; DROP TABLE plans_measure; --",
            "\u202e\u0000x",
            "ø" * 200,
        ]:
            with self.subTest(query=query):
                response = self.client.get(URL, {"q": query})
                self.assertIn(response.status_code, {200, 400}, query)
        self.assertTrue(Measure.objects.filter(pk=self.road.pk).exists())

    def test_an_over_long_or_empty_query_is_refused_with_a_message(self) -> None:
        response = self.client.get(URL, {"q": "x" * 201})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(parse(response).xpath('//*[@class="ds-validation-message"]'))
        self.assertEqual(self.client.get(URL, {"q": ""}).status_code, 400)
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_the_region_page_has_the_field(self) -> None:
        page = parse(self.client.get(reverse("region", args=["testdal"])))
        [form] = page.xpath('//form[@role="search"]')
        self.assertEqual(form.get("action"), URL)

    def test_another_regions_search_finds_nothing_here(self) -> None:
        url = reverse("search", args=["annandal"])
        self.client.force_login(self.outsider)
        response = self.client.get(url, {"q": "sykkelveg"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(parse(response).xpath('//*[@data-testid="search-hit"]'), [])

    def test_the_number_of_queries_does_not_grow_with_the_hits(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.client.get(URL, {"q": "sykkelveg"})
            return len(captured)

        few = count()
        for n in range(20):
            Measure.objects.create(
                focus_area=self.measure.focus_area, code=f"3.{n}", text=f"Sykkelveg nummer {n}"
            )
        self.assertEqual(count(), few)
