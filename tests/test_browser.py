from __future__ import annotations

import pytest

from planstatus.plans.services import load_seed_file
from tests.browser import BrowserTestCase


@pytest.mark.browser
class PlanPageInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_seed_file()

    def test_plan_page_shows_six_focus_areas_and_68_measures(self) -> None:
        self.page.goto(f"{self.live_server_url}/hallingdal/regionplan/")
        self.assertEqual(self.page.locator("[data-testid=focus-area]").count(), 6)
        self.assertEqual(self.page.locator("[data-testid=measure-row]").count(), 68)
        first = self.page.locator("[data-testid=measure-row]").first
        self.assertIn("ikkje vurdert", first.inner_text())
        # Designsystemet's stylesheet was served and applied.
        font = self.page.eval_on_selector("body", "el => getComputedStyle(el).fontSize")
        self.assertTrue(font.endswith("px"))
        self.screenshot("plan-page", full_page=False)

    def test_plan_page_on_a_phone_has_no_horizontal_scroll(self) -> None:
        self.page.set_viewport_size({"width": 375, "height": 812})
        self.page.goto(f"{self.live_server_url}/hallingdal/regionplan/")
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0)
        self.screenshot("plan-page-phone")
