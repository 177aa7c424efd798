"""The annual report to Hallingtinget: the status case with each goal's indicators.

Hallingdal's five quantified goals come from the seed; the population is imported from a
JSON-stat file like SSB's table 07459, written here, through the upload page.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pdfplumber
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from planstatus.accounts.models import Membership
from planstatus.cases.models import CaseDocument, CaseDraft, SentCase
from planstatus.cases.services import build_case_content, render_case
from planstatus.indicators.models import Indicator, IndicatorValue
from planstatus.indicators.services import region_municipalities, summarise
from planstatus.installation.seed import load_seed_file
from planstatus.lib.jsonstat import write_dataset
from planstatus.plans.models import Plan
from planstatus.regions.models import Region
from tests.cases import DETAILS
from tests.test_case_documents import artefact_dir

QUANTIFIED_GOALS = {
    "Studieplassar på fagskule- og høgskulenivå": ("2.1", 600),
    "Del kvinner blant nye gründarar": ("1.4", 40),
    "Del kvinner i styre": ("1.4", 40),
    "Bustader med tilbod om breiband": ("3.4", 100),
    "Folketal": ("5.3", 20566),
}
# 1 January: 2015 and 2019 under the numbers before 2020, 2022 under the Viken numbers,
# 2024 under today's. Oslo (0301) is in the file and must be left out.
POPULATION = {
    "2015": {"Flå": 1050, "Nesbyen": 3390, "Gol": 4580, "Hemsedal": 2330, "Ål": 4700, "Hol": 4516},
    "2019": {"Flå": 1040, "Nesbyen": 3340, "Gol": 4610, "Hemsedal": 2480, "Ål": 4680, "Hol": 4470},
    "2022": {"Flå": 1057, "Nesbyen": 3290, "Gol": 4950, "Hemsedal": 2600, "Ål": 4650, "Hol": 4460},
    "2024": {"Flå": 1070, "Nesbyen": 3301, "Gol": 4986, "Hemsedal": 2666, "Ål": 4690, "Hol": 4480},
}


def population_file(region: Region) -> bytes:
    municipalities = region_municipalities(region)

    def number(name: str, year: str) -> str:
        m = next(m for m in municipalities if m.name == name)
        if year < "2020":
            return m.number_before_2020
        return m.number_2020_2023 if year < "2024" else m.number

    codes = sorted({number(n, y) for y, by_name in POPULATION.items() for n in by_name})
    codes.append("0301")
    years = sorted(POPULATION)
    cells = {(number(n, y), y): v for y, by_name in POPULATION.items() for n, v in by_name.items()}
    cells.update({("0301", y): 700_000 for y in years})
    return write_dataset(
        label="07459: Folkemengd, etter region og år",
        source="Statistisk sentralbyrå",
        dimensions=[
            ("Region", codes, {"0301": "Oslo"}),
            ("ContentsCode", ["Personer1"], {"Personer1": "Personar"}),
            ("Tid", years, {}),
        ],
        values=[cells.get((code, year)) for code in codes for year in years],
        roles={"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]},
    )


class AnnualReportTests(TestCase):
    region: Region
    plan: Plan
    population: Indicator
    secretariat: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.region = load_seed_file()
        cls.plan = Plan.objects.get(region=cls.region, slug="regionplan")
        cls.population = Indicator.objects.get(plan=cls.plan, name="Folketal")
        cls.secretariat = get_user_model().objects.create_user("sekretariat", password="pw-12345!")
        Membership.objects.create(
            user=cls.secretariat, region=cls.region, role=Membership.Role.SECRETARIAT
        )

    def import_population(self) -> None:
        self.client.force_login(self.secretariat)
        url = reverse("indicator_upload", args=["hallingdal", "regionplan", self.population.pk])
        upload = SimpleUploadedFile("07459.json", population_file(self.region))
        response = self.client.post(url, {"file": upload})
        self.assertRedirects(response, self.population.get_absolute_url())

    def test_the_five_quantified_goals_are_indicators_with_targets(self) -> None:
        indicators = Indicator.objects.filter(plan=self.plan).prefetch_related("goals", "targets")
        found = {
            i.name: ([g.code for g in i.goals.all()], [t.value for t in i.targets.all()])
            for i in indicators
        }
        for name, (goal, target) in QUANTIFIED_GOALS.items():
            self.assertEqual(found[name], ([goal], [Decimal(target)]), name)

    def test_population_from_jsonstat_is_filtered_and_summed_over_three_numberings(self) -> None:
        self.import_population()
        # 24 from the file (six municipalities, four years) beside the seed's six dated ones.
        values = IndicatorValue.objects.filter(indicator=self.population)
        self.assertEqual(values.filter(period__regex=r"^\d{4}$").count(), 24)
        self.assertEqual(values.count(), 24 + 6)
        summary = summarise(self.population, region_municipalities(self.region))
        totals = {r.period: r.value for r in summary.region if len(r.period) == 4}
        self.assertEqual(
            totals, {year: sum(by_name.values()) for year, by_name in POPULATION.items()}
        )
        self.assertEqual(totals["2024"], 21193)
        # 21 193 in 2024 against a target of 20 566 by 2027: reached.
        self.assertEqual(summary.judgement.assessment, "reached")

    def test_annual_report_shows_every_indicator_with_figures_chart_and_status(self) -> None:
        self.import_population()
        content = build_case_content(plan=self.plan, round=None, details=DETAILS, annual=True)
        self.assertEqual(content.indicator_count, 5)
        self.assertEqual(
            [g.heading.split(":")[0] for g in content.indicators],
            ["Mål 1.4", "Mål 2.1", "Mål 3.4", "Mål 5.3"],
        )
        population = content.indicators[-1].indicators[0]
        self.assertEqual(population.latest, "21\xa0193 innbyggjarar (2024)")
        self.assertEqual(population.baseline, "20\xa0566 innbyggjarar (2015)")
        self.assertEqual(population.status_text, "✓ Nådd")
        self.assertEqual(population.region_value, "Sum av kommunane")
        places = content.indicators[1].indicators[0]
        self.assertIsNone(places.chart)  # no values, so nothing to draw
        self.assertEqual(places.status_text, "? Ikkje nok data")

        document = docx.Document(io.BytesIO(render_case(content, "docx")))
        headings = [
            p.text for p in document.paragraphs if p.style and p.style.name.startswith("Heading")
        ]
        self.assertIn("Indikatorar", headings)
        self.assertIn("Mål 5.3: " + content.indicators[-1].text, headings)
        for name in QUANTIFIED_GOALS:
            self.assertIn(name, headings)
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Siste verdi: 21\xa0193 innbyggjarar (2024)", text)
        self.assertIn("Status: ✓ Nådd", text)
        # The population chart is a picture with its figures as alt text, and a table.
        alt_texts = [
            element.get("descr", "") for element in document.element.body.iter(_tag("wp:docPr"))
        ]
        self.assertTrue(any("2024: 21\xa0193" in alt for alt in alt_texts), alt_texts)
        figures = [t for t in document.tables if t.rows[0].cells[0].text == "Periode"]
        self.assertEqual(len(figures), 1)
        rows = [[c.text for c in row.cells] for row in figures[0].rows]
        self.assertEqual(rows[0], ["Periode", "Hallingdal (region)", "Målbane"])
        self.assertIn(["2024", "21\xa0193", "–"], rows)
        self.assertIn(["2027", "–", "20\xa0566"], rows)
        media = zipfile.ZipFile(io.BytesIO(render_case(content, "docx"))).namelist()
        self.assertEqual(len([m for m in media if m.startswith("word/media/")]), 2)

        pdf_data = render_case(content, "pdf")
        (artefact_dir() / "annual-report.pdf").write_bytes(pdf_data)
        with pdfplumber.open(io.BytesIO(pdf_data)) as pdf:
            pdf_text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        self.assertIn("Indikatorar", pdf_text)
        self.assertIn("Folketal", pdf_text)
        self.assertIn("21 193 innbyggjarar (2024)", pdf_text.replace("\xa0", " "))

    def test_the_status_case_has_no_indicator_section(self) -> None:
        content = build_case_content(plan=self.plan, round=None, details=DETAILS)
        self.assertEqual(content.indicators, ())
        document = docx.Document(io.BytesIO(render_case(content, "docx")))
        self.assertNotIn("Indikatorar", [p.text for p in document.paragraphs])

    def test_secretariat_makes_and_archives_the_annual_report_on_the_web(self) -> None:
        self.import_population()
        url = reverse("case_page", args=["hallingdal", "regionplan"])
        page = self.client.get(url)
        self.assertContains(page, 'value="annual"')
        form = {
            "kind": "annual",
            "round": "now",
            "case_number": "30-26",
            "title": "Årsrapport 2026 – regionplanen",
            "background": "",
            "proposed_resolution": "Saka blir teken til orientering",
            "place": "Gol",
            "date": "2026-11-23",
            "signer_name": "Kari Nordmann",
            "signer_title": "",
        }
        response = self.client.post(url, form)
        draft = CaseDraft.objects.get()
        self.assertRedirects(response, f"{url}?utkast={draft.pk}#forhandsvising")
        self.assertTrue(draft.annual)
        self.assertIn('data-testid="indicator"', draft.html)
        send = reverse("case_draft_send", args=["hallingdal", "regionplan", draft.pk])
        self.client.post(send)
        document = CaseDocument.objects.get(format="pdf")
        self.assertTrue(document.annual and document.sent_case.annual)
        self.assertTrue(document.filename.startswith("arsrapport-30-26-"))
        self.assertContains(self.client.get(url), "Årsrapport")

        printed = self.client.get(
            reverse("case_print", args=["hallingdal", "regionplan"]) + "?round=now&kind=annual"
        )
        self.assertContains(printed, 'data-testid="indicator"', count=5)
        self.assertContains(printed, "<svg", count=2)  # the status chart and the population's

    def test_report_command_writes_the_annual_report(self) -> None:
        self.import_population()
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "arsrapport.docx"
            call_command(
                "report",
                "hallingdal/regionplan",
                "--format=docx",
                f"--output={target}",
                "--case-number=30-26",
                "--annual",
                "--send",
                stdout=io.StringIO(),
            )
            document = docx.Document(str(target))
        self.assertIn("Folketal", [p.text for p in document.paragraphs])
        self.assertTrue(SentCase.objects.get().annual)


def _tag(name: str) -> str:
    prefix, local = name.split(":")
    namespaces = {
        "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    }
    return f"{{{namespaces[prefix]}}}{local}"
