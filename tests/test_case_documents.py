"""The status case as Word, PDF and HTML: what a council member and an importer see in it."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import docx
import pdfplumber
from django.test import TestCase
from pdfminer.pdftypes import resolve1

from planstatus.cases.services import PALETTE, build_case_content, render_case, render_html
from planstatus.core.status import status_label
from planstatus.imports.matching import known_actor_forms
from planstatus.imports.messages import warning_text
from planstatus.installation.seed import load_seed_file
from planstatus.lib.importers import read_plan
from planstatus.lib.importers.base import Code
from planstatus.lib.reports.content import CaseContent
from planstatus.lib.reports.pdf import render_pdf
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import Measure, Plan
from planstatus.reporting.models import ReportingRound
from tests.base import BaseTestCase
from tests.cases import COMMENTS, DETAILS, closed_round, make_plan, report_every_measure

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# UNKNOWN: not reported on in the round.
CYCLE = [Status.NOT_STARTED, Status.STARTED, Status.DONE, Status.UNKNOWN, Status.CANCELLED]
SCRIPT = "<script>alert('x')</script> & <b>feit</b>"
ROOT = Path(__file__).resolve().parents[1]


def artefact_dir() -> Path:
    folder = Path(os.environ.get("PLANSTATUS_TEST_ARTEFACTS", "test-artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def database() -> str:
    return "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def pdf_pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def flat(text: str) -> str:
    """Text as one line: words broken across lines (hyphenated) joined again."""
    return " ".join(re.sub(r"(?<=\w)[-\u2010]\n(?=\w)", "", text).split())


def squashed(text: str) -> str:
    """Text without spaces, line breaks and hyphens: narrow cells break it anywhere."""
    return re.sub(r"[\s\u2010-]", "", text)


def page_margins() -> tuple[float, float, float, float]:
    """The @page margins of the case's stylesheet (top, right, bottom, left) in points."""
    css = (ROOT / "planstatus/cases/static/cases/case.css").read_text()
    rule = re.search(r"@page \{[^}]*?margin: ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm;", css)
    assert rule is not None, "no @page margin in case.css"
    top, right, bottom, left = (float(v) * 72 / 25.4 for v in rule.groups())
    return top, right, bottom, left


def outside_content_area(data: bytes, tolerance: float = 1.0) -> list[str]:
    """Every character and box of the body that lies outside the page's content area.

    The content area is the page less the stylesheet's margins. What lies wholly inside
    the top or bottom margin is the running head and the page number (the margin boxes),
    and is left out.
    """
    top, right, bottom, left = page_margins()
    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            area = (left, top, page.width - right, page.height - bottom)
            objects = [("char", o) for o in page.chars] + [
                (kind, o) for kind in ("rect", "line", "curve") for o in getattr(page, kind + "s")
            ]
            for kind, o in objects:
                if o["bottom"] <= top + tolerance or o["top"] >= area[3] - tolerance:
                    continue  # a margin box: running head, page number
                if (
                    o["x0"] < area[0] - tolerance
                    or o["x1"] > area[2] + tolerance
                    or o["top"] < area[1] - tolerance
                    or o["bottom"] > area[3] + tolerance
                ):
                    what = o.get("text", "") if kind == "char" else f"{o['x1'] - o['x0']:.0f} pt"
                    found.append(
                        f"page {number}: {kind} {what!r} at x {o['x0']:.1f}–{o['x1']:.1f}, "
                        f"y {o['top']:.1f}–{o['bottom']:.1f}; content area {area}"
                    )
    return found


def column_text(data: bytes, header: str) -> str:
    """The text of the table column under `header`, table by table, in order."""
    parts = []
    _, right, bottom, _ = page_margins()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            heads = page.search(header)
            ends = [h["top"] for h in heads[1:]] + [page.height - bottom] if heads else []
            for head, end in zip(heads, ends, strict=True):
                box = (head["x0"] - 3, head["bottom"], page.width - right + 1, end)
                parts.append(page.crop(box).extract_text() or "")
    return "\n".join(parts)


def libreoffice_pdf(data: bytes) -> bytes:
    """The .docx converted to PDF by LibreOffice, headless, with a throwaway profile."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: bin/install-system-deps (libreoffice-writer-nogui)"
    with tempfile.TemporaryDirectory(prefix="planstatus-soffice-") as folder:
        source = Path(folder) / "sak.docx"
        source.write_bytes(data)
        profile = Path(folder) / "profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            timeout=300,
            capture_output=True,
        )
        return (Path(folder) / "sak.pdf").read_bytes()


def render_pages(pdf: Path, stem: str) -> list[Path]:
    """Every page of the PDF as a PNG in the artefact folder, for a person to look at."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: install poppler-utils (bin/install-system-deps)"
    folder = artefact_dir()
    for old in folder.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "80", pdf, folder / stem], check=True, timeout=120)
    return sorted(folder.glob(f"{stem}-*.png"))


