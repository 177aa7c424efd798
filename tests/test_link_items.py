"""Milestones and updates from a body's link (issue 23, items 2 and 3): each card offers
«Legg til ei milepæl» and «Skriv kva som har skjedd» (with attachments checked as the
secretariat's are). With approval they wait as reports do, on the round page, and nothing of
them is public — measure page, timeline, feeds, API, downloads — until approved; returned, the
body sees the note; without approval they are published at once."""

from __future__ import annotations

import csv
import datetime
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from planstatus.plans.models import MeasureNews, Milestone, NewsAttachment, Plan
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import Submission, SubmissionFile
from planstatus.reporting.reads import disagreements
from tests.html import find, parse, text
from tests.test_news import PDF
from tests.test_rounds import RoundTestCase

MILESTONE = "Forprosjektet er klart"
NEWS = "Kommunestyret vedtok tiltaket"
ARGS = ["testdal", "regionplan"]


class LinkItemsSetup(RoundTestCase):
    approval = True

    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.dir = Path(folder.name) / "vedlegg"
        settings = override_settings(ATTACHMENT_DIR=self.dir)
        settings.enable()
        self.addCleanup(settings.disable)
        Plan.objects.filter(pk=self.plan.pk).update(reports_need_approval=self.approval)
        self.plan.refresh_from_db()
        self.opened = self.open()
        entry = next(e for e in self.opened.links if e.actor == self.actor)
        self.link = entry.link
        self.client.get(reverse("actor_link", args=[entry.token]))
        self.page = reverse("actor_page", args=[self.link.pk])
        self.due = datetime.date.today() + datetime.timedelta(days=60)

    def add_milestone(self, client: Client | None = None, measure_pk: int | None = None) -> Any:
        pk = measure_pk or self.measure.pk
        return (client or self.client).post(
            reverse("actor_milestone", args=[self.link.pk, pk]),
            {f"ms{pk}-text": MILESTONE, f"ms{pk}-due_on": self.due.isoformat()},
        )

    def add_news(self, *files: tuple[str, bytes], client: Client | None = None) -> Any:
        pk = self.measure.pk
        return (client or self.client).post(
            reverse("actor_news", args=[self.link.pk, pk]),
            {
                f"news{pk}-date": "2026-11-20",
                f"news{pk}-text": NEWS,
                f"news{pk}-attachments": [SimpleUploadedFile(n, d) for n, d in files],
            },
        )

    def public_texts(self) -> dict[str, str]:
        """What an anonymous visitor (and a feed reader, and the API without a key) gets."""
        public = Client()
        measure = f"/api/v1/regions/testdal/plans/regionplan/measures/{self.measure.pk}"
        return {
            "measure page": public.get(self.measure.get_absolute_url()).content.decode(),
            "timeline": public.get(reverse("timeline", args=ARGS)).content.decode(),
            "plan feed": public.get(reverse("plan_feed", args=ARGS)).content.decode(),
            "region feed": public.get(reverse("region_feed", args=["testdal"])).content.decode(),
            "plan page": public.get(reverse("plan", args=ARGS)).content.decode(),
            "API": json.dumps(public.get(measure).json(), ensure_ascii=False),
            "JSON file": public.get(reverse("plan_data", args=[*ARGS, "json"])).content.decode(),
            "CSV file": public.get(reverse("plan_data", args=[*ARGS, "csv"]))
            .content.decode("utf-8-sig")
            .split("\n", 1)[1],  # the rows, not the fixed column names («Milepælar»)
        }

    def decide(self, action: str, note: str = "") -> Any:
        owner = Client()
        owner.force_login(self.owner)
        pending = Submission.all_kinds.filter(state=Submission.State.PENDING)
        return owner.post(
            reverse("round_decide", args=[*ARGS, self.opened.round.pk]),
            {"submissions": [s.pk for s in pending], "action": action, "note": note},
        )


