"""`planstatus backup` of the national installation, while someone keeps saving statuses.

Run:
  .venv/bin/python bench/backup.py                      SQLite in bench/data/sqlite
  DATABASE_URL=$(bench/postgres.sh start) .venv/bin/python bench/backup.py
  ... --write-results                                   also put the figures in RESULTS.md

Writes the national database first if it is missing (bench/make_national.py, as run.py
does). Then a writer process saves a status every 0.2 s through the service the web uses
(one transaction, lock timeout as served: PLANSTATUS_LOCK_TIMEOUT, 20 s), for 10 s alone and
then while `planstatus backup` runs in a process of its own. Reported: the backup's wall
time and peak memory (the child's maximum resident set size, from wait4), the size of the
file and its rows, and each save's time alone and during the backup: the longest is the
longest a writer was held up. A save that fails is counted as an error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SQLITE_DIR = BENCH / "data" / "sqlite"
POSTGRES_DATA_DIR = BENCH / "data" / "pgdata"
RESULTS = BENCH / "RESULTS.md"
BEGIN = "<!-- bench/backup.py writes from here -->"
END = "<!-- bench/backup.py writes up to here -->"
ALONE_SECONDS = 10
INTERVAL = 0.2

# Saves statuses until its standard input closes; then prints each save's time as JSON.
WRITER = """
import json, sys, threading, time
import django
django.setup()
from django.db import transaction
from planstatus.lib.status import Status
from planstatus.plans.models import Measure
from planstatus.plans.actions.status import record_status

measures = list(Measure.objects.filter(
    focus_area__plan__slug="plan-1", focus_area__plan__region__slug="region-1"
).order_by("pk")[:20])
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
saves, errors, i = [], [], 0
while not stop.is_set():
    started = time.perf_counter()
    try:
        with transaction.atomic():
            record_status(measure=measures[i % len(measures)],
                          status=[Status.STARTED, Status.DONE][i % 2], comment=f"bench {i}")
        saves.append((time.time(), time.perf_counter() - started))
    except Exception as e:
        errors.append((time.time(), time.perf_counter() - started, repr(e)[:200]))
    i += 1
    time.sleep(INTERVAL)
print(json.dumps({"saves": saves, "errors": errors}))
""".replace("INTERVAL", str(INTERVAL))


def environment(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PLANSTATUS_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="planstatus.settings",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def ensure_national(database_url: str, data_dir: Path) -> None:
    has = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--has-national",
            "--database-url",
            database_url,
            "--data-dir",
            str(data_dir),
        ],
        check=False,
    )
    if has.returncode == 0:
        return
    print(f"== Writing the national database ({database_url or 'SQLite'})", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "make_national.py"),
            "--database-url",
            database_url,
            "--data-dir",
            str(data_dir),
        ],
        check=True,
    )


def run(database_url: str, data_dir: Path) -> dict[str, object]:
    env = environment(database_url, data_dir)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None
    time.sleep(ALONE_SECONDS)
    with tempfile.TemporaryDirectory(dir=BENCH / "data", prefix="backup-") as folder:
        target = Path(folder) / "national.zip"
        began_wall = time.time()
        started = time.perf_counter()
        backup = subprocess.Popen(
            [sys.executable, "-m", "planstatus.cli", "backup", str(target)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        _, status, usage = os.wait4(backup.pid, 0)
        took = time.perf_counter() - started
        ended_wall = time.time()
        assert backup.stdout is not None
        summary = backup.stdout.read().strip()
        backup.returncode = os.waitstatus_to_exitcode(status)
        if backup.returncode:
            sys.exit(f"The backup failed ({backup.returncode}).")
        size = target.stat().st_size
    time.sleep(2)
    out, _ = writer.communicate("", timeout=120)
    saves = json.loads(out)
    alone = [s for when, s in saves["saves"] if when < began_wall]
    during = [s for when, s in saves["saves"] if began_wall <= when <= ended_wall + 1]
    errors = [e for e in saves["errors"] if began_wall <= e[0] <= ended_wall + 1]
    return {
        "engine": "PostgreSQL" if database_url else "SQLite",
        "took_s": took,
        "peak_mb": usage.ru_maxrss / 1024,
        "file_mb": size / 1e6,
        "summary": summary,
        "saves_alone": len(alone),
        "alone_max_ms": max(alone) * 1000 if alone else 0.0,
        "saves_during": len(during),
        "during_p50_ms": statistics.median(during) * 1000 if during else 0.0,
        "during_max_ms": max(during) * 1000 if during else 0.0,
        "errors": len(errors),
        "error_examples": [e[2] for e in errors[:3]],
        "load": os.getloadavg()[0],
    }


def row(r: dict[str, object]) -> str:
    return (
        f"| {r['engine']} | {r['took_s']:.0f} | {r['peak_mb']:.0f} | {r['file_mb']:.0f} "
        f"| {r['saves_during']} | {r['during_p50_ms']:.0f} | {r['during_max_ms']:.0f} "
        f"| {r['alone_max_ms']:.0f} | {r['errors']} | {r['load']:.1f} |"
    )


def write_results(result: dict[str, object]) -> None:
    """Keep the other engine's row; replace this engine's."""
    text = RESULTS.read_text()
    rows: dict[str, str] = {}
    if BEGIN in text:
        block = text.split(BEGIN, 1)[1].split(END, 1)[0]
        for line in block.splitlines():
            if line.startswith("| SQLite") or line.startswith("| PostgreSQL"):
                rows[line.split("|")[1].strip()] = line
    rows[str(result["engine"])] = row(result) + f" {time.strftime('%Y-%m-%d')} |"
    block = "\n".join(
        [
            BEGIN,
            "## Backup of the national installation while a writer saves (`bench/backup.py`)",
            "",
            "About 4 million status updates and as many round reports and snapshots: 13 million "
            "rows (make_national.py writes no history rows). A writer saves a status every "
            "0.2 s through the web's service; "
            "`planstatus backup` runs meanwhile in its own process. Peak memory is the backup "
            f"process's maximum resident set. Machine: {platform.machine()}, "
            f"{os.cpu_count()} cores shared with other work (load average in the last column "
            "but one).",
            "",
            "| engine | backup s | peak MB | file MB | saves during | save p50 ms "
            "| longest save ms | longest save alone ms | failed saves | load | date |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
            *[rows[engine] for engine in ("SQLite", "PostgreSQL") if engine in rows],
            END,
        ]
    )
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    data_dir = Path(args.data_dir or (POSTGRES_DATA_DIR if args.database_url else SQLITE_DIR))
    data_dir = data_dir.resolve()
    ensure_national(args.database_url, data_dir)
    result = run(args.database_url, data_dir)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.write_results:
        write_results(result)


if __name__ == "__main__":
    main()
