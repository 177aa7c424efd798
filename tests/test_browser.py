from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page

from planstatus.accounts.models import Membership
from planstatus.cases.models import SentCase
from planstatus.installation.seed import load_seed_file
from planstatus.installation.services import create_user
from planstatus.lib.status import Status
from planstatus.plans.models import Plan
from planstatus.regions.models import Actor, Region
from tests.browser import BrowserTestCase, open_card
from tests.cases import report_every_measure

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
        # The three stylesheets were served and applied: Designsystemet's theme (its colour
        # variables), its base (a caption for screen readers only is taken out of the flow)
        # and ours (the font).
        style = self.page.evaluate(
            """() => ({
                border: getComputedStyle(document.documentElement)
                    .getPropertyValue("--ds-color-neutral-border-subtle").trim(),
                hidden: getComputedStyle(document.querySelector("caption.ds-sr-only")).position,
                font: getComputedStyle(document.body).fontFamily,
            })"""
        )
        self.assertRegex(style["border"], r"^#[0-9a-f]{6}$")
        self.assertEqual(style["hidden"], "absolute")
        self.assertTrue(style["font"].startswith("Inter"), style["font"])
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
        self.log_in(page)
        page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")

        page.goto(f"{self.live_server_url}/hallingdal/regionplan/")
        page.get_by_role("link", name="2.1.1", exact=True).click()
        page.get_by_role("radio", name="påstarta", exact=True).check()
        page.get_by_role("textbox", name="Kommentar").fill("Dialog med USN er i gang <b>no</b>")
        page.get_by_role("button", name="Lagre status").click()
        self.assertIn("Statusen er lagra", page.locator(".messages").inner_text())
        self.assertIn("påstarta", page.locator("main p .status").first.inner_text())
        self.screenshot("measure-status-saved", full_page=True)
        # The measure's own change log is fetched when the reader scrolls down to it.
        panel = page.get_by_test_id("measure-log")
        panel.scroll_into_view_if_needed()
        fetched = panel.locator(".audit__entry").first
        fetched.wait_for()
        self.assertIn("ikkje vurdert", fetched.locator("del").inner_text())

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
        self.log_in(page, next="/hallingdal/import/")

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


@pytest.mark.browser
@override_settings(BASE_URL="")
class RoundInBrowserTests(BrowserTestCase):
    """The whole round: the secretariat opens it, an actor reports from its phone through
    the link in the mail it got, and the secretariat follows up and closes the round."""

    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        # The actor with the most measures gets an address; the others get links to copy.
        busiest = (
            Actor.objects.filter(region=plan.region)
            .annotate(n=Count("measure_links", filter=Q(measure_links__role="responsible")))
            .order_by("-n", "name")
            .first()
        )
        assert busiest is not None
        self.actor: Actor = busiest
        self.actor.email = "post@aktor.example"
        self.actor.save()
        self.codes = list(
            plan.measures()
            .filter(actor_links__actor=self.actor, actor_links__role="responsible")
            .order_by("focus_area__order", "order")
            .values_list("code", flat=True)[:2]
        )

    def test_open_report_from_a_phone_follow_up_and_close(self) -> None:
        page = self.page
        deadline = timezone.localdate() + datetime.timedelta(days=14)
        self.log_in(page, next="/hallingdal/regionplan/")
        page.get_by_role("link", name="Rapporteringsrundar").click()
        page.get_by_role("link", name="Opne ein ny runde").click()
        page.get_by_label("Tittel").fill("Status desember")
        page.get_by_label("Frist", exact=True).fill(deadline.isoformat())
        page.get_by_label("Melding til aktørane").fill("Takk for hjelpa!")
        page.get_by_role("button", name="Opne runden og send e-postane").click()
        self.assertIn("er open", page.locator("h1").inner_text())
        self.assertGreater(page.locator("[data-testid=copy-link]").count(), 0)

        # The actor's mail, as the mail framework sent it.
        [sent] = [m for m in mail.outbox if m.to == ["post@aktor.example"]]
        found = re.search(r"http://\S+/r/[A-Za-z0-9_-]+/", str(sent.body))
        assert found is not None
        link = found.group(0)
        self.assertTrue(link.startswith(self.live_server_url))

        phone = self.browser.new_context(
            locale="nn-NO", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
        )
        actor_page = phone.new_page()
        actor_page.goto(link)
        self.assertIn(self.actor.name, actor_page.locator("h1").inner_text())
        overflow = actor_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0)
        for code, status in zip(self.codes, ["påstarta", "gjennomført"], strict=True):
            item = open_card(actor_page.locator(f'[data-testid=report-item][data-code="{code}"]'))
            item.get_by_role("radio", name=status, exact=True).check()
            item.get_by_role("textbox", name="Kommentar").fill(f"Rapport på {code}")
            item.get_by_role("button", name=f"Lagre {code}").click()
            # htmx swaps the measure in place; the rest of the page is untouched.
            saved = actor_page.locator(f'[data-testid=report-item][data-code="{code}"]')
            saved.get_by_role("status").wait_for()
            # Hallingdal's plan has «rapportar må godkjennast» on: the report waits.
            self.assertIn(
                "ventar på godkjenning", saved.locator("[data-testid=in-round]").inner_text()
            )
        actor_page.locator(f'[data-code="{self.codes[0]}"]').scroll_into_view_if_needed()
        self.screenshot_of(actor_page, "actor-reporting-phone")
        actor_page.reload()
        self.assertIn("2 av", actor_page.locator("[data-testid=actor-progress]").inner_text())
        phone.close()

        page.goto(f"{self.live_server_url}/hallingdal/regionplan/rundar/")
        page.get_by_role("link", name="Status desember").click()
        # The table per actor is folded away under the measures' table: open it.
        page.get_by_test_id("progress-per-actor").locator("summary").click()
        row = page.locator(f'[data-testid=actor-progress][data-actor="{self.actor.name}"]')
        self.assertIn(row.get_attribute("data-state"), {"some", "all"})
        self.assertIn("2 /", row.inner_text())
        self.screenshot("round-progress", full_page=False)

        # The secretariat approves both reports; only then are they public.
        pending = page.get_by_test_id("pending-reports")
        for box in pending.get_by_role("checkbox").all():
            box.check()
        pending.get_by_role("button", name="Godkjenn dei valde rapportane").click()
        self.assertIn("2 rapportar godkjende", page.locator(".messages").inner_text())

        page.get_by_role("link", name="Lukk runden …").click()
        page.get_by_role("button", name="Lukk runden").click()
        self.assertIn("Runden er lukka", page.locator(".messages").inner_text())
        self.assertEqual(page.locator("[data-testid=snapshot-notice]").count(), 1)
        first = page.locator(f'[data-testid=measure-row][data-code="{self.codes[0]}"]')
        second = page.locator(f'[data-testid=measure-row][data-code="{self.codes[1]}"]')
        self.assertIn("påstarta", first.inner_text())
        self.assertIn("gjennomført", second.inner_text())
        self.screenshot("plan-at-round-closing", full_page=False)

    def screenshot_of(self, page: Page, name: str) -> None:
        original, self.page = self.page, page
        try:
            self.screenshot(name)
        finally:
            self.page = original


