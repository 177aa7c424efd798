"""The plan dashboard, progress over time, the actor pages and the actor × area matrix."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor
from planstatus.regions.models import Actor
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import ReportingRound
from tests.base import BaseTestCase
from tests.html import by_testid, cells, find, markup, parse, row, text


class DashboardTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.year = timezone.localdate().year
        self.area = self.measure.focus_area
        self.second_area = FocusArea.objects.create(
            plan=self.plan, code="2", name="Samferdsel", order=2
        )
        self.kommune = Actor.objects.create(region=self.region, name="Ål kommune")
        self.late = self.add(self.second_area, "2.1.1", "Breiband til alle heimar", self.year - 2)
        self.link(self.late, self.kommune, MeasureActor.Role.RESPONSIBLE)
        self.link(self.late, self.actor, MeasureActor.Role.INVOLVED)
        record_status(measure=self.late, status=Status.STARTED)
        self.done_late = self.add(self.second_area, "2.1.2", "Ny bru over elva", self.year - 2)
        self.link(self.done_late, self.kommune, MeasureActor.Role.RESPONSIBLE)
        record_status(measure=self.done_late, status=Status.DONE)
        self.url = reverse("dashboard", args=["testdal", "regionplan"])

    def add(self, area: FocusArea, code: str, text: str, end_year: int | None) -> Measure:
        return Measure.objects.create(
            focus_area=area,
            code=code,
            text=text,
            timing_text=str(end_year or ""),
            start_year=end_year,
            end_year=end_year,
            order=int(code.replace(".", "")),
        )

    def link(self, measure: Measure, actor: Actor, role: str) -> None:
        MeasureActor.objects.create(measure=measure, actor=actor, role=role)

    def shown_codes(self, **params: Any) -> list[str]:
        response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200, response.content[:500])
        rows = parse(response).xpath('//tr[@data-testid="measure-row"]')
        return [r.get("data-code") for r in rows]


class DashboardTests(DashboardTestCase):
    def test_filters_combine(self) -> None:
        self.assertEqual(self.shown_codes(), ["1.1.1", "2.1.1", "2.1.2"])
        self.assertEqual(self.shown_codes(omrade=self.second_area.pk), ["2.1.1", "2.1.2"])
        self.assertEqual(self.shown_codes(ansvar=self.kommune.pk), ["2.1.1", "2.1.2"])
        self.assertEqual(self.shown_codes(involvert=self.actor.pk), ["2.1.1"])
        self.assertEqual(
            self.shown_codes(ansvar=self.kommune.pk, status=["done", "unknown"]), ["2.1.2"]
        )
        self.assertEqual(self.shown_codes(frist=self.year - 2, forseinka="on"), ["2.1.1"])
        self.assertEqual(self.shown_codes(q="BRU"), ["2.1.2"])
        self.assertEqual(self.shown_codes(q="ål kommune breiband"), ["2.1.1"])  # actor names too
        self.assertEqual(self.shown_codes(q="finst ikkje"), [])

    def test_continuous_and_yearly_measures_can_be_filtered(self) -> None:
        # Issue 21, bug 7: measures without a due year could not be picked out.
        ongoing = self.add(self.second_area, "2.1.3", "Samarbeid om vegar", None)
        Measure.objects.filter(pk=ongoing.pk).update(timing_text="Kont", continuous=True)
        yearly = self.add(self.second_area, "2.1.4", "Næringsmøte", self.year)
        Measure.objects.filter(pk=yearly.pk).update(timing_text="årleg 2025", yearly=True)
        doc = parse(self.client.get(self.url))
        choices = find(doc, '//select[@name="frist"]').xpath("./option")
        self.assertEqual(
            [(o.get("value"), text(o)) for o in choices[:3]],
            [("", "Alle"), ("kontinuerleg", "kontinuerleg"), ("arleg", "årleg")],
        )
        self.assertEqual(self.shown_codes(frist="kontinuerleg"), ["2.1.3"])
        self.assertEqual(self.shown_codes(frist="arleg"), ["2.1.4"])
        self.assertEqual(self.shown_codes(frist=self.year - 2), ["2.1.1", "2.1.2"])

    def test_the_time_is_shown_normalised_with_the_plans_words_kept(self) -> None:
        Measure.objects.filter(pk=self.late.pk).update(
            timing_text="2025.-2026", start_year=2025, end_year=2026
        )
        ongoing = self.add(self.second_area, "2.1.3", "Samarbeid om vegar", None)
        Measure.objects.filter(pk=ongoing.pk).update(timing_text="Kont", continuous=True)
        doc = parse(self.client.get(self.url))
        cell = find(row(doc, "2.1.3"), './/td[contains(@class, "col-time")]')
        [abbr] = cell.xpath(".//abbr")
        self.assertEqual((text(abbr), abbr.get("title")), ("kontinuerleg", "I planen: Kont"))
        # Not on hover alone: the plan's words are in the text for assistive technology.
        [hidden] = cell.xpath('.//*[contains(@class, "ds-sr-only")]')
        self.assertEqual(text(hidden), "(i planen: «Kont»)")
        cell = find(row(doc, "2.1.1"), './/td[contains(@class, "col-time")]')
        self.assertEqual(text(find(cell, ".//abbr")), "2025–2026")
        # A time already written as it is shown needs no second form.
        cell = find(row(doc, "2.1.2"), './/td[contains(@class, "col-time")]')
        self.assertEqual((text(cell), cell.xpath(".//abbr")), (str(self.year - 2), []))
        # The measure page shows both.
        page = parse(self.client.get(ongoing.get_absolute_url()))
        self.assertEqual(text(by_testid(page, "timing")), "kontinuerleg (i planen: «Kont»)")
        # And in English.
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        doc = parse(self.client.get(self.url))
        cell = find(row(doc, "2.1.3"), './/td[contains(@class, "col-time")]')
        self.assertEqual(text(find(cell, ".//abbr")), "continuous")

    def test_overdue_is_a_mark_of_its_own_beside_the_status(self) -> None:
        doc = parse(self.client.get(self.url))
        late, done = row(doc, "2.1.1"), row(doc, "2.1.2")
        self.assertEqual(late.xpath(".//*[@data-status]/@data-status"), ["started"])  # it stays
        self.assertEqual(len(late.xpath('.//*[@data-testid="overdue"]')), 1)
        self.assertEqual(done.xpath(".//*[@data-status]/@data-status"), ["done"])
        self.assertEqual(done.xpath('.//*[@data-testid="overdue"]'), [])  # done is done

    def test_counts_per_area_and_in_total(self) -> None:
        doc = parse(self.client.get(self.url))
        self.assertEqual(text(by_testid(doc, "shown-count")), "Viser 3 av 3 tiltak.")
        total = find(by_testid(doc, "area-counts"), ".//tfoot/tr")
        # unknown, not started, started, done, cancelled, overdue, total
        # 1.1.1 was due last year, but nobody has assessed it: not counted as late.
        self.assertEqual(cells(total), ["1", "0", "1", "1", "0", "1", "3"])

    def test_chart_is_drawn_on_the_server_with_a_title_and_escaped_labels(self) -> None:
        self.second_area.name = "<script>alert(1)</script>"
        self.second_area.save()
        response = self.client.get(self.url)
        self.assertNotIn(b"<script>", response.content)
        doc = parse(response)
        svg = find(by_testid(doc, "area-chart"), ".//svg")
        self.assertEqual(svg.get("role"), "img")
        self.assertTrue(text(find(svg, "./title")))
        self.assertIn("&lt;script&gt;", markup(svg))  # shown as text, never run
        self.assertIn("<script>alert(1)</script>", text(svg))
        # The numbers behind it are in the table too.
        self.assertEqual(len(by_testid(doc, "area-counts").xpath(".//tbody/tr")), 2)

    def test_bad_filter_values_get_a_message_and_the_whole_plan(self) -> None:
        response = self.client.get(self.url, {"omrade": "999999", "frist": "tull", "q": "<b>x"})
        self.assertEqual(response.status_code, 400)
        page = response.content.decode()
        self.assertIn("ds-validation-message", page)
        self.assertIn("&lt;b&gt;x", page)
        self.assertEqual(page.count('data-testid="measure-row"'), 3)

    def test_anyone_may_see_a_published_plans_dashboard_and_nobody_a_hidden_one(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 200)
        draft = reverse("dashboard", args=["testdal", "utkast"])
        self.assertEqual(self.client.get(draft).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(draft).status_code, 404)
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(draft).status_code, 200)

    def test_query_count_does_not_grow_with_measures(self) -> None:
        params: dict[str, Any] = {"status": ["started", "unknown"], "ansvar": self.kommune.pk}
        self.client.get(self.url, params)  # warm caches that are not ours
        with CaptureQueriesContext(connection) as small:
            self.client.get(self.url, params)
        goal = Goal.objects.create(plan=self.plan, focus_area=self.area, code="1.2", text="Mål")
        for i in range(40):
            m = self.add(self.area, f"1.2.{i + 1}", f"Tiltak {i}", self.year + i % 3)
            m.goal = goal
            m.save()
            self.link(m, self.kommune, MeasureActor.Role.RESPONSIBLE)
            self.link(m, self.actor, MeasureActor.Role.INVOLVED)
            record_status(measure=m, status=Status.STARTED)
        with self.assertNumQueries(len(small)):
            response = self.client.get(self.url, params)
        self.assertEqual(response.content.decode().count('data-testid="measure-row"'), 41)


class ProgressOverTimeTests(DashboardTestCase):
    def test_share_per_status_at_each_closed_round_and_now(self) -> None:
        first = ReportingRound.objects.create(
            plan=self.plan, title="Vår", deadline=datetime.date(2099, 1, 1)
        )
        close_round(round=first, user=self.owner)
        record_status(measure=self.measure, status=Status.DONE)
        rows = by_testid(parse(self.client.get(self.url)), "timeline").xpath(".//tbody/tr")
        self.assertEqual([text(find(r, "./th")) for r in rows], ["Vår", "No"])
        # unknown, not started, started, done, cancelled (share of all), total
        # Vår: 1 unknown, 1 started, 1 done of 3; now: 0 unknown, 1 started, 2 done.
        self.assertEqual(
            cells(rows[0]), ["1 (33 %)", "0 (0 %)", "1 (33 %)", "1 (33 %)", "0 (0 %)", "3"]
        )
        self.assertEqual(
            cells(rows[1]), ["0 (0 %)", "0 (0 %)", "1 (33 %)", "2 (67 %)", "0 (0 %)", "3"]
        )


class ActorPageTests(DashboardTestCase):
    def test_actor_page_lists_responsible_and_involved(self) -> None:
        url = reverse("plan_actor", args=["testdal", "regionplan", self.actor.pk])
        doc = parse(self.client.get(url))

        def codes(heading: str) -> list[str]:
            section = find(doc, f'//section[@aria-labelledby="{heading}"]')
            return section.xpath(".//tr/@data-code")

        self.assertEqual(codes("responsible-heading"), ["1.1.1"])
        self.assertEqual(codes("involved-heading"), ["2.1.1"])

    def test_actor_without_measures_in_the_plan_or_of_another_region_is_not_found(self) -> None:
        stranger = Actor.objects.create(region=self.other_region, name="Framand")
        idle = Actor.objects.create(region=self.region, name="Ledig")
        for actor in [stranger, idle]:
            url = reverse("plan_actor", args=["testdal", "regionplan", actor.pk])
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_matrix_counts_per_actor_and_area(self) -> None:
        doc = parse(self.client.get(reverse("actor_matrix", args=["testdal", "regionplan"])))
        kommune = cells(find(doc, '//tr[@data-actor="Ål kommune"]'))
        council = cells(find(doc, '//tr[@data-actor="Testdal regionråd"]'))
        # Per focus area, then in all: responsible (A) and involved (I).
        self.assertEqual(kommune[:2], ["–", "2 A"])  # nothing in area 1
        self.assertEqual(council[:2], ["1 A", "1 I"])
