"""Input from the public in a real browser: a visitor on a phone sends input from a measure
page; it reaches «Mitt arbeid» and the inbox; the secretariat answers and publishes it with
the question anonymised; the public sees the answer under the measure. Each page passes axe
and fits 375 px."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import override_settings

from planstatus.feedback.models import PublicInput
from planstatus.plans.models import Measure
from tests.browser import BrowserTestCase
from tests.test_browser import seed_with_secretariat


@pytest.mark.browser
@override_settings(BASE_URL="")
class PublicInputInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.context.close()
        # axe is injected by the test, which the pages' Content-Security-Policy would refuse.
        self.context = self.browser.new_context(locale="nn-NO", bypass_csp=True)
        self.page = self.context.new_page()
        seed_with_secretariat()
        self.measure = Measure.objects.get(focus_area__plan__slug="regionplan", code="1.1.1")

    def test_a_visitor_asks_and_the_secretariat_answers_in_public(self) -> None:
        page = self.page
        page.set_viewport_size({"width": 375, "height": 812})
        page.goto(self.live_server_url + self.measure.get_absolute_url())
        form = page.locator('[data-testid="input-form"]')
        form.get_by_label("Innspelet ditt").fill(
            "Kan næringshagen òg hjelpe gründerar i Flå? Helsing Ola i Flå"
        )
        form.get_by_label("E-postadressa di").fill("ola@example.no")
        form.get_by_role("button", name="Send innspelet").click()
        page.get_by_text("Takk. Innspelet ditt er sendt til sekretariatet.").wait_for()
        self.assertEqual(PublicInput.objects.count(), 1)
        self.screenshot("input-sent-phone", full_page=True)

        self.log_in()
        page.wait_for_url(f"{self.live_server_url}/mitt-arbeid/")
        inputs = page.locator('[data-testid="work-inputs"]')
        self.assertIn("1 ikkje svara", inputs.inner_text())
        inputs.get_by_role("link", name="Alle innspel frå publikum").click()
        item = page.locator('[data-testid="inbox-item"]')
        item.get_by_label("Svar", exact=True).fill(
            "Ja, næringshagen har kontordag i Flå kvar veke."
        )
        item.get_by_label("Spørsmålet slik det blir vist offentleg").fill(
            "Kan næringshagen òg hjelpe gründerar i Flå?"
        )
        item.get_by_label("Publiser spørsmålet og svaret under tiltaket").check()
        item.get_by_role("button", name="Lagre svaret").click()
        page.locator('[data-testid="inbox-item"][data-state="answered"]').wait_for()
        self.screenshot("input-inbox-phone", full_page=True)
        problems = self.check_pages(
            ["/hallingdal/innspel/", "/mitt-arbeid/"],
            [(375, 812), (1366, 900)],
            screenshots={"/hallingdal/innspel/": "inbox"},
            prefix="input",
        )
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))

        self.context.clear_cookies()
        problems = self.check_pages([self.measure.get_absolute_url()], [(375, 812), (1366, 900)])
        self.assertEqual(problems, {}, json.dumps(problems, indent=2, ensure_ascii=False))
        published = page.locator('[data-testid="published-input"]')
        self.assertIn("kontordag i Flå", published.inner_text())
        self.assertNotIn("Ola", page.locator("main").inner_text())