class WaitingForApprovalTests(LinkItemsSetup):
    def test_each_card_offers_a_milestone_and_an_update(self) -> None:
        doc = parse(self.client.get(self.page))
        card = find(doc, '//article[@data-code="1.1.1"]')
        milestone = find(card, './/*[@data-testid="add-milestone"]')
        self.assertIn("Legg til ein milepæl", text(find(milestone, "./summary")))
        self.assertEqual(
            find(milestone, ".//form").get("action"),
            reverse("actor_milestone", args=[self.link.pk, self.measure.pk]),
        )
        news = find(card, './/*[@data-testid="add-news"]')
        self.assertIn("Skriv kva som har skjedd", text(find(news, "./summary")))
        self.assertEqual(find(news, ".//form").get("enctype"), "multipart/form-data")
        self.assertEqual(len(news.xpath('.//input[@type="file"]')), 1)

    def test_a_milestone_and_an_update_wait_and_nothing_is_public(self) -> None:
        self.assertEqual(self.add_milestone().status_code, 302)
        response = self.add_news(("referat.pdf", PDF))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], f"{self.page}#tiltak-{self.measure.pk}")
        self.assertFalse(Milestone.objects.exists())
        self.assertFalse(MeasureNews.objects.exists())
        self.assertFalse(self.dir.exists() and any(self.dir.iterdir()))  # no file on disk
        kinds = sorted(Submission.all_kinds.values_list("kind", "state", "actor"))
        self.assertEqual(
            kinds, [("milestone", "pending", self.actor.pk), ("news", "pending", self.actor.pk)]
        )
        [stored] = SubmissionFile.objects.all()
        self.assertEqual((stored.filename, stored.content_type), ("referat.pdf", "application/pdf"))
        for where, page in self.public_texts().items():
            with self.subTest(where):
                self.assertNotIn(MILESTONE, page)
                self.assertNotIn(NEWS, page)
                self.assertNotIn("referat.pdf", page)
        raw = Client().get(reverse("plan_data", args=[*ARGS, "csv"])).content.decode("utf-8-sig")
        rows = {r["Kode"]: r for r in csv.DictReader(io.StringIO(raw), delimiter=";")}
        self.assertEqual(rows["1.1.1"]["Milepælar"], "0")
        # The body sees them on its card, marked as waiting; the status is still missing.
        card = find(parse(self.client.get(self.page)), '//article[@data-code="1.1.1"]')
        items = card.xpath('.//*[@data-testid="card-item"]')
        self.assertEqual([i.get("data-state") for i in items], ["pending", "pending"])
        self.assertIn(MILESTONE, text(items[0]))
        self.assertIn("1 vedlegg", text(items[1]))
        self.assertEqual(card.get("data-answered"), "no")

    def test_the_round_page_lists_them_and_approval_publishes_them(self) -> None:
        self.add_milestone()
        self.add_news(("referat.pdf", PDF))
        owner = Client()
        owner.force_login(self.owner)
        doc = parse(owner.get(reverse("round", args=[*ARGS, self.opened.round.pk])))
        rows = doc.xpath('//*[@data-testid="pending-report"]')
        self.assertEqual(len(rows), 2)
        listed = " ".join(text(r) for r in rows)
        self.assertIn("Ny milepæl", listed)
        self.assertIn(MILESTONE, listed)
        self.assertIn("referat.pdf", listed)

        self.assertEqual(self.decide("approve").status_code, 302)
        self.assertFalse(Submission.all_kinds.filter(state=Submission.State.PENDING).exists())
        milestone = Milestone.objects.get()
        self.assertEqual((milestone.text, milestone.due_on), (MILESTONE, self.due))
        news = MeasureNews.objects.get()
        self.assertEqual((news.text, news.created_by), (NEWS, self.owner))
        [attached] = NewsAttachment.objects.all()
        self.assertEqual(attached.filename, "referat.pdf")
        self.assertEqual((self.dir / attached.stored_name).read_bytes(), PDF)
        self.assertFalse(SubmissionFile.objects.exists())  # on disk now, not twice
        shown = self.public_texts()
        for where in ["measure page", "timeline", "API", "JSON file"]:
            self.assertIn(MILESTONE, shown[where], where)
        for where in ["measure page", "plan feed", "region feed", "plan page"]:
            self.assertIn(NEWS, shown[where], where)
        download = Client().get(reverse("attachment", args=[*ARGS, self.measure.pk, attached.pk]))
        self.assertEqual(download.content, PDF)
        self.assertTrue(download["Content-Disposition"].startswith("attachment"))

    def test_returned_the_body_sees_the_note_and_nothing_is_public(self) -> None:
        self.add_milestone()
        self.assertEqual(self.decide("return", note="Kva for dato?").status_code, 302)
        self.assertFalse(Milestone.objects.exists())
        card = find(parse(self.client.get(self.page)), '//article[@data-code="1.1.1"]')
        [item] = card.xpath('.//*[@data-testid="card-item"]')
        self.assertEqual(item.get("data-state"), "returned")
        self.assertIn("Kva for dato?", text(item))
        for where, page in self.public_texts().items():
            self.assertNotIn(MILESTONE, page, where)

    def test_a_status_report_still_waits_on_its_own(self) -> None:
        # A waiting milestone is no answer on the status, and does not stop a report.
        self.add_milestone()
        doc = parse(self.client.get(self.page))
        progress = find(doc, '//*[@data-testid="actor-progress"]')
        self.assertEqual(text(progress), "0 av 2 rapportert")
        response = self.client.post(
            reverse("actor_report", args=[self.link.pk, self.measure.pk]),
            {f"m{self.measure.pk}-status": "started", f"m{self.measure.pk}-expected_previous": ""},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            sorted(Submission.all_kinds.values_list("kind", flat=True)), ["milestone", "status"]
        )


