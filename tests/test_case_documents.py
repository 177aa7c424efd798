"""The status case as Word, PDF and HTML: what a council member and an importer see in it."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pdfplumber
from django.test import TestCase

from planstatus.cases.services import PALETTE, build_case_content, render_case, render_html
from planstatus.imports.matching import known_actor_forms
from planstatus.imports.messages import warning_text
from planstatus.lib.importers import read_plan
from planstatus.lib.importers.base import Code
from planstatus.lib.reports.content import CaseContent
from planstatus.plans.models import Measure, Plan, Status
from planstatus.plans.services import load_seed_file, record_status
from tests.base import BaseTestCase
from tests.cases import DETAILS, make_plan

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CYCLE = [Status.NOT_STARTED, Status.STARTED, Status.DONE, Status.UNKNOWN, Status.CANCELLED]
SCRIPT = "<script>alert('x')</script> & <b>feit</b>"


def artefact_dir() -> Path:
    folder = Path(os.environ.get("PLANSTATUS_TEST_ARTEFACTS", "test-artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def database() -> str:
    return "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def pdf_pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


class HallingdalCaseTests(TestCase):
    """The regional plan's 68 measures, each with a status, through every format."""

    plan: Plan
    expected: list[tuple[str, str]]
    content: CaseContent

    @classmethod
    def setUpTestData(cls) -> None:
        region = load_seed_file()
        cls.plan = Plan.objects.get(region=region, slug="regionplan")
        measures = list(
            Measure.objects.filter(focus_area__plan=cls.plan).order_by(
                "focus_area__order", "goal__order", "order", "pk"
            )
        )
        for index, measure in enumerate(measures):
            record_status(measure=measure, status=CYCLE[index % len(CYCLE)])
        cls.expected = [(m.code, CYCLE[i % len(CYCLE)].value) for i, m in enumerate(measures)]
        cls.content = build_case_content(plan=cls.plan, round=None, details=DETAILS)

    def test_docx_reads_back_with_the_plan_importer_with_the_same_statuses(self) -> None:
        data = render_case(self.content, "docx")
        parsed = read_plan(data, known_actors=known_actor_forms(self.plan.region))
        self.assertEqual([(m.code, m.status) for m in parsed.measures()], self.expected)
        self.assertEqual(
            [a.name for a in parsed.areas], [a.name for a in self.plan.focus_areas.all()]
        )
        # Of the plan only its own slips are warned about (two codes used twice); the
        # legend, summary, change and overdue tables are not mistaken for plan tables. The
        # case's other parts are no plan either, and each is named in a warning rather than
        # dropped in silence (issue 18).
        self.assertEqual(
            [warning_text(w) for w in parsed.warnings if w.kind == "numbering"],
            [
                "Koden 5.4.1 er brukt på 2 tiltak. Alle er tekne med.",
                "Koden 6.4.1 er brukt på 2 tiltak. Alle er tekne med.",
            ],
        )
        others = {w.code for w in parsed.warnings if w.kind != "numbering"}
        self.assertLessEqual(others, {Code.TEXT_OUTSIDE_MEASURES, Code.BLOCK_NOT_READ})

    def test_docx_tables_repeat_headers_keep_rows_whole_and_shade_status_cells(self) -> None:
        document = docx.Document(io.BytesIO(render_case(self.content, "docx")))
        measure_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Tiltak"]
        self.assertEqual(len(measure_tables), 6)
        fills = {fill.lstrip("#").upper(): status for status, (fill, _, _) in PALETTE.items()}
        seen: list[str] = []
        for table in measure_tables:
            rows = table._tbl.tr_lst
            self.assertIsNotNone(rows[0].find(f"{W}trPr/{W}tblHeader"))
            for tr in rows:
                self.assertIsNotNone(tr.find(f"{W}trPr/{W}cantSplit"))
            for row in table.rows[1:]:
                cells = row._tr.tc_lst
                if len(cells) == 1:  # a goal row, merged across the table
                    self.assertTrue(row.cells[0].text.startswith("Mål "))
                    continue
                shd = cells[4].find(f"{W}tcPr/{W}shd")
                assert shd is not None
                status = fills[shd.get(f"{W}fill")]
                self.assertIn(str(status.label).capitalize(), row.cells[4].text)
                seen.append(status.value)
        self.assertEqual(seen, [s for _, s in self.expected])
        self.assertEqual(document.core_properties.title, "Sak 16-25 Regionplan – status")
        self.assertEqual(document.sections[0].header.paragraphs[0].text, "Sak 16-25")
        with zipfile.ZipFile(io.BytesIO(render_case(self.content, "docx"))) as package:
            footer = b"".join(package.read(n) for n in package.namelist() if "footer" in n)
        self.assertIn(b'w:instr="PAGE"', footer)
        self.assertIn(b'w:instr="NUMPAGES"', footer)

    def test_docx_has_summary_chart_with_alt_text_and_signature(self) -> None:
        document = docx.Document(io.BytesIO(render_case(self.content, "docx")))
        text = "\n".join(p.text for p in document.paragraphs)
        for words in [
            "Bakgrunn",
            "I oktober 2024 vart ny Regionplan",
            "Samandrag",
            "Endringar sidan førre runde",
            "Tiltak der tida er ute",
            "Forslag til vedtak",
            "Saka blir teken til orientering",
            "Gol, 15. mars 2025",
            "Kari Nordmann",
        ]:
            self.assertIn(words, text)
        self.assertEqual(len(document.inline_shapes), 1)
        doc_pr = document.inline_shapes[0]._inline.docPr
        self.assertIn("1. Næringsutvikling og arbeidsplassar:", doc_pr.get("descr"))
        summary = next(t for t in document.tables if t.rows[0].cells[0].text == "Innsatsområde")
        self.assertEqual(
            [c.text for c in summary.rows[-1].cells], ["Totalt", "14", "14", "14", "13", "13", "68"]
        )

    def test_pdf_text_layer_says_what_the_case_says_with_page_heads_and_numbers(self) -> None:
        pages = pdf_pages(render_case(self.content, "pdf"))
        self.assertGreater(len(pages), 3)
        for number, text in enumerate(pages, start=1):
            self.assertIn("Sak 16-25", text.splitlines()[0])
            self.assertIn(f"Side {number} av {len(pages)}", text)
        text = "\n".join(pages)
        for words in [
            "Sak 16-25 Regionplan – status",
            "Bakgrunn",
            "Grøn merking: tiltaket er",
            "1. Næringsutvikling og arbeidsplassar",
            "Mål 1.1: Hallingdal har",
            "Utarbeide ein felles plattform",
            "◐ Påstarta",
            "Samandrag",
            "Forslag til vedtak",
            "Gol, 15. mars 2025",
            "Dagleg leiar",
        ]:
            self.assertIn(words, text)

    def test_first_page_of_the_pdf_is_rendered_for_a_person_to_look_at(self) -> None:
        pdftoppm = shutil.which("pdftoppm")
        assert pdftoppm, "pdftoppm is missing: install poppler-utils (bin/install-system-deps)"
        folder = artefact_dir()
        pdf = folder / f"sak-16-25-{database()}.pdf"
        pdf.write_bytes(render_case(self.content, "pdf"))
        stem = folder / f"sak-16-25-side-1-{database()}"
        subprocess.run(
            [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, stem],
            check=True,
            timeout=60,
        )
        png = stem.with_suffix(".png")
        self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))

    def test_html_and_pdf_come_from_one_template(self) -> None:
        html = render_html(self.content)
        self.assertIn("<style>", html)  # self-contained, for the archive and WeasyPrint
        self.assertNotIn("<link", html)
        self.assertEqual(html.count('data-testid="area"'), 6)
        self.assertEqual(html.count('class="measure"'), 68)
        self.assertIn('role="img"', html)  # the chart, inline


