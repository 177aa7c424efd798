"""Milestones per measure (issue 23): the secretariat adds, edits and marks them done on the
measure page; they show there and on the timeline; one past due and not done makes the
measure late everywhere lateness is shown; they are in the API, the files and the case; and
every edit and done-mark is in the change log."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from planstatus.cases.services import build_case_content
from planstatus.lib.opendata.xlsx import MILESTONE_SHEET
from planstatus.lib.status import Status
from planstatus.plans.actions.milestones import add_milestone, set_milestone_done
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, Milestone
from tests.base import BaseTestCase
from tests.cases import DETAILS
from tests.html import find, parse, text


def versions(milestone: Milestone) -> Any:
    """The milestone's versions in the history table, newest first."""
    return Milestone.history.filter(id=milestone.pk)  # type: ignore[attr-defined]


class MilestoneTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.today = timezone.localdate()
        self.year = self.today.year
        self.plan.period_start = self.year - 2
        self.plan.period_end = self.year + 3
        self.plan.save()
        # Its time is not out: only a milestone can make it late.
        Measure.objects.filter(pk=self.measure.pk).update(
            timing_text=str(self.year + 2), start_year=self.year, end_year=self.year + 2
        )
        self.measure.refresh_from_db()
        self.measure_url = self.measure.get_absolute_url()
        self.add_url = reverse("milestone_add", args=["testdal", "regionplan", self.measure.pk])

    def milestone(self, text: str, days: int, **kwargs: Any) -> Milestone:
        return add_milestone(
            measure=self.measure,
            text=text,
            due_on=self.today + datetime.timedelta(days=days),
            user=self.owner,
            **kwargs,
        )

    def done_url(self, milestone: Milestone) -> str:
        return reverse(
            "milestone_done", args=["testdal", "regionplan", self.measure.pk, milestone.pk]
        )

    def edit_url(self, milestone: Milestone) -> str:
        return reverse(
            "milestone_edit", args=["testdal", "regionplan", self.measure.pk, milestone.pk]
        )


