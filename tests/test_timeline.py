"""The plan's timeline (/<region>/<plan>/tidslinje/): bars over the plan's years by focus area,
status in colour and in symbol and word, the line for today, late measures marked, the
dashboard's filters, and a table with the same information."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import FocusArea, Measure
from tests.base import BaseTestCase
from tests.html import HtmlElement, find, parse, text


class TimelineTests(BaseTestCase):
    def setUp(self) -> None:
        self.year = timezone.localdate().year
        self.plan.period_start = self.year - 3
        self.plan.period_end = self.year + 4
        self.plan.save()
        self.area = FocusArea.objects.create(plan=self.plan, code="2", name="Samferdsel", order=2)
        y = self.year
        self.span = self.add("2.1", f"{y - 1}-{y + 1}", y - 1, y + 1)
        self.late = self.add("2.2", str(self.year - 2), self.year - 2, self.year - 2)
        record_status(measure=self.late, status=Status.STARTED)
        self.yearly = self.add("2.3", "årleg", None, None, yearly=True)
        self.continuous = self.add("2.4", "Kont.", None, None, continuous=True)
        self.untimed = self.add("2.5", "", None, None)
        record_status(measure=self.span, status=Status.DONE)
        self.url = reverse("timeline", args=["testdal", "regionplan"])

    def add(
        self,
        code: str,
        timing: str,
        start: int | None,
        end: int | None,
        *,
        yearly: bool = False,
        continuous: bool = False,
    ) -> Measure:
        return Measure.objects.create(
            focus_area=self.area,
            code=code,
            text=f"Tiltak {code}",
            timing_text=timing,
            start_year=start,
            end_year=end,
            yearly=yearly,
            continuous=continuous,
            order=int(code.replace(".", "")),
        )

    def group(self, doc: HtmlElement, measure: Measure) -> HtmlElement:
        return find(doc, f'//svg//g[@data-measure="{measure.pk}"]')

    def test_bars_follow_the_measures_time(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        doc = parse(response)
        years = [t.text for t in doc.xpath("//svg//text[@class='tl-axis']")]
        self.assertEqual(years, [str(y) for y in range(self.year - 3, self.year + 5)])
        span = self.group(doc, self.span)
        self.assertEqual(span.get("data-kind"), "span")
        (bar,) = span.xpath(".//rect")
        year_ticks = doc.xpath("//svg//line[@class='tl-grid']")
        x = [float(t.get("x1")) for t in year_ticks]
        # From the start of its first year to the end of its last: three years wide.
        self.assertAlmostEqual(float(bar.get("x")), x[2], places=0)
        self.assertAlmostEqual(float(bar.get("width")), x[5] - x[2], places=0)
        yearly = self.group(doc, self.yearly)
        self.assertEqual(yearly.get("data-kind"), "yearly")
        self.assertEqual(len(yearly.xpath(".//rect")), 8)  # one mark in each of the plan's years
        continuous = self.group(doc, self.continuous)
        self.assertEqual(continuous.get("data-kind"), "continuous")
        self.assertEqual(len(continuous.xpath(".//rect")), 1)
        self.assertEqual(len(continuous.xpath(".//polygon")), 1)  # it runs on
        untimed = self.group(doc, self.untimed)
        self.assertEqual(untimed.xpath(".//rect"), [])
        self.assertIn("inga tid oppgitt", text(untimed))

    def test_status_by_colour_and_symbol_and_late_marked(self) -> None:
        doc = parse(self.client.get(self.url))
        span = self.group(doc, self.span)
        self.assertEqual(span.get("data-status"), "done")
        self.assertIn("tl-bar--green", span.xpath(".//rect/@class")[0])
        self.assertIn(Status.DONE.symbol, text(find(span, ".//text[@class='tl-mark']")))
        late = self.group(doc, self.late)
        self.assertEqual(late.get("data-overdue"), "1")
        self.assertIn("⚠", text(find(late, ".//text[@class='tl-mark']")))
        self.assertIsNone(span.get("data-overdue"))
        # The table says it in words.
        row = find(doc, f'//table//tr[@data-measure="{self.late.pk}"]')
        self.assertEqual(row.xpath(".//*[@data-status]/@data-status"), ["started"])
        self.assertEqual(len(row.xpath('.//*[@data-testid="overdue"]')), 1)
        self.assertIn("påstarta", text(row))  # the word, not the colour alone
        row = find(doc, f'//table//tr[@data-measure="{self.yearly.pk}"]')
        self.assertIn("årleg", text(find(row, './/td[@data-testid="time"]')).lower())

    def test_today_line_sits_in_this_year(self) -> None:
        doc = parse(self.client.get(self.url))
        ticks = [float(t.get("x1")) for t in doc.xpath("//svg//line[@class='tl-grid']")]
        today = float(find(doc, '//*[@data-testid="today-line"]').get("x1"))
        self.assertLessEqual(ticks[3], today)
        self.assertLess(today, ticks[4])

    def test_no_today_line_when_the_plan_is_over(self) -> None:
        self.plan.period_start, self.plan.period_end = 2000, 2003
        self.plan.save()
        doc = parse(self.client.get(self.url))
        self.assertEqual(doc.xpath('//*[@data-testid="today-line"]'), [])

    def test_grouped_by_focus_area(self) -> None:
        doc = parse(self.client.get(self.url))
        areas = [text(t) for t in doc.xpath("//svg//text[@class='tl-area']")]
        self.assertEqual(areas, ["1. Næring", "2. Samferdsel"])
        captions = [text(c) for c in doc.xpath("//table[@data-testid='timeline-table']/caption")]
        self.assertEqual(captions, ["1. Næring", "2. Samferdsel"])

    def test_the_dashboards_filters(self) -> None:
        doc = parse(self.client.get(self.url, {"forseinka": "on"}))
        shown = [int(g.get("data-measure")) for g in doc.xpath("//svg//g[@data-measure]")]
        self.assertEqual(shown, [self.late.pk])
        doc = parse(self.client.get(self.url, {"status": "done", "omrade": str(self.area.pk)}))
        shown = [int(g.get("data-measure")) for g in doc.xpath("//svg//g[@data-measure]")]
        self.assertEqual(shown, [self.span.pk])
        # "Clear the filters" leads back to the page it is on, here and on the dashboard.
        clear = doc.xpath('//form[@data-testid="filters"]//a/@href')
        self.assertEqual(clear, [self.url])
        dashboard = reverse("dashboard", args=["testdal", "regionplan"])
        doc = parse(self.client.get(dashboard, {"status": "done"}))
        self.assertEqual(doc.xpath('//form[@data-testid="filters"]//a/@href'), [dashboard])
        response = self.client.get(self.url, {"frist": "nonsense"})
        self.assertEqual(response.status_code, 400)

    def test_the_status_is_the_plans_one_definition(self) -> None:
        # A newer update wins, as everywhere else that reads MeasureQuerySet.with_status().
        record_status(measure=self.span, status=Status.CANCELLED)
        doc = parse(self.client.get(self.url))
        self.assertEqual(self.group(doc, self.span).get("data-status"), "cancelled")

    def test_years_from_the_measures_when_the_plan_has_none(self) -> None:
        self.plan.period_start = self.plan.period_end = None
        self.plan.save()
        doc = parse(self.client.get(self.url))
        years = [t.text for t in doc.xpath("//svg//text[@class='tl-axis']")]
        self.assertEqual(years[0], "2025" if self.year - 2 > 2025 else str(self.year - 2))
        self.assertEqual(years[-1], str(max(self.year + 1, 2025)))

    def test_no_years_at_all(self) -> None:
        self.plan.period_start = self.plan.period_end = None
        self.plan.save()
        Measure.objects.filter(focus_area__plan=self.plan).update(start_year=None, end_year=None)
        doc = parse(self.client.get(self.url))
        find(doc, '//*[@data-testid="no-years"]')

    def test_linked_from_the_plan_and_dashboard(self) -> None:
        for page in ("plan", "dashboard"):
            doc = parse(self.client.get(reverse(page, args=["testdal", "regionplan"])))
            self.assertTrue(doc.xpath(f'//a[starts-with(@href, "{self.url}")]'), page)

    def test_draft_plan_is_hidden_from_outsiders(self) -> None:
        url = reverse("timeline", args=["testdal", "utkast"])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.owner)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_query_count_is_flat(self) -> None:
        # The rows it lays out come with their milestones (one query); none is a group
        # measure, so no query asks about groups.
        with self.assertNumQueries(8):
            self.client.get(self.url)
        for n in range(20):
            self.add(f"2.9.{n}", "2026", 2026, 2026)
        with self.assertNumQueries(8):
            self.client.get(self.url)
