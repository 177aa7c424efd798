"""Real headless Chromium (Debian's package) driven by Playwright, against a live server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


class BrowserTestCase(StaticLiveServerTestCase):
    _async_unsafe: str | None
    playwright: Playwright
    browser: Browser
    page: Page

    @classmethod
    def setUpClass(cls) -> None:
        # Playwright's sync API runs an event loop in this thread; Django must allow ORM
        # calls from the test thread all the same, for these tests only.
        cls._async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        if cls._async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls._async_unsafe

    def setUp(self) -> None:
        super().setUp()
        self.context = self.browser.new_context(locale="nn-NO")
        self.page = self.context.new_page()

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def log_in(self, page: Page | None = None, *, next: str = "") -> Page:
        """Log in as the demo secretariat through the login form, as a person does; with
        `next`, the form goes on to that page."""
        page = page or self.page
        page.goto(f"{self.live_server_url}/konto/login/" + (f"?next={next}" if next else ""))
        page.get_by_label("Brukarnamn").fill("sekretariat")
        page.get_by_label("Passord").fill("eit-langt-passord")
        page.get_by_role("button", name="Logg inn").click()
        return page

    def screenshot(self, name: str, **kwargs: Any) -> Path:
        folder = Path(os.environ.get("PLANSTATUS_TEST_ARTEFACTS", "test-artefacts"))
        folder.mkdir(parents=True, exist_ok=True)
        db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        path = folder / f"{name}-{db}.png"
        self.page.screenshot(path=str(path), **kwargs)
        return path
