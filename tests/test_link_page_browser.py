"""A body's link page on a phone (issue 21) in Chromium at 375×800: a municipality of
«Kommunane» with its 15 measures sees «0 av N rapportert», jumps to the next one missing
(focus and scroll move to that card), saves it and watches the summary follow; the page is
no wider than the phone and axe finds nothing serious. Screenshots at 375 and 1366 px."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import FilePayload, Page

from planstatus.plans.models import Plan
from planstatus.regions.models import Actor, Region
from planstatus.regions.services import ensure_municipality_actors, set_actor_group
from planstatus.reporting.models import Submission
from planstatus.reporting.reads import actor_work
from tests.browser import OVERFLOW_JS, BrowserTestCase, serious_axe_violations
from tests.test_accessibility import open_december_round
from tests.test_browser import seed_with_secretariat
from tests.test_news import PDF

# Where the focus is, and whether that element's top is on the screen.
FOCUS_JS = """() => {
  const e = document.activeElement;
  const card = e.closest('article');
  const top = e.getBoundingClientRect().top;
  return {
    tag: e.tagName.toLowerCase(),
    card: card ? card.id : null,
    onScreen: top >= 0 && top < window.innerHeight,
  };
}"""


@pytest.mark.browser
@override_settings(BASE_URL="")
class LinkPageOnAPhoneTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        region = Region.objects.get(slug="hallingdal")
        self.plan = Plan.objects.get(region=region, slug="regionplan")
        members = ensure_municipality_actors(region=region)
        group = Actor.objects.get(region=region, name="Kommunane i Hallingdal")
        set_actor_group(actor=group, is_group=True, members=members)
        self.gol = next(a for a in members if a.name.startswith("Gol"))

    def phone(self) -> Page:
        context = self.browser.new_context(
            locale="nn-NO",
            viewport={"width": 375, "height": 800},
            is_mobile=True,
            has_touch=True,
            bypass_csp=True,  # to let axe in
        )
        return context.new_page()

    def shoot(self, page: Page, name: str, **kwargs: object) -> None:
        original, self.page = self.page, page
        try:
            self.screenshot(name, **kwargs)
        finally:
            self.page = original

    def test_summary_jump_save_and_width_on_a_phone(self) -> None:
        opened = open_december_round(self.plan, self.live_server_url)
        entry = next(e for e in opened.links if e.actor == self.gol)
        work = actor_work(actor=self.gol, plan=self.plan, round=opened.round, reporter=self.gol)
        total = len(work.responsible)
        self.assertGreaterEqual(total, 15)  # «Kommunane»'s 15, and Gol's own if any
        first, second = work.responsible[0].measure, work.responsible[1].measure

        page = self.phone()
        page.goto(self.live_server_url + reverse("actor_link", args=[entry.token]))
        cards = page.get_by_test_id("report-item")
        self.assertEqual(cards.count(), total)
        self.assertIsNone(page.evaluate(OVERFLOW_JS))
        summary = page.get_by_test_id("actor-summary")
        self.assertEqual(
            summary.get_by_test_id("actor-progress").inner_text(), f"0 av {total} rapportert"
        )
        # One card open, the first one missing; the others are one summary line each.
        self.assertEqual(page.locator("details.report-card__details[open]").count(), 1)
        self.assertEqual(
            page.locator("article:has(> details[open])").get_attribute("id"), f"tiltak-{first.pk}"
        )
        # Group measures: the member's own status on the card, the matrix collapsed.
        self.assertEqual(page.locator("[data-testid=members-collapsed][open]").count(), 0)
        self.assertFalse(page.get_by_test_id("member-matrix").first.is_visible())
        self.assertEqual(serious_axe_violations(page), [])
        self.shoot(page, "link-page-phone")
        self.shoot(page, "link-page-phone-full", full_page=True)

        # «Neste som manglar» takes the focus, and the screen, to the first card missing.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        summary.get_by_test_id("next-missing").click()
        self.assertEqual(
            page.evaluate(FOCUS_JS),
            {"tag": "summary", "card": f"tiltak-{first.pk}", "onScreen": True},
        )

        # Save it (htmx): the card shows the report, and the summary follows without a reload.
        card = page.locator(f"#tiltak-{first.pk}")
        card.get_by_role("radio", name="påstarta", exact=True).check()
        card.get_by_role("textbox", name="Kommentar").fill("Gol har starta.")
        card.get_by_role("button", name=f"Lagre {first.code}").click()
        page.locator(f"#tiltak-{first.pk}").get_by_role("status").wait_for()
        progress = page.get_by_test_id("actor-summary").get_by_test_id("actor-progress")
        self.assertEqual(progress.inner_text(), f"1 av {total} rapportert")
        self.assertTrue(Submission.objects.filter(actor=self.gol, measure=first).exists())

        # The jump now goes to the next card missing, and opens it.
        page.get_by_test_id("actor-summary").get_by_test_id("next-missing").click()
        self.assertEqual(
            page.evaluate(FOCUS_JS),
            {"tag": "summary", "card": f"tiltak-{second.pk}", "onScreen": True},
        )
        self.assertTrue(page.locator(f"#tiltak-{second.pk} > details").evaluate("d => d.open"))
        self.assertIsNone(page.evaluate(OVERFLOW_JS))
        self.assertEqual(serious_axe_violations(page), [])

        # A reload (no JavaScript needed) counts the same.
        page.reload()
        self.assertEqual(
            page.get_by_test_id("actor-progress").inner_text(), f"1 av {total} rapportert"
        )

        # And at a desktop width.
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(page.url.split("#")[0])
        self.assertIsNone(page.evaluate(OVERFLOW_JS))
        self.assertEqual(serious_axe_violations(page), [])
        self.shoot(page, "link-page-1366")
        page.context.close()

    def test_a_milestone_and_an_update_with_a_pdf_from_a_phone(self) -> None:
        opened = open_december_round(self.plan, self.live_server_url)
        entry = next(e for e in opened.links if e.actor == self.gol)
        work = actor_work(actor=self.gol, plan=self.plan, round=opened.round, reporter=self.gol)
        first = work.responsible[0].measure
        page = self.phone()
        page.goto(self.live_server_url + reverse("actor_link", args=[entry.token]))
        card = page.locator(f"#tiltak-{first.pk}")

        card.get_by_test_id("add-milestone").locator("summary").click()
        card.get_by_label("Milepæl").fill("Kartlegging sendt ut")
        card.get_by_label("Frist").fill("2027-03-01")
        card.get_by_role("button", name="Send milepælen").click()
        self.assertIn("Milepælen er send", page.locator(".messages").inner_text())

        card = page.locator(f"#tiltak-{first.pk}")
        card.get_by_test_id("add-news").locator("summary").click()
        card.get_by_label("Kva har skjedd").fill("Spørjeskjema sendt til 40 bedrifter.")
        pdf: FilePayload = {"name": "skjema.pdf", "mimeType": "application/pdf", "buffer": PDF}
        card.locator("input[type=file]").set_input_files([pdf])
        card.get_by_role("button", name="Send oppdateringa").click()
        self.assertIn("Oppdateringa er send", page.locator(".messages").inner_text())

        card = page.locator(f"#tiltak-{first.pk}")
        if not card.locator("details.report-card__details").evaluate("d => d.open"):
            card.get_by_test_id("card-summary").click()
        items = card.get_by_test_id("card-item")
        self.assertEqual(items.count(), 2)
        self.assertIn("Kartlegging sendt ut", items.nth(0).inner_text())
        self.assertIn("1 vedlegg", items.nth(1).inner_text())
        self.assertEqual(
            sorted(Submission.all_kinds.filter(actor=self.gol).values_list("kind", flat=True)),
            ["milestone", "news"],
        )
        card.get_by_test_id("add-news").locator("summary").click()
        self.assertIsNone(page.evaluate(OVERFLOW_JS))
        self.assertEqual(serious_axe_violations(page), [])
        card.scroll_into_view_if_needed()
        self.shoot(page, "link-page-phone-items")

        # A refused milestone comes back on a page of its own, with what was wrong.
        card.get_by_test_id("add-milestone").locator("summary").click()
        card.get_by_role("button", name="Send milepælen").click()
        form = page.get_by_test_id("item-form")
        self.assertIn("Skriv kva som skal vere gjort", form.inner_text())
        self.assertIsNone(page.evaluate(OVERFLOW_JS))
        self.assertEqual(serious_axe_violations(page), [])
        page.context.close()