class HallingdalCaseTests(TestCase):
    """The regional plan's 68 measures after a round in which their bodies reported with a
    comment (all but every fourth, not reported on), through every format."""

    plan: Plan
    round: ReportingRound
    expected: list[tuple[str, str]]
    content: CaseContent
    pdf: bytes
    docx: bytes

    @classmethod
    def setUpTestData(cls) -> None:
        region = load_seed_file()
        cls.plan = Plan.objects.get(region=region, slug="regionplan")
        measures = list(
            Measure.objects.filter(focus_area__plan=cls.plan).order_by(
                "focus_area__order", "goal__order", "order", "pk"
            )
        )
        # Half a year earlier, every other measure had been started.
        for index, measure in enumerate(measures):
            if index % 2:
                record_status(measure=measure, status=Status.STARTED)
        closed_round(cls.plan, "Haust 2024")
        cls.round = report_every_measure(cls.plan, CYCLE)
        cls.content = build_case_content(plan=cls.plan, round=cls.round, details=DETAILS)
        cls.expected = [(row.code, row.status.key) for a in cls.content.areas for row in a.rows]
        cls.pdf = render_case(cls.content, "pdf")
        cls.docx = render_case(cls.content, "docx")

    def test_docx_reads_back_with_the_plan_importer_with_the_same_statuses(self) -> None:
        parsed = read_plan(self.docx, known_actors=known_actor_forms(self.plan.region))
        self.assertEqual([(m.code, m.status) for m in parsed.measures()], self.expected)
        self.assertEqual(
            [a.name for a in parsed.areas], [a.name for a in self.plan.focus_areas.all()]
        )
        # The comments are no plan text: «Siste kommentar» is no column the importer reads.
        texts = {m.code: m.text for m in parsed.measures()}
        self.assertFalse([code for code, text in texts.items() if COMMENTS[3] in text])
        # Of the plan only its own slips are warned about (two codes used twice); the
        # legend, summary, change and late tables are not mistaken for plan tables. The
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

    def test_docx_tables_have_a_fixed_layout_repeat_headers_and_shade_status_cells(self) -> None:
        document = docx.Document(io.BytesIO(self.docx))
        for table in document.tables:
            layout = table._tbl.tblPr.find(f"{W}tblLayout")
            assert layout is not None
            self.assertEqual(layout.get(f"{W}type"), "fixed")
            width = table._tbl.tblPr.find(f"{W}tblW")
            assert width is not None
            self.assertEqual(width.get(f"{W}type"), "dxa")
            grid = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
            self.assertAlmostEqual(sum(grid), int(width.get(f"{W}w")), delta=len(grid))
            self.assertLessEqual(int(width.get(f"{W}w")), round(178 / 25.4 * 1440) + 1)
        measure_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Tiltak"]
        self.assertEqual(len(measure_tables), 6)
        fills = {fill.lstrip("#").upper(): status for status, (fill, _, _) in PALETTE.items()}
        seen: list[str] = []
        for table in measure_tables:
            self.assertEqual(
                [c.text for c in table.rows[0].cells],
                ["Tiltak", "Tid", "Ansvar", "Involvering", "Status", "Siste kommentar"],
            )
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
                self.assertIn(status_label(status).capitalize(), row.cells[4].text)
                seen.append(status.value)
        self.assertEqual(seen, [s for _, s in self.expected])
        self.assertEqual(document.core_properties.title, "Sak 16-25 Regionplan – status")
        self.assertEqual(document.sections[0].header.paragraphs[0].text, "Sak 16-25")
        with zipfile.ZipFile(io.BytesIO(self.docx)) as package:
            footer = b"".join(package.read(n) for n in package.namelist() if "footer" in n)
        self.assertIn(b'w:instr="PAGE"', footer)
        self.assertIn(b'w:instr="NUMPAGES"', footer)

    def test_docx_has_the_summary_first_every_comment_and_the_signature(self) -> None:
        document = docx.Document(io.BytesIO(self.docx))
        text = "\n".join(p.text for p in document.paragraphs)
        for words in [
            "Samandrag",
            "Næringsplattforma er vedteken og i bruk.",
            "Sidan rapporteringsrunden «Haust 2024» har",
            "Bakgrunn",
            "I oktober 2024 vart ny Regionplan",
            "Endringar sidan førre sak",
            "Tiltak der tida er ute",
            "tiltak er ikkje vurderte, og er ikkje rekna med her: 1.4.1",
            "Forslag til vedtak",
            "Saka blir teken til orientering",
            "Gol, 15. mars 2025",
            "Kari Nordmann",
        ]:
            self.assertIn(words, text)
        self.assertLess(text.index("Samandrag"), text.index("Bakgrunn"))
        self.assertEqual(len(document.inline_shapes), 1)
        doc_pr = document.inline_shapes[0]._inline.docPr
        self.assertIn("1. Næringsutvikling og arbeidsplassar:", doc_pr.get("descr"))
        summary = next(t for t in document.tables if t.rows[0].cells[-1].text == "Framover")
        self.assertEqual(summary.rows[-2].cells[0].text, "Totalt")
        total = [c.text for c in summary.rows[-1].cells]
        self.assertEqual(total[-2:], ["68", str(self.content.summary.total.forward)])
        self.assertEqual(
            [int(t.split()[0]) for t in total[:5]], list(self.content.summary.total.counts)
        )
        comments = [
            row.cells[5].text
            for table in document.tables
            if table.rows[0].cells[0].text == "Tiltak"
            for row in table.rows[1:]
            if len(row._tr.tc_lst) == 6
        ]
        rows = [row for area in self.content.areas for row in area.rows]
        self.assertEqual(len(comments), len(rows))
        for row, cell in zip(rows, comments, strict=True):
            if row.comment is None:
                self.assertEqual(cell, "Ingen kommentar er rapportert.")
            else:
                self.assertEqual(cell, f"{row.comment.text} – {row.comment.credit}")

    def test_pdf_text_layer_says_what_the_case_says_with_page_heads_and_numbers(self) -> None:
        pages = pdf_pages(self.pdf)
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
            "Forslag til vedtak",
            "Gol, 15. mars 2025",
            "Dagleg leiar",
        ]:
            self.assertIn(words, flat(text))

    def test_page_one_carries_the_summary(self) -> None:
        first = flat(pdf_pages(self.pdf)[0])
        summary = self.content.summary
        for words in [
            "Samandrag",
            "Sekretariatet vil særleg peike på:",
            *DETAILS.highlight_points,
            "Innsatsområde",
            "Framover",
            f"Sidan rapporteringsrunden «Haust 2024» har {summary.total.forward} tiltak gått "
            f"framover og {summary.total.back} tiltak gått tilbake.",
            f"{len(self.content.overdue)} tiltak har passert tida si",
        ]:
            self.assertIn(words, first)
        total = re.search(r"Totalt ((?:\d+ (?:[↑↓]\d+ )?){5})68 (\d+)", first)
        assert total is not None, first
        self.assertEqual(int(total.group(2)), summary.total.forward)
        counts = [int(n) for n in re.findall(r"(?<![↑↓])\b\d+\b", total.group(1))]
        self.assertEqual(counts, list(summary.total.counts))

    def test_pdf_shows_every_bodys_comment_credited_to_the_body(self) -> None:
        column = squashed(column_text(self.pdf, "Siste kommentar"))
        rows = [row for area in self.content.areas for row in area.rows]
        commented = [row for row in rows if row.comment is not None]
        self.assertGreater(len(commented), 45)
        for row in commented:
            assert row.comment is not None
            said = squashed(f"{row.comment.text} – {row.comment.credit}")
            self.assertIn(said, column, row.code)
        silent = sum(1 for row in rows if row.comment is None)
        self.assertEqual(column.count(squashed("Ingen kommentar er rapportert.")), silent)

    def test_nothing_in_the_pdf_body_lies_outside_the_content_area(self) -> None:
        self.assertEqual(outside_content_area(self.pdf), [])

    def test_the_margin_check_finds_a_table_that_runs_past_the_margin(self) -> None:
        # The check itself: a table as wide as the case's was before its columns counted
        # their padding is found, on every page it runs over.
        html = render_html(self.content).replace(
            "table { border-collapse: collapse; width: 100%;",
            "table { border-collapse: collapse; width: calc(100% + 15mm);",
        )
        found = outside_content_area(render_pdf(html))
        self.assertTrue(found)
        self.assertIn("page 1: ", found[0])

    def test_the_pdf_is_pdf_a_2b(self) -> None:
        with pdfplumber.open(io.BytesIO(self.pdf)) as pdf:
            catalog = pdf.doc.catalog
            xmp = resolve1(catalog["Metadata"]).get_data().decode("utf-8")
            intents = resolve1(catalog["OutputIntents"])
        description = ET.fromstring(xmp[xmp.index("<x:xmpmeta") : xmp.index("</x:xmpmeta>") + 12])
        pdfaid = "{http://www.aiim.org/pdfa/ns/id/}"
        claims = {
            (e.get(f"{pdfaid}part"), e.get(f"{pdfaid}conformance"))
            for e in description.iter()
            if e.get(f"{pdfaid}part")
        }
        self.assertEqual(claims, {("2", "B")})
        self.assertEqual([resolve1(i)["S"].name for i in intents], ["GTS_PDFA1"])

    def test_hallingdal_fits_in_about_eight_pages(self) -> None:
        # 51 comments, 48 changes since the previous round and 22 late measures: the case
        # with the most to say. (It was 12 pages without a comment.)
        self.assertLessEqual(len(pdf_pages(self.pdf)), 10)

    def test_every_page_of_the_pdf_is_rendered_for_a_person_to_look_at(self) -> None:
        folder = artefact_dir()
        pdf = folder / f"sak-16-25-{database()}.pdf"
        pdf.write_bytes(self.pdf)
        (folder / f"sak-16-25-{database()}.docx").write_bytes(self.docx)
        pngs = render_pages(pdf, f"sak-16-25-side-{database()}")
        self.assertEqual(len(pngs), len(pdf_pages(self.pdf)))
        for png in pngs:
            self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))

    def test_word_converts_in_libreoffice_to_about_as_many_pages_with_every_code(self) -> None:
        converted = libreoffice_pdf(self.docx)
        (artefact_dir() / f"sak-16-25-libreoffice-{database()}.pdf").write_bytes(converted)
        pages = pdf_pages(converted)
        self.assertLessEqual(abs(len(pages) - len(pdf_pages(self.pdf))), 1, len(pages))
        text = "\n".join(pages)
        for code, _ in self.expected:
            self.assertRegex(text, rf"(?<![\d.]){re.escape(code)}(?![\d])", code)

    def test_html_and_pdf_come_from_one_template(self) -> None:
        html = render_html(self.content)
        self.assertIn("<style>", html)  # self-contained, for the archive and WeasyPrint
        self.assertNotIn("<link", html)
        self.assertEqual(html.count('data-testid="area"'), 6)
        self.assertEqual(html.count('class="measure"'), 68)
        self.assertIn('role="img"', html)  # the chart, inline


