"""The review of an import through the web: the uploaded document kept with the draft and
read again with the person's column and line roles, roles remembered for the region, a plan
of a thousand measures reviewed and saved page by page, and what the review shows."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import docx
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

# lxml comes with python-docx; it ships no types.
from lxml import html as lxml_html  # type: ignore[import-untyped]

from planstatus.imports.models import ColumnMapping, PlanImport
from planstatus.imports.review import FIELD_BUDGET, paginate
from planstatus.lib.importers.base import ParsedPlan
from planstatus.plans.models import Measure, Plan, StatusUpdate
from tests.base import BaseTestCase
from tests.formdata import form_fields

UNUSUAL_HEADERS = (
    "Nr",
    "Kva skal gjerast",
    "Innan",
    "Kven har ansvaret",
    "Med kven",
    "Stoda",
    "Merknad",
    "Kostnad",
)
UNUSUAL_ROWS = [
    (
        "1.1",
        "Lage ein felles næringsplan for regionen",
        "2025",
        "Regionrådet",
        "Kommunane",
        "Påstarta",
        "Arbeidsgruppa er sett ned",
        "200 000",
    ),
    (
        "1.2",
        "Greie ut eit felles innkjøpskontor for kommunane",
        "2026",
        "Kommunane",
        "Fylkeskommunen",
        "Ikkje starta",
        "",
        "50 000",
    ),
    (
        "1.3",
        "Starte eit nettverk for reiselivsbedrifter i dalen",
        "årleg",
        "Næringsforum",
        "Reiselivslaget",
        "Gjennomført",
        "Første møte i mars",
        "0",
    ),
]


def unusual_plan_docx(headers: tuple[str, ...] = UNUSUAL_HEADERS) -> bytes:
    """A Word plan whose eight column headers the reader does not know: it guesses from the
    content, takes the header row for a measure, and leaves «Merknad» and «Kostnad» out."""
    document = docx.Document()
    document.add_heading("Handlingsplan for Testdal 2025–2026", 1)
    document.add_heading("Næring og arbeid", 2)
    table = document.add_table(rows=1 + len(UNUSUAL_ROWS), cols=len(headers))
    for row, values in zip(table.rows, [headers, *UNUSUAL_ROWS], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def page_of(response: Any) -> Any:
    return lxml_html.document_fromstring(response.content.decode())


def texts(doc: Any, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


class ReviewTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.owner)

    def start(self, name: str, content: bytes) -> PlanImport:
        response = self.client.post(
            reverse("import_upload", args=["testdal"]), {"file": upload(name, content)}
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        return PlanImport.objects.latest("pk")

    def review_url(self, draft: PlanImport) -> str:
        return reverse("import_review", args=["testdal", draft.pk])

    def table_form(self, draft: PlanImport, index: int = 0) -> tuple[str, dict[str, str]]:
        page = self.client.get(self.review_url(draft))
        return form_fields(page, f'(//form[@data-testid="table-roles"])[{index + 1}]')

    def parsed(self, draft: PlanImport) -> ParsedPlan:
        draft.refresh_from_db()
        return ParsedPlan.from_dict(draft.parsed)


class KeptDocumentTests(ReviewTestCase):
    def test_the_document_is_kept_under_a_random_name_and_removed_on_saving(self) -> None:
        draft = self.start("Hemmeleg plan.docx", unusual_plan_docx())
        path = Path(draft.document.path)
        self.assertTrue(path.is_file())
        self.assertEqual(path.parent, Path(settings.MEDIA_ROOT) / "imports")
        self.assertNotIn("Hemmeleg", draft.document.name)
        self.assertEqual(path.read_bytes()[:2], b"PK")
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        self.assertEqual(path.parent.stat().st_mode & 0o777, 0o700)

        _action, data = form_fields(
            self.client.get(self.review_url(draft)), '//form[@data-testid="review-form"]'
        )
        data["confirm"] = "1"
        response = self.client.post(self.review_url(draft), data)
        self.assertEqual(response.status_code, 302)
        draft.refresh_from_db()
        self.assertEqual(draft.state, PlanImport.State.SAVED)
        self.assertFalse(draft.document)
        self.assertFalse(path.exists())

    def test_discarding_removes_the_document(self) -> None:
        draft = self.start("plan.docx", unusual_plan_docx())
        path = Path(draft.document.path)
        self.client.post(reverse("import_discard", args=["testdal", draft.pk]))
        draft.refresh_from_db()
        self.assertEqual(draft.state, PlanImport.State.DISCARDED)
        self.assertFalse(path.exists())
        self.assertFalse(draft.document)

    def test_old_documents_and_stray_files_are_cleared_and_the_review_goes_on(self) -> None:
        old = self.start("gamal.docx", unusual_plan_docx())
        new = self.start("ny.docx", unusual_plan_docx())
        stray = Path(settings.MEDIA_ROOT) / "imports" / "att-stande"
        stray.write_bytes(b"x")
        long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC).timestamp()
        import os

        os.utime(stray, (long_ago, long_ago))
        PlanImport.objects.filter(pk=old.pk).update(
            created_at=old.created_at - datetime.timedelta(days=15)
        )
        out = io.StringIO()
        call_command("clear_imports", stdout=out)
        self.assertIn("2", out.getvalue())
        old.refresh_from_db()
        new.refresh_from_db()
        self.assertFalse(old.document)
        self.assertTrue(Path(new.document.path).is_file())
        self.assertFalse(stray.exists())

        # The old review says the document is gone, offers no reading again, and saves.
        page = page_of(self.client.get(self.review_url(old)))
        self.assertEqual(len(page.xpath('//*[@data-testid="document-gone"]')), 1)
        self.assertFalse(page.xpath('//form[@data-testid="table-roles"]//button'))
        action, data = self.table_form(old)
        response = self.client.post(action, data, follow=True)
        self.assertContains(response, "ikkje lenger teke vare på")
        self.assertEqual(old.state, PlanImport.State.DRAFT)


class ColumnRolesTests(ReviewTestCase):
    def test_columns_guessed_wrong_are_named_and_the_document_read_again(self) -> None:
        draft = self.start("uvanleg.docx", unusual_plan_docx())
        page = page_of(self.client.get(self.review_url(draft)))
        # Eight columns, each with a picker prefilled with the guess and its confidence in words.
        self.assertEqual(len(page.xpath('//form[@data-testid="table-roles"]//select')), 9)
        confidences = texts(page, '//*[@data-testid="confidence"]')
        self.assertEqual(len(confidences), 8)
        self.assertIn("ei gjetting ut frå kva kolonnen held", confidences)
        self.assertIn("ikkje kjend att", confidences)
        self.assertEqual(len(self.parsed(draft).measures()), 4)  # the header row too

        action, data = self.table_form(draft)
        table = next(k.split("-")[0] for k in data if k.endswith("-header_row"))
        data[f"{table}-header_row"] = "0"
        data[f"{table}-col_6"] = "comment"
        response = self.client.post(action, data)
        self.assertRedirects(response, self.review_url(draft) + "#" + f"table-{table[1:]}")
        parsed = self.parsed(draft)
        self.assertEqual(
            [(m.code, m.comment) for m in parsed.measures()],
            [("1.1", "Arbeidsgruppa er sett ned"), ("1.2", ""), ("1.3", "Første møte i mars")],
        )
        self.assertEqual(draft.version, 2)
        page = page_of(self.client.get(self.review_url(draft)))
        self.assertIn("valt av deg", texts(page, '//*[@data-testid="confidence"]'))
        self.assertEqual(
            texts(page, '//*[@data-testid="status-comment"]'),
            ["Statuskommentar: Arbeidsgruppa er sett ned", "Statuskommentar: Første møte i mars"],
        )

    def test_an_htmx_change_reads_again_and_a_stale_form_changes_nothing(self) -> None:
        draft = self.start("uvanleg.docx", unusual_plan_docx())
        action, data = self.table_form(draft)
        table = next(k.split("-")[0] for k in data if k.endswith("-header_row"))
        data[f"{table}-header_row"] = "0"
        response = self.client.post(action, data, headers={"HX-Request": "true"}, follow=True)
        self.assertContains(response, "Dokumentet er lese på nytt: 3 tiltak.")
        # The same form again: it was made for the reading before, so it is refused.
        data[f"{table}-col_6"] = "comment"
        response = self.client.post(action, data, follow=True)
        self.assertContains(response, "lese på nytt etter at denne sida vart opna")
        self.assertEqual(self.parsed(draft).measures()[0].comment, "")

    def test_edits_are_carried_over_a_new_reading_and_those_that_cannot_be_are_named(
        self,
    ) -> None:
        draft = self.start("uvanleg.docx", unusual_plan_docx())
        _action, data = form_fields(
            self.client.get(self.review_url(draft)), '//form[@data-testid="review-form"]'
        )
        data["m-1-text"] = "Lage ein felles næringsplan for heile regionen"
        data["m-0-text"] = "Overskrifta"
        self.client.post(self.review_url(draft), data)
        self.assertEqual(self.parsed(draft).measures()[1].text, data["m-1-text"])

        action, data = self.table_form(draft)
        table = next(k.split("-")[0] for k in data if k.endswith("-header_row"))
        data[f"{table}-header_row"] = "0"
        response = self.client.post(action, data, follow=True)
        texts_now = [m.text for m in self.parsed(draft).measures()]
        self.assertEqual(texts_now[0], "Lage ein felles næringsplan for heile regionen")
        self.assertContains(response, "Endringa di på 1 del er teken vare på.")
        # The header row is no measure any more: the edit to it is named, not dropped.
        self.assertContains(response, "Overskrifta")

    def test_a_document_whose_tables_hold_no_plan_as_read_is_kept_for_naming(self) -> None:
        document = docx.Document()
        table = document.add_table(rows=3, cols=3)
        # Short texts under unknown headers: no measure column, by header or by content.
        rows = [
            ("Ting", "Person", "Kor"),
            ("Vegplan", "Kari", "Gol"),
            ("Breibandmøte", "Ola", "Ål"),
        ]
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        out = io.BytesIO()
        document.save(out)
        draft = self.start("rart.docx", out.getvalue())
        page = page_of(self.client.get(self.review_url(draft)))
        self.assertEqual(len(page.xpath('//*[@data-testid="nothing-read"]')), 1)
        self.assertFalse(page.xpath('//form[@data-testid="review-form"]'))

        action, data = self.table_form(draft)
        table_prefix = next(k.split("-")[0] for k in data if k.endswith("-header_row"))
        data[f"{table_prefix}-header_row"] = "0"
        data[f"{table_prefix}-col_0"] = "measure"
        data[f"{table_prefix}-col_1"] = "responsible"
        self.client.post(action, data)
        parsed = self.parsed(draft)
        self.assertEqual(
            [(m.text, m.responsible) for m in parsed.measures()],
            [("Vegplan", ["Kari"]), ("Breibandmøte", ["Ola"])],
        )
        self.assertNotIn("refusal", draft.options)

    def test_a_choice_that_leaves_no_plan_changes_nothing(self) -> None:
        draft = self.start("uvanleg.docx", unusual_plan_docx())
        action, data = self.table_form(draft)
        for key in data:
            if "-col_" in key:
                data[key] = "ignore"
        response = self.client.post(action, data, follow=True)
        self.assertContains(response, "Ingenting vart endra")
        self.assertEqual(len(self.parsed(draft).measures()), 4)
        self.assertEqual(draft.version, 1)


LIST_TEXT = """Handlingsplan for Testdal

