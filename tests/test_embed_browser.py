"""The embed in a real browser: a page on another origin (a second loopback server, as a
municipality's web site would be) frames it when the secretariat has listed that origin,
and Chromium refuses the frame for a page on an origin not listed. The embed and its
settings page pass axe and fit a 375 px phone."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django.urls import reverse

from planstatus.plans.models import Plan
from planstatus.regions.models import Actor
from tests.browser import BrowserTestCase
from tests.test_browser import seed_with_secretariat


@contextmanager
def host_site(embed_url: str) -> Iterator[str]:
    """A web site of its own on another loopback port, whose page frames the embed."""
    page = (
        '<!DOCTYPE html><html lang="nn"><head><meta charset="utf-8"><title>Gol kommune</title>'
        f'</head><body><h1>Gol kommune</h1><iframe src="{embed_url}" title="Status"'
        ' width="600" height="320"></iframe></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@override_settings(BASE_URL="")
class EmbedInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        seed_with_secretariat()
        self.plan = Plan.objects.get(region__slug="hallingdal", slug="regionplan")
        self.path = reverse("embed", args=["hallingdal", "regionplan"])

    def test_framed_by_a_listed_site_and_refused_by_another(self) -> None:
        embed_url = self.live_server_url + self.path
        with host_site(embed_url) as allowed, host_site(embed_url) as other:
            self.plan.embed_origins = [allowed]
            self.plan.save()
            refusals: list[str] = []
            self.page.on("console", lambda m: refusals.append(m.text))

            self.page.goto(allowed + "/")
            frame = self.page.frame_locator("iframe")
            frame.locator('[data-testid="embed"]').wait_for()
            self.assertIn("Regionplan for Hallingdal", frame.locator("h1").inner_text())
            self.assertEqual(refusals, [])
            self.screenshot("embed-framed-allowed")

            self.page.goto(other + "/")
            self.page.wait_for_load_state("load")
            self.page.wait_for_timeout(500)
            child = self.page.frames[1]
            self.assertEqual(child.locator('[data-testid="embed"]').count(), 0)
            self.assertTrue(any("frame-ancestors" in text for text in refusals), refusals)
            self.screenshot("embed-framed-refused")

    def test_embed_and_its_settings_pass_axe_and_fit_a_phone(self) -> None:
        self.context.close()
        self.context = self.browser.new_context(locale="nn-NO", bypass_csp=True)
        self.page = self.context.new_page()
        gol = Actor.objects.get(region__slug="hallingdal", name="Hemsedal kommune")
        area = self.plan.focus_areas.first()
        assert area is not None
        urls = [
            self.path,
            f"{self.path}?aktor={gol.pk}",
            f"{self.path}?omrade={area.pk}",
            f"{self.path}?omrade=999999",
        ]
        problems = self.check(urls)
        self.log_in()
        self.page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        problems |= self.check(
            [
                reverse("plan_embed_settings", args=["hallingdal", "regionplan"]),
                reverse("region_embed_settings", args=["hallingdal"]),
            ]
        )
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))
        self.page.set_viewport_size({"width": 375, "height": 600})
        self.page.goto(self.live_server_url + f"{self.path}?aktor={gol.pk}")
        self.screenshot("embed-gol-phone", full_page=True)

    def check(self, urls: list[str]) -> dict[str, object]:
        return self.check_pages(urls, [(375, 800), (1366, 800)])
