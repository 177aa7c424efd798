"""Upgrades: the previous release's demo database migrates forwards without losing a row."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import tempfile
from pathlib import Path

from tests.test_backup import ROOT, ok, planstatus

RELEASES = ROOT / "tests" / "fixtures" / "releases"


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


CHECK = """
from django.contrib.auth.models import User
from planstatus.plans.models import Measure, StatusUpdate
from planstatus.reporting.models import ReportingRound, RoundSnapshot
plan_measures = Measure.objects.filter(focus_area__plan__slug="regionplan").with_status()
print(
    plan_measures.count(),
    StatusUpdate.objects.filter(comment__startswith="Status før oppgradering").count(),
    StatusUpdate.objects.exclude(evidence_url="").count(),
    ReportingRound.objects.get(title="Status haust 2026").state,
    RoundSnapshot.objects.filter(round__title="Status haust 2026", status="started").count(),
    User.objects.get(username="sekretariat").check_password("hallingdal-demo"),
)
# A round's one day of reminders before the deadline became its plan: that day and the deadline.
print(ReportingRound.objects.get(title="Status haust 2026").reminder_plan)
"""


def test_previous_release_demo_database_migrates_and_keeps_everything() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "planstatus.sqlite3"
        with gzip.open(RELEASES / "0.1.0-demo.sqlite3.gz") as packed, db.open("wb") as target:
            shutil.copyfileobj(packed, target)
        before = table_counts(db)
        ok(planstatus("migrate", "--no-input", data_dir=folder))
        after = table_counts(db)
        # Every table of the old release is still there, with every row.
        lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t, -1) < n}
        assert lost == {}
        out = ok(planstatus("shell", "--no-imports", "-c", CHECK, data_dir=folder))
        # 5 started at closing: the three reported in the round and two of the six before.
        assert out.strip().splitlines()[-2].split() == ["68", "6", "0", "closed", "5", "True"]
        assert out.strip().splitlines()[-1] == "[-3, 0]"
        # And the upgraded installation can be backed up.
        ok(planstatus("backup", str(Path(folder) / "etter.zip"), data_dir=folder))


def test_migrations_run_forwards_from_an_empty_database() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ok(planstatus("migrate", "--no-input", data_dir=folder))
        out = ok(planstatus("showmigrations", "--plan", data_dir=folder))
        assert "[ ]" not in out
