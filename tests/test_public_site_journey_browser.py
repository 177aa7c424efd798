"""Issue 23's journey in a real browser, end to end: the secretariat adds a milestone and an
update with a PDF; a body adds an update through its link on a phone; the secretariat approves
it; the public sees both on the measure page, on the timeline and in the feed; the embed shows
inside a frame on an allowed site and is refused on another; a visitor's input reaches «Mitt
arbeid» and is answered in public. Every page on the way passes axe and fits 375 px."""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import FilePayload

from planstatus.feedback.models import PublicInput
from planstatus.plans.models import MeasureNews, Milestone, Plan
from planstatus.regions.models import Actor
from planstatus.reporting.models import Submission
from planstatus.reporting.reads import actor_work
from tests.browser import BrowserTestCase
from tests.test_accessibility import open_december_round
from tests.test_browser import seed_with_secretariat
from tests.test_embed_browser import host_site
from tests.test_news import PDF

SIZES = [(375, 812), (1366, 900)]


@pytest.mark.browser
@override_settings(BASE_URL="")
class PublicSiteJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.context.close()
        # axe is injected by the test, which the pages' Content-Security-Policy would refuse.
        self.context = self.browser.new_context(locale="nn-NO", bypass_csp=True)
        self.page = self.context.new_page()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        attachments = override_settings(ATTACHMENT_DIR=Path(folder.name) / "vedlegg")
        attachments.enable()
        self.addCleanup(attachments.disable)
        seed_with_secretariat()
        self.plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        self.assertTrue(self.plan.reports_need_approval)

    def fits(self, urls: list[str]) -> None:
        problems = self.check_pages(urls, SIZES)
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))

    def test_the_public_plan_site_from_start_to_end(self) -> None:
        opened = open_december_round(self.plan, self.live_server_url)
        body = next(e for e in opened.links if e.actor.name == "Næringshage Vidju")
        work = actor_work(actor=body.actor, plan=self.plan, round=opened.round, reporter=body.actor)
        measure = work.responsible[0].measure
        page = self.page

        # The secretariat: a milestone and an update with a PDF on the measure page.
        self.log_in()
        page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        page.goto(self.live_server_url + measure.get_absolute_url())
        form = page.locator(".milestone-form")
        form.get_by_label("Milepæl").fill("Forprosjektet ferdig")
        due = datetime.date.today() + datetime.timedelta(days=60)
        form.get_by_label("Frist").fill(due.isoformat())
        form.get_by_role("button", name="Legg til milepæl").click()
        page.locator('[data-testid="milestone"]').wait_for()
        news = page.locator(".news-form")
        news.get_by_label("Kva har skjedd").fill("Styringsgruppa vedtok forprosjektet.")
        pdf: FilePayload = {"name": "referat.pdf", "mimeType": "application/pdf", "buffer": PDF}
        news.locator("input[type=file]").set_input_files([pdf])
        news.get_by_role("button", name="Lagre").click()
        page.get_by_text("Styringsgruppa vedtok forprosjektet.").first.wait_for()
        self.assertEqual(Milestone.objects.filter(measure=measure).count(), 1)

        # The body, on a phone through its link: an update that waits for approval.
        phone = self.browser.new_context(
            locale="nn-NO", viewport={"width": 375, "height": 800}, bypass_csp=True
        ).new_page()
        phone.goto(self.live_server_url + reverse("actor_link", args=[body.token]))
        card = phone.locator(f"#tiltak-{measure.pk}")
        if not card.locator("details.report-card__details").evaluate("d => d.open"):
            card.get_by_test_id("card-summary").click()
        card.get_by_test_id("add-news").locator("summary").click()
        card.get_by_label("Kva har skjedd").fill("Næringshagen har tilsett prosjektleiar.")
        card.get_by_role("button", name="Send oppdateringa").click()
        self.assertIn("Oppdateringa er send", phone.locator(".messages").inner_text())
        waiting = Submission.all_kinds.get(actor=body.actor, kind="news")
        self.assertEqual(waiting.state, Submission.State.PENDING)
        # Nothing of it is public yet.
        public = self.browser.new_context(locale="nn-NO", bypass_csp=True).new_page()
        public.goto(self.live_server_url + measure.get_absolute_url())
        self.assertNotIn("prosjektleiar", public.locator("main").inner_text())

        # The secretariat approves it on the round page.
        page.goto(
            self.live_server_url
            + reverse("round", args=["hallingdal", "regionplan", opened.round.pk])
        )
        pending = page.locator('[data-testid="pending-reports"]')
        pending.locator(f'input[name="submissions"][value="{waiting.pk}"]').check()
        pending.get_by_role("button", name="Godkjenn dei valde rapportane").click()
        page.get_by_text("godkjend").first.wait_for()
        self.assertEqual(MeasureNews.objects.filter(measure=measure).count(), 2)

        # The public sees both updates, the file and the milestone: measure page, timeline, feed.
        public.goto(self.live_server_url + measure.get_absolute_url())
        main = public.locator("main").inner_text()
        for words in ["Forprosjektet ferdig", "Styringsgruppa vedtok", "tilsett prosjektleiar"]:
            self.assertIn(words, main)
        self.assertEqual(public.locator('[data-testid="attachment"]').count(), 1)
        public.goto(self.live_server_url + reverse("timeline", args=["hallingdal", "regionplan"]))
        self.assertGreaterEqual(public.locator('[data-testid="milestone-mark"]').count(), 1)
        feed = public.request.get(
            self.live_server_url + reverse("plan_feed", args=["hallingdal", "regionplan"])
        ).text()
        self.assertIn("Styringsgruppa vedtok", feed)
        self.assertIn("tilsett prosjektleiar", feed)

        # The embed inside a frame on an allowed site, and refused on another.
        embed_url = self.live_server_url + reverse("embed", args=["hallingdal", "regionplan"])
        with host_site(embed_url) as allowed, host_site(embed_url) as other:
            Plan.objects.filter(pk=self.plan.pk).update(embed_origins=[allowed])
            refusals: list[str] = []
            public.on("console", lambda m: refusals.append(m.text))
            public.goto(allowed + "/")
            public.frame_locator("iframe").locator('[data-testid="embed"]').wait_for()
            public.goto(other + "/")
            public.wait_for_load_state("load")
            public.wait_for_timeout(500)
            self.assertEqual(public.frames[1].locator('[data-testid="embed"]').count(), 0)
            self.assertTrue(any("frame-ancestors" in text for text in refusals), refusals)

        # A visitor's input reaches «Mitt arbeid», is answered and published.
        public.goto(self.live_server_url + measure.get_absolute_url())
        inputs = public.locator('[data-testid="input-form"]')
        inputs.get_by_label("Innspelet ditt").fill("Kan prosjektleiaren kome til Hemsedal òg?")
        inputs.get_by_role("button", name="Send innspelet").click()
        public.get_by_text("Takk. Innspelet ditt er sendt til sekretariatet.").wait_for()
        page.goto(self.live_server_url + "/mitt-arbeid/")
        page.locator('[data-testid="work-inputs"]').get_by_role(
            "link", name="Alle innspel frå publikum"
        ).click()
        item = page.locator('[data-testid="inbox-item"]')
        item.get_by_label("Svar", exact=True).fill("Ja, ho har kontordag i Hemsedal kvar veke.")
        item.get_by_label("Spørsmålet slik det blir vist offentleg").fill(
            "Kan prosjektleiaren kome til Hemsedal òg?"
        )
        item.get_by_label("Publiser spørsmålet og svaret under tiltaket").check()
        item.get_by_role("button", name="Lagre svaret").click()
        page.locator('[data-testid="inbox-item"][data-state="answered"]').wait_for()
        self.assertTrue(PublicInput.objects.get().published)
        public.goto(self.live_server_url + measure.get_absolute_url())
        self.assertIn(
            "kontordag i Hemsedal",
            public.locator('[data-testid="published-input"]').inner_text(),
        )

        # Every page on the way, for the secretariat and for the public.
        self.fits(
            [
                measure.get_absolute_url(),
                reverse("round", args=["hallingdal", "regionplan", opened.round.pk]),
                reverse("inbox", args=["hallingdal"]),
                "/mitt-arbeid/",
            ]
        )
        self.context.clear_cookies()
        self.fits(
            [
                measure.get_absolute_url(),
                reverse("timeline", args=["hallingdal", "regionplan"]),
                reverse("embed", args=["hallingdal", "regionplan"]),
                reverse("search", args=["hallingdal"]) + "?q=prosjektleiar",
            ]
        )
        self.assertTrue(Actor.objects.filter(pk=body.actor.pk).exists())
