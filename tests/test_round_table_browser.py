"""Hallingdal's round page in Chromium (issue 21): a compact table that is short at a laptop's
width, has no sideways scroll on a phone, and edits a line in place with htmx."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from planstatus.accounts.models import Membership
from planstatus.lib.status import Status
from planstatus.plans.models import Measure, Plan
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import open_round
from planstatus.reporting.models import RoundReport
from tests.browser import OVERFLOW_JS, BrowserTestCase, serious_axe_violations
from tests.test_browser import seed_with_secretariat

# The stacked forms made the page about 100 000 px tall; the table must stay far below that.
MAX_HEIGHT_AT_1366 = 8000


@pytest.mark.browser
@override_settings(BASE_URL="")
class RoundTableInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        self.plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        user = Membership.objects.get(user__username="sekretariat").user
        self.round = open_round(
            plan=self.plan,
            title="Status desember",
            deadline=timezone.localdate() + datetime.timedelta(days=14),
            user=user,
            base_url="http://planstatus.example",
        ).round
        self.url = f"/hallingdal/regionplan/rundar/{self.round.pk}/"

    def test_short_at_1366_and_no_overflow_at_375(self) -> None:
        measures = list(Measure.objects.filter(focus_area__plan=self.plan).order_by("pk"))
        self.assertEqual(len(measures), 68)
        # A round under way: some lines reported, so they show when and by whom.
        user = Membership.objects.get(user__username="sekretariat").user
        for measure in measures[::3]:
            # A group measure set by the secretariat itself needs a reason (issue 20).
            record_round_status(
                round=self.round,
                measure=measure,
                status=Status.STARTED,
                comment="Sett av sekretariatet.",
                user=user,
            )
        self.page.set_viewport_size({"width": 1366, "height": 900})
        self.log_in(next=self.url)
        rows = self.page.locator("[data-testid=round-table] [data-testid=round-row]")
        # One line per measure, and one per member on the group measures: more than 68.
        self.assertGreater(rows.count(), 68)
        self.assertTrue(self.page.locator("[data-testid=round-row][data-member]").count())
        self.screenshot("round-page-1366", full_page=True)
        height = self.page.evaluate("() => document.documentElement.scrollHeight")
        self.assertLess(height, MAX_HEIGHT_AT_1366, f"{height} px tall at 1366")
        self.assertIsNone(self.page.evaluate(OVERFLOW_JS))

        self.page.set_viewport_size({"width": 375, "height": 812})
        self.page.reload()
        self.screenshot("round-page-375", full_page=True)
        self.assertIsNone(self.page.evaluate(OVERFLOW_JS))
        # On a phone each line is a card whose cells say what they are.
        first = rows.first.locator("td").first
        label = first.evaluate("e => getComputedStyle(e, '::before').content")
        self.assertIn("Ansvar", label)

    def test_a_line_is_edited_in_place(self) -> None:
        self.page.set_viewport_size({"width": 1366, "height": 900})
        self.log_in(next=self.url)
        line = self.page.locator("[data-testid=round-table] [data-testid=round-row]").first
        code = line.get_attribute("data-code")
        key = line.get_attribute("id")
        line.locator("[data-testid=row-edit]").click()
        form_row = self.page.locator(f"tr#{key}[data-testid=round-row-form]")
        form_row.wait_for()
        # htmx fetched the form into the page: no navigation happened, and the keyboard
        # is in the form, not lost with the link that was replaced.
        self.assertTrue(self.page.url.endswith(self.url))
        self.assertEqual(self.page.evaluate("() => document.activeElement.id"), f"{key}-heading")
        self.assertIsNone(self.page.evaluate(OVERFLOW_JS))
        self.screenshot("round-row-form-1366")
        form_row.get_by_role("radio", name="påstarta", exact=True).check()
        form_row.get_by_role("textbox", name="Kommentar").fill("Sett i gang i november")
        form_row.get_by_role("button", name=f"Lagre {code}").click()
        saved = self.page.locator(f"tr#{key}[data-testid=round-row]")
        saved.locator("[data-testid=row-saved]").wait_for()
        self.assertEqual(saved.get_attribute("data-status"), "started")
        self.assertEqual(saved.get_attribute("data-reported"), "yes")
        self.assertTrue(self.page.url.endswith(self.url))
        focused = self.page.evaluate("() => document.activeElement.dataset.testid")
        self.assertEqual(focused, "row-edit")
        report = RoundReport.objects.select_related("status_update").get(round=self.round)
        self.assertEqual(report.status_update.comment, "Sett i gang i november")

    def test_a_member_line_is_edited_in_place_on_a_phone(self) -> None:
        self.page.set_viewport_size({"width": 375, "height": 812})
        self.log_in(next=self.url)
        line = self.page.locator("[data-testid=round-table] tr[data-member]").first
        key, member = line.get_attribute("id"), line.get_attribute("data-member")
        line.locator("[data-testid=row-edit]").click()
        form_row = self.page.locator(f"tr#{key}[data-testid=round-row-form]")
        form_row.wait_for()
        assert member, "a member line has the member's name"
        self.assertIn(member, form_row.inner_text())
        self.assertIsNone(self.page.evaluate(OVERFLOW_JS))
        self.screenshot("round-row-form-375")
        form_row.get_by_role("radio", name="gjennomført").check()
        form_row.get_by_role("button", name="Lagre").click()
        saved = self.page.locator(f"tr#{key}[data-testid=round-row]")
        saved.locator("[data-testid=row-saved]").wait_for()
        self.assertEqual(saved.get_attribute("data-status"), "done")
        self.assertIsNone(self.page.evaluate(OVERFLOW_JS))

    def test_the_page_and_an_open_line_pass_axe(self) -> None:
        # axe is injected as a script, which the Content-Security-Policy would refuse.
        self.context.close()
        self.context = self.browser.new_context(locale="nn-NO", bypass_csp=True)
        self.page = self.context.new_page()
        self.page.set_viewport_size({"width": 1366, "height": 900})
        self.log_in(next=self.url)
        self.assertEqual(serious_axe_violations(self.page), [])
        line = self.page.locator("[data-testid=round-table] tr[data-member]").first
        key = line.get_attribute("id")
        line.locator("[data-testid=row-edit]").click()
        self.page.locator(f"tr#{key}[data-testid=round-row-form]").wait_for()
        self.assertEqual(serious_axe_violations(self.page), [])

    def test_a_lines_own_page_saves_by_plain_post_even_with_js(self) -> None:
        self.page.set_viewport_size({"width": 1366, "height": 900})
        self.log_in(next=self.url)
        line = self.page.locator("[data-testid=round-table] tr[data-member]").first
        key = line.get_attribute("id")
        # «Endre» opened in a tab of its own (a middle click): the line's own page.
        href = line.locator("[data-testid=row-edit]").get_attribute("href")
        self.page.goto(f"{self.live_server_url}{href}")
        self.page.get_by_role("radio", name="gjennomført").check()
        self.page.get_by_role("button", name="Lagre").click()
        self.page.wait_for_url(f"**{self.url}#{key}")
        saved = self.page.locator(f"tr#{key}[data-testid=round-row]")
        self.assertEqual(saved.get_attribute("data-status"), "done")