NÆRING

Mål 1: Fleire arbeidsplassar

• Lage ein felles næringsplan for regionen
• Starte eit nettverk for reiselivet
Kultur i heile dalen
• Greie ut eit felles kulturkontor
"""


class LineRolesTests(ReviewTestCase):
    def test_a_line_is_made_a_goal_and_the_document_read_again(self) -> None:
        draft = self.start("liste.txt", LIST_TEXT.encode())
        parsed = self.parsed(draft)
        # A line between the bullets is read as describing the area, not as a goal.
        self.assertEqual(parsed.areas[0].description, "Kultur i heile dalen")
        page = self.client.get(self.review_url(draft))
        action, data = form_fields(page, '//form[@data-testid="line-roles"]')
        block = next(
            line["block"] for line in parsed.lines if line["text"] == "Kultur i heile dalen"
        )
        data[f"l-line_{block}"] = "goal"
        response = self.client.post(action, data, follow=True)
        self.assertContains(response, "Dokumentet er lese på nytt")
        parsed = self.parsed(draft)
        goals = [g.text for a in parsed.areas for g in a.goals]
        self.assertIn("Kultur i heile dalen", goals)
        self.assertEqual(draft.line_choices, {str(block): "goal"})
        doc = page_of(self.client.get(self.review_url(draft)))
        self.assertEqual(
            doc.xpath(f'//li[@id="line-{block}"]/@data-as'),
            ["goal"],
        )


class RememberedMappingTests(ReviewTestCase):
    def choose_and_save(self, name: str, content: bytes) -> PlanImport:
        draft = self.start(name, content)
        action, data = self.table_form(draft)
        table = next(k.split("-")[0] for k in data if k.endswith("-header_row"))
        data[f"{table}-header_row"] = "0"
        data[f"{table}-col_6"] = "comment"
        data[f"{table}-col_7"] = "ignore"
        self.client.post(action, data)
        _action, data = form_fields(
            self.client.get(self.review_url(draft)), '//form[@data-testid="review-form"]'
        )
        data["confirm"] = "1"
        self.assertEqual(self.client.post(self.review_url(draft), data).status_code, 302)
        return draft

    def test_the_roles_are_remembered_and_offered_for_a_similar_table(self) -> None:
        self.choose_and_save("2025.docx", unusual_plan_docx())
        mapping = ColumnMapping.objects.get(region=self.region)
        self.assertEqual(mapping.roles["Merknad"], "comment")
        self.assertEqual(mapping.roles["Kva skal gjerast"], "measure")
        self.assertEqual(mapping.history.count(), 1)  # type: ignore[attr-defined]

        # Next year's plan: one header renamed. The roles are applied at once.
        headers = (*UNUSUAL_HEADERS[:7], "Budsjett")
        draft = self.start("2026.docx", unusual_plan_docx(headers))
        parsed = self.parsed(draft)
        self.assertEqual(
            (parsed.measures()[0].code, parsed.measures()[0].comment),
            ("1.1", "Arbeidsgruppa er sett ned"),
        )
        self.assertEqual(list(draft.remembered.all()), [mapping])
        page = page_of(self.client.get(self.review_url(draft)))
        self.assertIn("2025.docx", texts(page, '//*[@data-testid="remembered"]')[0])
        self.assertIn(
            "hugsa frå ein tidlegare import", texts(page, '//*[@data-testid="confidence"]')
        )

        # Another region does not get them.
        self.client.force_login(self.outsider)
        response = self.client.post(
            reverse("import_upload", args=["annandal"]),
            {"file": upload("2026.docx", unusual_plan_docx(headers))},
        )
        other = PlanImport.objects.get(region=self.other_region)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(other.remembered.exists())

    def test_choosing_again_updates_the_mapping_with_history(self) -> None:
        self.choose_and_save("2025.docx", unusual_plan_docx())
        draft = self.start("2026.docx", unusual_plan_docx())
        action, data = self.table_form(draft)
        table = next(k.split("-")[0] for k in data if k.endswith("-header_row"))
        data[f"{table}-col_7"] = "note"
        self.client.post(action, data)
        _action, data = form_fields(
            self.client.get(self.review_url(draft)), '//form[@data-testid="review-form"]'
        )
        data["confirm"] = "1"
        self.client.post(self.review_url(draft), data)
        mapping = ColumnMapping.objects.get(region=self.region)
        self.assertEqual(mapping.roles["Kostnad"], "note")
        self.assertEqual(
            [
                h.roles["Kostnad"]
                for h in mapping.history.order_by("history_date")  # type: ignore[attr-defined]
            ],
            ["ignore", "note"],
        )


def thousand_measures_csv() -> bytes:
    lines = ["Kode;Tiltak;Tid;Ansvar;Involvering;Status"]
    actors = ["Regionrådet", "Kommunane", "Fylkeskommunen", "Næringsforum", "Statsforvaltaren"]
    statuses = ["Ikkje starta", "Påstarta", "Gjennomført"]
    n = 0
    for area in range(1, 11):
        for goal in range(1, 11):
            for measure in range(1, 11):
                code = f"{area}.{goal}.{measure}"
                lines.append(
                    f"{code};Tiltak {code}: gjere arbeid nummer {n} i regionen;{2025 + n % 3};"
                    f"{actors[n % 5]};{actors[(n + 1) % 5]};{statuses[n % 3]}"
                )
                n += 1
    return "\n".join(lines).encode()


class LargePlanTests(ReviewTestCase):
    """Issue 17, item 6: a plan of 1 000 measures is reviewed and saved through the web.

    Before, the review was one form of six fields a measure: from about 160 measures on,
    Django refused it (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1 000) with a bare «Bad Request»."""

    def test_a_thousand_measures_are_reviewed_page_by_page_and_all_saved(self) -> None:
        draft = self.start("stor.csv", thousand_measures_csv())
        parsed = self.parsed(draft)
        self.assertEqual(len(parsed.measures()), 1000)
        pages = paginate(parsed)
        self.assertGreater(len(pages), 1)
        self.assertEqual(sum(p.end - p.start for p in pages), 1000)

        # Every page's form stays within Django's limit; an edit on page 3 is kept.
        third = self.client.get(self.review_url(draft), {"side": 3})
        _action, data = form_fields(third, '//form[@data-testid="review-form"]')
        self.assertLess(len(data), FIELD_BUDGET + 20)
        self.assertLess(len(data), settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
        first_row = pages[2].start
        data[f"m-{first_row}-text"] = "Retta på tredje side"
        data["next_page"] = "1"
        response = self.client.post(self.review_url(draft), data)
        self.assertRedirects(response, self.review_url(draft) + "?side=4")

        fourth = self.client.get(self.review_url(draft), {"side": 4})
        _action, data = form_fields(fourth, '//form[@data-testid="review-form"]')
        data["confirm"] = "1"
        response = self.client.post(self.review_url(draft), data)
        plan = Plan.objects.exclude(slug__in=["regionplan", "utkast"]).get()
        self.assertRedirects(response, plan.get_absolute_url())
        self.assertEqual(Measure.objects.filter(focus_area__plan=plan).count(), 1000)
        self.assertEqual(StatusUpdate.objects.filter(measure__focus_area__plan=plan).count(), 1000)
        self.assertTrue(
            Measure.objects.filter(focus_area__plan=plan, text="Retta på tredje side").exists()
        )

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=1000)
    def test_the_whole_plan_in_one_form_is_what_django_refuses(self) -> None:
        # Today's pages never send it; this is the request the old review sent.
        draft = self.start("stor.csv", thousand_measures_csv())
        data = {f"m-{i}-{name}": "x" for i in range(1000) for name in ("code", "text")}
        data["version"] = str(draft.version)
        response = self.client.post(self.review_url(draft), data)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(self.parsed(draft).measures()), 1000)


TEXT_WITHOUT_CODES = """Handlingsplan for Testdal

