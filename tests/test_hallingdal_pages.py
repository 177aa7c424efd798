from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.test import TestCase
from django.urls import reverse
from lxml.html import HtmlElement  # type: ignore[import-untyped]

from planstatus.indicators.models import Indicator
from planstatus.indicators.services import ValueRow, record_values
from planstatus.installation.seed import load_seed_file
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import MeasureActor, Plan
from planstatus.regions.models import Actor, Municipality
from tests.html import by_testid, parse, text


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
        # Plan, rounds, areas, goals, measures, milestones, links, actors, latest updates.
        with self.assertNumQueries(9):
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
        # The same nine, and one for the archived programme: the links that carry its items on.
        with self.assertNumQueries(10):
            self.client.get(reverse("plan", args=["hallingdal", small.slug]))

    def test_programme_page_shows_results_with_statuses(self) -> None:
        response = self.client.get(reverse("plan", args=["hallingdal", "byregionprogrammet"]))
        self.assertContains(response, "Krokeide")
        self.assertContains(response, 'data-status="cancelled"')
        self.assertContains(response, 'data-status="done"')


class HallingdalPopulationTests(TestCase):
    """Issue 21: the population indicator takes the municipalities' populations from the
    seed, each on its own date (2022–2024), and sums them only for a date they share."""

    @classmethod
    def setUpTestData(cls) -> None:
        load_seed_file()

    def page(self) -> HtmlElement:
        indicator = Indicator.objects.get(plan__slug="regionplan", name="Folketal")
        return parse(self.client.get(indicator.get_absolute_url()))

    def test_each_value_is_shown_under_its_own_date_and_no_sum_across_dates(self) -> None:
        doc = self.page()
        table = by_testid(doc, "value-table")
        headers = [text(th) for th in table.xpath(".//thead//th")][1:]
        self.assertEqual(headers, ["1. januar 2022", "1. januar 2023", "1. januar 2024"])
        rows = {text(r.xpath("./th")[0]): [text(td) for td in r.xpath("./td")]
                for r in table.xpath(".//tbody/tr")}  # fmt: skip
        self.assertEqual(rows["Flå"], ["1 057", "–", "–"])
        self.assertEqual(rows["Ål"], ["–", "4 862", "–"])
        self.assertEqual(rows["Hol"], ["–", "–", "4 496"])
        # No regional figure anywhere, and the page says why.
        region = rows["Hallingdal (rekna ut)"]
        self.assertTrue(all(cell.startswith("–") for cell in region), region)
        self.assertIn("frå ulike datoar (1. januar 2022 til 1. januar 2024)",
                      text(by_testid(doc, "no-region-value")))  # fmt: skip
        # The real source is named, not a table the figures never came from.
        source = text(by_testid(doc, "indicator-facts"))
        self.assertIn("leksikonsider som viser til Statistisk sentralbyrå", source)
        self.assertNotIn("07459", source)
        # The chart shows the municipalities unasked, since the region has no figure.
        box = doc.xpath('//input[@name="kommunar"][@type="checkbox"]')[0]
        self.assertEqual(box.get("checked"), "checked")
        listing = parse(
            self.client.get(reverse("indicator_list", args=["hallingdal", "regionplan"]))
        )
        self.assertEqual(len(listing.xpath('//*[@data-testid="different-dates"]')), 1)

    def test_a_date_every_municipality_has_gives_the_sum(self) -> None:
        indicator = Indicator.objects.get(plan__slug="regionplan", name="Folketal")
        record_values(
            indicator=indicator,
            rows=[
                ValueRow(m, "2024-01-01", Decimal(1000))
                for m in Municipality.objects.filter(name__in=["Flå", "Ål"])
            ],
            user=AnonymousUser(),
            via="web",
        )
        doc = self.page()
        table = by_testid(doc, "value-table")
        region = [text(td) for td in table.xpath(".//tbody/tr[1]/td")]
        # 1 000 + 3 301 + 4 986 + 2 666 + 1 000 + 4 496
        self.assertEqual(region[-1], "17 449")
        self.assertEqual(doc.xpath('//*[@data-testid="no-region-value"]'), [])
