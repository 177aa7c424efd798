"""A backup in progress holds up nobody who saves, and a save that does meet a held lock
is told to try again (503) instead of getting a server error. On SQLite and PostgreSQL,
against real database files and servers, each party in its own process."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from tests.test_backup import ROOT, installation_env
from tests.test_faults import installation

# The backup, stopped on purpose in the middle of writing its rows: it says so and waits for
# a line on standard input. Every row passes through Django's serialiser, before and after
# the snapshot was taken first, so the pause falls in the same place in either design.
BACKUP_AND_WAIT = """
import sys
import django
django.setup()
from django.core.management import call_command
from django.core.serializers import python as python_serializer

original = python_serializer.Serializer.get_dump_object
written = 0

def get_dump_object_and_maybe_wait(self, obj):
    global written
    written += 1
    if written == 50:
        print("HALVVEGS", flush=True)
        sys.stdin.readline()
    return original(self, obj)

python_serializer.Serializer.get_dump_object = get_dump_object_and_maybe_wait
call_command("backup", sys.argv[1])
"""

SAVE = """
from planstatus.lib.status import Status
from planstatus.plans.models import Measure
from planstatus.plans.actions.status import record_status
record_status(measure=Measure.objects.order_by("pk").first(), status=Status.DONE,
              comment="Lagra medan kopien vart skriven")
"""

# Holds the write lock from a second connection, then saves a status through the web.
SAVE_BEHIND_A_LOCK = """
import os
import sqlite3
import django
django.setup()
import psycopg
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from planstatus.accounts.models import Membership
from planstatus.plans.models import Measure

# Hallingdal's measure with no status yet: the save then meets the lock, not a conflict (the
# demo's example region has statuses, and which membership comes first differs by engine).
membership = Membership.objects.filter(
    role=Membership.Role.SECRETARIAT, region__slug="hallingdal"
).first()
measure = (
    Measure.objects.filter(focus_area__plan__region=membership.region, status_updates=None)
    .order_by("pk")
    .first()
)
plan = measure.focus_area.plan
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(membership.user)
if connection.vendor == "sqlite":
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    holder.execute("BEGIN IMMEDIATE")
else:
    holder = psycopg.connect(os.environ["DATABASE_URL"])
    holder.execute("LOCK TABLE plans_statusupdate IN EXCLUSIVE MODE")
response = client.post(
    reverse("measure_status", args=[plan.region.slug, plan.slug, measure.pk]),
    {"status": "done", "comment": "Under låsen"},
)
holder.rollback()
print(response.status_code, response.get("Retry-After"), flush=True)
print(response.content.decode(), flush=True)
"""


def test_a_save_during_a_backup_is_not_held_up() -> None:
    with installation() as (folder, url), tempfile.TemporaryDirectory() as out:
        target = Path(out) / "kopi.zip"
        backup = subprocess.Popen(
            [sys.executable, "-c", BACKUP_AND_WAIT, str(target)],
            env=installation_env(folder, url),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert backup.stdout is not None and backup.stdin is not None
        try:
            line = backup.stdout.readline()
            assert line.strip() == "HALVVEGS", backup.stderr.read() if backup.stderr else ""
            # A writer that waits at most one second for a lock: held up any longer by the
            # backup, it fails with "database is locked".
            started = time.monotonic()
            save = subprocess.run(
                [sys.executable, "-m", "planstatus.cli", "shell", "-c", SAVE],
                env=installation_env(folder, url, PLANSTATUS_LOCK_TIMEOUT="1"),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert save.returncode == 0, save.stderr[-2000:]
            backup.stdin.write("vidare\n")
            backup.stdin.flush()
            _, err = backup.communicate(timeout=300)
        finally:
            backup.kill()
            backup.wait(timeout=30)
        assert backup.returncode == 0, err[-3000:]
        assert time.monotonic() - started < 60
        # The backup is the state when it began: the save made meanwhile is not in it.
        with zipfile.ZipFile(target) as archive:
            rows = json.loads(archive.read("data.json"))
            manifest = json.loads(archive.read("manifest.json"))
        comments = {r["fields"].get("comment") for r in rows if r["model"] == "plans.statusupdate"}
        assert "Lagra medan kopien vart skriven" not in comments
        assert len(rows) == sum(manifest["counts"].values())
        assert target.stat().st_mode & 0o077 == 0


def test_a_web_save_behind_a_held_lock_is_asked_to_try_again() -> None:
    with installation() as (folder, url):
        result = subprocess.run(
            [sys.executable, "-c", SAVE_BEHIND_A_LOCK],
            env=installation_env(folder, url, PLANSTATUS_LOCK_TIMEOUT="1"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        status, retry_after = result.stdout.splitlines()[0].split()
        assert (status, retry_after) == ("503", "5"), result.stdout[:3000]
        assert "prøv igjen" in result.stdout
