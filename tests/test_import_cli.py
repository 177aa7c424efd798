"""`planstatus import-plan` as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import yaml
from django.core.management import CommandError, call_command
from django.test import TestCase

from planstatus.installation.seed import HALLINGDAL_SEED, load_seed_file
from planstatus.plans.models import Measure, MeasureActor, Plan
from planstatus.regions.models import Actor

SEED_TEXT = Path(__file__).parent / "fixtures" / "text" / "hallingdal-sak-16-25.txt"
MEASURE_KEYS = {"code", "text", "timing", "responsible", "involved", "status"}


def curated_measures() -> list[dict]:
    data = yaml.safe_load(HALLINGDAL_SEED.read_text(encoding="utf-8"))
    plan = data["plans"][0]
    return [m for a in plan["focus_areas"] for g in a["goals"] for m in g["measures"]]


class ImportPlanCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_seed_file()

    def run_json(self, *args: str) -> dict:
        out = StringIO()
        call_command("import_plan", str(SEED_TEXT), "--dry-run", "--json", *args, stdout=out)
        return json.loads(out.getvalue())

    def test_dry_run_json_has_the_documented_shape_and_writes_nothing(self) -> None:
        before = (Plan.objects.count(), Measure.objects.count())
        result = self.run_json("--region", "hallingdal")
        self.assertEqual(before, (Plan.objects.count(), Measure.objects.count()))
        self.assertIsInstance(result["title"], str)
        self.assertEqual(len(result["areas"]), 6)
        for area in result["areas"]:
            self.assertTrue({"code", "name", "goals"} <= area.keys())
            for goal in area["goals"]:
                self.assertTrue({"code", "text", "measures"} <= goal.keys())
                for m in goal["measures"]:
                    self.assertTrue(m.keys() >= MEASURE_KEYS)
                    self.assertEqual(
                        set(m["timing"]), {"text", "start", "end", "yearly", "continuous"}
                    )
                    self.assertIn(
                        m["status"], {"unknown", "not_started", "started", "done", "cancelled"}
                    )
        for w in result["warnings"]:
            self.assertTrue({"where", "message"} <= w.keys())

    def test_seed_import_reproduces_the_curated_plan(self) -> None:
        result = self.run_json("--region", "hallingdal")
        read = [m for a in result["areas"] for g in a["goals"] for m in g["measures"]]
        curated = curated_measures()
        self.assertEqual(len(read), 68)
        self.assertEqual(sum(len(a["goals"]) for a in result["areas"]), 26)
        for got, want in zip(read, curated, strict=True):
            self.assertEqual(got["code"], want["code"])
            self.assertEqual(got["text"], want["text"].strip(), want["code"])
            self.assertEqual(got["timing"]["text"], want["timing"], want["code"])
            self.assertEqual(
                set(got["responsible"] + got["involved"]),
                set(want["responsible"] + want["involved"]),
                want["code"],
            )
        where = {w["where"] for w in result["warnings"]}
        self.assertTrue({"4.5.2", "5.4.1", "6.4.1"} <= where)

    def test_saving_needs_a_region_and_then_saves_an_unpublished_plan(self) -> None:
        with self.assertRaisesMessage(CommandError, "--region"):
            call_command("import_plan", str(SEED_TEXT), stdout=StringIO())
        call_command(
            "import_plan", str(SEED_TEXT), "--region", "hallingdal", "--title", "Importert",
            stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
        plan = Plan.objects.get(title="Importert")
        self.assertFalse(plan.published)
        self.assertEqual(plan.measures().count(), 68)

    def test_import_maps_the_municipalities_variants_to_the_group(self) -> None:
        # Hallingdal's «Kommunane» is a group of its six municipality actors (issue 20); an
        # import of the same document still links every written variant to the group and
        # makes no new actor for it.
        actors_before = Actor.objects.count()
        call_command(
            "import_plan", str(SEED_TEXT), "--region", "hallingdal", "--title", "Importert",
            stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
        group = Actor.objects.get(region__slug="hallingdal", name="Kommunane i Hallingdal")
        self.assertTrue(group.is_group)
        self.assertEqual(group.members.count(), 6)
        links = MeasureActor.objects.filter(
            measure__focus_area__plan__title="Importert",
            written_as__in=["Kommune", "Kommunen", "Kommunar", "Kommunane"],
        )
        self.assertGreaterEqual(links.count(), 15)
        self.assertEqual({link.actor_id for link in links}, {group.pk})
        self.assertEqual(Actor.objects.count(), actors_before)


def test_unreadable_input_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["PLANSTATUS_DATA_DIR"] = str(tmp_path)
    planstatus = Path(sys.executable).with_name("planstatus")
    cases = {
        "empty.txt": b"",
        "picture.docx": b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
        "prose.txt": b"Ingen tiltak her.\n",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = subprocess.run(
            [str(planstatus), "import-plan", str(path), "--dry-run", "--json"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode != 0, name
        assert result.stdout == "", name
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


class ImportPlanColumnsTests(TestCase):
    """`--columns` tells the reader what each column holds (issue 18)."""

    def run_json(self, path: Path, *args: str) -> dict:
        out = StringIO()
        call_command("import_plan", str(path), "--dry-run", "--json", *args, stdout=out)
        return json.loads(out.getvalue())

    def test_columns_map_headers_to_roles(self) -> None:
        path = Path(self.enterContext(tempfile_dir())) / "plan.csv"
        path.write_text("Løpenr.;Kva;Kven;Kor tid\nA-1;Lage plan;Regionrådet;2025\n")
        result = self.run_json(
            path, "--columns", "Løpenr.=code,Kva=measure,Kven=responsible,Kor tid=timing"
        )
        (measure,) = result["areas"][0]["goals"][0]["measures"]
        self.assertEqual(
            (measure["code"], measure["text"], measure["responsible"], measure["timing"]["start"]),
            ("A-1", "Lage plan", ["Regionrådet"], 2025),
        )
        roles = {c["header"]: (c["role"], c["source"]) for c in result["tables"][0]["columns"]}
        self.assertEqual(roles["Kva"], ("measure", "person"))

    def test_a_column_mapping_that_cannot_be_read_is_refused(self) -> None:
        with self.assertRaisesMessage(CommandError, "Nr=kode"):
            self.run_json(SEED_TEXT, "--columns", "Nr=kode")


def tempfile_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory()
