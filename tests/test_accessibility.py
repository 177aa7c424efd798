"""WCAG 2.1 AA, checked by axe-core in real Chromium on every main page.

axe-core comes from npm (package.json) and is injected by Playwright into each page; the
pages' Content-Security-Policy would refuse the injected script, so only this browser
context bypasses it. Serious and critical violations fail the test."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from planstatus.cases.services import make_case_draft, send_case
from planstatus.indicators.models import Indicator
from planstatus.plans.actions.lineage import suggest_continuations
from planstatus.plans.models import Measure, Plan
from planstatus.regions.models import Actor, ContactPerson
from planstatus.reporting.actions.rounds import OpenedRound, open_round
from planstatus.reporting.models import Submission
from tests.browser import BrowserTestCase, serious_axe_violations
from tests.cases import DETAILS
from tests.test_browser import seed_with_secretariat


def open_december_round(plan: Plan, base_url: str) -> OpenedRound:
    return open_round(
        plan=plan,
        title="Status desember",
        deadline=datetime.date.today() + datetime.timedelta(days=14),
        user=None,
        base_url=base_url,
    )


@pytest.mark.browser
@override_settings(BASE_URL="")
class AccessibilityTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.context.close()
        self.context = self.browser.new_context(locale="nn-NO", bypass_csp=True)
        self.page = self.context.new_page()
        seed_with_secretariat()
        self.plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")

    def violations(self, url: str) -> list[dict[str, object]]:
        self.page.goto(self.live_server_url + url)
        return serious_axe_violations(self.page)

    def assert_accessible(self, *urls: str) -> None:
        found = {url: self.violations(url) for url in urls}
        found = {url: v for url, v in found.items() if v}
        self.assertEqual(found, {}, json.dumps(found, indent=2, ensure_ascii=False))

    def test_public_pages(self) -> None:
        measure = Measure.objects.filter(focus_area__plan=self.plan).first()
        actor = Actor.objects.filter(region=self.plan.region).first()
        indicator = Indicator.objects.filter(plan=self.plan).first()
        assert measure is not None and actor is not None
        # A measure and a goal that carry on the programme: their pages show the chain.
        carried = Measure.objects.get(focus_area__plan=self.plan, code="3.2.1")
        goal = self.plan.goals.get(code="2.1")
        assert indicator is not None
        self.assert_accessible(
            "/",
            "/hallingdal/",
            "/hallingdal/regionplan/",
            "/hallingdal/byregionprogrammet/",
            measure.get_absolute_url(),
            carried.get_absolute_url(),
            reverse("goal", args=["hallingdal", "regionplan", goal.pk]),
            "/hallingdal/regionplan/oversikt/",
            "/hallingdal/regionplan/oversikt/?status=unknown&q=breiband",
            "/hallingdal/regionplan/aktorar/",
            f"/hallingdal/regionplan/aktorar/{actor.pk}/",
            "/r/ny-lenke/",
            "/hallingdal/regionplan/indikatorar/",
            indicator.get_absolute_url(),
            indicator.get_absolute_url() + "?kommunar=1",
            reverse("goal", args=["hallingdal", "regionplan", goal.pk]),
            "/konto/login/",
        )

    def test_timeline_passes_axe_and_fits_a_phone(self) -> None:
        urls = ["/hallingdal/regionplan/tidslinje/", "/hallingdal/regionplan/tidslinje/?q=breiband"]
        self.assert_accessible(*urls)
        self.page.goto(self.live_server_url + urls[0])
        self.screenshot("timeline-desktop", full_page=True)
        self.page.set_viewport_size({"width": 375, "height": 812})
        self.assert_accessible(*urls)
        for url in urls:
            self.page.goto(self.live_server_url + url)
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            self.assertLessEqual(overflow, 0, url)
            # The table is read without sideways scrolling: it is no wider than the page.
            widest = self.page.evaluate(
                """() => Math.max(...[...document.querySelectorAll('table.timeline-table')]
                    .map(t => t.getBoundingClientRect().right))"""
            )
            self.assertLessEqual(widest, 375, url)
        self.screenshot("timeline-phone", full_page=True)

    def test_secretariat_pages(self) -> None:
        opened = open_december_round(self.plan, self.live_server_url)
        # A made-up person, in this test's database only: Hallingdal's seed has none.
        person = ContactPerson.objects.create(
            actor=opened.links[0].actor, name="Testperson Testesen", email="test@example.no"
        )
        token = opened.links[0].token
        suggest_continuations(
            plan=self.plan, predecessor=Plan.objects.get(slug="byregionprogrammet")
        )
        self.log_in()
        self.page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        measure = Measure.objects.filter(focus_area__plan=self.plan).first()
        indicator = Indicator.objects.filter(plan=self.plan).first()
        assert measure is not None and indicator is not None
        # The case page with a case sent and a draft in its preview frame.
        send_case(plan=self.plan, round=None, details=DETAILS, user=None)
        draft = make_case_draft(
            plan=self.plan, round=None, details=replace(DETAILS, case_number="17-25"), user=None
        )
        self.assert_accessible(
            reverse("case_draft_preview", args=["hallingdal", "regionplan", draft.pk]),
            "/hallingdal/regionplan/",
            measure.get_absolute_url(),
            "/hallingdal/regionplan/vidareforing/",
            "/hallingdal/regionplan/rundar/",
            f"/hallingdal/regionplan/rundar/{opened.round.pk}/",
            f"/hallingdal/regionplan/rundar/{opened.round.pk}/lukk/",
            "/hallingdal/regionplan/sak/",
            "/hallingdal/regionplan/sak/utskrift/?round=now",
            "/hallingdal/regionplan/sak/utskrift/?round=now&kind=annual",
            "/hallingdal/regionplan/indikatorar/ny/",
            reverse("indicator_edit", args=["hallingdal", "regionplan", indicator.pk]),
            reverse("indicator_delete", args=["hallingdal", "regionplan", indicator.pk]),
            "/hallingdal/logg/",
            "/hallingdal/aktorar/",
            reverse("contact_persons", args=["hallingdal", person.actor_id]),
            reverse("contact_person_edit", args=["hallingdal", person.actor_id, person.pk]),
            reverse("contact_person_remove", args=["hallingdal", person.actor_id, person.pk]),
            f"/hallingdal/regionplan/rundar/{opened.round.pk}/endre/",
            "/hallingdal/import/",
            reverse("actor_link", args=[token]),
        )

    def test_actor_reporting_page_on_a_phone(self) -> None:
        opened = open_december_round(self.plan, self.live_server_url)
        self.page.set_viewport_size({"width": 375, "height": 812})
        self.assert_accessible(reverse("actor_link", args=[opened.links[0].token]))
        del mail.outbox[:]

    def test_import_review(self) -> None:
        self.log_in()
        self.page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        page = self.page
        page.goto(f"{self.live_server_url}/hallingdal/import/")
        seed = Path(__file__).parent / "fixtures" / "text" / "hallingdal-sak-16-25.txt"
        page.get_by_label("Plandokument").set_input_files(str(seed))
        page.get_by_role("button", name="Les dokumentet").click()
        page.wait_for_url(re.compile(r".*/import/\d+/$"))
        self.assert_accessible(page.url.removeprefix(self.live_server_url))


@pytest.mark.browser
@override_settings(BASE_URL="")
class KeyboardAndZoomTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        self.plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")

    def test_an_actor_reports_with_the_keyboard_alone(self) -> None:
        opened = open_december_round(self.plan, self.live_server_url)
        entry = opened.links[0]
        page = self.page
        page.goto(self.live_server_url + reverse("actor_link", args=[entry.token]))
        first = page.locator("[data-testid=report-item]").first
        code = first.get_attribute("data-code")
        # Tab from the top of the page to the first status choice, as a keyboard user would.
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.name || ''")
            if focused.endswith("-status"):
                break
        else:
            self.fail("The status choices cannot be reached with Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; })()"
        )
        self.assertTrue(outline, "the focused radio button shows no focus ring")
        page.keyboard.press("ArrowRight")  # the next status in the group: påstarta
        page.keyboard.press("Tab")
        page.keyboard.type("Skrive med tastaturet")
        # On to the save button, past the link field and the public checkbox.
        for _ in range(6):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.tagName") == "BUTTON":
                break
        page.keyboard.press("Enter")
        saved = page.locator(f'[data-testid=report-item][data-code="{code}"]')
        saved.get_by_role("status").wait_for()
        # Hallingdal's plan has «rapportar må godkjennast» on: the report waits.
        self.assertIn("ventar på godkjenning", saved.get_by_test_id("in-round").inner_text())
        sent = Submission.objects.get(measure__focus_area__plan=self.plan, measure__code=code)
        self.assertEqual(sent.status, "started")
        self.screenshot("keyboard-report")

    def test_plan_page_at_200_percent_zoom_has_no_horizontal_scroll(self) -> None:
        # 200 % zoom of a 1280 px wide window leaves 640 CSS pixels.
        self.page.set_viewport_size({"width": 640, "height": 400})
        for url in ["/hallingdal/regionplan/", "/hallingdal/regionplan/oversikt/"]:
            self.page.goto(self.live_server_url + url)
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            self.assertLessEqual(overflow, 0, url)
        self.screenshot("plan-page-200-percent")

    def test_phone_tap_targets_are_at_least_24_pixels(self) -> None:
        opened = open_december_round(self.plan, self.live_server_url)
        self.page.set_viewport_size({"width": 375, "height": 812})
        for url in ["/hallingdal/regionplan/", reverse("actor_link", args=[opened.links[0].token])]:
            self.page.goto(self.live_server_url + url)
            small = self.page.evaluate(
                """() => [...document.querySelectorAll(
                      'main a, main button, main input, main select, main textarea, main label')]
                    .filter(el => el.offsetParent !== null)
                    .map(el => [el.tagName, el.textContent.trim().slice(0, 30),
                                el.getBoundingClientRect()])
                    .filter(([, , r]) => r.width > 0 && (r.width < 24 || r.height < 24))
                    .filter(([tag]) => tag !== 'A' && tag !== 'LABEL')
                    .map(([tag, text, r]) => `${tag} ${text} ${r.width}x${r.height}`)"""
            )
            self.assertEqual(small, [], url)


@pytest.mark.browser
class ImportReviewKeyboardTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()

    def test_fix_a_warning_and_save_with_the_keyboard_alone(self) -> None:
        page = self.page

        def tab_to(predicate: str, limit: int = 1200) -> None:
            check = f"(() => {{ const el = document.activeElement; return {predicate}; }})()"
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate(check):
                    return
            self.fail(f"never reached: {predicate}")

        page.goto(f"{self.live_server_url}/konto/login/?next=/hallingdal/import/")
        page.get_by_label("Brukarnamn").fill("sekretariat")
        page.get_by_label("Passord").fill("eit-langt-passord")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/import/$"))
        seed = Path(__file__).parent / "fixtures" / "text" / "hallingdal-sak-16-25.txt"
        # The file chooser is the browser's own dialog; the file is handed to it directly.
        page.get_by_label("Plandokument").set_input_files(str(seed))
        page.get_by_label("Plandokument").focus()
        tab_to("el.tagName === 'BUTTON'", limit=10)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/import/\d+/$"))

        # The warning about the second 5.4.1 links to its row; from there Tab reaches its code.
        tab_to("el.tagName === 'A' && el.textContent.includes('5.4.1')")
        page.keyboard.press("Enter")
        tab_to("el.tagName === 'INPUT' && el.name.endsWith('-code')", limit=10)
        self.assertEqual(page.evaluate("document.activeElement.value"), "5.4.1")
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("5.4.2")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # implicit submission: «Ta vare på endringane»
        warnings = " ".join(page.locator("#warnings-heading + ul li").all_inner_texts())
        self.assertNotIn("5.4.1", warnings)
        # The link at the top leads past the table to the save buttons.
        tab_to("el.tagName === 'A' && el.getAttribute('href') === '#review-actions'")
        page.keyboard.press("Enter")
        tab_to("el.tagName === 'BUTTON' && el.name === 'confirm'", limit=3)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/hallingdal/[a-z0-9-]+/(#.*)?$"))
        self.assertEqual(page.locator("[data-testid=measure-row]").count(), 68)
        self.screenshot("import-by-keyboard")