class SecretariatPagesTests(LinkItemsSetup):
    def test_my_work_lists_them_and_no_disagreement_is_seen(self) -> None:
        self.client.post(
            reverse("actor_report", args=[self.link.pk, self.measure.pk]),
            {f"m{self.measure.pk}-status": "started", f"m{self.measure.pk}-expected_previous": ""},
        )
        self.add_milestone()
        self.add_news(("referat.pdf", PDF))
        # A waiting milestone is not a status, so it disagrees with nothing.
        self.assertEqual(disagreements(self.opened.round), [])
        owner = Client()
        owner.force_login(self.owner)
        response = owner.get(reverse("my_work"))
        self.assertEqual(response.status_code, 200)
        blocks = parse(response).xpath('//*[@data-testid="work-pending"]')  # one per plan
        pending = " ".join(text(b) for b in blocks)
        self.assertIn("Ny milepæl", pending)
        self.assertIn("Ny oppdatering", pending)
        self.assertIn("påstarta", pending)

    def test_members_see_them_waiting_on_the_measure_page(self) -> None:
        self.add_milestone()
        self.add_news(("referat.pdf", PDF))
        owner = Client()
        owner.force_login(self.owner)
        doc = parse(owner.get(self.measure.get_absolute_url()))
        box = find(doc, '//*[@data-testid="measure-pending"]')
        self.assertEqual([li.get("data-kind") for li in box.xpath(".//li")], ["milestone", "news"])
        self.assertIn(MILESTONE, text(box))
        self.assertIn(NEWS, text(box))
        anonymous = parse(Client().get(self.measure.get_absolute_url()))
        self.assertEqual(anonymous.xpath('//*[@data-testid="measure-pending"]'), [])


class RefusedTests(LinkItemsSetup):
    def test_a_file_that_is_not_what_it_says_is_refused_with_nothing_saved(self) -> None:
        response = self.add_news(("referat.pdf", PDF), ("faktura.pdf", b"MZ\x90\x00" * 50))
        self.assertEqual(response.status_code, 400)
        doc = parse(response)
        error = text(find(doc, '//p[contains(@class, "ds-validation-message")]'))
        self.assertIn("«faktura.pdf» er ikkje ei PDF-", error)
        # The person's text comes back.
        self.assertEqual(text(find(doc, "//textarea")), NEWS)
        self.assertFalse(Submission.all_kinds.exists())
        self.assertFalse(SubmissionFile.objects.exists())

    def test_bad_milestone_input_gets_a_message(self) -> None:
        pk = self.measure.pk
        response = self.client.post(
            reverse("actor_milestone", args=[self.link.pk, pk]),
            {f"ms{pk}-text": "", f"ms{pk}-due_on": "20266-01-01"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Submission.all_kinds.exists())

    def test_another_browser_and_another_bodys_measure_are_refused(self) -> None:
        stranger = Client()
        self.assertEqual(self.add_milestone(client=stranger).status_code, 403)
        self.assertEqual(self.add_news(("a.pdf", PDF), client=stranger).status_code, 403)
        # 1.1.3 is Testdal kommune's, not this body's.
        self.assertEqual(self.add_milestone(measure_pk=self.third.pk).status_code, 403)
        self.assertFalse(Submission.all_kinds.exists())
        self.assertFalse(Milestone.objects.exists())

    def test_a_closed_round_ends_it(self) -> None:
        close_round(round=self.opened.round, user=self.owner)
        self.assertIn(self.add_milestone().status_code, {403, 409, 410})
        self.assertFalse(Submission.all_kinds.exists())


class WithoutApprovalTests(LinkItemsSetup):
    approval = False

    def test_they_are_published_at_once(self) -> None:
        self.assertEqual(self.add_milestone().status_code, 302)
        self.assertEqual(self.add_news(("referat.pdf", PDF)).status_code, 302)
        self.assertFalse(Submission.all_kinds.exists())
        self.assertEqual(Milestone.objects.get().text, MILESTONE)
        self.assertEqual(NewsAttachment.objects.get().news.text, NEWS)
        shown = self.public_texts()
        self.assertIn(MILESTONE, shown["measure page"])
        self.assertIn(NEWS, shown["measure page"])