@pytest.mark.browser
class PublicVisitorInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_seed_file()

    def test_a_visitor_opens_the_public_plan_and_filters_it(self) -> None:
        page = self.page
        page.goto(f"{self.live_server_url}/hallingdal/regionplan/")
        page.get_by_role("link", name="Oversikt og filter").click()
        self.assertIn("Viser 68 av 68 tiltak", page.get_by_test_id("shown-count").inner_text())
        page.get_by_role("combobox", name="Innsatsområde").select_option(
            label="3. Kommunikasjon og infrastruktur"
        )
        page.get_by_label("Søk").fill("breiband")
        page.get_by_role("button", name="Vis", exact=True).click()
        shown = page.get_by_test_id("shown-count").inner_text()
        self.assertRegex(shown, r"Viser [1-9]\d* av 68 tiltak")
        # The filters stay in the address, so the view can be shared.
        self.assertIn("q=breiband", page.url)
        for row in page.locator("[data-testid=measure-row]").all():
            self.assertIn("breiband", row.inner_text().casefold())
        self.screenshot("dashboard-filtered", full_page=False)
        page.get_by_role("link", name="Fjern filtera").click()
        page.get_by_test_id("area-chart").scroll_into_view_if_needed()
        self.screenshot("dashboard-chart", full_page=False)

        page.set_viewport_size({"width": 375, "height": 812})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0)