class PlainHallingdalCaseTests(TestCase):
    """The case as it was made before this layout: every measure with a status set on the
    web, no comments, no earlier round. It was 12 pages."""

    def test_it_fits_in_eight_pages(self) -> None:
        region = load_seed_file()
        plan = Plan.objects.get(region=region, slug="regionplan")
        measures = Measure.objects.filter(focus_area__plan=plan).order_by(
            "focus_area__order", "goal__order", "order", "pk"
        )
        for index, measure in enumerate(measures):
            record_status(measure=measure, status=CYCLE[index % len(CYCLE)])
        content = build_case_content(plan=plan, round=None, details=DETAILS)
        data = render_case(content, "pdf")
        self.assertLessEqual(len(pdf_pages(data)), 8)
        self.assertEqual(outside_content_area(data), [])


class LongPlanTests(BaseTestCase):
    def test_150_measures_render_without_a_row_split_across_pages(self) -> None:
        # Long texts make rows tall, so page ends fall inside rows unless the rule holds.
        text = (
            "start{n}x "
            + "eit langt tiltak som går over fleire liner i tabellen " * 3
            + "slutt{n}x"
        )
        plan = make_plan(region=self.region, actor=self.actor, slug="lang", measures=150, text=text)
        for measure in plan.measures():
            record_status(
                measure=measure,
                status=Status.STARTED,
                comment="Vi er i gang med arbeidet og reknar med å vere ferdige neste år.",
                comment_is_public=True,
            )
        content = build_case_content(plan=plan, round=None, details=DETAILS)
        data = render_case(content, "pdf")
        pages = pdf_pages(data)
        self.assertGreater(len(pages), 10)
        for n in range(150):
            # «startNx»: never inside another marker («start1x» is not in «start11x»).
            start = [i for i, page in enumerate(pages) if f"start{n}x" in page]
            end = [i for i, page in enumerate(pages) if f"slutt{n}x" in page]
            self.assertTrue(start, n)  # in the measure tables; the late list is shortened
            self.assertIn(start[0], end, f"measure {n} is split across pages {start} / {end}")
        # The tables did run over pages: their header row is repeated.
        headers = sum("Tiltak Tid Ansvar Involvering Status Siste kommentar" in p for p in pages)
        self.assertGreater(headers, 5)
        self.assertEqual(outside_content_area(data), [])


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
