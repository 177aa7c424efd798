"""Importing through the web: upload, review with fixes, confirm; and every kind of bad file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from planstatus.imports.models import PlanImport
from planstatus.plans.models import Measure, Plan
from planstatus.regions.models import Actor
from tests.base import BaseTestCase
from tests.formdata import form_fields
from tests.html import find, parse

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

SMALL_TEXT = """Handlingsprogram for Testdal

NÆRING OG ARBEID

Tiltak Tid Ansvar Involvering

Mål 1.1: Fleire arbeidsplassar i Testdal

1.1.1 Lage ein <script>alert(1)</script> næringsplan
2025 Testdal regionråd Næringsforum

1.1.2 Kartleggje næringsareal
2026 Testdal regionråd
"""


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def review_data(client: Client, draft: PlanImport, page: int = 1) -> dict[str, str]:
    """What the review page's form posts when nothing is changed."""
    url = reverse("import_review", args=[draft.region.slug, draft.pk])
    response = client.get(url, {"side": page} if page > 1 else {})
    _action, data = form_fields(response, '//form[@data-testid="review-form"]')
    return data


class ImportWebTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.owner)
        self.url = reverse("import_upload", args=["testdal"])

    def post_file(self, name: str, content: bytes) -> _MonkeyPatchedWSGIResponse:
        return self.client.post(self.url, {"file": upload(name, content)})

    def assert_nothing_written(self) -> None:
        self.assertFalse(PlanImport.objects.exists())
        self.assertEqual(Plan.objects.count(), 2)
        self.assertEqual(Measure.objects.count(), 2)

    def test_bad_files_get_a_clear_message_and_change_nothing(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("word/document.xml", "<w:document/>")
        docx_bytes = buffer.getvalue()
        cases = [
            ("tom.txt", b"", "tom"),
            ("bilete.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG-bilete"),
            ("skadd.docx", docx_bytes[: len(docx_bytes) // 2], "skadd"),
            ("gamal.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".docx"),
            ("binær.txt", b"\x00\x01\x02" * 100, "ikkje tekst"),
            ("prosa.txt", b"Berre litt tekst utan tiltak.\n", "Fann ingen tiltak"),
        ]
        for name, content, message in cases:
            response = self.post_file(name, content)
            self.assertContains(response, message, status_code=400, msg_prefix=name)
            self.assertContains(response, "Ingenting vart lagra", status_code=400)
        self.assert_nothing_written()

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None)
    def test_oversized_file_is_refused(self) -> None:
        response = self.post_file("stor.txt", b"a" * (10 * 1024 * 1024 + 1))
        self.assertContains(response, "for stor", status_code=400)
        self.assert_nothing_written()

    def test_no_file(self) -> None:
        response = self.client.post(self.url, {})
        self.assertContains(response, "Ingenting vart lagra", status_code=400)
        self.assert_nothing_written()

    def test_upload_review_fix_and_save(self) -> None:
        response = self.post_file("program.txt", SMALL_TEXT.encode())
        draft = PlanImport.objects.get()
        self.assertRedirects(response, reverse("import_review", args=["testdal", draft.pk]))
        page = self.client.get(response["Location"])
        self.assertContains(page, "Næringsforum")
        self.assertNotContains(page, "<script>alert(1)")  # escaped in the editable cell

        data = review_data(self.client, draft)
        data["m-1-text"] = "Kartleggje alle næringsareal"
        data["confirm"] = "1"
        response = self.client.post(reverse("import_review", args=["testdal", draft.pk]), data)
        plan = Plan.objects.exclude(slug__in=["regionplan", "utkast"]).get()
        self.assertRedirects(response, plan.get_absolute_url())
        self.assertFalse(plan.published)
        texts = list(plan.measures().order_by("order").values_list("text", flat=True))
        self.assertEqual(texts[1], "Kartleggje alle næringsareal")
        self.assertIn("<script>alert(1)</script>", texts[0])  # stored exactly as written
        self.assertTrue(Actor.objects.filter(region=self.region, name="Næringsforum").exists())
        draft.refresh_from_db()
        self.assertEqual((draft.state, draft.saved_plan), (PlanImport.State.SAVED, plan))

    def test_the_suggested_title_and_short_name_are_clean(self) -> None:
        # Issue 21: the case text gave «Sak 16-25 REGIONPLAN - STATUS» and a short name cut
        # mid-word.
        seed = Path(__file__).parent / "fixtures" / "text" / "hallingdal-sak-16-25.txt"
        response = self.post_file("sak-16-25.txt", seed.read_bytes())
        draft = PlanImport.objects.get()
        page = parse(self.client.get(response["Location"]))
        self.assertEqual(find(page, '//input[@name="title"]').get("value"), "Regionplan – status")
        data = review_data(self.client, draft)
        data["title"] = "Regionplan for Hallingdal 2025–2028 (import)"
        data["confirm"] = "1"
        self.client.post(reverse("import_review", args=["testdal", draft.pk]), data)
        plan = Plan.objects.exclude(slug__in=["regionplan", "utkast"]).get()
        self.assertEqual(plan.slug, "regionplan-for-hallingdal-2025-2028")

    def test_invalid_review_changes_nothing(self) -> None:
        self.post_file("program.txt", SMALL_TEXT.encode())
        draft = PlanImport.objects.get()
        data = review_data(self.client, draft)
        data["m-0-text"] = ""
        data["confirm"] = "1"
        response = self.client.post(reverse("import_review", args=["testdal", draft.pk]), data)
        self.assertContains(response, "Tiltaket treng ein tekst", status_code=400)
        self.assertEqual(Plan.objects.count(), 2)
        draft.refresh_from_db()
        self.assertEqual(draft.state, PlanImport.State.DRAFT)

    def test_reader_cannot_import(self) -> None:
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_templates_download(self) -> None:
        response = self.client.get(reverse("import_template", args=["testdal", "xlsx"]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"))
        response = self.client.get(reverse("import_template", args=["testdal", "csv"]))
        self.assertIn("Tiltak", response.content.decode("utf-8-sig"))
        self.assertEqual(
            self.client.get(reverse("import_template", args=["testdal", "exe"])).status_code, 404
        )


class RevisionWebTests(BaseTestCase):
    def test_revised_document_shows_a_diff_then_revises_the_plan(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("import_upload", args=["testdal"])
        self.client.post(url, {"file": upload("program.txt", SMALL_TEXT.encode())})
        first = PlanImport.objects.get()
        data = review_data(self.client, first)
        data["confirm"] = "1"
        self.client.post(reverse("import_review", args=["testdal", first.pk]), data)
        first.refresh_from_db()
        assert first.saved_plan is not None
        plan = first.saved_plan

        revised = SMALL_TEXT.replace("1.1.2 Kartleggje næringsareal", "1.1.3 Etablere eit fond")
        self.client.post(
            url, {"file": upload("revidert.txt", revised.encode()), "target_plan": plan.pk}
        )
        second = PlanImport.objects.filter(state=PlanImport.State.DRAFT).get()
        page = self.client.get(reverse("import_review", args=["testdal", second.pk]))
        self.assertContains(page, 'data-change="new"')
        self.assertContains(page, 'data-change="removed"')

        data = review_data(self.client, second)
        data["confirm"] = "1"
        response = self.client.post(reverse("import_review", args=["testdal", second.pk]), data)
        self.assertRedirects(response, plan.get_absolute_url())
        self.assertEqual(sorted(plan.measures().values_list("code", flat=True)), ["1.1.1", "1.1.3"])
        archived = Measure.objects.get(focus_area__plan=plan, code="1.1.2")
        self.assertIsNotNone(archived.archived_at)
