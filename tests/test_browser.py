from __future__ import annotations

from pathlib import Path

import pytest

from planstatus.accounts.models import Membership
from planstatus.core.services import create_user
from planstatus.plans.services import load_seed_file
from planstatus.regions.models import Region
from tests.browser import BrowserTestCase

SEED_TEXT = Path(__file__).parent / "fixtures" / "text" / "hallingdal-sak-16-25.txt"


def seed_with_secretariat() -> None:
    """Hallingdal's data and a secretariat user who logs in as a person would."""
    load_seed_file()
    create_user(
        username="sekretariat",
        password="eit-langt-passord",
        region=Region.objects.get(slug="hallingdal"),
        role=Membership.Role.SECRETARIAT,
    )


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


@pytest.mark.browser
class SecretariatInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()

    def test_log_in_report_a_status_and_find_it_in_the_log(self) -> None:
        page = self.page
        page.goto(f"{self.live_server_url}/konto/login/")
        page.get_by_label("Brukarnamn").fill("sekretariat")
        page.get_by_label("Passord").fill("eit-langt-passord")
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_url(f"{self.live_server_url}/")

        page.goto(f"{self.live_server_url}/hallingdal/regionplan/")
        page.get_by_role("link", name="2.1.1", exact=True).click()
        page.get_by_role("radio", name="påstarta", exact=True).check()
        page.get_by_role("textbox", name="Kommentar").fill("Dialog med USN er i gang <b>no</b>")
        page.get_by_role("button", name="Lagre status").click()
        self.assertIn("Statusen er lagra", page.locator(".messages").inner_text())
        self.assertIn("påstarta", page.locator("main p .status").first.inner_text())
        self.screenshot("measure-status-saved", full_page=True)

        page.goto(f"{self.live_server_url}/hallingdal/logg/")
        entry = page.locator(".audit__entry").first
        self.assertIn("sekretariat", entry.inner_text())
        self.assertIn("ikkje vurdert", entry.locator("del").inner_text())
        self.assertIn("<b>no</b>", entry.inner_text())  # shown as text, not markup
        self.screenshot("region-log")


@pytest.mark.browser
class ImportInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()

    def test_import_the_seed_fix_a_warning_and_save(self) -> None:
        page = self.page
        page.goto(f"{self.live_server_url}/konto/login/?next=/hallingdal/import/")
        page.get_by_label("Brukarnamn").fill("sekretariat")
        page.get_by_label("Passord").fill("eit-langt-passord")
        page.get_by_role("button", name="Logg inn").click()

        page.get_by_label("Plandokument").set_input_files(str(SEED_TEXT))
        page.get_by_role("button", name="Les dokumentet").click()
        warnings = page.locator("#warnings-heading + ul li")
        self.assertIn("5.4.1", warnings.all_inner_texts().__str__())

        # The second measure numbered 5.4.1 is really 5.4.2.
        page.locator('tr[data-code="5.4.1"]').nth(1).get_by_role("textbox", name="Kode").fill(
            "5.4.2"
        )
        page.get_by_label("Tittel").fill("Regionplan for Hallingdal (importert)")
        page.get_by_role("button", name="Ta vare på endringane").click()
        self.assertNotIn(
            "5.4.1", " ".join(page.locator("#warnings-heading + ul li").all_inner_texts())
        )
        self.screenshot("import-review", full_page=False)

        page.get_by_role("button", name="Lagre planen").click()
        self.assertIn("ikkje publisert", page.locator(".messages").inner_text())
        self.assertEqual(page.locator("[data-testid=measure-row]").count(), 68)
        self.assertEqual(page.locator('[data-code="5.4.2"]').count(), 1)
        self.screenshot("imported-plan")
