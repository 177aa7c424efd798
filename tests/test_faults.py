"""Nothing half-written when the process dies: a plan import or a status case killed with
SIGKILL half-way through leaves the database exactly as before, on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.test_backup import (
    PG_URL,
    ROOT,
    empty_postgres_database,
    installation_env,
    ok,
    planstatus,
)

SEED_TEXT = ROOT / "tests" / "fixtures" / "text" / "hallingdal-sak-16-25.txt"

COUNTS = """
from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor, Plan, StatusUpdate
from planstatus.imports.models import PlanImport
print(*[m.objects.count() for m in (Plan, FocusArea, Goal, Measure, MeasureActor, StatusUpdate)],
      *PlanImport.objects.values_list("state", flat=True))
"""

# The import, stopped on purpose in the middle of its transaction: after 30 measures have
# been written, the process says so and waits to be killed.
IMPORT_AND_WAIT = """
import sys, time
import django
django.setup()
from planstatus.imports import services
from planstatus.imports.models import PlanImport
from planstatus.lib.importers import read_plan
from planstatus.regions.models import Region

written = 0
original = services._link_actors

def link_and_maybe_stop(*args, **kwargs):
    global written
    original(*args, **kwargs)
    written += 1
    if written == 30:
        print("HALVVEGS", flush=True)
        time.sleep(120)

services._link_actors = link_and_maybe_stop
data = open(sys.argv[1], "rb").read()
parsed = read_plan(data, filename="sak.txt")
region = Region.objects.get(slug="hallingdal")
draft = PlanImport.objects.create(
    region=region, filename="sak.txt", file_format="txt", file_size=len(data),
    parsed={"title": "x", "areas": [], "warnings": []},
)
services.import_plan(region=region, parsed=parsed, title="Drepen import", draft=draft)
"""


def counts(folder: str, url: str) -> list[str]:
    out = ok(planstatus("shell", "--no-imports", "-c", COUNTS, data_dir=folder, database_url=url))
    return out.strip().splitlines()[-1].split()


@contextmanager
def empty_installation_database() -> Iterator[tuple[str, str]]:
    """A data folder and an empty database on the suite's engine: (data dir, URL or "")."""
    with tempfile.TemporaryDirectory() as folder:
        if PG_URL.startswith("postgres"):
            with empty_postgres_database() as url:
                yield folder, url
        else:
            yield folder, ""


@contextmanager
def installation() -> Iterator[tuple[str, str]]:
    """An installation with Hallingdal on the suite's database engine: (data dir, URL)."""
    with empty_installation_database() as (folder, url):
        ok(planstatus("init", data_dir=folder, database_url=url))
        yield folder, url


def start(script: str, folder: str, url: str, *args: str) -> subprocess.Popen[str]:
    """Run a Python script on an installation of its own, in the background."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=installation_env(folder, url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when_halfway(child: subprocess.Popen[str]) -> None:
    """Wait for the child to say it is half-way through, then SIGKILL it."""
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "HALVVEGS", child.stderr.read() if child.stderr else ""
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_killed_import_leaves_no_half_written_plan() -> None:
    with installation() as (folder, url):
        before = counts(folder, url)
        kill_when_halfway(start(IMPORT_AND_WAIT, folder, url, str(SEED_TEXT)))
        after = counts(folder, url)
        # The draft row was committed before the import began; the plan never was.
        assert after[:6] == before[:6]
        assert int(before[0]) >= 2 and int(before[3]) >= 68  # Hallingdal was there all along
        assert after[6:] == ["draft"]


REPORT_AND_WAIT = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from planstatus.cases import models

original = models.CaseDocument.save

def save_and_wait(self, *args, **kwargs):
    original(self, *args, **kwargs)
    # The sent case and its first file are written; the transaction is not committed yet.
    print("HALVVEGS", flush=True)
    time.sleep(120)

models.CaseDocument.save = save_and_wait
call_command(
    "report", "hallingdal/regionplan", "--format", "pdf", "-o", sys.argv[1],
    "--send", "--case-number", "16-25",
)
"""

ARCHIVE = (
    "from planstatus.cases.models import CaseDocument, SentCase\n"
    "print(SentCase.objects.count() + CaseDocument.objects.count())"
)


def test_killed_report_generation_leaves_no_archive_entry() -> None:
    with installation() as (folder, url):
        target = Path(folder) / "sak.pdf"

        def archived() -> str:
            shell = planstatus(
                "shell", "--no-imports", "-c", ARCHIVE, data_dir=folder, database_url=url
            )
            return ok(shell).strip().splitlines()[-1]

        # The demo's example region comes with a case already sent; nothing may be added.
        before = archived()
        kill_when_halfway(start(REPORT_AND_WAIT, folder, url, str(target)))
        assert archived() == before
        assert not target.exists()
