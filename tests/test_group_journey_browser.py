"""Issue 20's journey in Chromium: a round where two municipalities of «Kommunane» report
different statuses on the same measure from their own links on a phone; the secretariat
approves one and returns the other; the roll-up and the matrix show on the public page with
only the approved report; a reminder leaves the first link working; closing ends the links."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db.models import Exists, OuterRef
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Browser, Page

from planstatus.plans.models import Measure, MeasureActor, Plan
from planstatus.regions.models import Actor, Region
from planstatus.regions.services import ensure_municipality_actors, set_actor_group
from planstatus.reporting.models import ReportingRound
from tests.browser import BrowserTestCase, open_card
from tests.test_browser import seed_with_secretariat

LINK = re.compile(r"http://\S+/r/[A-Za-z0-9_-]+/")


def phone(browser: Browser) -> Page:
    context = browser.new_context(
        locale="nn-NO", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    return context.new_page()


@pytest.mark.browser
@override_settings(BASE_URL="")
class GroupRoundJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        region = Region.objects.get(slug="hallingdal")
        self.plan = Plan.objects.get(region=region, slug="regionplan")
        members = ensure_municipality_actors(region=region)
        group = Actor.objects.get(region=region, name="Kommunane i Hallingdal")
        set_actor_group(actor=group, is_group=True, members=members)
        self.gol = next(a for a in members if a.name.startswith("Gol"))
        self.al = next(a for a in members if a.name.startswith("Ål"))
        for actor, address in ((self.gol, "post@gol.example"), (self.al, "post@al.example")):
            actor.email = address
            actor.save()
        # A measure «Kommunane» carries alone, so its members are the six municipalities.
        others = MeasureActor.objects.filter(
            measure=OuterRef("pk"), role=MeasureActor.Role.RESPONSIBLE
        ).exclude(actor=group)
        measure = (
            Measure.objects.filter(
                focus_area__plan=self.plan,
                actor_links__actor=group,
                actor_links__role=MeasureActor.Role.RESPONSIBLE,
            )
            .exclude(Exists(others))
            .order_by("focus_area__order", "order")
            .first()
        )
        assert measure is not None
        self.measure = measure
        self.code = measure.code

    def link_for(self, address: str) -> str:
        sent = [m for m in mail.outbox if m.to == [address]]
        found = LINK.search(str(sent[-1].body))
        assert found is not None
        return found.group(0)

    def report(self, page: Page, status: str, comment: str) -> None:
        item = open_card(page.locator(f'[data-testid=report-item][data-code="{self.code}"]'))
        item.get_by_role("radio", name=status, exact=True).check()
        item.get_by_role("textbox", name="Kommentar").fill(comment)
        item.get_by_role("button", name=f"Lagre {self.code}").click()
        saved = page.locator(f'[data-testid=report-item][data-code="{self.code}"]')
        saved.get_by_role("status").wait_for()
        self.assertIn("ventar på godkjenning", saved.get_by_test_id("in-round").inner_text())
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        self.assertLessEqual(overflow, 0)

    def test_two_members_report_approve_one_return_one_remind_and_close(self) -> None:
        page = self.page
        self.log_in(page, next="/hallingdal/regionplan/rundar/ny/")
        deadline = timezone.localdate() + datetime.timedelta(days=14)
        page.get_by_label("Tittel").fill("Status for kommunane")
        page.get_by_label("Frist", exact=True).fill(deadline.isoformat())
        page.get_by_role("button", name="Opne runden og send e-postane").click()
        page.get_by_test_id("round-links").wait_for()
        round = ReportingRound.objects.get(plan=self.plan, state=ReportingRound.State.OPEN)
        round_url = f"{self.live_server_url}/hallingdal/regionplan/rundar/{round.pk}/"

        gol, al = phone(self.browser), phone(self.browser)
        gol_link = self.link_for("post@gol.example")
        gol.goto(gol_link)
        self.assertIn("Gol kommune", gol.locator("h1").inner_text())
        self.report(gol, "påstarta", "Gol har starta arbeidet.")
        al.goto(self.link_for("post@al.example"))
        self.report(al, "ikkje påstarta", "Ikkje budsjettert enno.")
        self.screenshot_of(gol, "group-member-reporting-phone")

        # The secretariat approves Gol's report and returns Ål's with a note.
        page.goto(round_url)
        pending = page.get_by_test_id("pending-reports")
        self.assertEqual(pending.get_by_test_id("pending-report").count(), 2)
        pending.get_by_role("checkbox", name=f"{self.code} frå Gol kommune").check()
        pending.get_by_role("button", name="Godkjenn dei valde rapportane").click()
        pending = page.get_by_test_id("pending-reports")
        pending.get_by_role("checkbox", name=f"{self.code} frå Ål kommune").check()
        pending.get_by_label("Merknad til aktøren").fill("Kan de sjekke budsjettet for 2026?")
        pending.get_by_role("button", name="Send dei valde rapportane attende").click()
        self.assertIn("send attende", page.locator(".messages").inner_text())

        # The public sees the roll-up and the matrix, with only the approved report.
        public = self.browser.new_context(locale="nn-NO").new_page()
        public.goto(f"{self.live_server_url}{self.measure.get_absolute_url()}")
        self.assertEqual(
            public.locator("main p .status").first.get_attribute("data-status"), "started"
        )
        matrix = public.get_by_test_id("member-matrix")
        gol_row = matrix.locator('tr[data-member="Gol kommune"]')
        al_row = matrix.locator('tr[data-member="Ål kommune"]')
        self.assertEqual(gol_row.get_attribute("data-status"), "started")
        self.assertEqual(al_row.get_attribute("data-status"), "unknown")
        self.assertIn("1 av 6 har rapportert", matrix.inner_text())
        self.assertNotIn("budsjettert", public.content())
        self.screenshot_of(public, "group-measure-matrix")

        # A reminder goes out; the link Ål already has keeps working and shows the note.
        page.goto(round_url)
        page.get_by_test_id("remind-button").click()
        al.reload()
        item = al.locator(f'[data-testid=report-item][data-code="{self.code}"]')
        self.assertIn("Kan de sjekke budsjettet", item.get_by_test_id("returned").inner_text())

        # Closing ends the links.
        page.goto(round_url)
        page.get_by_role("link", name="Lukk runden …").click()
        page.get_by_role("button", name="Lukk runden").click()
        self.assertIn("Runden er lukka", page.locator(".messages").inner_text())
        response = gol.goto(gol_link)
        assert response is not None
        self.assertEqual(response.status, 409)

    def screenshot_of(self, page: Page, name: str) -> None:
        original, self.page = self.page, page
        try:
            self.screenshot(name)
        finally:
            self.page = original
