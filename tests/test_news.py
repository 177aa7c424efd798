"""Updates per measure («Kva har skjedd», issue 23): the secretariat writes dated entries
with attachments checked by their content; files are stored 0600 under random names in a
0700 folder outside the web root and served as downloads only to those who may see the
measure; a bad upload gets a plain message and stores nothing; the plan page shows the
latest; the feeds carry them; a backup carries the files."""

from __future__ import annotations

import datetime
import io
import stat
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from lxml import etree  # type: ignore[import-untyped]
from PIL import Image

from planstatus.lib.attachments import MAX_BYTES, AttachmentError, Problem, identify
from planstatus.plans.actions.news import AttachmentRefused, Upload, add_news
from planstatus.plans.models import MeasureNews, NewsAttachment
from tests.base import BaseTestCase
from tests.bombs import office_package, zip_bomb
from tests.html import by_testid, parse, text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


class NewsTestCase(BaseTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.dir = Path(folder.name) / "vedlegg"
        settings = override_settings(ATTACHMENT_DIR=self.dir)
        settings.enable()
        self.addCleanup(settings.disable)
        self.add_url = reverse("news_add", args=["testdal", "regionplan", self.measure.pk])

    def post(self, *files: tuple[str, bytes], text: str = "Forprosjektet er ferdig.") -> Any:
        self.client.force_login(self.owner)
        uploads = [SimpleUploadedFile(name, data) for name, data in files]
        return self.client.post(
            self.add_url, {"date": "2026-05-20", "text": text, "attachments": uploads}
        )

    def stored(self) -> list[Path]:
        return sorted(self.dir.iterdir()) if self.dir.exists() else []


class ContentTests(NewsTestCase):
    def test_the_four_kinds_are_known_by_their_content(self) -> None:
        self.assertEqual(identify(PDF).extension, "pdf")
        self.assertEqual(identify(image("PNG")).extension, "png")
        self.assertEqual(identify(image("JPEG")).extension, "jpg")
        self.assertEqual(identify(office_package("docx")).extension, "docx")
        for data, problem in [
            (b"", Problem.EMPTY),
            (b"MZ\x90\x00" + b"\x00" * 100, Problem.UNKNOWN),  # a program
            (b"<html><script>alert(1)</script>", Problem.UNKNOWN),
            (office_package("xlsx"), Problem.UNKNOWN),  # a zip, but a spreadsheet
            (b"PK\x03\x04 not really a zip", Problem.DAMAGED),
            (b"%PDF-" + bytes(MAX_BYTES), Problem.TOO_LARGE),
        ]:
            with self.assertRaises(AttachmentError) as caught:
                identify(data)
            self.assertEqual(caught.exception.problem, problem)

    def test_a_decompression_bomb_dressed_as_word_is_refused(self) -> None:
        bomb = zip_bomb("docx", part="word/document.xml", unpacked=200 * 1024 * 1024)
        self.assertLess(len(bomb), MAX_BYTES)
        with self.assertRaises(AttachmentRefused) as caught:
            add_news(
                measure=self.measure,
                date=datetime.date(2026, 5, 1),
                text="Bombe",
                files=[Upload("rapport.docx", bomb)],
            )
        self.assertEqual(caught.exception.problem, Problem.DAMAGED)
        self.assertFalse(MeasureNews.objects.exists())
        self.assertEqual(self.stored(), [])


class SecretariatTests(NewsTestCase):
    def test_an_update_with_files_is_stored_privately_and_shown(self) -> None:
        docx = office_package("docx")
        response = self.post(("rapport.pdf", PDF), ("bilete.PNG", image("PNG")), ("notat", docx))
        self.assertEqual(response.status_code, 302)
        news = MeasureNews.objects.get()
        self.assertEqual((news.date, news.created_by), (datetime.date(2026, 5, 20), self.owner))
        files = list(NewsAttachment.objects.order_by("pk"))
        self.assertEqual([f.filename for f in files], ["rapport.pdf", "bilete.png", "notat.docx"])
        # On disk: 0600 files, random names, a 0700 folder; nothing named as uploaded.
        self.assertEqual(stat.S_IMODE(self.dir.stat().st_mode), 0o700)
        self.assertEqual(
            sorted(p.name for p in self.stored()), sorted(f.stored_name for f in files)
        )
        for path in self.stored():
            self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
            self.assertRegex(path.name, r"^[0-9a-f]{32}$")
        self.assertEqual((self.dir / files[0].stored_name).read_bytes(), PDF)
        # The public sees the entry and its files on the measure page.
        self.client.logout()
        doc = parse(self.client.get(self.measure.get_absolute_url()))
        entry = by_testid(doc, "news-entry")
        self.assertIn("Forprosjektet er ferdig.", text(entry))
        links = entry.xpath('.//a[@data-testid="attachment"]')
        self.assertEqual([text(a) for a in links], ["rapport.pdf", "bilete.png", "notat.docx"])
        download = self.client.get(links[0].get("href"))
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, PDF)
        self.assertEqual(download["Content-Type"], "application/pdf")
        self.assertEqual(download["Content-Disposition"], 'attachment; filename="rapport.pdf"')
        self.assertEqual(download["X-Content-Type-Options"], "nosniff")

    def test_a_renamed_program_is_refused_with_a_message_and_nothing_stored(self) -> None:
        response = self.post(("rapport.pdf", PDF), ("faktura.pdf", b"MZ\x90\x00" + bytes(64)))
        self.assertEqual(response.status_code, 400)
        message = text(parse(response).xpath('//*[contains(@class, "ds-validation-message")]')[0])
        self.assertIn("«faktura.pdf» er ikkje ei PDF-, PNG-, JPEG- eller Word-fil (.docx)", message)
        # The text stays in the form; nothing is stored, not even the good file.
        self.assertIn("Forprosjektet er ferdig.", response.content.decode())
        self.assertFalse(MeasureNews.objects.exists())
        self.assertFalse(NewsAttachment.objects.exists())
        self.assertEqual(self.stored(), [])

    def test_too_large_empty_too_many_and_too_long_are_refused(self) -> None:
        for files, words in [
            ([("stor.pdf", b"%PDF-" + bytes(MAX_BYTES))], "10 MB"),
            ([("tom.pdf", b"")], ""),
            ([(f"{n}.pdf", PDF) for n in range(6)], "5"),
        ]:
            response = self.post(*files)
            self.assertEqual(response.status_code, 400, files[0][0])
            self.assertIn(words, response.content.decode())
        self.assertEqual(self.post(text="x" * 2001).status_code, 400)
        self.assertEqual(self.post(text="").status_code, 400)
        self.assertFalse(MeasureNews.objects.exists())
        self.assertEqual(self.stored(), [])

    def test_hostile_text_is_escaped_and_an_update_without_files_is_fine(self) -> None:
        self.assertEqual(self.post(text="<script>alert(1)</script>").status_code, 302)
        page = self.client.get(self.measure.get_absolute_url())
        self.assertNotIn(b"<script>alert(1)", page.content)
        self.assertIn(b"&lt;script&gt;alert(1)", page.content)

    def test_the_change_log_records_the_update(self) -> None:
        self.post(("rapport.pdf", PDF))
        doc = parse(self.client.get(self.measure.get_absolute_url() + "logg/"))
        log = text(doc.xpath('//ol[@class="audit"]')[0])
        self.assertIn("2026-05-20", log)

    def test_plan_page_shows_the_latest_updates_across_the_plan(self) -> None:
        for day in range(1, 8):
            add_news(
                measure=self.measure,
                date=datetime.date(2026, 5, day),
                text=f"Steg {day}",
                files=[],
            )
        doc = parse(self.client.get(self.plan.get_absolute_url()))
        section = by_testid(doc, "latest-news")
        entries = [text(e) for e in section.xpath('.//*[@data-testid="news-entry"]')]
        self.assertEqual(len(entries), 5)
        self.assertIn("Steg 7", entries[0])
        self.assertIn("Tiltak 1.1.1", entries[0])


