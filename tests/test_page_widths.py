"""Every main page, found by a crawl, fits its viewport at 375 and 1366 px and passes axe.

No list of pages to forget: the test starts where a visitor and the secretariat start (the
front page, the region, its plans) and follows same-site links, to a bound. Downloads, the
admin, logout and POST-only addresses are not pages to look at. Measure-, goal- and actor-
pages are many copies of one template: two of each address shape are enough."""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import override_settings
from playwright.sync_api import Error as PlaywrightError

from planstatus.installation.seed import EXAMPLE_SEED, load_seed_file
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, Plan
from planstatus.reporting.actions.rounds import open_round
from tests.browser import BrowserTestCase
from tests.test_browser import seed_with_secretariat

WIDTHS = [(375, 812), (1366, 900)]
BOUND = 70
# The pages issue 21 found too wide, kept as screenshots for people to look at.
SHOTS = {
    "/hallingdal/": "region",
    "/hallingdal/byregionprogrammet/": "programme",
    "/hallingdal/regionplan/oversikt/": "dashboard",
    "/hallingdal/regionplan/aktorar/": "actor-matrix",
    "/hallingdal/regionplan/indikatorar/": "indicators",
    "/hallingdal/regionplan/rundar/": "rounds",
    "/eksempelregionen/regionplan/oversikt/": "example-dashboard",
    "/eksempelregionen/": "example-region",
    "/mitt-arbeid/": "my-work",
    "/hallingdal/sok/?q=kommunane": "search",
}
PER_SHAPE = 2
SKIP = re.compile(
    r"(/admin/|/konto/logout|/api/|/last-ned|\.(csv|xlsx|docx|pdf|json|ods|odt|zip|txt|xml|atom|rss)$"
    r"|[?&]format=|/utskrift/|/mal\.)"
)


# Files to download rather than pages to look at; HEAD must answer for them all the same.
DOWNLOAD = re.compile(r"(\.(csv|xlsx|docx|pdf|json|ods|odt|zip)$|[?&]format=|/mal\.)")


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


@pytest.mark.browser
@override_settings(BASE_URL="")
class CrawledPagesFitAndPassAxeTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.context.close()
        # axe is injected by the test, which the pages' Content-Security-Policy would refuse.
        self.context = self.browser.new_context(locale="nn-NO", bypass_csp=True)
        self.page = self.context.new_page()
        seed_with_secretariat()
        plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        # Statuses exist, as in a plan in use: the dashboard once overflowed only then.
        cycle = [Status.DONE, Status.STARTED, Status.NOT_STARTED]
        for n, measure in enumerate(Measure.objects.filter(focus_area__plan=plan)[:30]):
            record_status(measure=measure, status=cycle[n % 3], comment=f"Kommentar {n}")
        self.round = open_round(
            plan=plan,
            title="Status desember",
            deadline=datetime.date.today() + datetime.timedelta(days=14),
            user=None,
            base_url=self.live_server_url,
        )

    def crawl(self, starts: list[str]) -> list[str]:
        """Same-site pages reachable from `starts`, breadth first, at most BOUND."""
        seen: set[str] = set()
        shapes: Counter[str] = Counter()
        queue = deque(starts)
        found: list[str] = []
        self.downloads: set[str] = set()
        while queue and len(found) < BOUND:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            path = urlparse(url).path
            if SKIP.search(url) or shapes[shape(path)] >= PER_SHAPE:
                continue
            try:
                response = self.page.goto(self.live_server_url + url)
            except PlaywrightError:  # a download starts instead of a page
                continue
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            if response.status != 200:
                continue
            shapes[shape(path)] += 1
            found.append(url)
            hrefs = self.page.eval_on_selector_all(
                "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
            )
            for href in hrefs:
                href = urldefrag(href)[0]
                if href.startswith(self.live_server_url):
                    href = href.removeprefix(self.live_server_url)
                if href.startswith("/") and not href.startswith("//"):
                    queue.append(href)
                    if DOWNLOAD.search(href):
                        self.downloads.add(href)
        return found

    def check(self, urls: list[str]) -> dict[str, object]:
        return self.check_pages(urls, WIDTHS, screenshots=SHOTS, prefix="width")

    def assert_head_answers(self, urls: list[str]) -> None:
        """HEAD answers wherever GET does, with the same status and type and no body."""
        wrong = {}
        for url in urls:
            get = self.page.request.get(self.live_server_url + url, max_redirects=0)
            head = self.page.request.head(self.live_server_url + url, max_redirects=0)
            same = head.status == get.status and head.headers.get(
                "content-type"
            ) == get.headers.get("content-type")
            if get.status != 200 or not same or head.body():
                wrong[url] = (get.status, head.status, len(head.body()))
        self.assertEqual(wrong, {})

    def test_public_pages(self) -> None:
        urls = self.crawl(
            ["/", "/hallingdal/", "/hallingdal/regionplan/", "/hallingdal/sok/?q=kommunane"]
        )
        self.assertGreater(len(urls), 15, urls)
        self.assertTrue(any(u.endswith(".csv") for u in self.downloads), self.downloads)
        self.assert_head_answers(urls + sorted(self.downloads))
        problems = self.check(urls)
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))

    def test_secretariat_pages(self) -> None:
        self.log_in()
        self.page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        urls = self.crawl(
            [
                "/",
                "/mitt-arbeid/",
                "/hallingdal/",
                "/hallingdal/regionplan/",
                f"/hallingdal/regionplan/rundar/{self.round.round.pk}/",
            ]
        )
        self.assertGreater(len(urls), 20, urls)
        self.assert_head_answers(urls + sorted(self.downloads))
        problems = self.check(urls)
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))

    def test_example_region_pages(self) -> None:
        """Eksempelregionen, with its rounds, indicator values and sent case, as the
        public sees it: a crawl of its own."""
        load_seed_file(path=EXAMPLE_SEED)
        urls = self.crawl(["/", "/eksempelregionen/", "/eksempelregionen/regionplan/"])
        self.assertGreater(len([u for u in urls if u.startswith("/eksempelregionen/")]), 10)
        problems = self.check(urls)
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))