class LongPlanTests(BaseTestCase):
    def test_150_measures_render_without_a_row_split_across_pages(self) -> None:
        # Long texts make rows tall, so page ends fall inside rows unless the rule holds.
        text = (
            "start-{n} "
            + "eit langt tiltak som går over fleire liner i tabellen " * 3
            + "slutt-{n}"
        )
        plan = make_plan(region=self.region, actor=self.actor, slug="lang", measures=150, text=text)
        content = build_case_content(plan=plan, round=None, details=DETAILS)
        pages = pdf_pages(render_case(content, "pdf"))
        self.assertGreater(len(pages), 10)
        found = 0
        for n in range(150):
            start = [i for i, page in enumerate(pages) if re.search(rf"\bstart-{n}\b", page)]
            end = [i for i, page in enumerate(pages) if re.search(rf"\bslutt-{n}\b", page)]
            # In the measure tables, and in the overdue list once 2025 has passed.
            self.assertTrue(start, n)
            self.assertEqual(start, end, f"measure {n} is split across pages {start} / {end}")
            found += 1
        self.assertEqual(found, 150)
        # The tables did run over pages: their header row is repeated.
        self.assertGreater(sum("Tiltak Tid Ansvar Involvering Status" in p for p in pages), 5)


class HostileTextTests(BaseTestCase):
    def setUp(self) -> None:
        Measure.objects.filter(pk=self.measure.pk).update(text=SCRIPT)
        details = DETAILS.__class__(**{**DETAILS.__dict__, "background": SCRIPT, "title": SCRIPT})
        self.content = build_case_content(plan=self.plan, round=None, details=details)

    def test_html_escapes_it(self) -> None:
        html = render_html(self.content)
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>feit", html)
        self.assertIn("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;feit", html)

    def test_pdf_shows_it_as_text(self) -> None:
        text = "\n".join(pdf_pages(render_case(self.content, "pdf")))
        self.assertIn("<script>alert('x')</script> & <b>feit</b>", text)

    def test_docx_keeps_it_as_literal_text(self) -> None:
        document = docx.Document(io.BytesIO(render_case(self.content, "docx")))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        self.assertTrue(any(SCRIPT in c for c in cells))
        self.assertIn(SCRIPT, [p.text for p in document.paragraphs])