@pytest.mark.browser
class CaseInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()

    def test_the_secretariat_previews_sends_and_finds_one_archived_copy(self) -> None:
        # The bodies have reported, with comments, in a round.
        plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        report_every_measure(plan, [Status.STARTED, Status.DONE, Status.NOT_STARTED])
        page = self.page
        self.log_in(page, next="/hallingdal/regionplan/sak/")
        folder = Path(os.environ.get("PLANSTATUS_TEST_ARTEFACTS", "test-artefacts"))
        folder.mkdir(parents=True, exist_ok=True)

        def make_draft() -> None:
            page.get_by_label("Saksnummer").fill("16-25")
            page.get_by_label("Stad").fill("Gol")
            page.get_by_label("Underskriven av").fill("Kari Nordmann")
            page.get_by_label("Punkt å peike på").fill(
                "- Næringsplattforma er i bruk.\n- Tre tiltak ventar på pengar."
            )
            page.get_by_role("button", name="Lag utkast").click()
            page.wait_for_load_state()
            self.assertEqual(page.locator(".ds-validation-message").all_inner_texts(), [])

        make_draft()
        self.assertIn("Utkastet til sak 16-25 er laga", page.locator(".messages").inner_text())
        # The preview, in the page: the case as its web page, summary first, bodies' words.
        preview = page.frame_locator("[data-testid=case-preview-frame]")
        self.assertEqual(preview.locator("h2").first.inner_text(), "Samandrag")
        self.assertIn(
            "Næringsplattforma er i bruk.", preview.get_by_test_id("highlights").inner_text()
        )
        comments = preview.get_by_test_id("comment").all_inner_texts()
        self.assertEqual(len(comments), 68)
        # Each comment is credited with its date (d.m.yyyy), whatever day the suite runs.
        dated = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
        self.assertTrue(all(dated.search(c) or "Ingen kommentar" in c for c in comments))
        self.assertIn("Arbeidet er i gang.", " ".join(comments))
        page.get_by_test_id("case-preview").scroll_into_view_if_needed()
        self.screenshot("case-preview", full_page=False)
        with page.expect_download() as download_info:
            page.get_by_test_id("case-draft").get_by_role("link", name="PDF").click()
        saved = folder / "journey-draft.pdf"
        download_info.value.save_as(saved)
        self.assertTrue(download_info.value.suggested_filename.startswith("utkast-sak-16-25"))
        self.assertEqual(saved.read_bytes()[:4], b"%PDF")

        page.get_by_role("button", name="Send til politisk behandling").click()
        page.wait_for_load_state()
        self.assertIn("er send til politisk behandling", page.locator(".messages").inner_text())
        self.assertEqual(page.get_by_test_id("case-draft").count(), 0)
        archive = page.get_by_test_id("sent-case")
        self.assertEqual(archive.count(), 1)
        self.assertIn("Sendt", archive.inner_text())
        self.assertEqual(archive.locator(".case-files li").count(), 2)  # PDF and Word
        with page.expect_download() as download_info:
            archive.get_by_test_id("case-export").click()
        self.assertTrue(download_info.value.suggested_filename.endswith(".zip"))
        self.screenshot("case-archive", full_page=False)

        # The same case again: refused, with a link to the copy already sent.
        make_draft()
        page.get_by_role("button", name="Send til politisk behandling").click()
        page.wait_for_load_state()
        self.assertIn("vart alt sendt", page.get_by_test_id("already-sent").inner_text())
        page.get_by_role("link", name="Gå til saka som vart send").click()
        self.assertTrue(page.url.endswith("#sendt-" + str(SentCase.objects.get().pk)))
        self.assertEqual(page.get_by_test_id("sent-case").count(), 1)
        self.assertEqual(SentCase.objects.count(), 1)

        page.set_viewport_size({"width": 375, "height": 812})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0)


@pytest.mark.browser
class LanguageInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()

    def test_the_secretariat_switches_language_and_it_is_remembered(self) -> None:
        page = self.page
        self.log_in(page, next="/hallingdal/regionplan/")
        page.get_by_label("Språk").select_option("nb")
        page.get_by_role("button", name="Byt språk").click()
        self.assertEqual(page.locator("html").get_attribute("lang"), "nb")
        self.assertIn("/hallingdal/regionplan/", page.url)
        self.assertIn("ikke vurdert", page.locator("[data-testid=measure-row]").first.inner_text())
        page.get_by_label("Språk").select_option("en")
        page.get_by_role("button", name="Bytt språk").click()
        self.assertIn("not assessed", page.locator("[data-testid=measure-row]").first.inner_text())
        self.screenshot("language-english", full_page=False)
        # A new browser: the choice comes back when the person logs in.
        other = self.browser.new_context()
        fresh = other.new_page()
        fresh.goto(f"{self.live_server_url}/konto/login/")
        self.assertEqual(fresh.locator("html").get_attribute("lang"), "nn")
        fresh.get_by_label("Brukarnamn").fill("sekretariat")
        fresh.get_by_label("Passord").fill("eit-langt-passord")
        fresh.get_by_role("button", name="Logg inn").click()
        fresh.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        self.assertEqual(fresh.locator("html").get_attribute("lang"), "en")
        other.close()


@pytest.mark.browser
class LineageInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()

    def test_the_secretariat_finds_suggestions_and_confirms_one_in_place(self) -> None:
        page = self.page
        self.log_in(page, next="/hallingdal/regionplan/vidareforing/")
        page.get_by_role("button", name="Finn forslag i Byregionprogrammet – Hallingdal").click()
        suggestions = page.locator("[data-testid=suggested] [data-testid=continuation]")
        self.assertGreater(suggestions.count(), 0)
        first = suggestions.first
        row_id = first.get_attribute("id")
        url = page.url
        first.get_by_role("button", name=re.compile("^Stadfest")).click()
        # htmx swaps the row in place: the page stays, the row says what was decided.
        row = page.locator(f"#{row_id}")
        row.locator("[data-state=confirmed]").wait_for()
        self.assertIn("Stadfesta", row.inner_text())
        self.assertEqual(page.url, url)
        self.screenshot("lineage-confirmed", full_page=False)
