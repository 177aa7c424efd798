"""A new region made in Chromium on a phone: the form, its errors, and the region's first
steps; axe finds nothing serious and no page is wider than the phone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from planstatus.regions.models import Region
from tests.browser import BrowserTestCase, serious_axe_violations


@pytest.mark.browser
@override_settings(BASE_URL="")
class NewRegionBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.context.close()
        self.context = self.browser.new_context(
            locale="nn-NO", bypass_csp=True, viewport={"width": 375, "height": 800}
        )
        self.page = self.context.new_page()
        User.objects.create_superuser("root", "root@example.org", "eit-langt-passord")

    def assert_fits_and_accessible(self) -> None:
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0, self.page.url)
        serious = [v["rule"] for v in serious_axe_violations(self.page)]
        self.assertEqual(serious, [], self.page.url)

    def test_an_administrator_makes_a_region_on_a_phone(self) -> None:
        page = self.page
        page.goto(f"{self.live_server_url}/konto/login/")
        page.get_by_label("Brukarnamn").fill("root")
        page.get_by_label("Passord").fill("eit-langt-passord")
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("link", name="Ny region").click()
        self.assert_fits_and_accessible()

        page.get_by_label("Namnet på regionen").fill("Valdres")
        page.get_by_label("Kommunar").fill("3451 Nord-Aurdal\n345 Vang")
        page.get_by_role("button", name="Lag regionen").click()
        error = page.locator("#id_municipalities_error")
        self.assertIn("fire siffer", error.inner_text())
        # The field points at its error, so a screen reader reads it with the field.
        self.assertIn(
            "id_municipalities_error",
            page.get_by_label("Kommunar").get_attribute("aria-describedby") or "",
        )
        self.assert_fits_and_accessible()
        self.assertFalse(Region.objects.filter(name="Valdres").exists())

        page.get_by_label("Kommunar").fill("3451 Nord-Aurdal\n3454 Vang")
        page.get_by_role("button", name="Lag regionen").click()
        page.wait_for_url(f"{self.live_server_url}/valdres/")
        self.assertEqual(page.get_by_role("heading", level=1).inner_text(), "Valdres")
        steps = page.get_by_test_id("first-steps")
        steps.get_by_role("link", name="Importer planen").click()
        page.wait_for_url(f"{self.live_server_url}/valdres/import/")
        self.assert_fits_and_accessible()
        self.screenshot("new-region-import")
