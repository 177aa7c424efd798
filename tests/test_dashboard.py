"""The plan dashboard, progress over time, the actor pages and the actor × area matrix."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor, Status
from planstatus.plans.services import record_status
from planstatus.regions.models import Actor
from planstatus.reporting.models import ReportingRound
from planstatus.reporting.rounds import close_round
from tests.base import BaseTestCase


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
        rows = response.content.decode().split('data-testid="measure-row" data-code="')[1:]
        return [row.split('"')[0] for row in rows]


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

    def test_overdue_is_a_mark_of_its_own_beside_the_status(self) -> None:
        page = self.client.get(self.url).content.decode()
        late = page.split('data-code="2.1.1"')[1].split("</tr>")[0]
        self.assertIn('data-status="started"', late)  # the reported status stays
        self.assertIn('data-testid="overdue"', late)
        done = page.split('data-code="2.1.2"')[1].split("</tr>")[0]
        self.assertNotIn('data-testid="overdue"', done)  # done in time or not, it is done

    def test_counts_per_area_and_in_total(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn("Viser 3 av 3 tiltak", page)
        table = page.split('data-testid="area-counts"')[1].split("</table>")[0]
        total = table.split("<tfoot>")[1]
        # unknown, not started, started, done, cancelled, overdue, total
        cells = [c.split("<")[0] for c in total.split('<td class="num">')[1:]]
        # 1.1.1 was due last year, but nobody has assessed it: not counted as late.
        self.assertEqual(cells, ["1", "0", "1", "1", "0", "1", "3"])

    def test_chart_is_drawn_on_the_server_with_a_title_and_escaped_labels(self) -> None:
        self.second_area.name = "<script>alert(1)</script>"
        self.second_area.save()
        page = self.client.get(self.url).content.decode()
        chart = page.split('data-testid="area-chart"')[1].split("</figure>")[0]
        self.assertIn('role="img"', chart)
        self.assertIn("<title", chart)
        self.assertNotIn("<script>", page)
        self.assertIn("&lt;script&gt;", chart)
        # The numbers behind it are in the table too.
        self.assertIn('data-testid="area-counts"', page)

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
        cache.clear()  # the rows are fetched only for a rendering that is not cached
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
        page = self.client.get(self.url).content.decode()
        table = page.split('data-testid="timeline"')[1].split("</table>")[0]
        rows = table.split("<tbody>")[1].split("<tr>")[1:]
        self.assertEqual(len(rows), 2)
        self.assertIn("Vår", rows[0])
        # Vår: 1 unknown, 1 started, 1 done of 3; now: 0 unknown, 1 started, 2 done.
        self.assertIn("1 <span", rows[0].split("</th>")[1])
        self.assertIn("67 %", rows[1])
        self.assertIn("No", rows[1])


class ActorPageTests(DashboardTestCase):
    def test_actor_page_lists_responsible_and_involved(self) -> None:
        url = reverse("plan_actor", args=["testdal", "regionplan", self.actor.pk])
        page = self.client.get(url).content.decode()
        responsible = page.split('id="responsible-heading"')[1].split('id="involved-heading"')[0]
        involved = page.split('id="involved-heading"')[1]
        self.assertIn('data-code="1.1.1"', responsible)
        self.assertIn('data-code="2.1.1"', involved)
        self.assertNotIn("2.1.2", page)

    def test_actor_without_measures_in_the_plan_or_of_another_region_is_not_found(self) -> None:
        stranger = Actor.objects.create(region=self.other_region, name="Framand")
        idle = Actor.objects.create(region=self.region, name="Ledig")
        for actor in [stranger, idle]:
            url = reverse("plan_actor", args=["testdal", "regionplan", actor.pk])
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_matrix_counts_per_actor_and_area(self) -> None:
        page = self.client.get(reverse("actor_matrix", args=["testdal", "regionplan"]))
        row = page.content.decode().split('data-actor="Ål kommune"')[1].split("</tr>")[0]
        cells = row.split('<td class="num">')[1:]
        self.assertIn("–", cells[0])  # nothing in area 1
        self.assertIn("2&nbsp;A", cells[1])
        row = page.content.decode().split('data-actor="Testdal regionråd"')[1].split("</tr>")[0]
        cells = row.split('<td class="num">')[1:]
        self.assertIn("1&nbsp;A", cells[0])
        self.assertIn("1&nbsp;I", cells[1])
