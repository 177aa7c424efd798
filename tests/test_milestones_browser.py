"""Milestones in a real browser: the secretariat adds one and marks it done on the measure
page (htmx swaps the item in place), and every page that shows milestones and updates («Kva
har skjedd», with an attachment) passes axe and fits a 375 px phone, for the secretariat and
for the public."""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.actions.milestones import add_milestone
from planstatus.plans.actions.news import Upload, add_news
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, Milestone
from tests.browser import BrowserTestCase
from tests.test_browser import seed_with_secretariat


@pytest.mark.browser
@override_settings(BASE_URL="")
class MilestonesInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.context.close()
        # axe is injected by the test, which the pages' Content-Security-Policy would refuse.
        self.context = self.browser.new_context(locale="nn-NO", bypass_csp=True)
        self.page = self.context.new_page()
        seed_with_secretariat()
        self.measure = Measure.objects.get(focus_area__plan__slug="regionplan", code="1.1.1")
        record_status(measure=self.measure, status=Status.STARTED)
        self.today = datetime.date.today()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        attachments = override_settings(ATTACHMENT_DIR=Path(folder.name) / "vedlegg")
        attachments.enable()
        self.addCleanup(attachments.disable)
        add_news(
            measure=self.measure,
            date=self.today,
            text="Styringsgruppa vedtok forprosjektet. " * 8,
            files=[Upload("referat frå styringsgruppemøtet i mai 2026.pdf", b"%PDF-1.4 referat")],
        )

    def problems(self, urls: list[str]) -> dict[str, object]:
        return self.check_pages(urls, [(375, 812), (1366, 900)])

    def test_secretariat_adds_and_marks_done_and_every_page_fits(self) -> None:
        self.log_in()
        self.page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        page = self.page
        page.goto(self.live_server_url + self.measure.get_absolute_url())
        form = page.locator(".milestone-form")
        form.get_by_label("Milepæl").fill("Forprosjekt ferdig – med ein lang tekst " * 3)
        form.get_by_label("Frist").fill((self.today - datetime.timedelta(days=2)).isoformat())
        form.get_by_role("button", name="Legg til milepæl").click()
        item = page.locator('[data-testid="milestone"]')
        item.wait_for()
        self.assertEqual(item.get_attribute("data-state"), "missed")
        self.assertIn("fristen er ute", item.inner_text())
        page.get_by_role("button", name="Merk som nådd").click()
        page.locator('[data-testid="milestone"][data-state="done"]').wait_for()
        self.assertEqual(Milestone.objects.get().done_on, self.today)
        # The item was swapped in place: the page did not reload (no message shown).
        self.assertEqual(page.locator(".ds-alert").filter(has_text="lagra").count(), 0)
        self.screenshot("milestones-measure-secretariat", full_page=True)

        add_milestone(
            measure=self.measure,
            text="Anbod ute",
            due_on=self.today - datetime.timedelta(days=30),
            user=None,
        )
        missed = Milestone.objects.get(text="Anbod ute")
        r = ["hallingdal", "regionplan", self.measure.pk]
        # The add page with a refused form on it.
        page.goto(self.live_server_url + reverse("milestone_add", args=r))
        page.get_by_role("button", name="Lagre").click()
        page.locator(".ds-validation-message").first.wait_for()
        problems = self.problems(
            [
                self.measure.get_absolute_url(),
                reverse("milestone_add", args=r),
                reverse("milestone_edit", args=[*r, missed.pk]),
                reverse("news_add", args=r),
                "/hallingdal/regionplan/tidslinje/",
                "/hallingdal/regionplan/",
            ]
        )
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))

        # And as the public sees them.
        self.context.clear_cookies()
        problems = self.problems(
            [
                self.measure.get_absolute_url(),
                "/hallingdal/regionplan/tidslinje/",
                "/hallingdal/regionplan/",
            ]
        )
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))
        self.page.set_viewport_size({"width": 375, "height": 812})
        self.page.goto(self.live_server_url + self.measure.get_absolute_url())
        self.screenshot("milestones-measure-public-phone", full_page=True)
