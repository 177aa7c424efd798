"""How fast the plan dashboard answers: Hallingdal's plan and a synthetic 500-measure plan.

Run: .venv/bin/python bench/dashboard.py  [--runs 30] [--database-url URL]

It builds a throwaway installation (SQLite in a temporary folder unless --database-url
names an empty PostgreSQL database), loads Hallingdal, adds a 500-measure plan with a year
of status history, and times the dashboard through Django's test client (server time:
URL resolving, view, template; no network). It prints p50/p95 over the runs after one
warm-up, the SQL query count, and the conditions.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="planstatus-bench-")
    os.environ["PLANSTATUS_DATA_DIR"] = data_dir
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    # Production settings, as served: cached templates, no debug bookkeeping.
    os.environ["PLANSTATUS_DEBUG"] = "false"
    os.environ["PLANSTATUS_SSL_REDIRECT"] = "false"
    os.environ["PLANSTATUS_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("PLANSTATUS_SECRET_KEY", "bench-" + "x" * 50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planstatus.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from planstatus.installation.services import initialise_installation
    from planstatus.lib.status import Status
    from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor, Plan, StatusUpdate
    from planstatus.regions.models import Actor, Region

    setup_test_environment()
    initialise_installation(load_demo=True, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    region = Region.objects.get(slug="hallingdal")
    rng = random.Random(7)
    big = Plan.objects.create(
        region=region,
        slug="stor",
        title="Syntetisk plan",
        kind=Plan.Kind.REGIONAL_PLAN,
        published=True,
    )
    actors = list(Actor.objects.filter(region=region))
    statuses = [Status.NOT_STARTED, Status.STARTED, Status.DONE, Status.UNKNOWN]
    for a in range(8):
        area = FocusArea.objects.create(plan=big, code=str(a + 1), name=f"Område {a + 1}", order=a)
        for g in range(5):
            goal = Goal.objects.create(
                plan=big, focus_area=area, code=f"{a + 1}.{g + 1}", text=f"Mål {a + 1}.{g + 1}"
            )
            measures = Measure.objects.bulk_create(
                Measure(
                    focus_area=area,
                    goal=goal,
                    code=f"{a + 1}.{g + 1}.{m + 1}",
                    text=f"Tiltak om samarbeid, næring og kompetanse nr. {m + 1}",
                    timing_text="2024–2027",
                    start_year=2024,
                    end_year=rng.choice([2024, 2025, 2026, 2027]),
                    order=m,
                )
                for m in range(13 if (a * 5 + g) % 2 == 0 else 12)
            )
            MeasureActor.objects.bulk_create(
                MeasureActor(measure=m, actor=actor, role=role)
                for m in measures
                for actor, role in zip(
                    rng.sample(actors, 3), ["responsible", "involved", "involved"], strict=True
                )
            )
            StatusUpdate.objects.bulk_create(
                StatusUpdate(measure=m, status=rng.choice(statuses), source="web")
                for m in measures
                for _ in range(4)
            )
    client = Client()
    first_area = FocusArea.objects.filter(plan__slug="regionplan").order_by("order").first()
    assert first_area is not None
    cases = [
        ("Hallingdal, no filter", "/hallingdal/regionplan/oversikt/"),
        (
            "Hallingdal, status + area",
            f"/hallingdal/regionplan/oversikt/?status=unknown&omrade={first_area.pk}",
        ),
        ("500 measures, no filter", "/hallingdal/stor/oversikt/"),
        ("500 measures, overdue + search", "/hallingdal/stor/oversikt/?forseinka=on&q=næring"),
    ]
    count = Measure.objects.filter(focus_area__plan=big).count()
    print(
        f"Dashboard benchmark — {platform.node()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {connection.vendor}, synthetic plan: {count} measures, "
        f"{StatusUpdate.objects.filter(measure__focus_area__plan=big).count()} status updates; "
        f"{args.runs} runs after one warm-up, server time through the test client, "
        f"DEBUG={settings.DEBUG} (cached templates), load average {os.getloadavg()[0]:.2f}."
    )
    print()
    print("| case | p50 ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for label, url in cases:
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"| {label} | {statistics.median(times):.1f} | {p95:.1f} | {len(queries)} |")


if __name__ == "__main__":
    main()