class SecretariatTests(MilestoneTestCase):
    def test_secretariat_adds_a_milestone_and_the_public_sees_it(self) -> None:
        self.client.force_login(self.owner)
        due = self.today + datetime.timedelta(days=30)
        response = self.client.post(
            self.add_url, {"text": "Forprosjekt ferdig", "due_on": due.isoformat()}
        )
        self.assertRedirects(
            response, self.measure_url + "#milepelar", fetch_redirect_response=False
        )
        milestone = Milestone.objects.get()
        self.assertEqual(
            (milestone.text, milestone.due_on, milestone.done_on), ("Forprosjekt ferdig", due, None)
        )
        self.client.logout()
        doc = parse(self.client.get(self.measure_url))
        item = find(doc, '//*[@data-testid="milestone"]')
        self.assertEqual(item.get("data-state"), "open")
        self.assertIn("Forprosjekt ferdig", text(item))
        self.assertEqual(doc.xpath('//form[contains(@action, "milepelar")]'), [])  # no forms

    def test_bad_input_gets_a_message_and_stores_nothing(self) -> None:
        self.client.force_login(self.owner)
        for data in [
            {"text": "", "due_on": "2026-06-01"},
            {"text": "Forprosjekt", "due_on": ""},
            {"text": "Forprosjekt", "due_on": "1. juni"},
            {"text": "Forprosjekt", "due_on": "0202-06-01"},
            {"text": "x" * 301, "due_on": "2026-06-01"},
            {"text": "<script>alert(1)</script>", "due_on": "not a date"},
        ]:
            response = self.client.post(self.add_url, data)
            self.assertEqual(response.status_code, 400, data)
            messages = parse(response).xpath('//*[contains(@class, "ds-validation-message")]')
            self.assertTrue(messages, data)
            self.assertNotIn(b"<script>alert", response.content)
        self.assertFalse(Milestone.objects.exists())

    def test_the_add_form_is_a_page_of_its_own_too(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(self.add_url)
        self.assertEqual(response.status_code, 200)
        find(parse(response), '//input[@name="due_on"][@type="date"]')

    def test_edit_keeps_the_earlier_version_in_the_change_log(self) -> None:
        milestone = self.milestone("Forprosjekt", 30)
        self.client.force_login(self.owner)
        form = parse(self.client.get(self.edit_url(milestone)))
        self.assertEqual(find(form, '//input[@name="text"]').get("value"), "Forprosjekt")
        new_due = self.today + datetime.timedelta(days=60)
        response = self.client.post(
            self.edit_url(milestone), {"text": "Forprosjekt vedteke", "due_on": new_due.isoformat()}
        )
        self.assertEqual(response.status_code, 302)
        milestone.refresh_from_db()
        self.assertEqual((milestone.text, milestone.due_on), ("Forprosjekt vedteke", new_due))
        self.assertEqual(versions(milestone).count(), 2)
        self.assertEqual(versions(milestone).first().history_user, self.owner)
        log = text(find(parse(self.client.get(self.measure_url + "logg/")), '//ol[@class="audit"]'))
        self.assertIn("Forprosjekt vedteke", log)
        self.assertIn("Forprosjekt →", log)  # the text before and after

    def test_marking_done_with_htmx_swaps_the_item_and_is_logged(self) -> None:
        milestone = self.milestone("Forprosjekt", -3)
        self.client.force_login(self.owner)
        response = self.client.post(
            self.done_url(milestone), {"done": "on"}, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(response.status_code, 200)
        item = find(parse(response), '//li[@data-testid="milestone"]')
        self.assertEqual(item.get("data-state"), "done")
        milestone.refresh_from_db()
        self.assertEqual(milestone.done_on, self.today)
        # Open again, without htmx: the page reloads.
        response = self.client.post(self.done_url(milestone), {})
        self.assertEqual(response.status_code, 302)
        milestone.refresh_from_db()
        self.assertIsNone(milestone.done_on)
        self.assertEqual(versions(milestone).count(), 3)
        doc = parse(self.client.get(self.measure_url + "logg/"))
        entries = doc.xpath('//li[@class="audit__entry"]')
        changed = [e for e in entries if "Forprosjekt" in text(e) and e.get("data-action") == "~"]
        self.assertEqual(len(changed), 2)

    def test_marking_done_twice_keeps_the_first_day(self) -> None:
        milestone = self.milestone("Forprosjekt", -3)
        earlier = self.today - datetime.timedelta(days=2)
        set_milestone_done(milestone=milestone, done=True, day=earlier, user=self.owner)
        set_milestone_done(milestone=milestone, done=True, day=self.today, user=self.owner)
        milestone.refresh_from_db()
        self.assertEqual(milestone.done_on, earlier)
        self.assertEqual(versions(milestone).count(), 2)

    def test_a_milestone_of_another_measure_is_not_found(self) -> None:
        other = Milestone.objects.create(measure=self.draft_measure, text="Anna", due_on=self.today)
        self.client.force_login(self.owner)
        url = reverse("milestone_done", args=["testdal", "regionplan", self.measure.pk, other.pk])
        self.assertEqual(self.client.post(url, {"done": "on"}).status_code, 404)
        other.refresh_from_db()
        self.assertIsNone(other.done_on)


class LatenessTests(MilestoneTestCase):
    """One rule, Measure.is_overdue, and every page that marks late measures agrees."""

    def test_a_missed_milestone_makes_a_started_measure_late(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        self.assertFalse(self.measure.is_overdue(self.today))
        milestone = self.milestone("Forprosjekt", 10)
        self.assertFalse(Measure.objects.get(pk=self.measure.pk).is_overdue(self.today))
        later = self.today + datetime.timedelta(days=11)
        self.assertTrue(Measure.objects.get(pk=self.measure.pk).is_overdue(later))
        # Done on time: not late then, nor later.
        set_milestone_done(milestone=milestone, done=True, day=self.today, user=self.owner)
        self.assertFalse(Measure.objects.get(pk=self.measure.pk).is_overdue(later))
        # Asked about a day before it was marked done, it was still open.
        before = self.today - datetime.timedelta(days=1)
        milestone.due_on = before - datetime.timedelta(days=1)
        milestone.save()
        self.assertTrue(Measure.objects.get(pk=self.measure.pk).is_overdue(before))

    def test_a_done_or_unassessed_measure_is_not_late_for_a_missed_milestone(self) -> None:
        self.milestone("Forprosjekt", -5)
        self.assertFalse(Measure.objects.get(pk=self.measure.pk).is_overdue())  # not assessed
        for status, late in [
            (Status.NOT_STARTED, True),
            (Status.STARTED, True),
            (Status.DONE, False),
            (Status.CANCELLED, False),
        ]:
            record_status(measure=self.measure, status=status)
            self.assertEqual(Measure.objects.get(pk=self.measure.pk).is_overdue(), late, status)

    def late_marks(self) -> dict[str, bool]:
        """Whether each page that shows lateness marks the measure late."""
        r = ["testdal", "regionplan"]

        def marked(url: str, scope: str = "") -> bool:
            doc = parse(self.client.get(url))
            return bool(doc.xpath(f'{scope}//*[@data-testid="overdue"]'))

        content = build_case_content(plan=self.plan, round=None, details=DETAILS)
        return {
            "measure page": marked(self.measure_url),
            "plan page": marked(reverse("plan", args=r)),
            "dashboard": marked(reverse("dashboard", args=r)),
            "actor page": marked(reverse("plan_actor", args=[*r, self.actor.pk])),
            "timeline": marked(reverse("timeline", args=r), "//table"),
            "case": [row.code for row in content.overdue] == [self.measure.code],
        }

    def test_every_page_that_shows_lateness_agrees(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        milestone = self.milestone("Forprosjekt", -1)
        marks = self.late_marks()
        self.assertEqual(marks, dict.fromkeys(marks, True))
        set_milestone_done(milestone=milestone, done=True, day=self.today, user=self.owner)
        marks = self.late_marks()
        self.assertEqual(marks, dict.fromkeys(marks, False))


class TimelineTests(MilestoneTestCase):
    def test_milestones_on_the_bar_and_in_the_table(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        done = self.milestone("Forprosjekt", -40)
        set_milestone_done(milestone=done, done=True, day=self.today, user=self.owner)
        self.milestone("Anbod ute", -1)
        self.milestone("Bygging ferdig", 90)
        self.milestone("Etter planperioden", 365 * 10)
        doc = parse(self.client.get(reverse("timeline", args=["testdal", "regionplan"])))
        group = find(doc, f'//svg//g[@data-measure="{self.measure.pk}"]')
        states = [p.get("data-state") for p in group.xpath('.//*[@data-testid="milestone-mark"]')]
        self.assertEqual(states, ["done", "missed", "open"])  # the fourth is off the chart
        cell = find(doc, f'//tr[@data-measure="{self.measure.pk}"]/td[@data-testid="milestones"]')
        items = [li.get("data-state") for li in cell.xpath(".//li")]
        self.assertEqual(items, ["done", "missed", "open", "open"])
        self.assertIn("Etter planperioden", text(cell))


class DataTests(MilestoneTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.done = self.milestone("Forprosjekt", -10)
        set_milestone_done(milestone=self.done, done=True, day=self.today, user=self.owner)
        self.open = self.milestone("Bygging", 30)

    def test_api_lists_milestones_per_measure(self) -> None:
        url = f"/api/v1/regions/testdal/plans/regionplan/measures/{self.measure.pk}"
        data = self.client.get(url).json()
        self.assertEqual(
            data["milestones"],
            [
                {
                    "id": self.done.pk,
                    "text": "Forprosjekt",
                    "due_on": self.done.due_on.isoformat(),
                    "done_on": self.today.isoformat(),
                },
                {
                    "id": self.open.pk,
                    "text": "Bygging",
                    "due_on": self.open.due_on.isoformat(),
                    "done_on": None,
                },
            ],
        )
        listed = self.client.get("/api/v1/regions/testdal/plans/regionplan/measures").json()
        self.assertEqual(len(listed["items"][0]["milestones"]), 2)

    def test_open_data_files_carry_them(self) -> None:
        base = ["testdal", "regionplan"]
        body = self.client.get(reverse("plan_data", args=[*base, "json"])).content
        [measure] = json.loads(body)["measures"]
        self.assertEqual([m["text"] for m in measure["milestones"]], ["Forprosjekt", "Bygging"])
        raw = self.client.get(reverse("plan_data", args=[*base, "csv"])).content.decode("utf-8-sig")
        [row] = list(csv.DictReader(io.StringIO(raw), delimiter=";"))
        self.assertEqual((row["Milepælar"], row["Milepælar nådde"]), ("2", "1"))
        xlsx = self.client.get(reverse("plan_data", args=[*base, "xlsx"])).content
        sheet = load_workbook(io.BytesIO(xlsx))[MILESTONE_SHEET]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][4:], ("Milepæl", "Frist", "Nådd"))
        self.assertEqual([r[4] for r in rows[1:]], ["Forprosjekt", "Bygging"])
        self.assertIsNotNone(rows[1][6])
        self.assertIsNone(rows[2][6])

    def test_case_counts_milestones_per_measure(self) -> None:
        content = build_case_content(plan=self.plan, round=None, details=DETAILS)
        [row] = [r for a in content.areas for g in a.groups for r in g.rows]
        self.assertEqual((row.milestones, row.milestones_done), (2, 1))
        self.assertEqual(row.milestone_text, "Milepælar: 1 av 2 nådde")
        # A case about a day before the done-mark counts it as not reached.
        earlier = build_case_content(
            plan=self.plan,
            round=None,
            details=DETAILS,
            today=self.today - datetime.timedelta(days=1),
        )
        [row] = [r for a in earlier.areas for g in a.groups for r in g.rows]
        self.assertEqual(row.milestones_done, 0)
