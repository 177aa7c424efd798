"""A region's Byregionprogrammet page through the web: upload, review what was read (and what
it says beside the region's figures), save as an unpublished programme; bad files change
nothing and say why in Nynorsk."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planstatus.imports.models import PlanImport
from planstatus.plans.models import Plan
from tests.base import BaseTestCase
from tests.html import by_testid, find, parse, text

FIXTURES = Path(__file__).parent / "fixtures" / "programme"


class ProgrammeUploadTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.owner)
        self.url = reverse("programme_upload", args=["testdal"])

    def upload(self, name: str, content: bytes, **data: str) -> Any:
        return self.client.post(
            self.url,
            {"file": SimpleUploadedFile(name, content), "slug": "byregionprogrammet", **data},
        )

    def test_upload_review_and_save(self) -> None:
        response = self.upload(
            "kongsberg.txt", (FIXTURES / "kongsbergregionen-bokmal.txt").read_bytes()
        )
        draft = PlanImport.objects.get()
        self.assertEqual(draft.kind, PlanImport.Kind.PROGRAMME)
        review_url = reverse("import_review", args=["testdal", draft.pk])
        self.assertRedirects(response, review_url)
        self.assertFalse(Plan.objects.filter(kind=Plan.Kind.PROGRAMME).exists())

        page = parse(self.client.get(review_url))
        results = find(page, '//table[@data-testid="results"]').xpath(".//tbody/tr")
        self.assertGreater(len(results), 3)
        # Every result shows its status as a word, not a colour alone.
        self.assertTrue(all(r.xpath(".//*[@data-status]") for r in results))
        # The page is about another region than Testdal: the review says so.
        self.assertIn("Testdal", text(by_testid(page, "warnings")))

        saved = self.client.post(review_url, {"slug": "byregionprogrammet"})
        plan = Plan.objects.get(region=self.region, slug="byregionprogrammet")
        self.assertRedirects(saved, plan.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(plan.kind, Plan.Kind.PROGRAMME)
        self.assertFalse(plan.published)
        self.assertEqual(plan.measures().count(), len(results))
        draft.refresh_from_db()
        self.assertEqual((draft.state, draft.saved_plan), (PlanImport.State.SAVED, plan))

    def test_a_programme_is_replaced_only_on_purpose(self) -> None:
        content = (FIXTURES / "hallingdal.txt").read_bytes()
        self.upload("hallingdal.txt", content)
        first = PlanImport.objects.get()
        self.client.post(
            reverse("import_review", args=["testdal", first.pk]), {"slug": "byregionprogrammet"}
        )
        response = self.upload("hallingdal.txt", content)
        self.assertEqual(response.status_code, 400)
        error = text(find(parse(response), '//p[@id="id_replace_error"]'))
        self.assertIn("Kryss av", error)
        self.assertEqual(PlanImport.objects.count(), 1)
        response = self.upload("hallingdal.txt", content, replace="on")
        second = PlanImport.objects.exclude(pk=first.pk).get()
        self.client.post(
            reverse("import_review", args=["testdal", second.pk]),
            {"slug": "byregionprogrammet", "replace": "on"},
        )
        programmes = Plan.objects.filter(region=self.region, kind=Plan.Kind.PROGRAMME)
        self.assertEqual(programmes.count(), 2)
        self.assertEqual(programmes.exclude(state=Plan.State.ARCHIVED).count(), 1)

    def test_bad_files_get_a_plain_message_and_change_nothing(self) -> None:
        bomb = BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("word/document.xml", b"0" * 5_000_000)
        cases = [
            ("tom.txt", b""),
            ("bilete.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),
            ("nyhende.txt", (FIXTURES / "nyhende.txt").read_bytes()),
            ("stor.txt", b"Resultat\n" * 200_000),
            ("bombe.html", bomb.getvalue()),
            ("skript.html", b"<script>alert(1)</script>" * 10),
        ]
        for name, content in cases:
            with self.subTest(name=name):
                response = self.upload(name, content)
                self.assertEqual(response.status_code, 400)
                error = text(find(parse(response), '//p[@id="id_file_error"]'))
                self.assertTrue(error)
                self.assertNotIn("<script>", response.content.decode())
        self.assertFalse(PlanImport.objects.exists())
        self.assertFalse(Plan.objects.filter(kind=Plan.Kind.PROGRAMME).exists())

    def test_only_the_regions_secretariat_uploads(self) -> None:
        content = (FIXTURES / "hallingdal.txt").read_bytes()
        for user in (self.colleague, self.outsider):
            self.client.force_login(user)
            response = self.upload("hallingdal.txt", content)
            self.assertIn(response.status_code, (403, 404))
        self.assertFalse(PlanImport.objects.exists())
