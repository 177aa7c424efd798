"""No page is wider than its screen (issue 21, bug 3): a crawl from the front page, as the
public and as the secretariat, at a phone's width and a laptop's. Every page the crawl
reaches is measured, not a list someone remembered to keep."""

from __future__ import annotations

import datetime
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import override_settings
from django.utils import timezone

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Plan
from planstatus.reporting.actions.rounds import close_round, open_round
from tests.browser import BrowserTestCase
from tests.test_browser import seed_with_secretariat

# Files and actions, not pages: downloads, the admin, logging out, personal links.
SKIP = ("/admin/", "/konto/logout/", "/r/", "/static/", "/api/v1/docs", "/api/v1/openapi")
SKIP_ENDINGS = (".csv", ".xlsx", ".json", ".pdf", ".docx", ".zip", ".txt", ".html")
MOST_PAGES = 60


@pytest.mark.browser
@override_settings(BASE_URL="")
class PageWidthTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        # Statuses and a closed round, so the dashboard and its charts have something to draw.
        statuses = [Status.DONE, Status.STARTED, Status.NOT_STARTED, Status.CANCELLED]
        for n, measure in enumerate(plan.measures().order_by("pk")[:40]):
            record_status(measure=measure, status=statuses[n % 4], comment="Ein kommentar " * 8)
        opened = open_round(
            plan=plan,
            title="Status haust",
            deadline=timezone.localdate() + datetime.timedelta(days=7),
            user=None,
            base_url="http://localhost",
        )
        close_round(round=opened.round, user=None)

    def crawl(self, width: int) -> dict[str, int]:
        """Each page reached from the front page and the region, with how much wider than
        the screen it is."""
        page = self.page
        page.set_viewport_size({"width": width, "height": 800})
        base = self.live_server_url
        queue = [base + "/", base + "/hallingdal/", base + "/hallingdal/regionplan/"]
        seen: set[str] = set()
        too_wide: dict[str, int] = {}
        while queue and len(seen) < MOST_PAGES:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = page.goto(url)
            if (
                response is None
                or response.status != 200
                or "text/html" not in (response.headers.get("content-type", ""))
            ):
                continue
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                too_wide[url.removeprefix(base)] = overflow
            for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
                href = urldefrag(href)[0]
                path = urlparse(href).path
                if (
                    href.startswith(base)
                    and href not in seen
                    and not path.startswith(SKIP)
                    and not path.endswith(SKIP_ENDINGS)
                ):
                    queue.append(href)
        self.assertGreater(len(seen), 20, "the crawl reached too few pages")
        return too_wide

    def test_public_pages_fit_a_phone_and_a_laptop(self) -> None:
        for width in (375, 1366):
            self.assertEqual(self.crawl(width), {}, f"pages wider than {width} px")

    def test_the_secretariats_pages_fit_a_phone_and_a_laptop(self) -> None:
        self.log_in()
        self.page.wait_for_url(f"{self.live_server_url}/")
        for width in (375, 1366):
            self.assertEqual(self.crawl(width), {}, f"pages wider than {width} px")
