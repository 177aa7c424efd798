"""Indicators: values never overwritten silently, the region's series, status against the
target path, the pages, the value form and file uploads (JSON-stat, CSV) with their refusals,
and the region's stated facts checked against its municipalities."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from planstatus.indicators.models import (
    Indicator,
    IndicatorGoal,
    IndicatorTarget,
    IndicatorValue,
    StatedFact,
)
from planstatus.indicators.services import (
    ValueRow,
    ValuesWouldChange,
    check_region_facts,
    record_values,
    region_municipalities,
    summarise,
)
from planstatus.installation.seed import load_seed_file
from planstatus.lib.indicators import Assessment
from planstatus.lib.jsonstat import write_dataset
from planstatus.plans.models import Goal
from planstatus.regions.models import Municipality, MunicipalityPopulation
from tests.base import BaseTestCase
from tests.html import by_testid, parse


class IndicatorTestCase(BaseTestCase):
    fla: Municipality
    gol: Municipality
    places: Indicator
    women: Indicator

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.fla = Municipality.objects.create(
            region=cls.region,
            name="Flå",
            number="3320",
            number_2020_2023="3039",
            number_before_2020="0615",
            area_km2=Decimal("704.43"),
        )
        cls.gol = Municipality.objects.create(
            region=cls.region,
            name="Gol",
            number="3324",
            number_2020_2023="3041",
            number_before_2020="0617",
            area_km2=Decimal("532.53"),
        )
        cls.places = Indicator.objects.create(
            plan=cls.plan,
            name="Studieplassar",
            unit="plassar",
            aggregation=Indicator.Aggregation.SUM,
            baseline_value=Decimal(300),
            baseline_year=2020,
            definition="Studieplassar på fagskule- og høgskulenivå.",
        )
        cls.places.goals.add(cls.measure.goal)  # type: ignore[arg-type]
        IndicatorTarget.objects.create(indicator=cls.places, year=2030, value=Decimal(600))
        cls.women = Indicator.objects.create(
            plan=cls.plan,
            name="Del kvinner blant gründarar",
            unit="%",
            aggregation=Indicator.Aggregation.WEIGHTED_MEAN,
            weight_label="talet på gründarar",
        )
        IndicatorTarget.objects.create(indicator=cls.women, year=2025, value=Decimal(40))

    def url(self, name: str, indicator: Indicator | None = None) -> str:
        indicator = indicator or self.places
        return reverse(name, args=["testdal", "regionplan", indicator.pk])

    def rows(self, *values: tuple[Municipality | None, str, int]) -> list[ValueRow]:
        return [ValueRow(m, p, Decimal(v)) for m, p, v in values]


class ValueServiceTests(IndicatorTestCase):
    def test_a_changed_value_needs_consent_and_keeps_the_earlier_one(self) -> None:
        record_values(
            indicator=self.places,
            rows=self.rows((self.fla, "2024", 100)),
            user=self.owner,
            via="web",
        )
        with self.assertRaises(ValuesWouldChange):
            record_values(
                indicator=self.places,
                rows=self.rows((self.fla, "2024", 120), (self.gol, "2024", 5)),
                user=self.owner,
                via="web",
            )
        self.assertEqual(IndicatorValue.objects.count(), 1)  # nothing of the second call
        changes = record_values(
            indicator=self.places,
            rows=self.rows((self.fla, "2024", 120), (self.gol, "2024", 5)),
            user=self.colleague,
            via="web",
            replace=True,
        )
        self.assertEqual((len(changes.new), len(changes.changed)), (1, 1))
        value = IndicatorValue.objects.get(municipality=self.fla)
        self.assertEqual(value.value, 120)
        history = list(value.history.order_by("history_date"))  # type: ignore[attr-defined]
        self.assertEqual([h.value for h in history], [100, 120])
        self.assertEqual([h.history_user for h in history], [self.owner, self.colleague])

    def test_sum_weighted_mean_and_status(self) -> None:
        municipalities = region_municipalities(self.region)
        record_values(
            indicator=self.places,
            rows=self.rows((self.fla, "2024", 200), (self.gol, "2024", 260), (self.fla, "2025", 1)),
            user=self.owner,
            via="web",
        )
        summary = summarise(self.places, municipalities)
        self.assertEqual((summary.region[0].period, summary.region[0].value), ("2024", 460))
        self.assertEqual(summary.region[1].missing, ("Gol",))  # 2025 is incomplete
        # The path runs 300 (2020) → 600 (2030): 420 in 2024, so 460 is on track.
        self.assertEqual(summary.judgement.assessment, Assessment.ON_TRACK)
        self.assertEqual(summary.judgement.expected, Decimal(420))

        record_values(
            indicator=self.women,
            rows=[
                ValueRow(self.fla, "2024", Decimal(50), Decimal(10)),
                ValueRow(self.gol, "2024", Decimal(30), Decimal(30)),
            ],
            user=self.owner,
            via="web",
        )
        summary = summarise(self.women, municipalities)
        self.assertEqual(summary.region[0].value, Decimal(35))  # (50·10 + 30·30) / 40
        # No baseline: the path starts at the first value, so one value is on its own path.
        self.assertEqual(summary.judgement.assessment, Assessment.ON_TRACK)
        self.assertEqual(summary.judgement.expected, Decimal(35))

    def test_stated_area_is_flagged_against_the_municipalities(self) -> None:
        StatedFact.objects.create(
            region=self.region, kind="area", value=Decimal(1000), source="Programmet"
        )
        StatedFact.objects.create(
            region=self.region,
            kind="population",
            value=Decimal(6000),
            date=datetime.date(2024, 1, 1),
            source="Programmet",
        )
        for m, count in ((self.fla, 1057), (self.gol, 4986)):
            MunicipalityPopulation.objects.create(
                municipality=m, date=datetime.date(2024, 1, 1), count=count
            )
        area, population = sorted(
            check_region_facts(self.region, self.region.municipalities.all()),
            key=lambda c: c.fact.kind,
        )
        self.assertEqual(area.computed, Decimal("1236.96"))
        self.assertTrue(area.flagged)
        self.assertEqual(population.computed, 6043)
        self.assertFalse(population.flagged)  # 0.7 %

        response = self.client.get(reverse("region", args=["testdal"]))
        self.assertContains(response, 'data-testid="fact-flag"', count=1)
        self.assertContains(response, "1\xa0236,96")


class IndicatorPageTests(IndicatorTestCase):
    def add_values(self, years: range) -> None:
        rows = []
        for year in years:
            rows += [
                ValueRow(self.fla, str(year), Decimal(100 + year % 7)),
                ValueRow(self.gol, str(year), Decimal(250)),
            ]
        record_values(indicator=self.places, rows=rows, user=self.owner, via="web")

    def test_list_page_is_public_with_status_and_rule(self) -> None:
        self.add_values(range(2020, 2023))
        response = self.client.get(reverse("indicator_list", args=["testdal", "regionplan"]))
        self.assertContains(response, "Studieplassar")
        self.assertContains(response, 'data-testid="status-rule"')
        self.assertContains(response, "Ikkje nok data")  # the women's share has no values

    def test_list_pages_query_count_does_not_grow(self) -> None:
        # Plan, municipalities, indicators, targets, values (the goal page: + goal,
        # measures and the links it carries on); the same at both sizes.
        pages = [
            (reverse("indicator_list", args=["testdal", "regionplan"]), 5),
            (reverse("goal", args=["testdal", "regionplan", self.measure.goal_id]), 8),
        ]
        self.add_values(range(2020, 2022))
        for url, queries in pages:
            with self.assertNumQueries(queries):
                self.client.get(url)
        self.add_values(range(2022, 2030))
        for n in range(5):
            extra = Indicator.objects.create(plan=self.plan, name=f"Ekstra {n}", unit="%")
            extra.goals.add(self.measure.goal)  # type: ignore[arg-type]
            IndicatorTarget.objects.create(indicator=extra, year=2030, value=Decimal(n))
        for url, queries in pages:
            with self.assertNumQueries(queries):
                self.assertContains(self.client.get(url), "Ekstra 4")

    def test_indicator_page_has_chart_table_and_municipalities_on_request(self) -> None:
        self.add_values(range(2020, 2023))
        response = self.client.get(self.url("indicator"))
        content = response.content.decode()
        self.assertIn("<svg", content)
        self.assertIn("Målbane", content)  # the target path's line
        self.assertIn('data-testid="value-table"', content)
        self.assertIn("Sum av kommunane", content)
        self.assertNotIn("Entered and corrected", content)
        self.assertNotIn('data-testid="value-history"', content)  # members only
        self.assertNotIn("<polyline points", content.split("Flå")[0][-200:])
        with_m = self.client.get(self.url("indicator") + "?kommunar=1").content.decode()
        self.assertEqual(with_m.count("<polyline"), 4)  # region, target path, Flå, Gol
        self.assertEqual(content.count("<polyline"), 2)

    def test_chart_numbers_follow_the_language(self) -> None:
        record_values(
            indicator=self.places,
            rows=[
                ValueRow(self.fla, "2024", Decimal("1250.5")),
                ValueRow(self.gol, "2024", Decimal(0)),
            ],
            user=self.owner,
            via="web",
        )
        self.assertContains(self.client.get(self.url("indicator")), "2024: 1\xa0250,5")
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.assertContains(self.client.get(self.url("indicator")), "2024: 1,250.5")

    def test_goal_page_shows_its_indicators(self) -> None:
        url = reverse("goal", args=["testdal", "regionplan", self.measure.goal_id])
        response = self.client.get(url)
        self.assertContains(response, "Studieplassar")
        self.assertNotContains(response, "Del kvinner")

    def test_value_form_saves_refuses_silent_overwrite_and_replaces(self) -> None:
        self.client.force_login(self.owner)
        data = {"period": "2024", "municipality": self.fla.pk, "value": "110", "source_note": "SSB"}
        self.assertRedirects(
            self.client.post(self.url("indicator_value"), data), self.url("indicator")
        )
        data["value"] = "115"
        response = self.client.post(self.url("indicator_value"), data)
        self.assertContains(response, "Det er allereie registrert ein verdi", status_code=400)
        self.assertEqual(IndicatorValue.objects.get().value, 110)
        data["replace"] = "on"
        self.client.post(self.url("indicator_value"), data)
        self.assertEqual(IndicatorValue.objects.get().value, 115)
        page = self.client.get(self.url("indicator")).content.decode()
        self.assertIn('data-testid="value-history"', page)
        self.assertIn("retta", page)

    def test_computed_region_value_cannot_be_entered(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.post(self.url("indicator_value"), {"period": "2024", "value": "5"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(IndicatorValue.objects.exists())

    def test_outsiders_and_readers_cannot_enter_values(self) -> None:
        data = {"period": "2024", "municipality": self.fla.pk, "value": "1"}
        for user, expected in ((self.outsider, 403), (self.colleague, 403)):
            self.client.force_login(user)
            for name in ("indicator_value", "indicator_upload"):
                self.assertEqual(self.client.post(self.url(name), data).status_code, expected)
            for name in ("indicator_template", "indicator_template_xlsx"):
                self.assertEqual(self.client.get(self.url(name)).status_code, expected, name)
        self.client.logout()
        response = self.client.post(self.url("indicator_value"), data)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(IndicatorValue.objects.exists())


class UploadTests(IndicatorTestCase):
    def upload(
        self, name: str, data: bytes, indicator: Indicator | None = None, **extra: str
    ) -> Any:
        self.client.force_login(self.owner)
        return self.client.post(
            self.url("indicator_upload", indicator),
            {"file": SimpleUploadedFile(name, data), **extra},
        )

    def ssb_file(self, values: list[int | None]) -> bytes:
        return write_dataset(
            label="Studieplassar",
            source="Statistisk sentralbyrå",
            dimensions=[
                ("Region", ["0615", "0617", "3320", "3324", "0301"], {}),
                ("Tid", ["2019", "2024"], {}),
            ],
            values=values,  # type: ignore[arg-type]
            roles={"geo": ["Region"], "time": ["Tid"]},
        )

    def test_jsonstat_is_filtered_to_the_region_and_aggregated(self) -> None:
        data = self.ssb_file([150, None, 160, None, None, 170, None, 180, 9999, 9999])
        response = self.upload("07459.json", data)
        self.assertRedirects(response, self.url("indicator"))
        values = {
            (v.municipality.name if v.municipality else "", v.period): v.value
            for v in IndicatorValue.objects.select_related("municipality")
        }
        self.assertEqual(
            values,
            {
                ("Flå", "2019"): 150,
                ("Gol", "2019"): 160,
                ("Flå", "2024"): 170,
                ("Gol", "2024"): 180,
            },
        )
        summary = summarise(self.places, region_municipalities(self.region))
        self.assertEqual([r.value for r in summary.region], [310, 350])
        self.assertEqual(IndicatorValue.objects.first().entered_via, "jsonstat")  # type: ignore[union-attr]

    def test_a_second_file_that_changes_values_saves_nothing_without_consent(self) -> None:
        self.upload("a.json", self.ssb_file([150, None, 160, None, None, 170, None, 180, 1, 1]))
        changed = self.ssb_file([151, None, 160, None, None, 170, None, 180, 1, 1])
        response = self.upload("a.json", changed)
        self.assertContains(response, 'data-testid="would-change"', status_code=400)
        self.assertContains(response, "Ingenting vart lagra", status_code=400)
        self.assertEqual(
            IndicatorValue.objects.get(municipality=self.fla, period="2019").value, 150
        )
        self.upload("a.json", changed, replace="on")
        self.assertEqual(
            IndicatorValue.objects.get(municipality=self.fla, period="2019").value, 151
        )

    def test_csv_with_old_municipality_numbers_and_weights(self) -> None:
        csv = (
            "periode;kommunenummer;verdi;vekt;kjelde\r\n"
            "2019;0615;50;10;SSB\r\n2019;K-3324;30;30;\r\n"
        )
        response = self.upload("verdiar.csv", ("\ufeff" + csv).encode(), self.women)
        self.assertRedirects(response, self.url("indicator", self.women))
        summary = summarise(self.women, region_municipalities(self.region))
        self.assertEqual(summary.region[0].value, Decimal(35))

    def test_template_downloads(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get(self.url("indicator_template"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(
            "periode;kommunenummer;verdi;vekt;kjelde", response.content.decode("utf-8-sig")
        )
        self.assertIn(";3324;", response.content.decode("utf-8-sig"))

    def test_xlsx_template_filled_in_and_uploaded(self) -> None:
        self.client.force_login(self.owner)
        upload_page = self.client.get(self.url("indicator_upload", self.women))
        self.assertContains(upload_page, self.url("indicator_template", self.women))
        self.assertContains(upload_page, self.url("indicator_template_xlsx", self.women))
        response = self.client.get(self.url("indicator_template_xlsx", self.women))
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn(f"indikator-{self.women.pk}.xlsx", response["Content-Disposition"])
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = workbook["Verdiar"]
        year = str(timezone.localdate().year - 1)
        # A weighted mean is computed: no row for the region, one per municipality.
        self.assertEqual(
            [r[:2] for r in sheet.iter_rows(min_row=2, values_only=True)],
            [(year, "3320"), (year, "3324")],
        )
        guide = [c for r in workbook["Rettleiing"].iter_rows(values_only=True) for c in r if c]
        self.assertIn("Del kvinner blant gründarar", guide)
        self.assertIn("Flå", guide)
        for row, (value, weight) in enumerate([(50, 10), (30, 30)], start=2):
            sheet.cell(row=row, column=3, value=value)
            sheet.cell(row=row, column=4, value=weight)
        sheet.cell(row=2, column=5, value="SSB")
        filled = io.BytesIO()
        workbook.save(filled)
        response = self.upload("mal.xlsx", filled.getvalue(), self.women)
        self.assertRedirects(response, self.url("indicator", self.women))
        saved = IndicatorValue.objects.order_by("municipality__number")
        self.assertEqual(
            [(v.municipality, v.period, v.value, v.weight, v.entered_via) for v in saved],
            [
                (self.fla, year, 50, 10, "file"),
                (self.gol, year, 30, 30, "file"),
            ],
        )
        self.assertEqual(saved[0].source_note, "SSB")
        summary = summarise(self.women, region_municipalities(self.region))
        self.assertEqual(summary.region[0].value, Decimal(35))

    def test_xlsx_template_of_a_region_value_starts_with_the_regions_row(self) -> None:
        direct = Indicator.objects.create(plan=self.plan, name="Direkte", unit="%")
        self.client.force_login(self.owner)
        workbook = openpyxl.load_workbook(
            io.BytesIO(self.client.get(self.url("indicator_template_xlsx", direct)).content)
        )
        numbers = [r[1] for r in workbook["Verdiar"].iter_rows(min_row=2, values_only=True)]
        self.assertEqual(numbers, [None, "3320", "3324"])

    def test_wrong_files_are_refused_in_nynorsk_and_nothing_changes(self) -> None:
        deep = b"[" * 50_000 + b"]" * 50_000
        cases = [
            ("plan.exe", b"MZ\x90\x00", "Last opp ei JSON-stat-fil"),
            ("tom.json", b"", "Fila er tom"),
            ("stor.csv", b"x" * (10 * 1024 * 1024 + 1), "Fila er for stor"),
            ("feil.json", b"{ikkje json", "Fila er ikkje JSON"),
            ("liste.json", b"[1, 2]", "ikkje eit JSON-stat 2.0-datasett"),
            ("djup.json", deep, "Fila er ikkje JSON"),
            (
                "skadd.json",
                b'{"class": "dataset", "id": ["Region"], "size": [3], "value": [1],'
                b' "dimension": {"Region": {"category": {"index": ["3320"]}}}}',
                "skadd eller ufullstendig",
            ),
            ("oslo.json", self.ssb_file([None] * 8 + [1, 2]), "ingen verdiar for kommunane"),
            ("stort.json", self.ssb_file([10**20] + [None] * 9), "skadd eller ufullstendig"),
            ("stort.csv", b"periode;kommunenummer;verdi\r\n2024;3320;1e20\r\n", "Rad 2"),
            ("feil.xlsx", b"PK\x03\x04 not a zip", "skadd eller ikkje ei Excel-fil"),
            ("utan.csv", b"a;b\r\n1;2\r\n", "Fann ikkje kolonnane"),
            ("rad.csv", b"periode;verdi\r\n2024;mykje\r\n", "Rad 2"),
            ("kommune.csv", b"periode;kommunenummer;verdi\r\n2024;0301;5\r\n", "Rad 2"),
            ("region.csv", b"periode;verdi\r\n2024;5\r\n", "blir rekna ut"),
            ("skript.csv", b"periode;verdi\r\n<script>alert(1)</script>;5\r\n", "Rad 2"),
        ]
        for name, data, message in cases:
            response = self.upload(name, data)
            self.assertEqual(response.status_code, 400, name)
            self.assertContains(response, message, status_code=400, msg_prefix=name)
            self.assertNotContains(response, "<script>alert", status_code=400)
        self.assertFalse(IndicatorValue.objects.exists())

    def test_values_of_the_wrong_unit_are_refused_and_nothing_changes(self) -> None:
        percent = write_dataset(
            label="Del av busetnaden",
            dimensions=[
                ("Region", ["3320", "3324"], {}),
                ("ContentsCode", ["Andel"], {"Andel": "Del"}),
                ("Tid", ["2024"], {}),
            ],
            values=[12, 14],
            roles={"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]},
            units={"ContentsCode": {"Andel": "prosent"}},
        )
        response = self.upload("andel.json", percent)  # study places are a count
        self.assertContains(response, "Fila gjev verdiane i «prosent»", status_code=400)
        people = write_dataset(
            label="Folkemengd",
            dimensions=[
                ("Region", ["3320", "3324"], {}),
                ("ContentsCode", ["Personer1"], {}),
                ("Tid", ["2024"], {}),
            ],
            values=[1070, 4986],
            roles={"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]},
            units={"ContentsCode": {"Personer1": "personer"}},
        )
        response = self.upload("folk.json", people, self.women, weight_content="Personer1")
        self.assertContains(response, "Fila gjev verdiane i «personer»", status_code=400)
        # A share of 4 500: a count typed into the share's column.
        csv = b"periode;kommunenummer;verdi;vekt\r\n2024;3320;40;10\r\n2024;3324;4500;30\r\n"
        response = self.upload("del.csv", csv, self.women)
        self.assertContains(
            response, "Ein del er mellom 0 og 100 %, men fila har 4500 (Gol, 2024)", status_code=400
        )
        self.client.force_login(self.owner)
        form = {"period": "2024", "municipality": self.gol.pk, "value": "140", "weight": "3"}
        response = self.client.post(self.url("indicator_value", self.women), form)
        self.assertContains(response, "Ein del er mellom 0 og 100", status_code=400)
        self.assertFalse(IndicatorValue.objects.exists())


class HallingdalIndicatorTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_seed_file()

    def test_stated_area_is_flagged_and_population_is_not_compared(self) -> None:
        response = self.client.get(reverse("region", args=["hallingdal"]))
        # 5 406 km² stated, 5 829.65 km² from the six municipalities: 7.8 % apart.
        self.assertContains(response, "5\xa0406")
        self.assertContains(response, "5\xa0829,65")
        self.assertContains(response, "7,8 %")
        self.assertContains(response, 'data-testid="fact-flag"', count=1)
        # 20 566 people in 2015: the municipalities' figures are from 2022–2024.
        self.assertContains(response, "20\xa0566")

    def test_the_plans_indicators_and_goal_pages(self) -> None:
        response = self.client.get(reverse("indicator_list", args=["hallingdal", "regionplan"]))
        self.assertContains(response, "Studieplassar på fagskule- og høgskulenivå")
        self.assertContains(response, "Del kvinner blant nye gründarar")
        goal = Goal.objects.get(plan__slug="regionplan", code="1.4")
        response = self.client.get(reverse("goal", args=["hallingdal", "regionplan", goal.pk]))
        self.assertContains(response, "Del kvinner i styre")
        self.assertContains(response, "1.4.3")
        plan_page = self.client.get(reverse("plan", args=["hallingdal", "regionplan"]))
        self.assertContains(plan_page, reverse("goal", args=["hallingdal", "regionplan", goal.pk]))


class IndicatorFormTests(IndicatorTestCase):
    def form(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "name": "Studieplassar i Testdal",
            "unit": "plassar",
            "direction": "higher",
            "aggregation": "sum",
            "weight_label": "",
            "baseline_value": "300",
            "baseline_year": "2020",
            "source": "Fagskulen",
            "definition": "Plassar på fagskule- og høgskulenivå.",
            "goals": [self.measure.goal_id],
            "measure_codes": self.measure.code,
            "targets_text": "2027; 450; halvvegs\n2030; 600",
        }
        data.update(changes)
        return data

    def test_secretariat_creates_an_indicator_with_targets_and_links(self) -> None:
        self.client.force_login(self.owner)
        create = reverse("indicator_create", args=["testdal", "regionplan"])
        self.assertContains(self.client.get(create), 'name="targets_text"')
        response = self.client.post(create, self.form(name="Nye studieplassar"))
        indicator = Indicator.objects.get(name="Nye studieplassar")
        self.assertRedirects(response, indicator.get_absolute_url())
        self.assertEqual(
            [(t.year, t.value, t.note) for t in indicator.targets.all()],
            [(2027, 450, "halvvegs"), (2030, 600, "")],
        )
        self.assertEqual(list(indicator.goals.all()), [self.measure.goal])
        self.assertEqual(list(indicator.measures.all()), [self.measure])
        self.assertEqual(indicator.history.first().history_user, self.owner)  # type: ignore[attr-defined]

    def test_editing_keeps_history_of_targets_and_links(self) -> None:
        self.client.force_login(self.owner)
        edit = reverse("indicator_edit", args=["testdal", "regionplan", self.places.pk])
        page = self.client.get(edit)
        self.assertContains(page, "2030; 600")  # the current target, as a line to edit
        response = self.client.post(edit, self.form(targets_text="2030; 650", goals=[]))
        self.assertRedirects(response, self.places.get_absolute_url())
        self.assertEqual([(t.year, t.value) for t in self.places.targets.all()], [(2030, 650)])
        self.assertFalse(self.places.goals.exists())
        changed = IndicatorTarget.history.filter(year=2030).order_by("history_date")  # type: ignore[attr-defined]
        self.assertEqual([h.value for h in changed], [600, 650])
        self.assertEqual(changed.last().history_user, self.owner)
        removed = IndicatorGoal.history.filter(history_type="-")  # type: ignore[attr-defined]
        self.assertEqual(removed.count(), 1)
        self.assertEqual(removed.get().history_user, self.owner)

    def test_bad_input_is_explained_in_nynorsk_and_nothing_changes(self) -> None:
        self.client.force_login(self.owner)
        record_values(
            indicator=self.places,
            rows=[ValueRow(self.fla, "2024", Decimal(120))],
            user=self.owner,
            via="web",
        )
        edit = reverse("indicator_edit", args=["testdal", "regionplan", self.places.pk])
        before = (
            list(Indicator.objects.values()),
            list(IndicatorTarget.objects.values()),
            list(IndicatorGoal.objects.values()),
        )
        cases = [
            ({"targets_text": "i 2030 skal vi ha 600"}, "Linje 1: skriv eit årstal"),
            ({"targets_text": "2030; seks hundre"}, "Linje 1: skriv eit årstal"),
            ({"targets_text": "2030; 600\n2030; 700"}, "Det er to mål for 2030"),
            ({"measure_codes": "9.9.9"}, "Planen har ikkje tiltak 9.9.9"),
            ({"unit": "studentar"}, "Indikatoren har verdiar i «plassar»"),
            ({"aggregation": "weighted_mean"}, "Sei kva delen til kvar kommune er vega med"),
            ({"name": "<script>alert(1)</script>", "baseline_value": "mykje"}, "Oppgje eit tal"),
        ]
        for changes, message in cases:
            response = self.client.post(edit, self.form(**changes))
            self.assertContains(response, message, status_code=400, msg_prefix=str(changes))
            self.assertNotContains(response, "<script>alert", status_code=400)
        after = (
            list(Indicator.objects.values()),
            list(IndicatorTarget.objects.values()),
            list(IndicatorGoal.objects.values()),
        )
        self.assertEqual(before, after)

    def test_readers_and_outsiders_cannot_create_or_edit(self) -> None:
        urls = [
            reverse("indicator_create", args=["testdal", "regionplan"]),
            reverse("indicator_edit", args=["testdal", "regionplan", self.places.pk]),
        ]
        for user in [self.colleague, self.outsider]:
            self.client.force_login(user)
            for url in urls:
                self.assertIn(self.client.post(url, self.form()).status_code, {403, 404}, url)
        self.client.logout()
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 302)
        self.assertEqual(Indicator.objects.count(), 2)
        self.assertEqual(Indicator.objects.get(pk=self.places.pk).name, "Studieplassar")


class DeleteIndicatorTests(IndicatorTestCase):
    def setUp(self) -> None:
        self.delete_url = reverse(
            "indicator_delete", args=["testdal", "regionplan", self.places.pk]
        )
        record_values(
            indicator=self.places,
            rows=[
                ValueRow(self.fla, "2024", Decimal(120)),
                ValueRow(self.fla, "2025", Decimal(130)),
            ],
            user=self.owner,
            via="web",
        )

    def test_the_secretariat_deletes_after_confirming_and_the_log_keeps_every_row(self) -> None:
        self.client.force_login(self.owner)
        page = self.client.get(self.places.get_absolute_url())
        self.assertContains(page, self.delete_url)
        summary = by_testid(parse(self.client.get(self.delete_url)), "delete-summary")
        counts = dict(zip(summary.xpath("./dt/text()"), summary.xpath("./dd/text()"), strict=True))
        self.assertEqual(counts["Verdiar"], "2")
        self.assertEqual(counts["Målverdiar"], "1")
        # Without the box ticked: told why, and nothing goes.
        response = self.client.post(self.delete_url, {})
        self.assertContains(response, "Kryss av i boksen", status_code=400)
        self.assertTrue(Indicator.objects.filter(pk=self.places.pk).exists())
        response = self.client.post(self.delete_url, {"confirm": "on"}, follow=True)
        self.assertRedirects(response, reverse("indicator_list", args=["testdal", "regionplan"]))
        self.assertContains(response, "Indikatoren Studieplassar er sletta")
        self.assertFalse(Indicator.objects.filter(pk=self.places.pk).exists())
        self.assertFalse(IndicatorValue.objects.filter(indicator_id=self.places.pk).exists())
        for model, count in [(Indicator, 1), (IndicatorValue, 2), (IndicatorTarget, 1)]:
            deleted = model.history.filter(history_type="-")  # type: ignore[attr-defined]
            self.assertEqual(deleted.count(), count, model)
            self.assertEqual({h.history_user for h in deleted}, {self.owner}, model)
        self.assertEqual(
            {h.value for h in IndicatorValue.history.filter(history_type="-")},  # type: ignore[attr-defined]
            {Decimal(120), Decimal(130)},
        )

    def test_readers_outsiders_and_visitors_cannot_delete(self) -> None:
        for user in [self.colleague, self.outsider]:
            self.client.force_login(user)
            self.assertIn(self.client.get(self.delete_url).status_code, {403, 404}, user)
            response = self.client.post(self.delete_url, {"confirm": "on"})
            self.assertIn(response.status_code, {403, 404}, user)
        self.client.logout()
        self.assertEqual(self.client.post(self.delete_url, {"confirm": "on"}).status_code, 302)
        self.assertTrue(Indicator.objects.filter(pk=self.places.pk).exists())
        self.assertEqual(IndicatorValue.objects.filter(indicator=self.places).count(), 2)
