"""`planstatus import-programme` as a user runs it, and the service behind it."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import translation

from planstatus.imports.programme import (
    ERROR_MESSAGES,
    WARNING_MESSAGES,
    error_message,
    warning_message,
)
from planstatus.indicators.models import StatedFact
from planstatus.installation.seed import load_seed_file
from planstatus.lib import programme as reader
from planstatus.lib.programme import ProgrammePageError, ProgrammeWarning
from planstatus.plans.models import Plan, StatusUpdate
from planstatus.regions.models import Municipality, Region
from tests.test_backup import ROOT, installation_env

FIXTURES = Path(__file__).parent / "fixtures" / "programme"
HALLINGDAL = FIXTURES / "hallingdal.txt"
KONGSBERG = FIXTURES / "kongsbergregionen-bokmal.txt"


def database_rows() -> dict[str, int]:
    """Rows of every table, history included: what «nothing changed» means."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_programme", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class ImportProgrammeCommandTests(TestCase):
    hallingdal: Region

    @classmethod
    def setUpTestData(cls) -> None:
        cls.hallingdal = load_seed_file()

    def test_dry_run_json_prints_the_page_and_writes_nothing(self) -> None:
        before = database_rows()
        out, err = run(str(HALLINGDAL), "--region", "hallingdal", "--dry-run", "--json")
        self.assertEqual(database_rows(), before)
        page = json.loads(out)
        self.assertEqual(
            list(page),
            ["region", "intro", "goals", "focus_areas", "results", "advice", "follow_up",
             "application_excerpt", "facts", "warnings"],
        )  # fmt: skip
        self.assertEqual(page["region"], "Hallingdal")
        self.assertEqual(len(page["results"]), 13)
        self.assertEqual(page["facts"]["population"], 20566)
        self.assertEqual(page["facts"]["population_date"], "2015-01-01")
        self.assertEqual(page["facts"]["area_km2"], 5406)
        # What is compared with the region goes to stderr, in Nynorsk, so stdout stays JSON.
        self.assertIn("Folketalet 20\u00a0566 (2015-01-01) er oppgitt frå før.", err)
        # «Nes» on the page is Nesbyen today: known by its former name, so not flagged.
        self.assertNotIn("Nemnde på sida, men ikkje blant kommunane i regionen", err)

    def test_warnings_in_json_carry_their_message(self) -> None:
        out, _ = run(str(KONGSBERG), "--dry-run", "--json")
        warning = json.loads(out)["warnings"][0]
        self.assertEqual(warning["code"], "ignored_section")
        self.assertEqual(
            warning["message"],
            "Delen «Dokumenter» på linje 50 høyrer ikkje til ei programside; det som står "
            "under han, er ikkje teke med.",
        )

    def test_dry_run_text_summary(self) -> None:
        out, _ = run(str(FIXTURES / "gjovikregionen-halv.txt"), "--dry-run")
        lines = out.splitlines()
        self.assertEqual(
            lines[0],
            "gjovikregionen-halv.txt: «Gjøvikregionen» – mål: 1, innsatsområde: 3, resultat: 2 "
            "(1 ikkje vurdert, 1 gjennomført), råd: 0, åtvaringar: 4.",
        )
        self.assertIn("  Fann ikkje fakta («Fakta»); det står tomt.", lines)

    def test_a_page_is_saved_as_an_unpublished_programme(self) -> None:
        before = database_rows()
        _, err = run(str(HALLINGDAL), "--region", "hallingdal", "--slug", "byregion-ny")
        plan = Plan.objects.get(region=self.hallingdal, slug="byregion-ny")
        self.assertIn("Lagra som «Byregionprogrammet – Hallingdal»", err)
        self.assertEqual(plan.kind, Plan.Kind.PROGRAMME)
        self.assertEqual(plan.state, Plan.State.DRAFT)
        self.assertFalse(plan.published)
        self.assertTrue(plan.description.startswith("I løpet av Byregionprogrammet"))
        goals = list(plan.goals.values_list("code", "focus_area", "text"))
        self.assertEqual(len(goals), 1)
        self.assertEqual(goals[0][:2], ("M1", None))
        areas = list(plan.focus_areas.order_by("order").values_list("code", "name"))
        self.assertEqual(len(areas), 7)
        self.assertEqual(areas[0], ("1", "Strategisk plan for Hallingdal 2017 – 2020"))
        self.assertEqual(areas[-1], ("R", "Resultat som ikkje er knytte til eit innsatsområde"))
        measures = plan.measures().with_status().order_by("order")
        self.assertEqual(measures.count(), 13)
        self.assertEqual(
            Counter(m.current_status.value for m in measures),
            {"unknown": 5, "started": 5, "done": 2, "cancelled": 1},
        )
        # A result goes under a focus area only when it begins with the focus area's name.
        placed = {m.code: m.text for m in measures if m.focus_area.code != "R"}
        self.assertEqual(sorted(placed), ["1.1", "4.1", "4.2", "5.1", "6.1"])
        self.assertTrue(placed["4.1"].startswith("Tilby høgare relevant utdanning: Bachelor"))
        updates = StatusUpdate.objects.filter(measure__focus_area__plan=plan)
        self.assertEqual(updates.count(), 8)
        self.assertEqual({u.source for u in updates}, {StatusUpdate.Source.IMPORT})
        self.assertFalse(any(u.comment_is_public for u in updates))
        # Advice, follow-up, the excerpt and the municipalities are the plan's details.
        details = plan.programme
        self.assertEqual(
            [(a.number, a.text) for a in details.advice.order_by("number")],
            [
                (1, "Bygg tillit, vær raus og fleksibel"),
                (
                    2,
                    "Etablér ei felles forståing for utfordringar og mogelegheiter, skap "
                    "forankring og engasjement",
                ),
                (
                    3,
                    "Skap nettverksforståing mellom kommunar mellom bedrifter og mellom "
                    "kommunar og bedrifter",
                ),
            ],
        )
        self.assertTrue(details.follow_up.startswith("Oppfølging og vidareføring"))
        self.assertEqual(
            [i.text for i in details.follow_up_items.order_by("number")][:2],
            ["Funksjonell arbeidsdeling", "Vidareutvikling/nye arbeidsplassar"],
        )
        self.assertTrue(details.application_excerpt.startswith("Prosjektet er organisert"))
        self.assertEqual(details.applicant and details.applicant.name, "Hemsedal")
        # «Nes» on the page is Nesbyen today: matched by its former name.
        self.assertEqual(
            sorted(m.name for m in details.partners.all()),
            ["Flå", "Gol", "Hol", "Nesbyen", "Ål"],
        )
        self.assertIn("hallingdal.txt", plan.note)
        # The region's stated figures are the page's already: nothing is added.
        after = database_rows()
        self.assertEqual(after["indicators.StatedFact"], before["indicators.StatedFact"])
        self.assertEqual(after["plans.Plan"], before["plans.Plan"] + 1)
        self.assertEqual(after["plans.Measure"], before["plans.Measure"] + 13)
        self.assertEqual(after["plans.HistoricalPlan"], before["plans.HistoricalPlan"] + 1)

    def test_the_same_short_name_is_refused_and_nothing_changes(self) -> None:
        before = database_rows()
        with self.assertRaisesMessage(
            CommandError, "Regionen har alt eit program med kortnamnet «byregionprogrammet»."
        ):
            run(str(HALLINGDAL), "--region", "hallingdal")
        self.assertEqual(database_rows(), before)

    def test_replace_archives_the_earlier_programme_and_keeps_its_history(self) -> None:
        old = Plan.objects.get(region=self.hallingdal, slug="byregionprogrammet")
        old_measures = set(old.measures().values_list("pk", flat=True))
        old_updates = StatusUpdate.objects.filter(measure__focus_area__plan=old).count()
        _, err = run(str(HALLINGDAL), "--region", "hallingdal", "--replace")
        self.assertIn("Det førre programmet er arkivert som «byregionprogrammet-arkiv-1».", err)
        old.refresh_from_db()
        self.assertEqual(old.slug, "byregionprogrammet-arkiv-1")
        self.assertEqual(old.state, Plan.State.ARCHIVED)
        self.assertEqual(set(old.measures().values_list("pk", flat=True)), old_measures)
        self.assertEqual(
            StatusUpdate.objects.filter(measure__focus_area__plan=old).count(), old_updates
        )
        first = old.history.order_by("history_date").first()  # type: ignore[attr-defined]
        self.assertEqual(first.slug, "byregionprogrammet")
        new = Plan.objects.get(region=self.hallingdal, slug="byregionprogrammet")
        self.assertNotEqual(new.pk, old.pk)
        self.assertEqual(new.measures().count(), 13)

        run(str(HALLINGDAL), "--region", "hallingdal", "--replace")
        self.assertEqual(
            sorted(Plan.objects.filter(kind=Plan.Kind.PROGRAMME).values_list("slug", "state")),
            [("byregionprogrammet", "draft"), ("byregionprogrammet-arkiv-1", "archived"),
             ("byregionprogrammet-arkiv-2", "archived")],
        )  # fmt: skip

    def test_a_plan_of_another_kind_is_never_replaced(self) -> None:
        before = database_rows()
        with self.assertRaisesMessage(CommandError, "og han er ikkje eit program"):
            run(str(HALLINGDAL), "--region", "hallingdal", "--slug", "regionplan", "--replace")
        self.assertEqual(database_rows(), before)

    def test_bad_files_are_refused_in_nynorsk_and_nothing_changes(self) -> None:
        tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (tmp / "bilete.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        (tmp / "stor.txt").write_bytes(b"Resultat\n" * 200_000)
        (tmp / "mappe").mkdir()
        cases = {
            str(FIXTURES / "tom.txt"): "tom.txt: Fila er tom.",
            str(FIXTURES / "nyhende.txt"): "nyhende.txt: Dette ser ikkje ut som sida til ein "
            "region i Byregionprogrammet",
            str(tmp / "bilete.txt"): "bilete.txt: Fila er ikkje tekst.",
            str(tmp / "stor.txt"): "stor.txt: Fila er for stor til å vere ei programside",
            str(tmp / "finst-ikkje.txt"): "Fann ikkje fila",
            str(tmp / "mappe"): "Kan ikkje lese fila",
        }
        before = database_rows()
        for path, message in cases.items():
            with self.subTest(path), self.assertRaisesMessage(CommandError, message):
                run(path, "--region", "hallingdal")
        self.assertEqual(database_rows(), before)

    def test_arguments_are_checked_before_anything_is_written(self) -> None:
        before = database_rows()
        with self.assertRaisesMessage(CommandError, "Fann ingen region «ingen»."):
            run(str(HALLINGDAL), "--region", "ingen")
        with self.assertRaisesMessage(CommandError, "--region"):
            run(str(HALLINGDAL))
        with self.assertRaisesMessage(CommandError, "«logg» er reservert"):
            run(str(HALLINGDAL), "--region", "hallingdal", "--slug", "logg")
        with self.assertRaises(CommandError):
            run(str(HALLINGDAL), "--region", "hallingdal", "--slug", "ikkje eit kortnamn")
        self.assertEqual(database_rows(), before)


class StatedFactsTests(TestCase):
    region: Region

    @classmethod
    def setUpTestData(cls) -> None:
        cls.region = Region.objects.create(slug="kongsberg", name="Kongsbergregionen")
        for number, name in enumerate(["Kongsberg", "Flesberg", "Rollag", "Nore og Uvdal"]):
            Municipality.objects.create(region=cls.region, name=name, number=str(3300 + number))

    def stated(self) -> list[tuple[str, Decimal, str | None, str]]:
        return [
            (f.kind, f.value, f.date.isoformat() if f.date else None, f.source)
            for f in StatedFact.objects.filter(region=self.region).order_by("kind")
        ]

    def test_new_figures_are_saved_and_changed_ones_only_on_purpose(self) -> None:
        out, _ = run(str(KONGSBERG), "--region", "kongsberg")
        self.assertIn("Sida oppgjev eit folketal på 56\u00a0123 (2015-01-01); det blir lagra.", out)
        self.assertIn("(namn kan ha endra seg sidan): Notodden, Hjartdal, Tinn.", out)
        source = "Byregionprogrammet – Kongsbergregionen"
        self.assertEqual(
            self.stated(),
            [("area", Decimal("6982.00"), None, source),
             ("population", Decimal("56123.00"), "2015-01-01", source)],
        )  # fmt: skip

        tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        changed = tmp / "kongsberg-endra.txt"
        changed.write_text(
            KONGSBERG.read_text(encoding="utf-8").replace("56.123", "57.000"), encoding="utf-8"
        )
        out, _ = run(str(changed), "--region", "kongsberg", "--slug", "kongsberg-2")
        self.assertIn("Sida oppgjev eit folketal på 57\u00a0000 (2015-01-01), regionen har lagra "
                      "56\u00a0123.", out)  # fmt: skip
        self.assertEqual(self.stated()[1][1], Decimal("56123.00"))  # kept without --replace

        run(str(changed), "--region", "kongsberg", "--replace")
        self.assertEqual(self.stated()[1][1], Decimal("57000.00"))
        fact = StatedFact.objects.get(region=self.region, kind="population")
        self.assertEqual(
            [h.value for h in fact.history.order_by("history_date")],  # type: ignore[attr-defined]
            [Decimal("56123.00"), Decimal("57000.00")],
        )

    def test_a_page_of_another_region_is_pointed_out(self) -> None:
        out, _ = run(str(FIXTURES / "vest-telemark-cp1252.txt"), "--region", "kongsberg",
                     "--dry-run")  # fmt: skip
        self.assertIn("Sida handlar om «Vest-Telemark», regionen er «Kongsbergregionen».", out)
        self.assertIn("Fila er ikkje UTF-8; ho er lesen som Windows-1252.", out)


def test_every_code_has_words_in_every_language() -> None:
    params = {"part": "x", "heading": "H", "line": "3", "fact": "population", "text": "t",
              "lines": "2"}  # fmt: skip
    codes = [v for k, v in vars(reader).items() if k.isupper() and isinstance(v, str)]
    warning_codes = {
        reader.MISSING_PART, reader.EMPTY_PART, reader.MISSING_FACT, reader.UNREADABLE_NUMBER,
        reader.UNREADABLE_DATE, reader.SKIPPED_TEXT, reader.IGNORED_SECTION,
        reader.REPEATED_HEADING, reader.DECODED_AS_CP1252,
    }  # fmt: skip
    error_codes = {
        reader.EMPTY, reader.TOO_LARGE, reader.NOT_TEXT, reader.NOT_PROGRAMME_PAGE, reader.TOO_HEAVY
    }  # fmt: skip
    assert warning_codes | error_codes <= set(codes)
    assert set(WARNING_MESSAGES) == warning_codes
    assert set(ERROR_MESSAGES) == error_codes
    for language in ("nn", "nb", "en"):
        with translation.override(language):
            for code in warning_codes:
                for where in (*reader.PARTS, "document"):
                    message = warning_message(ProgrammeWarning(code, where, params))
                    assert message != code and "%(" not in message
            for code in error_codes:
                assert error_message(ProgrammePageError(code)) != code


def test_bad_input_on_the_command_line_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "bilete.txt").write_bytes(b"%PDF-1.4\n\x00\x01")
    cases = [FIXTURES / "tom.txt", FIXTURES / "nyhende.txt", tmp_path / "bilete.txt"]
    for path in cases:
        result = subprocess.run(
            [sys.executable, "-m", "planstatus.cli", "import-programme", str(path), "--dry-run",
             "--json"],
            env=installation_env(str(tmp_path)), cwd=ROOT, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert result.returncode != 0, path
        assert result.stdout == "", path
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Fila" in result.stderr or "Dette ser ikkje ut" in result.stderr


@pytest.mark.parametrize("name", ["hallingdal.txt", "vest-telemark-cp1252.txt"])
def test_the_command_prints_json_for_a_page(tmp_path: Path, name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "planstatus.cli", "import-programme", str(FIXTURES / name),
         "--dry-run", "--json"],
        env=installation_env(str(tmp_path)), cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)
    assert page["results"] and all(r["status"] in reader.STATUSES for r in page["results"])


class ResultsUnderFocusAreasTests(TestCase):
    def test_results_listed_under_a_focus_area_title_are_placed_under_it(self) -> None:
        Region.objects.create(slug="namdal", name="Region Namdal")
        run(str(FIXTURES / "namdal-grupperte-resultat.txt"), "--region", "namdal")
        plan = Plan.objects.get(region__slug="namdal", slug="byregionprogrammet")
        placed = {
            area.name: [m.code for m in area.measures.order_by("order")]
            for area in plan.focus_areas.order_by("order")
        }
        self.assertEqual(
            placed,
            {
                "Havbruk": ["1.1", "1.2"],
                "Landbruk og matproduksjon": ["2.1"],
                "Kompetanse": ["3.1", "3.2"],
                "Resultat som ikkje er knytte til eit innsatsområde": ["R.1"],
            },
        )
