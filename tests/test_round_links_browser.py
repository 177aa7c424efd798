"""The links page after «Opne runden og send e-postane», in real Chromium at a phone's and a
laptop's width: each actor's row holds that actor's own link, in full, and the copy button
copies it (issue 21, bug 1: a wrapping grid once paired names with the wrong links)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planstatus.plans.models import Measure, MeasureActor, Plan
from planstatus.regions.models import Actor
from planstatus.reporting.actions.links import hash_token
from planstatus.reporting.models import ReportingLink
from tests.browser import BrowserTestCase
from tests.test_browser import seed_with_secretariat

TOKEN = re.compile(r"/r/([A-Za-z0-9_-]+)/$")
LONG_NAMES = [
    "Opplysningskontor for bustad og tilrettelegging i distrikta",
    "Interkommunalt samarbeid om næringsutvikling, reiseliv og kulturarv",
    "Kort",
]


BOXES_JS = """async (row) => {
  await document.fonts.ready;
  const box = (e) => { const r = e.getBoundingClientRect(); return {y: r.top, height: r.height}; };
  return [row, row.querySelector("th"), row.querySelector("[data-testid=copy-link]")].map(box);
}"""


@pytest.mark.browser
class RoundLinksPageTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        measures = list(Measure.objects.filter(focus_area__plan=plan).order_by("pk")[:25])
        for n, measure in enumerate(measures):
            # Long names of different lengths, so that rows wrap to different heights.
            name = f"{LONG_NAMES[n % 3]} nr. {n + 1}"
            actor = Actor.objects.create(
                region=plan.region, name=name, email=f"a{n}@aktor.example" if n % 2 else ""
            )
            MeasureActor.objects.create(
                measure=measure, actor=actor, role=MeasureActor.Role.RESPONSIBLE
            )
        self.added = 25

    def open_round(self, width: int, height: int) -> None:
        self.page.set_viewport_size({"width": width, "height": height})
        self.log_in(next="/hallingdal/regionplan/rundar/ny/")
        deadline = timezone.localdate() + datetime.timedelta(days=14)
        self.page.get_by_label("Tittel").fill(f"Runde {width}")
        self.page.get_by_label("Frist", exact=True).fill(deadline.isoformat())
        self.page.get_by_role("button", name="Opne runden og send e-postane").click()
        self.page.locator("[data-testid=round-links]").wait_for()

    def assert_rows_hold_their_own_links(self, width: int) -> None:
        page = self.page
        rows = page.locator("[data-testid=round-link-row]")
        count = rows.count()
        self.assertGreaterEqual(count, self.added)
        names_seen = set()
        for i in range(count):
            row = rows.nth(i)
            name = row.locator("th").inner_text().strip()
            field = row.locator("[data-testid=copy-link]")
            url = field.input_value()
            # The whole link, not a cut-off «…/r/».
            self.assertTrue(url.startswith(self.live_server_url + "/r/"), url)
            found = TOKEN.search(url)
            assert found is not None, url
            link = ReportingLink.objects.select_related("actor").get(
                token_hash=hash_token(found.group(1))
            )
            self.assertEqual(link.actor.name, name, f"row {i} at {width} px")
            self.assertEqual(row.get_attribute("data-actor"), str(link.actor.pk))
            # Seen as well as in the markup: the name and the link sit inside the same row box.
            # All three read in one frame, once the fonts are in: read one by one on a busy
            # machine, a late relayout between the reads made the boxes disagree.
            row_box, name_box, field_box = row.evaluate(BOXES_JS)
            for box in (name_box, field_box):
                self.assertGreaterEqual(box["y"], row_box["y"] - 1)
                self.assertLessEqual(box["y"] + box["height"], row_box["y"] + row_box["height"] + 1)
            # The field shows the whole link: nothing scrolled away inside it.
            hidden = field.evaluate("e => e.scrollWidth - e.clientWidth")
            self.assertLessEqual(hidden, 0, f"{name}: link cut at {width} px")
            mailed = row.locator("[data-testid=mailed]").get_attribute("data-mailed")
            self.assertEqual(mailed == "yes", bool(link.actor.email), name)
            names_seen.add(name)
        self.assertEqual(len(names_seen), count)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0, f"the page is wider than {width} px")

    def test_each_row_holds_its_actors_link_on_a_phone(self) -> None:
        self.open_round(375, 812)
        self.assert_rows_hold_their_own_links(375)
        self.screenshot("round-links-375", full_page=False)

    def test_each_row_holds_its_actors_link_on_a_laptop_and_copies_it(self) -> None:
        self.context.grant_permissions(["clipboard-read", "clipboard-write"])
        self.open_round(1366, 900)
        self.assert_rows_hold_their_own_links(1366)
        row = self.page.locator("[data-testid=round-link-row]").nth(3)
        row.get_by_role("button", name=re.compile("^Kopier")).click()
        # The clipboard answers asynchronously; expect waits for the label to change.
        expect(row.get_by_role("button")).to_contain_text("Kopiert")
        copied = self.page.evaluate("navigator.clipboard.readText()")
        self.assertEqual(copied, row.locator("[data-testid=copy-link]").input_value())
        self.screenshot("round-links-1366", full_page=False)

    def test_without_javascript_the_field_is_there_and_no_dead_button(self) -> None:
        self.context.close()
        self.context = self.browser.new_context(locale="nn-NO", java_script_enabled=False)
        self.page = self.context.new_page()
        self.open_round(1366, 900)
        row = self.page.locator("[data-testid=round-link-row]").first
        self.assertTrue(row.locator("[data-testid=copy-link]").is_visible())
        self.assertFalse(row.get_by_role("button").is_visible())
