"""Several worker processes writing to one SQLite file never fail with "database is locked".

Four processes each save 200 status updates through the service the web uses, against a
real SQLite file, at the same time. Every update must be there afterwards.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests.test_faults import start

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
UPDATES = 200

SETUP = """
from planstatus.plans.models import FocusArea, Measure, Plan
from planstatus.regions.models import Region
region = Region.objects.create(slug="samtidig", name="Samtidig")
plan = Plan.objects.create(region=region, slug="plan", title="Plan", kind="regional_plan")
area = FocusArea.objects.create(plan=plan, code="1", name="Eitt", order=1)
Measure.objects.bulk_create(Measure(focus_area=area, code=f"1.{i}", text="T") for i in range(3))
"""

WORKER = """
import sys
from django.db import transaction
from planstatus.lib.status import Status
from planstatus.plans.models import Measure, StatusUpdate
from planstatus.reporting.actions.reports import report_status
worker = sys.argv[1]
measures = list(Measure.objects.order_by("pk"))
statuses = [Status.NOT_STARTED, Status.STARTED, Status.DONE]
for i in range(int(sys.argv[2])):
    measure = measures[i % len(measures)]
    # Read what is latest and save in one transaction, as a person's save from a fresh form.
    with transaction.atomic():
        latest = StatusUpdate.objects.filter(measure=measure).order_by("-created_at", "-pk")
        seen = latest.values_list("pk", flat=True).first()
        report_status(
            measure=measure, status=statuses[i % 3], comment=f"{worker}-{i}",
            user=None, expected_previous=seen,
        )
"""


def run(script: str, data_dir: str, *args: str) -> subprocess.Popen[str]:
    return start("import django; django.setup()\n" + script, data_dir, "", *args)


def wait(process: subprocess.Popen[str]) -> None:
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking is under test")
def test_four_workers_writing_at_once_lose_nothing() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        wait(
            run(
                "from django.core.management import call_command\n"
                "call_command('migrate', verbosity=0)\n" + SETUP,
                data_dir,
            )
        )
        workers = [run(WORKER, data_dir, f"w{n}", str(UPDATES)) for n in range(WORKERS)]
        for process in workers:
            wait(process)
        check = run(
            "from planstatus.plans.models import StatusUpdate\n"
            "print(StatusUpdate.objects.count(), len(set("
            "StatusUpdate.objects.values_list('comment', flat=True))))",
            data_dir,
        )
        out, err = check.communicate(timeout=60)
        assert out.split() == [str(WORKERS * UPDATES)] * 2, err