NÆRINGSLIV

Næringslivet i dalen er prega av reiseliv og landbruk, og treng fleire bein å stå på.

Mål 1: Fleire arbeidsplassar

• Lage ein felles næringsplan for regionen
• Starte eit nettverk for reiselivet
"""


class WhatTheReviewShowsTests(ReviewTestCase):
    def test_descriptions_made_up_codes_and_warnings_at_their_place(self) -> None:
        draft = self.start("utan-kodar.txt", TEXT_WITHOUT_CODES.encode())
        parsed = self.parsed(draft)
        self.assertTrue(all(m.code_generated for m in parsed.measures()))
        page = page_of(self.client.get(self.review_url(draft)))
        self.assertIn(
            "Næringslivet i dalen er prega av reiseliv",
            texts(page, '//*[@data-testid="area-description"]')[0],
        )
        self.assertEqual(
            texts(page, '//*[@data-testid="code-generated"]'),
            ["laga av Planstatus: dokumentet har ingen kode"] * 2,
        )

    def test_a_made_up_code_edited_is_not_kept_as_written(self) -> None:
        draft = self.start("utan-kodar.txt", TEXT_WITHOUT_CODES.encode())
        _action, data = form_fields(
            self.client.get(self.review_url(draft)), '//form[@data-testid="review-form"]'
        )
        data["m-0-code"] = "N1"
        data["confirm"] = "1"
        self.client.post(self.review_url(draft), data)
        plan = Plan.objects.exclude(slug__in=["regionplan", "utkast"]).get()
        edited, untouched = plan.measures().order_by("order")
        self.assertEqual((edited.code, edited.written_code), ("N1", "N1"))
        self.assertEqual(untouched.written_code, "")  # made up, never written

    def test_a_time_that_cannot_be_read_is_warned_about_until_corrected(self) -> None:
        # Issue 21, bug 7: the import said nothing about timing it could not read.
        csv = (
            "Kode;Tiltak;Tid;Ansvar;Involvering;Status\n"
            "1.1;Lage ein næringsplan;Snarast;Regionrådet;;Påstarta\n"
            "1.2;Halde næringsmøte;Kont;Regionrådet;;Påstarta\n"
            "1.3;Byggje ny bru;2025.-2026;Regionrådet;;Ikkje starta\n"
        )
        draft = self.start("tid.csv", csv.encode())
        page = page_of(self.client.get(self.review_url(draft)))
        warnings = texts(page, '//*[@data-testid="warnings"]//li')
        timing = [w for w in warnings if "Tida «" in w]
        self.assertEqual(len(timing), 1, warnings)
        self.assertIn("Tida «Snarast» kunne ikkje lesast", timing[0])
        _action, data = form_fields(
            self.client.get(self.review_url(draft)), '//form[@data-testid="review-form"]'
        )
        data["m-0-timing"] = "2026"
        self.client.post(self.review_url(draft), data)
        page = page_of(self.client.get(self.review_url(draft)))
        self.assertFalse(
            [w for w in texts(page, '//*[@data-testid="warnings"]//li') if "Tida «" in w]
        )

    def test_warnings_stand_at_their_row_and_their_table(self) -> None:
        draft = self.start("uvanleg.docx", unusual_plan_docx())
        page = page_of(self.client.get(self.review_url(draft)))
        # The header row read as a measure without a code: said at its row …
        self.assertTrue(page.xpath('//tr[@data-warning-for="1"]'))
        # … the guessed columns at the table …
        table_warnings = texts(page, '//form[@data-testid="table-roles"]//*[@role="note"]')
        self.assertTrue(any("lesne ut frå innhaldet" in t for t in table_warnings))
        # … and each in the list at the top, linking there.
        links = page.xpath('//*[@data-testid="warnings"]//a/@href')
        self.assertTrue(any(link.endswith("#m-0") for link in links))
        self.assertTrue(any("#table-" in link for link in links))
