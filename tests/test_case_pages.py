"""The status case through the web: drafts, preview, sending, the archive, and who may."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.urls import reverse
from django.utils import timezone

from planstatus.cases.models import CaseDocument, CaseDraft, CaseSettings, SentCase
from planstatus.cases.services import CaseError, make_case_draft
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from tests.base import BaseTestCase
from tests.cases import DETAILS, by_test_id, closed_round, html_tree

SCRIPT = "<script>alert('x')</script>"


class CasePageTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.page_url = reverse("case_page", args=["testdal", "regionplan"])
        self.print_url = reverse("case_print", args=["testdal", "regionplan"])

    def form(self, **changes: Any) -> dict[str, Any]:
        data = {
            "round": "now",
            "case_number": "16-25",
            "title": "Regionplan – status",
            "background": "Første avsnitt.\n\nAndre avsnitt.",
            "highlights": "- Breibandet er ferdig.\n- To tiltak ventar på pengar.",
            "proposed_resolution": "Saka blir teken til orientering",
            "place": "Gol",
            "date": "2025-03-15",
            "signer_name": "Kari Nordmann",
            "signer_title": "Dagleg leiar",
        }
        data.update(changes)
        return data

    def make(self, **changes: Any) -> CaseDraft:
        self.client.force_login(self.owner)
        before = CaseDraft.objects.count()
        response = self.client.post(self.page_url, self.form(**changes))
        draft = CaseDraft.objects.latest("pk")
        self.assertRedirects(
            response,
            f"{self.page_url}?utkast={draft.pk}#forhandsvising",
            fetch_redirect_response=False,
        )
        self.assertEqual(CaseDraft.objects.count(), before + 1)
        return draft

    def url(self, name: str, *args: object) -> str:
        return reverse(name, args=["testdal", "regionplan", *args])

    def send(self, draft: CaseDraft, status: int = 302) -> Any:
        response = self.client.post(self.url("case_draft_send", draft.pk))
        self.assertEqual(response.status_code, status, response.content[:300])
        return response

    def download(self, url: str) -> tuple[bytes, str]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        disposition = response["Content-Disposition"]
        self.assertTrue(disposition.startswith("attachment; filename="), disposition)
        return response.content, disposition


class DraftTests(CasePageTestCase):
    def test_a_draft_is_made_previewed_in_the_page_and_downloaded_but_not_archived(self) -> None:
        draft = self.make()
        self.assertFalse(SentCase.objects.exists())
        self.assertFalse(CaseDocument.objects.exists())
        self.assertEqual(
            (draft.case_number, draft.made_by, draft.made_by_name), ("16-25", self.owner, "owner")
        )
        page = self.client.get(self.page_url, {"utkast": draft.pk})
        frames = html_tree(page.content).xpath('//iframe[@data-testid="case-preview-frame"]')
        self.assertEqual([f.get("src") for f in frames], [self.url("case_draft_preview", draft.pk)])
        self.assertEqual(frames[0].get("sandbox"), "")

        preview = self.client.get(self.url("case_draft_preview", draft.pk))
        self.assertEqual(preview.status_code, 200)
        self.assertEqual(preview["X-Frame-Options"], "SAMEORIGIN")
        policy = preview["Content-Security-Policy"]
        for directive in ("default-src 'none'", "frame-ancestors 'self'", "sandbox"):
            self.assertIn(directive, policy)
        self.assertIn("Breibandet er ferdig.", by_test_id(preview.content, "highlights")[0])
        self.assertEqual(by_test_id(preview.content, "comment"), ["Ingen kommentar er rapportert."])
        # The case page itself may still not be framed.
        self.assertEqual(page["X-Frame-Options"], "DENY")

        for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("html", b"<!DOCTYPE html>")):
            data, disposition = self.download(self.url("case_draft_file", draft.pk, fmt))
            self.assertTrue(data.startswith(magic), fmt)
            self.assertIn(f'"utkast-sak-16-25-regionplan-for-testdal.{fmt}"', disposition)
        self.assertEqual(
            self.client.get(self.url("case_draft_file", draft.pk, "exe")).status_code, 404
        )

    def test_a_draft_is_deleted_with_a_post_and_nothing_else_goes(self) -> None:
        draft, other = self.make(), self.make(case_number="17-25")
        self.assertEqual(self.client.get(self.url("case_draft_delete", draft.pk)).status_code, 405)
        response = self.client.post(self.url("case_draft_delete", draft.pk))
        self.assertRedirects(response, self.page_url)
        self.assertEqual(list(CaseDraft.objects.values_list("pk", flat=True)), [other.pk])
        self.assertEqual(
            self.client.get(self.url("case_draft_file", draft.pk, "pdf")).status_code, 404
        )

    def test_the_fields_are_remembered_for_the_next_case_with_history(self) -> None:
        self.make(case_number="16-25", signer_name="Kari Nordmann")
        self.make(case_number="30-25", signer_name="Ola Nordmann", highlights="Eitt punkt")
        remembered = CaseSettings.objects.get(plan=self.plan)
        self.assertEqual(
            (remembered.case_number, remembered.signer_name, remembered.highlights),
            ("30-25", "Ola Nordmann", "Eitt punkt"),
        )
        history = CaseSettings.history.filter(plan=self.plan)  # type: ignore[attr-defined]
        self.assertEqual(
            list(history.values_list("case_number", "history_user")),
            [("30-25", self.owner.pk), ("16-25", self.owner.pk)],
        )
        form = self.client.get(self.page_url).context["form"]
        self.assertEqual(form.initial["case_number"], "30-25")
        self.assertEqual(form.initial["highlights"], "Eitt punkt")
        self.assertEqual(form.initial["date"], timezone.localdate())  # the date is not remembered

    def test_first_case_offers_sensible_defaults(self) -> None:
        self.client.force_login(self.owner)
        initial = self.client.get(self.page_url).context["form"].initial
        self.assertEqual(initial["proposed_resolution"], "Saka blir teken til orientering")
        self.assertEqual(initial["title"], "Regionplan for Testdal – status")
        self.assertEqual(initial["place"], "Testdal")
        self.assertEqual(initial["round"], "now")
        self.assertEqual(initial["highlights"], "")

    def test_a_draft_of_a_closed_round(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED)
        round = closed_round(self.plan, "Vår 2025", self.owner)
        record_status(measure=self.measure, status=Status.DONE)
        draft = self.make(round=str(round.pk))
        self.assertEqual(draft.round, round)
        self.assertIn("◐ Påstarta", draft.html)
        self.assertNotIn('data-status="done"', draft.html)
        self.assertIn("rapporteringsrunden «Vår 2025", draft.html)

    def test_bad_input_is_refused_in_nynorsk_and_changes_nothing(self) -> None:
        self.client.force_login(self.owner)
        other_round = closed_round(self.draft, "Anna plan sin runde")
        # Django's own messages come from its Nynorsk catalogue; ours are English msgids
        # that the project catalogue translates, so for those the field is checked.
        cases = [
            ({"case_number": ""}, "case_number", "Feltet er påkravd."),
            ({"case_number": "16-25\nDROP"}, "case_number", None),
            ({"case_number": "x" * 31}, "case_number", "Verdien kan ikkje ha fleire enn 30 teikn"),
            ({"date": "15. mars"}, "date", "Oppgje ein gyldig dato."),
            ({"round": str(other_round.pk)}, "round", "Velg eit gyldig valg."),
            ({"background": "x" * 5001}, "background", "fleire enn 5000 teikn"),
            ({"highlights": "x" * 1501}, "highlights", "fleire enn 1500 teikn"),
            ({"highlights": "1\n2\n3\n4\n5\n6"}, "highlights", "Skriv høgst 5 punkt"),
            ({"title": "før\x00etter"}, "title", "Null"),
            ({"signer_name": "   "}, "signer_name", "Feltet er påkravd."),
        ]
        for change, field, message in cases:
            response = self.client.post(self.page_url, self.form(**change))
            self.assertEqual(response.status_code, 400, change)
            self.assertContains(response, "Ingenting vart lagra", status_code=400)
            self.assertEqual(list(response.context["form"].errors), [field], change)
            if message:
                self.assertContains(response, message, status_code=400)
        self.assertFalse(CaseDraft.objects.exists())
        self.assertFalse(CaseSettings.objects.exists())

    def test_hostile_text_is_stored_as_written_and_shown_escaped(self) -> None:
        draft = self.make(background=SCRIPT, title=SCRIPT, highlights=SCRIPT)
        self.assertEqual((draft.background, draft.highlights), (SCRIPT, SCRIPT))
        self.assertNotIn("<script>", draft.html)
        self.assertIn("&lt;script&gt;", draft.html)
        page = self.client.get(self.page_url).content.decode()
        self.assertNotIn("<script>alert", page)
        printed = self.client.get(self.print_url, {"round": "now"}).content.decode()
        self.assertNotIn("<script>alert", printed)

    def test_a_failure_while_making_a_draft_leaves_no_trace(self) -> None:
        # The round is checked before anything is rendered or stored. (A process killed
        # while sending is tested in tests/test_faults.py.)
        elsewhere = closed_round(self.draft, "Runde i utkastet")
        with self.assertRaises(CaseError):
            make_case_draft(plan=self.plan, round=elsewhere, details=DETAILS, user=self.owner)
        self.assertFalse(CaseDraft.objects.exists())
        self.assertFalse(CaseSettings.objects.exists())


class SendTests(CasePageTestCase):
    def test_sending_archives_the_drafts_pdf_and_word_file_as_one_case(self) -> None:
        draft = self.make()
        pdf, docx_bytes = bytes(draft.pdf), bytes(draft.docx)
        response = self.send(draft)
        sent = SentCase.objects.get()
        self.assertRedirects(response, sent.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(response["Location"], f"{self.page_url}#sendt-{sent.pk}")
        self.assertFalse(CaseDraft.objects.exists())
        self.assertEqual(
            (sent.case_number, sent.date, sent.sent_by, sent.sent_by_name, sent.sent_via),
            ("16-25", datetime.date(2025, 3, 15), self.owner, "owner", "web"),
        )
        self.assertLess(timezone.now() - sent.sent_at, datetime.timedelta(minutes=1))
        self.assertEqual(sent.inputs_digest, draft.inputs_digest)
        files = {d.format: d for d in sent.documents.all()}
        self.assertEqual(set(files), {"pdf", "docx"})
        for fmt, data in (("pdf", pdf), ("docx", docx_bytes)):
            document = files[fmt]
            self.assertEqual(bytes(document.data), data)  # exactly what was looked over
            self.assertEqual(document.sha256, hashlib.sha256(data).hexdigest())
            self.assertEqual(document.filename, f"sak-16-25-regionplan-for-testdal.{fmt}")
            self.assertTrue(document.is_intact)
            downloaded, _ = self.download(self.url("case_download", document.pk))
            self.assertEqual(downloaded, data)
        page = self.client.get(self.page_url)
        [entry] = by_test_id(page.content, "sent-case")
        self.assertIn("Sak 16-25 Regionplan – status", entry)
        self.assertIn(files["pdf"].sha256, entry)  # the checksum, whole
        self.assertIn("owner", entry)
        self.assertEqual(
            by_test_id(page.content, "case-export", "href"), [self.url("case_export", sent.pk)]
        )

    def test_a_sent_case_cannot_be_changed(self) -> None:
        self.send(self.make())
        sent = SentCase.objects.get()
        sent.title = "Endra"
        with self.assertRaisesMessage(ValueError, "kan ikkje endrast"):
            sent.save()
        document = sent.documents.first()
        assert document is not None
        with self.assertRaises(ValueError):
            document.save()

    def test_the_same_inputs_are_sent_once_with_a_link_to_the_copy(self) -> None:
        self.send(self.make())
        sent = SentCase.objects.get()
        again = self.make()  # same round, fields, statuses and comments: a new .docx all the same
        self.assertNotEqual(bytes(again.docx), bytes(sent.documents.get(format="docx").data))
        response = self.send(again, status=409)
        self.assertEqual(SentCase.objects.count(), 1)
        self.assertEqual(CaseDocument.objects.count(), 2)
        self.assertTrue(CaseDraft.objects.filter(pk=again.pk).exists())
        [alert] = html_tree(response.content).xpath('//*[@data-testid="already-sent"]')
        self.assertEqual(alert.xpath(".//a/@href"), [sent.get_absolute_url()])
        self.assertContains(response, "vart alt sendt", status_code=409)

        # Another case number is another case; so is a changed status.
        self.send(self.make(case_number="17-25"))
        record_status(measure=self.measure, status=Status.STARTED)
        self.send(self.make())
        self.assertEqual(SentCase.objects.count(), 3)

    def test_a_draft_older_than_the_statuses_is_not_sent(self) -> None:
        draft = self.make()
        record_status(
            measure=self.measure, status=Status.DONE, comment="Ferdig.", comment_is_public=True
        )
        response = self.send(draft, status=409)
        self.assertContains(response, "Lag eit nytt utkast", status_code=409)
        self.assertFalse(SentCase.objects.exists())
        self.assertTrue(CaseDraft.objects.filter(pk=draft.pk).exists())

    def test_the_next_case_compares_with_the_case_sent(self) -> None:
        record_status(measure=self.measure, status=Status.NOT_STARTED)
        self.send(self.make())
        record_status(measure=self.measure, status=Status.STARTED)
        draft = self.make(case_number="40-25")
        self.assertIn("sidan sak 16-25 (15. mars 2025)", draft.html)
        [line] = by_test_id(draft.html, "progress")
        self.assertIn("har eitt tiltak gått framover og 0 tiltak gått tilbake", line)


class WhoMayTests(CasePageTestCase):
    def test_reader_fetches_drafts_and_sent_cases_but_makes_sends_and_deletes_nothing(self) -> None:
        draft = self.make()
        self.send(self.make(case_number="17-25"))
        sent = SentCase.objects.get()
        document = sent.documents.get(format="pdf")
        self.client.force_login(self.colleague)
        page = self.client.get(self.page_url)
        self.assertEqual(page.status_code, 200)
        self.assertIsNone(page.context["form"])
        tree = html_tree(page.content)
        self.assertFalse(tree.xpath('//*[@data-testid="case-form"]'))
        self.assertFalse(tree.xpath("//form[contains(@action, '/send/')]"))
        for url in (
            self.url("case_draft_preview", draft.pk),
            self.url("case_draft_file", draft.pk, "pdf"),
            self.url("case_download", document.pk),
            self.url("case_export", sent.pk),
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)
        for url, data in (
            (self.page_url, self.form(case_number="99-25")),
            (self.url("case_draft_send", draft.pk), {}),
            (self.url("case_draft_delete", draft.pk), {}),
        ):
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        self.assertEqual(SentCase.objects.count(), 1)
        self.assertEqual(list(CaseDraft.objects.values_list("pk", flat=True)), [draft.pk])
        self.assertEqual(CaseSettings.objects.get().case_number, "17-25")

    def test_outsider_and_public_see_nothing_of_a_published_plans_cases(self) -> None:
        draft = self.make()
        self.send(self.make(case_number="17-25"))
        sent = SentCase.objects.get()
        document = sent.documents.get(format="pdf")
        urls = [
            self.page_url,
            self.print_url,
            self.url("case_download", document.pk),
            self.url("case_export", sent.pk),
            self.url("case_draft_preview", draft.pk),
            self.url("case_draft_file", draft.pk, "pdf"),
        ]
        plan_url = reverse("plan", args=["testdal", "regionplan"])
        self.client.force_login(self.outsider)
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for url in (self.url("case_draft_send", draft.pk), self.url("case_draft_delete", draft.pk)):
            self.assertEqual(self.client.post(url).status_code, 404, url)
        self.assertFalse(by_test_id(self.client.get(plan_url).content, "plan-cases"))
        self.client.logout()
        self.assertFalse(by_test_id(self.client.get(plan_url).content, "plan-cases"))
        # Another plan's case and draft are not reachable under this plan.
        self.client.force_login(self.owner)
        for name, pk in (("case_download", document.pk), ("case_draft_preview", draft.pk)):
            wrong = reverse(name, args=["testdal", "utkast", pk])
            self.assertEqual(self.client.get(wrong).status_code, 404)
        self.assertEqual(SentCase.objects.count(), 1)
        self.assertTrue(CaseDraft.objects.filter(pk=draft.pk).exists())

    def test_plan_page_lists_the_latest_sent_cases_for_members(self) -> None:
        self.make()  # a draft: not on the plan page
        self.send(self.make(case_number="17-25"))
        document = SentCase.objects.get().documents.get(format="pdf")
        plan_url = reverse("plan", args=["testdal", "regionplan"])
        for user in (self.owner, self.colleague):
            self.client.force_login(user)
            page = self.client.get(plan_url)
            [section] = html_tree(page.content).xpath('//*[@data-testid="plan-cases"]')
            links = section.xpath(".//a/@href")
            self.assertIn(self.url("case_download", document.pk), links)
            self.assertIn(self.page_url, links)
            self.assertNotIn("utkast", " ".join(links))

    def test_print_page_shows_the_case_with_the_saved_fields(self) -> None:
        self.make(case_number="16-25")
        record_status(measure=self.measure, status=Status.NOT_STARTED)
        response = self.client.get(self.print_url, {"round": "now"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Sak 16-25")
        self.assertContains(response, 'class="st st-not_started">○ Ikkje påstarta</td>')
        self.assertContains(response, "/static/cases/case.css")  # linked: no inline style
        self.assertNotContains(response, "<style>")
        self.assertContains(response, 'role="img"')
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(self.print_url).status_code, 200)

    def test_print_page_refuses_rounds_it_cannot_show(self) -> None:
        self.client.force_login(self.owner)
        other = closed_round(self.draft, "Anna plan")
        for value in ("nonsense", "999999", str(other.pk), "-1"):
            self.assertEqual(self.client.get(self.print_url, {"round": value}).status_code, 404)
        round = closed_round(self.plan, "Vår 2025")
        response = self.client.get(self.print_url, {"round": str(round.pk)})
        self.assertContains(response, "rapporteringsrunden «Vår 2025")
