"""Input from the public (issue 23, item 6): «Gje innspel til dette tiltaket» on a public
measure page goes to the secretariat's inbox, never straight to the page; the secretariat
answers (mailed to the sender if they left an address) and may publish the answer with the
question anonymised. A honeypot and a per-client limit in the shared cache keep programs
out; an address is kept no longer than the region chooses and can be deleted at once."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from planstatus.feedback.models import PublicInput
from planstatus.feedback.views import INPUTS_PER_CLIENT
from planstatus.regions.models import Region
from tests.base import BaseTestCase
from tests.html import by_testid, parse, text

QUESTION = "Kva skjer med gang- og sykkelvegen forbi skulen? Helsing Kari Nordmann"


class PublicInputTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.send_url = reverse("input_send", args=["testdal", "regionplan", self.measure.pk])
        self.inbox_url = reverse("inbox", args=["testdal"])

    def send(self, data: dict[str, Any], ip: str = "192.0.2.10") -> Any:
        return self.client.post(self.send_url, data, REMOTE_ADDR=ip)

    def answer(self, item: PublicInput, **data: Any) -> Any:
        self.client.force_login(self.owner)
        prefixed = {f"i{item.pk}-{k}": v for k, v in data.items()}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("input_answer", args=["testdal", item.pk]), prefixed)

    def test_the_public_measure_page_has_the_form_and_shows_no_input(self) -> None:
        page = parse(self.client.get(self.measure.get_absolute_url()))
        form = by_testid(page, "input-form").xpath(".//form")[0]
        self.assertEqual(form.get("action"), self.send_url)
        # The honeypot is out of reach of the keyboard and of assistive technology.
        [trap] = page.xpath('//input[@name="nettstad"]')
        self.assertEqual(trap.get("tabindex"), "-1")
        self.assertEqual(trap.getparent().get("aria-hidden"), "true")
        response = self.send({"text": QUESTION, "email": "kari@example.no"})
        self.assertRedirects(response, self.measure.get_absolute_url() + "#innspel")
        item = PublicInput.objects.get()
        self.assertEqual((item.text, item.email), (QUESTION, "kari@example.no"))
        # Nothing of it on the public page.
        public = text(parse(self.client.get(self.measure.get_absolute_url())))
        self.assertNotIn("sykkelvegen", public)
        self.assertNotIn("kari@example.no", public)

    def test_a_draft_plans_measure_takes_no_input(self) -> None:
        url = reverse("input_send", args=["testdal", "utkast", self.draft_measure.pk])
        self.assertEqual(self.client.post(url, {"text": "Hei"}).status_code, 404)
        page = parse(self.client.get(self.measure.get_absolute_url()))
        self.assertEqual(len(page.xpath('//*[@data-testid="input-form"]')), 1)
        self.assertEqual(PublicInput.objects.count(), 0)

    def test_refused_input_is_shown_again_with_a_nynorsk_message(self) -> None:
        cases = {
            "empty": {"text": "   "},
            "too long": {"text": "x" * 2001},
            "bad address": {"text": "Hei", "email": "ikkje-ei-adresse"},
            "nul byte": {"text": "Hei\x00du"},
        }
        for name, data in cases.items():
            response = self.send(data)
            self.assertEqual(response.status_code, 400, name)
            self.assertTrue(parse(response).xpath('//*[@class="ds-validation-message"]'), name)
        self.assertEqual(PublicInput.objects.count(), 0)
        # The person's text comes back in the form.
        response = self.send({"text": "Mitt innspel", "email": "feil"})
        self.assertIn("Mitt innspel", text(parse(response).xpath("//textarea")[0]))

    def test_hostile_text_is_kept_as_text_and_escaped(self) -> None:
        hostile = '<script>alert("x")</script>\u202eevil <img src=x onerror=alert(1)>'
        self.send({"text": hostile})
        item = PublicInput.objects.get()
        self.assertEqual(item.text, hostile)
        self.client.force_login(self.owner)
        page = parse(self.client.get(self.inbox_url))
        self.assertEqual(page.xpath("//main//script | //main//img[@onerror]"), [])
        self.assertIn('<script>alert("x")</script>', text(by_testid(page, "inbox-text")))

    def test_an_oversized_request_is_refused_and_stores_nothing(self) -> None:
        response = self.send({"text": "x" * (5 * 1024 * 1024)})
        self.assertIn(response.status_code, {400, 413})
        self.assertEqual(PublicInput.objects.count(), 0)

    def test_the_honeypot_answers_as_for_a_person_and_keeps_nothing(self) -> None:
        response = self.send({"text": "Billige klokker", "nettstad": "http://spam.example"})
        self.assertRedirects(response, self.measure.get_absolute_url() + "#innspel")
        self.assertEqual(PublicInput.objects.count(), 0)

    def test_the_limit_per_client_address(self) -> None:
        for n in range(INPUTS_PER_CLIENT):
            self.assertEqual(self.send({"text": f"Innspel {n}"}).status_code, 302)
        limited = self.send({"text": "Eitt til"})
        self.assertEqual(limited.status_code, 429)
        self.assertIn("ein time", text(parse(limited)))
        self.assertEqual(PublicInput.objects.count(), INPUTS_PER_CLIENT)
        # Another client is not held back.
        self.assertEqual(self.send({"text": "Frå ein annan"}, ip="198.51.100.7").status_code, 302)

    def test_the_secretariat_answers_and_publishes_anonymised(self) -> None:
        self.send({"text": QUESTION, "email": "kari@example.no"})
        item = PublicInput.objects.get()
        self.client.force_login(self.owner)
        inbox = parse(self.client.get(self.inbox_url))
        self.assertEqual(by_testid(inbox, "inbox-item").get("data-state"), "open")
        self.assertIn("kari@example.no", text(inbox))
        # First an answer only: mailed to the sender, not published.
        self.answer(item, answer="Vegen kjem i 2027.")
        [sent] = mail.outbox
        self.assertEqual(sent.to, ["kari@example.no"])
        self.assertIn("Vegen kjem i 2027.", sent.body)
        public = text(parse(self.client.get(self.measure.get_absolute_url())))
        self.assertNotIn("Vegen kjem i 2027.", public)
        # Publishing needs the question as it is to be shown.
        response = self.answer(item, answer="Vegen kjem i 2027.", published="on")
        self.assertEqual(response.status_code, 400)
        self.answer(
            item,
            answer="Vegen kjem i 2027, etter planen.",
            public_question="Kva skjer med gang- og sykkelvegen forbi skulen?",
            published="on",
        )
        self.assertEqual(len(mail.outbox), 1)  # a corrected answer is not mailed again
        self.client.logout()
        page = parse(self.client.get(self.measure.get_absolute_url()))
        published = text(by_testid(page, "published-input"))
        self.assertIn("forbi skulen?", published)
        self.assertIn("etter planen", published)
        self.assertNotIn("Kari Nordmann", text(page))
        # The earlier answer is kept in the history, and no version holds the address.
        item.refresh_from_db()
        answers = [h.answer for h in item.history.order_by("history_date")]  # type: ignore[attr-defined]
        self.assertIn("Vegen kjem i 2027.", answers)
        self.assertFalse(hasattr(item.history.first(), "email"))  # type: ignore[attr-defined]

    def test_the_inbox_refuses_outsiders_and_readers_cannot_answer(self) -> None:
        self.send({"text": QUESTION})
        item = PublicInput.objects.get()
        response = self.client.get(self.inbox_url)
        self.assertEqual(response.status_code, 302)  # to the login
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.inbox_url).status_code, 404)
        answer = reverse("input_answer", args=["testdal", item.pk])
        self.assertEqual(self.client.post(answer, {f"i{item.pk}-answer": "Nei"}).status_code, 404)
        # The outsider's own region has no such input either.
        other = reverse("input_answer", args=["annandal", item.pk])
        self.assertEqual(self.client.post(other, {f"i{item.pk}-answer": "Nei"}).status_code, 404)
        self.client.force_login(self.colleague)
        page = parse(self.client.get(self.inbox_url))
        self.assertIn("sykkelvegen", text(page))
        self.assertEqual(page.xpath('//form[contains(@action, "/svar/")]'), [])
        self.assertNotIn("@", text(by_testid(page, "inbox-item")))
        self.assertEqual(self.client.post(answer, {f"i{item.pk}-answer": "Nei"}).status_code, 403)
        erase = reverse("input_erase_email", args=["testdal", item.pk])
        self.assertEqual(self.client.post(erase).status_code, 403)
        item.refresh_from_db()
        self.assertEqual(item.answer, "")

    def test_the_address_is_deleted_by_hand_or_after_the_chosen_days(self) -> None:
        self.send({"text": "Gammalt", "email": "gammal@example.no"})
        self.send({"text": "Nytt", "email": "ny@example.no"})
        self.send({"text": "Slett meg", "email": "slett@example.no"})
        PublicInput.objects.filter(text="Gammalt").update(
            created_at=timezone.now() - datetime.timedelta(days=31)
        )
        self.client.force_login(self.owner)
        self.client.post(reverse("inbox_retention", args=["testdal"]), {"input_email_days": 30})
        self.assertEqual(Region.objects.get(slug="testdal").input_email_days, 30)
        out = io.StringIO()
        call_command("erase_input_addresses", stdout=out)
        self.assertIn("1 e-postadresse sletta", out.getvalue())
        emails = dict(PublicInput.objects.values_list("text", "email"))
        self.assertEqual(emails["Gammalt"], "")
        self.assertEqual(emails["Nytt"], "ny@example.no")
        item = PublicInput.objects.get(text="Slett meg")
        self.client.post(reverse("input_erase_email", args=["testdal", item.pk]))
        item.refresh_from_db()
        self.assertEqual(item.email, "")
        self.assertIsNotNone(item.email_erased_at)
        self.assertIn("vart sletta", text(parse(self.client.get(self.inbox_url))))

    def test_my_work_lists_what_waits_for_an_answer(self) -> None:
        self.send({"text": QUESTION})
        self.client.force_login(self.owner)
        page = parse(self.client.get(reverse("my_work")))
        inputs = text(by_testid(page, "work-inputs"))
        self.assertIn("1 ikkje svara", inputs)
        self.assertIn("sykkelvegen", inputs)
        # Nothing of it in the API.
        self.client.logout()
        api = self.client.get("/api/v1/regions/testdal/plans/regionplan/measures").content
        self.assertNotIn(b"sykkelvegen", api)

    def test_nothing_unpublished_reaches_the_api_the_data_or_the_feeds(self) -> None:
        self.send({"text": QUESTION, "email": "kari@example.no"})
        item = PublicInput.objects.get()
        self.answer(item, answer="Eit svar som ikkje er publisert.")
        self.client.logout()
        urls = [
            f"/api/v1/regions/testdal/plans/regionplan/measures/{self.measure.pk}",
            "/api/v1/regions/testdal/plans/regionplan/measures",
            reverse("plan_data", args=["testdal", "regionplan", "json"]),
            reverse("plan_data", args=["testdal", "regionplan", "csv"]),
            reverse("plan_feed", args=["testdal", "regionplan"]),
            reverse("region_feed", args=["testdal"]),
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                content = getattr(response, "streaming_content", [])
                body = b"".join(content) if response.streaming else response.content
                for secret in ("sykkelvegen", "kari@example.no", "ikkje er publisert"):
                    self.assertNotIn(secret.encode(), body)
