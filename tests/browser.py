"""Real headless Chromium (Debian's package) driven by Playwright, against a live server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# The elements that stick out past the right edge, named for the failure message.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - width;
  if (over <= 0) return null;
  const wide = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    // Inside a box that scrolls sideways, sticking out is that box's business.
    // (An absolutely placed element escapes such a box unless the box is positioned.)
    const placed = getComputedStyle(e).position === 'absolute';
    let scrolled = false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (placed && style.position === 'static') continue;
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { scrolled = true; break; }
    }
    if (!scrolled && r.right > width + 1 && r.width > 0) {
      const cls = typeof e.className === 'string' ? e.className.trim() : '';
      wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (cls ? '.' + cls.split(/\\s+/).join('.') : '') + ' ' + Math.round(r.right) + 'px');
    }
  }
  // And the path to the box that widens the page: hiding it narrows the page.
  const d = document.documentElement, base = d.scrollWidth, path = [];
  for (let el = document.body, next = true; next; ) {
    next = false;
    for (const c of el.children) {
      const old = c.style.display;
      c.style.display = 'none';
      const narrower = d.scrollWidth < base;
      c.style.display = old;
      if (narrower) {
        path.push(c.tagName.toLowerCase() + '.' + c.className);
        el = c;
        next = true;
        break;
      }
    }
  }
  return {scrollWidth: base, elements: wide.slice(0, 6), path: path};
}"""


def open_card(item: Locator) -> Locator:
    """A measure's card on a link page, opened to its form as a person does: by tapping its
    summary line (the first card still missing is open already)."""
    if not item.locator("details.report-card__details").evaluate("d => d.open"):
        item.get_by_test_id("card-summary").click()
    return item


def serious_axe_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's serious and critical WCAG 2.1 AA findings on the page as it stands (the
    page's context must bypass the Content-Security-Policy to let axe in)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_AA,
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
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

    def check_pages(
        self,
        urls: list[str],
        sizes: list[tuple[int, int]],
        *,
        screenshots: dict[str, str] | None = None,
        prefix: str = "page",
    ) -> dict[str, object]:
        """Each page at each size: what sticks out past the screen's edge and what axe finds,
        by page and size; empty when all is well. Pages named in `screenshots` are saved."""
        problems: dict[str, object] = {}
        for width, height in sizes:
            self.page.set_viewport_size({"width": width, "height": height})
            for url in urls:
                self.page.goto(self.live_server_url + url)
                overflow = self.page.evaluate(OVERFLOW_JS)
                if screenshots and url in screenshots:
                    self.screenshot(f"{prefix}-{screenshots[url]}-{width}", full_page=True)
                if overflow:
                    problems[f"{url} at {width} px"] = overflow
                if bad := serious_axe_violations(self.page):
                    problems[f"{url} at {width} px: axe"] = bad
        return problems

    def screenshot(self, name: str, **kwargs: Any) -> Path:
        folder = Path(os.environ.get("PLANSTATUS_TEST_ARTEFACTS", "test-artefacts"))
        folder.mkdir(parents=True, exist_ok=True)
        db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        path = folder / f"{name}-{db}.png"
        self.page.screenshot(path=str(path), **kwargs)
        return path