class AccessTests(NewsTestCase):
    def setUp(self) -> None:
        super().setUp()
        news = add_news(
            measure=self.draft_measure,
            date=datetime.date(2026, 5, 1),
            text="Hemmeleg",
            files=[Upload("hemmeleg.pdf", PDF)],
        )
        self.file = news.attachments.get()
        self.url = reverse(
            "attachment", args=["testdal", "utkast", self.draft_measure.pk, self.file.pk]
        )

    def test_only_those_who_may_see_the_measure_get_the_file(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.force_login(self.colleague)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        # Another measure's address does not reach it.
        wrong = reverse("attachment", args=["testdal", "regionplan", self.measure.pk, self.file.pk])
        self.assertEqual(self.client.get(wrong).status_code, 404)

    def test_readers_may_not_write_updates(self) -> None:
        self.client.force_login(self.colleague)
        url = reverse("news_add", args=["testdal", "utkast", self.draft_measure.pk])
        response = self.client.post(url, {"date": "2026-05-01", "text": "Nei"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(MeasureNews.objects.count(), 1)


class FeedTests(NewsTestCase):
    def test_feeds_carry_updates(self) -> None:
        add_news(measure=self.measure, date=datetime.date(2026, 5, 3), text="Opna", files=[])
        body = self.client.get(reverse("plan_feed", args=["testdal", "regionplan"])).content
        doc = etree.fromstring(body)
        ns = {"a": "http://www.w3.org/2005/Atom"}
        titles = doc.xpath("//a:entry/a:title/text()", namespaces=ns)
        self.assertIn("Tiltak 1.1.1: kva som har skjedd 3. mai 2026", titles)
        [link] = doc.xpath("//a:entry[a:title[contains(., 'skjedd')]]/a:link/@href", namespaces=ns)
        self.assertTrue(link.endswith(self.measure.get_absolute_url() + "#kva-har-skjedd"))
