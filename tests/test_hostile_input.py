"""Hostile and odd input in every text field we accept: stored exactly and shown escaped, or
refused with a clear message. Never a server error, never a half-written change."""

from __future__ import annotations

from django.urls import reverse

from planstatus.plans.models import Measure, StatusUpdate
from tests.base import BaseTestCase
from tests.html import parse

SCRIPT = "<script>alert('x')</script> & <b>feit</b>"
SQL = "Robert'); DROP TABLE plans_measure; -- \" OR 1=1"
EMOJI = "Tiltak 🚀✅ 👩🏽‍💼 med æøå og «sitat»"
ACCEPTED = [SCRIPT, SQL, EMOJI]


class HostileInputTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.owner)
        self.status_url = reverse("measure_status", args=["testdal", "regionplan", self.measure.pk])
        self.edit_url = reverse("measure_edit", args=["testdal", "regionplan", self.measure.pk])

    def test_status_comment_is_stored_exactly_and_shown_escaped(self) -> None:
        for text in ACCEPTED:
            seen = StatusUpdate.objects.filter(measure=self.measure).first()
            response = self.client.post(
                self.status_url,
                {
                    "status": "started",
                    "comment": text,
                    "expected_previous": seen.pk if seen else "",
                },
            )
            self.assertEqual(response.status_code, 302, text)
            update = StatusUpdate.objects.filter(measure=self.measure).first()
            assert update is not None
            self.assertEqual(update.comment, text)
        page = parse(self.client.get(self.measure.get_absolute_url()))
        # Each comment is shown as the text it was, never as markup: no element came of it.
        comments = page.xpath('//ol[@class="history"]//p[contains(@class, "comment")]')
        # Newest first; each is followed by its «(intern)» mark.
        self.assertEqual([c.text.removesuffix(" ") for c in comments], [EMOJI, SQL, SCRIPT])
        self.assertEqual(page.xpath("//script[not(@src)] | //ol//b"), [])

    def test_measure_text_is_stored_exactly_and_shown_escaped(self) -> None:
        for text in ACCEPTED:
            response = self.client.post(self.edit_url, {"text": text, "timing_text": "2025"})
            self.assertEqual(response.status_code, 302, text)
            self.assertEqual(Measure.objects.get(pk=self.measure.pk).text, text)
        plan_page = self.client.get(reverse("plan", args=["testdal", "regionplan"]))
        self.assertNotIn("<script>alert", plan_page.content.decode())
        self.assertContains(plan_page, "Tiltak 🚀✅")

    def test_too_long_empty_and_nul_are_refused_with_a_message(self) -> None:
        before_text = Measure.objects.get(pk=self.measure.pk).text
        cases = [
            (self.status_url, {"status": "started", "comment": "x" * 10_000}, "2000"),
            (self.status_url, {"status": "started", "comment": "før\x00etter"}, "Null"),
            (self.status_url, {"status": "nonsense"}, "Status"),
            (self.status_url, {}, "Status"),
            (self.edit_url, {"text": "x" * 10_000, "timing_text": "2025"}, "5000"),
            (self.edit_url, {"text": "   ", "timing_text": "2025"}, "Tiltaket treng ein tekst"),
            (self.edit_url, {"text": "ok", "timing_text": "x" * 500}, "100"),
            (self.edit_url, {"text": "før\x00etter", "timing_text": "2025"}, "Null"),
        ]
        for url, data, message in cases:
            response = self.client.post(url, data)
            self.assertEqual(response.status_code, 400, data)
            self.assertContains(response, "Ingenting vart lagra", status_code=400)
            self.assertContains(response, message, status_code=400)
        self.assertFalse(StatusUpdate.objects.exists())
        self.assertEqual(Measure.objects.get(pk=self.measure.pk).text, before_text)
