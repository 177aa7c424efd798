"""Backup and restore through the `planstatus` command, against real database files.

Each step runs the command in its own process on its own database, as an operator would:
an installation with history is backed up, restored into an empty database (PostgreSQL too,
when the suite runs on PostgreSQL) and backed up again, and the content must be the same.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("DATABASE_URL", "")

HISTORY = """
import datetime
from planstatus.lib.status import Status
from planstatus.plans.models import Measure
from planstatus.plans.actions.status import record_status
from planstatus.reporting.models import ReportingRound
from planstatus.reporting.actions.rounds import close_round
for i, m in enumerate(Measure.objects.order_by("pk")[:10]):
    record_status(measure=m, status=[Status.STARTED, Status.DONE][i % 2], comment=f"Notat {i} æøå")
round = ReportingRound.objects.create(
    plan=Measure.objects.first().focus_area.plan, title="Vår", deadline=datetime.date(2099, 1, 1)
)
close_round(round=round, user=None)
from planstatus.plans.actions.milestones import add_milestone, set_milestone_done
from django.contrib.auth.models import AnonymousUser
first = Measure.objects.order_by("pk").first()
step = add_milestone(
    measure=first, text="Forprosjekt ferdig", due_on=datetime.date(2026, 6, 1), user=AnonymousUser()
)
set_milestone_done(milestone=step, done=True, day=datetime.date(2026, 5, 20), user=AnonymousUser())
from planstatus.plans.actions.news import Upload, add_news
add_news(
    measure=first,
    date=datetime.date(2026, 5, 1),
    text="Forprosjektet er ferdig",
    files=[Upload("rapport.pdf", b"%PDF-1.4 rapport")],
)
from planstatus.regions.models import Actor, ContactPerson
n = ContactPerson.objects.count()  # run again after a restore: a new person each time
ContactPerson.objects.create(
    actor=Actor.objects.order_by("pk").first(), name="Kari Kontakt", email=f"kari{n}@example.no"
)
"""


def installation_env(data_dir: str, database_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a process that runs our code on its own installation: its data
    folder, and the given database or else SQLite in that folder (never the suite's)."""
    env = {**os.environ, "PLANSTATUS_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT), **extra}
    env["DJANGO_SETTINGS_MODULE"] = "planstatus.settings"
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def planstatus(
    *args: str, data_dir: str, database_url: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planstatus.cli", *args],
        env=installation_env(data_dir, database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def content(path: Path) -> list[dict[str, object]]:
    with zipfile.ZipFile(path) as archive:
        rows: list[dict[str, object]] = json.loads(archive.read("data.json"))
        return rows


@contextmanager
def empty_postgres_database() -> Iterator[str]:
    """A new, empty database in the suite's PostgreSQL cluster, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def source() -> Iterator[Path]:
    """A backup of an SQLite installation with Hallingdal, demo users and some history."""
    with tempfile.TemporaryDirectory() as folder:
        data = str(Path(folder) / "kjelde")
        ok(planstatus("init", data_dir=data))
        ok(planstatus("shell", "-c", HISTORY, data_dir=data))
        backup = Path(folder) / "kopi.zip"
        assert "rader" in ok(planstatus("backup", str(backup), data_dir=data))
        yield backup


def test_backup_holds_everything(source: Path) -> None:
    models = {row["model"] for row in content(source)}
    for label in [
        "auth.user",
        "accounts.membership",
        "regions.actor",
        "plans.measure",
        "plans.statusupdate",
        "plans.historicalmeasure",
        "plans.milestone",
        "plans.historicalmilestone",
        "plans.measurenews",
        "plans.newsattachment",
        "reporting.reportinground",
        "reporting.roundsnapshot",
        # Contact persons are personal data, kept nowhere public, but in the backup.
        "regions.contactperson",
        "regions.historicalcontactperson",
    ]:
        assert label in models, label
    # Hallingdal's «Kommunane» travels as a group of six, and its members' history with it.
    [group] = [
        row
        for row in content(source)
        if row["model"] == "regions.actor" and row["fields"]["name"] == "Kommunane i Hallingdal"  # type: ignore[index]
    ]
    assert len(group["fields"]["members"]) == 6  # type: ignore[index]
    assert "regions.historicalactor_members" in models
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "planstatus-backup"
    assert manifest["database"] == "sqlite"
    # The attachments' files travel beside the rows, each with its digest.
    [(stored, digest)] = manifest["files"].items()
    with zipfile.ZipFile(source) as archive:
        assert archive.read(f"vedlegg/{stored}") == b"%PDF-1.4 rapport"
    assert digest == hashlib.sha256(b"%PDF-1.4 rapport").hexdigest()


def attachment_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith("vedlegg/")}


def test_restore_into_sqlite_and_back_up_again_gives_the_same_content(source: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ok(planstatus("restore", str(source), data_dir=folder))
        again = Path(folder) / "igjen.zip"
        ok(planstatus("backup", str(again), data_dir=folder))
        assert content(again) == content(source)
        assert attachment_files(again) == attachment_files(source)
        [restored] = (Path(folder) / "vedlegg").iterdir()
        assert restored.read_bytes() == b"%PDF-1.4 rapport"
        assert restored.stat().st_mode & 0o777 == 0o600
        # The restored installation works: the demo login is there and the plan answers.
        ok(planstatus("check", data_dir=folder))


@pytest.mark.skipif(not PG_URL.startswith("postgres"), reason="needs the suite's PostgreSQL")
def test_sqlite_backup_restores_into_postgresql_with_the_same_content(source: Path) -> None:
    with tempfile.TemporaryDirectory() as folder, empty_postgres_database() as url:
        ok(planstatus("restore", str(source), data_dir=folder, database_url=url))
        again = Path(folder) / "igjen.zip"
        ok(planstatus("backup", str(again), data_dir=folder, database_url=url))
        assert content(again) == content(source)
        # New rows after a restore get fresh ids: the sequences moved past the loaded rows.
        ok(planstatus("shell", "-c", HISTORY, data_dir=folder, database_url=url))


def test_damaged_or_truncated_backups_are_refused_before_anything_is_written(
    source: Path,
) -> None:
    whole = source.read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        cases = {
            "avkorta.zip": whole[: len(whole) // 2],
            "tom.zip": b"",
            "ikkje-zip.zip": b"PK\x03\x04 dette er ikkje ein kopi",
        }
        # One changed byte inside the compressed data: the zip's own checksum catches it.
        flipped = bytearray(whole)
        flipped[len(whole) // 3] ^= 0xFF
        cases["endra.zip"] = bytes(flipped)
        # An attachment's file changed, the zip rewritten so its own checksums hold.
        changed = io.BytesIO()
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(changed, "w") as new:
            for info in old.infolist():
                body = old.read(info.filename)
                new.writestr(
                    info, b"%PDF-1.4 anna" if info.filename.startswith("vedlegg/") else body
                )
        cases["endra-vedlegg.zip"] = changed.getvalue()
        for name, data in cases.items():
            bad = Path(folder) / name
            bad.write_bytes(data)
            target = str(Path(folder) / f"db-{name}")
            result = planstatus("restore", str(bad), data_dir=target)
            assert result.returncode != 0, name
            assert "skadd" in result.stderr, (name, result.stderr)
            # Nothing written: not even the database file was created.
            assert not (Path(target) / "planstatus.sqlite3").exists(), name
            assert not (Path(target) / "vedlegg").exists(), name


def _with_part(source: Path, name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, body if info.filename == name else old.read(info))
    return out.getvalue()


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(source: Path) -> None:
    with zipfile.ZipFile(source) as archive:
        attachment = next(n for n in archive.namelist() if n.startswith("vedlegg/"))
    # A real bomb: 11 MB of zeros in a few kilobytes, where an attachment is under 10 MB.
    attachment_bomb = _with_part(source, attachment, bytes(11 * 1024 * 1024))
    assert len(attachment_bomb) < source.stat().st_size + 100_000
    # data.json declared in the zip's directory as 3 GB: refused on the declaration alone.
    data_bomb = bytearray(source.read_bytes())
    entry = -1
    directory = data_bomb.find(b"PK\x01\x02")
    while directory != -1:
        name_length = int.from_bytes(data_bomb[directory + 28 : directory + 30], "little")
        if data_bomb[directory + 46 : directory + 46 + name_length] == b"data.json":
            entry = directory
        directory = data_bomb.find(b"PK\x01\x02", directory + 4)
    assert entry != -1
    data_bomb[entry + 24 : entry + 28] = (3 * 1024**3).to_bytes(4, "little")
    with tempfile.TemporaryDirectory() as folder:
        for name, data, part in [
            ("vedlegg-bombe.zip", attachment_bomb, attachment),
            ("data-bombe.zip", bytes(data_bomb), "data.json"),
        ]:
            bad = Path(folder) / name
            bad.write_bytes(data)
            target = str(Path(folder) / f"db-{name}")
            result = planstatus("restore", str(bad), data_dir=target)
            assert result.returncode != 0, name
            assert f"delen {part} ville pakka seg ut til" in result.stderr, result.stderr
            assert not (Path(target) / "planstatus.sqlite3").exists(), name


def test_restore_refuses_a_database_that_is_not_empty(source: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ok(planstatus("init", data_dir=folder))
        result = planstatus("restore", str(source), data_dir=folder)
        assert result.returncode != 0
        assert "ikkje tom" in result.stderr


def edited(source: Path, target: Path, change: Callable[[list[dict[str, Any]]], None]) -> Path:
    """The backup with its rows changed by hand and every checksum made to match again, as
    someone who knows the format could do."""
    with zipfile.ZipFile(source) as archive:
        rows: list[dict[str, Any]] = json.loads(archive.read("data.json"))
        manifest = json.loads(archive.read("manifest.json"))
    files = attachment_files(source)
    change(rows)
    data = json.dumps(rows).encode()
    manifest["data_sha256"] = hashlib.sha256(data).hexdigest()
    manifest["data_size"] = len(data)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", data)
        for name, body in files.items():
            archive.writestr(name, body)
    return target


def first(rows: list[dict[str, Any]], model: str) -> dict[str, Any]:
    return next(r for r in rows if r["model"] == model)


def dangling_measure(rows: list[dict[str, Any]]) -> None:
    first(rows, "plans.statusupdate")["fields"]["measure"] = 987654


def purple_status(rows: list[dict[str, Any]]) -> None:
    first(rows, "plans.statusupdate")["fields"]["status"] = "lilla"


def long_area_name(rows: list[dict[str, Any]]) -> None:
    # Stored by SQLite as it is; PostgreSQL's varchar(300) would refuse it.
    first(rows, "plans.focusarea")["fields"]["name"] = "Samferdsel og veg " * 23 + "og meir"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            dangling_measure,
            "measure viser til plans.measure 987654, som ikkje er med i tryggingskopien",
        ),
        (purple_status, "status er «lilla», som ikkje er ein av"),
        (long_area_name, "name har 421 teikn; det er plass til 300"),
    ],
)
def test_hand_edited_backup_is_refused_naming_the_row(
    source: Path, change: Callable[[list[dict[str, Any]]], None], expected: str
) -> None:
    from tests.test_faults import empty_installation_database  # it imports this module

    with tempfile.TemporaryDirectory() as folder, empty_installation_database() as (data, url):
        bad = edited(source, Path(folder) / "handredigert.zip", change)
        with zipfile.ZipFile(bad) as archive:
            rows = json.loads(archive.read("data.json"))
        model = "plans.focusarea" if change is long_area_name else "plans.statusupdate"
        row = first(rows, model)
        result = planstatus("restore", str(bad), data_dir=data, database_url=url)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert f"Rad {rows.index(row) + 1} ({model} {row['pk']})" in result.stderr, result.stderr
        assert expected in result.stderr, result.stderr
        assert "Ingenting vart gjenoppretta" in result.stderr
        count = "from django.contrib.auth.models import User; print(User.objects.count())"
        out = ok(planstatus("shell", "--no-imports", "-c", count, data_dir=data, database_url=url))
        assert out.split() == ["0"]
