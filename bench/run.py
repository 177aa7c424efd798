"""Server time of Planstatus's heavy pages on the national installation, against the floor.

Run:
  .venv/bin/python bench/run.py --all
      Both databases, then the load test; writes bench/RESULTS.md. Generates the national
      database for either engine first if it is missing (SQLite two minutes, PostgreSQL
      about five) and keeps it in bench/data/ (git-ignored) for the next run.
  .venv/bin/python bench/run.py [--database-url URL] [--runs 30] [--only CASE ...]
      One engine (SQLite in bench/data/sqlite unless a URL is given); prints the table.
  .venv/bin/python bench/run.py --profile CASE [--database-url URL]
      pyinstrument's profile of one case (ten runs), as text.

Each case is timed in this process through Django's test client with production settings
(DEBUG off, cached templates, the database connection kept between requests): URL resolving,
middleware, view, queries and template, no network. p50/p95 over --runs runs after three
warm-up runs, and the SQL query count of one more run. The floor is one raw SQL query that
fetches the same rows (measures, current status, actors; or a measure's history) and
json.dumps of them: what the page costs at the very least. The ratio p50 / floor p50 is the
figure to watch. The second floor renders the same rows to an HTML table by a plain Python
f-string join; the ratio to it shows what Django's template engine, middleware and ORM add.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SQLITE_DIR = BENCH / "data" / "sqlite"
POSTGRES_DATA_DIR = BENCH / "data" / "pgdata"  # the secret key and static files for that run
RESULTS = BENCH / "RESULTS.md"
BEGIN = "<!-- bench/run.py writes from here -->"
END = "<!-- bench/run.py writes up to here -->"

REGION = "region-1"
PLAN = "plan-1"  # make_national.py gives it exactly 150 measures
USERNAME = "bench-sekretariat"
SEED_TEXT = ROOT / "tests" / "fixtures" / "text" / "hallingdal-sak-16-25.txt"

# (ms) p50 targets per engine: issue 19's for the pages, uncached (nothing is cached: every
# page is rendered from the database on every request); issue 12's for the case and import.
_DOCUMENTS = {"docx": 1000.0, "pdf": 3000.0, "import": 200.0}
TARGETS = {
    "sqlite": {"plan": 30.0, "dashboard-filters": 40.0, "measure": 15.0, "api": 10.0, **_DOCUMENTS},
    "postgresql": {
        "plan": 40.0,
        "dashboard-filters": 50.0,
        "measure": 20.0,
        "api": 15.0,
        **_DOCUMENTS,
    },
}


@dataclass
class Result:
    case: str
    label: str
    p50: float
    p95: float
    cpu_p50: float
    runs: int
    queries: int
    floor_p50: float | None = None
    load: float = 0.0
    html_floor_p50: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.p50 / self.floor_p50 if self.floor_p50 else None

    @property
    def html_ratio(self) -> float | None:
        return self.p50 / self.html_floor_p50 if self.html_floor_p50 else None


@dataclass
class EngineRun:
    engine: str
    version: str
    started: str
    took_s: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    status_updates: int
    measures: int
    plan_measures: int
    history_entries: int
    results: list[Result] = field(default_factory=list)


def percentiles(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds of each run after the warm-up."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


# --- One engine, inside Django ---------------------------------------------------------------


def configure(database_url: str, data_dir: Path) -> None:
    """Production settings as served, before Django is set up."""
    os.environ["PLANSTATUS_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["PLANSTATUS_DEBUG"] = "false"
    os.environ["PLANSTATUS_SSL_REDIRECT"] = "false"
    os.environ["PLANSTATUS_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("PLANSTATUS_SECRET_KEY", "bench-" + "x" * 50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "planstatus.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare() -> dict[str, Any]:
    """What the cases need beyond make_national.py's rows: a secretariat member of the
    region, Hallingdal's seed (the import matches its actors) and the static files' manifest.
    Idempotent: the second run changes nothing."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from planstatus.accounts.models import Membership
    from planstatus.installation.seed import load_seed_file
    from planstatus.plans.models import Measure, Plan
    from planstatus.regions.models import Region

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    region = Region.objects.get(slug=REGION)
    user, created = User.objects.get_or_create(username=USERNAME)
    if created:
        Membership.objects.create(user=user, region=region, role=Membership.Role.SECRETARIAT)
    if not Region.objects.filter(slug="hallingdal").exists():
        load_seed_file()
    plan = Plan.objects.select_related("region").get(region=region, slug=PLAN)
    measure = Measure.objects.filter(focus_area__plan=plan).order_by("pk").first()
    assert measure is not None
    return {"user": user, "plan": plan, "measure": measure}


PLAN_ROWS_SQL = """
WITH page AS (
  SELECT m.id, m.code, m.text, m.timing_text, m.end_year, f."order" AS area_order,
         m."order" AS measure_order
  FROM plans_measure m JOIN plans_focusarea f ON f.id = m.focus_area_id
  WHERE f.plan_id = %s AND m.archived_at IS NULL
  ORDER BY f."order", m."order", m.id
  LIMIT %s
)
SELECT page.id, page.code, page.text, page.timing_text, page.end_year,
  (SELECT su.status FROM plans_statusupdate su WHERE su.measure_id = page.id
   ORDER BY su.created_at DESC, su.id DESC LIMIT 1) AS status,
  ma.role, a.name
FROM page
LEFT JOIN plans_measureactor ma ON ma.measure_id = page.id
LEFT JOIN regions_actor a ON a.id = ma.actor_id
ORDER BY page.area_order, page.measure_order, page.id, ma.role, ma.position
"""
HISTORY_SQL = """
SELECT su.id, su.status, su.previous_status, su.comment, su.source, su.created_at
FROM plans_statusupdate su WHERE su.measure_id = %s ORDER BY su.created_at DESC, su.id DESC
"""


@dataclass
class Floor:
    """The rows a page shows, fetched by one raw SQL query: the JSON floor (json.dumps of the
    rows) and the HTML floor (the same rows as an HTML table by a plain f-string join), so that
    the ratio to the second shows what the template engine and Django add."""

    sql: str
    params: list[Any]

    def rows(self) -> list[tuple[Any, ...]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchall()

    def json(self) -> str:
        return json.dumps(self.rows(), default=str)

    def html(self) -> str:
        cells = "".join(
            "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>\n"
            for row in self.rows()
        )
        return f"<table><tbody>\n{cells}</tbody></table>"


def floor(sql: str, params: list[Any]) -> Floor:
    return Floor(sql, params)


def cases(ctx: dict[str, Any]) -> list[tuple[str, str, Callable[[], object], Floor | None]]:
    """(key, label, the work, its floor)"""
    from django.db import transaction
    from django.test import Client

    from planstatus.cases.services import build_case_content, case_details_for, render_case
    from planstatus.imports.matching import known_actor_forms
    from planstatus.imports.services import import_plan
    from planstatus.lib.importers import read_plan
    from planstatus.regions.models import Region

    plan, measure = ctx["plan"], ctx["measure"]
    member, anonymous = Client(), Client()
    member.force_login(ctx["user"])
    base = f"/{REGION}/{PLAN}/"
    area = plan.focus_areas.order_by("order").first()
    closed = plan.reporting_rounds.order_by("-closed_at").first()
    plan_floor = floor(PLAN_ROWS_SQL, [plan.pk, 10_000])

    def get(client: Client, url: str) -> Callable[[], object]:
        def fetch() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return fetch

    def case(fmt: str) -> Callable[[], object]:
        def make() -> bytes:
            details = case_details_for(plan)
            return render_case(build_case_content(plan=plan, round=None, details=details), fmt)

        return make

    seed = SEED_TEXT.read_bytes()
    hallingdal = Region.objects.get(slug="hallingdal")

    def import_seed() -> object:
        # The writes are made and then rolled back, so every run imports into the same
        # database; the commit itself is not timed.
        with transaction.atomic():
            parsed = read_plan(
                seed, filename=SEED_TEXT.name, known_actors=known_actor_forms(hallingdal)
            )
            import_plan(
                region=hallingdal,
                parsed=parsed,
                title="Regional plan for Hallingdal (benchmark)",
                user=ctx["user"],
                source_name=SEED_TEXT.name,
            )
            transaction.set_rollback(True)
        return parsed

    filters = f"?status=started&status=not_started&omrade={area.pk}&q=regionen"
    return [
        ("plan", "Plan page, 150 measures (member)", get(member, base), plan_floor),
        ("plan-public", "Public plan page (anonymous)", get(anonymous, base), plan_floor),
        (
            "plan-round",
            "Plan page at a closed round (member)",
            get(member, f"{base}?runde={closed.pk}"),
            plan_floor,
        ),
        ("dashboard", "Dashboard, no filter", get(member, f"{base}oversikt/"), plan_floor),
        (
            "dashboard-filters",
            "Dashboard, status + area + text",
            get(member, f"{base}oversikt/{filters}"),
            plan_floor,
        ),
        (
            "measure",
            "Measure page, 40 history entries (member)",
            get(member, f"{base}tiltak/{measure.pk}/"),
            floor(HISTORY_SQL, [measure.pk]),
        ),
        (
            "api",
            "API measure list, 100 per page (anonymous)",
            get(anonymous, f"/api/v1/regions/{REGION}/plans/{PLAN}/measures"),
            floor(PLAN_ROWS_SQL, [plan.pk, 100]),
        ),
        ("docx", "Case as .docx, 150 measures", case("docx"), plan_floor),
        ("pdf", "Case as .pdf, 150 measures", case("pdf"), plan_floor),
        ("import", "Plain-text import, Hallingdal's plan", import_seed, None),
    ]


def run_engine(args: argparse.Namespace) -> EngineRun:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from planstatus.plans.models import Measure, StatusUpdate

    ctx = prepare()
    plan, measure = ctx["plan"], ctx["measure"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = f"{connection.vendor} {cursor.fetchone()[0]}"
    started = time.perf_counter()
    run = EngineRun(
        engine=connection.vendor,
        version=version,
        started=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        took_s=0.0,
        load_before=os.getloadavg(),
        load_after=(0.0, 0.0, 0.0),
        status_updates=StatusUpdate.objects.count(),
        measures=Measure.objects.count(),
        plan_measures=plan.measures().count(),
        history_entries=measure.status_updates.count(),
    )
    print(conditions(run), flush=True)
    print(flush=True)
    print(TABLE_HEAD, flush=True)
    for key, label, work, floor_fn in cases(ctx):
        if args.only and key not in args.only:
            continue
        runs = args.runs
        wall, cpu = timed(work, runs)
        p50, p95 = percentiles(wall)
        with CaptureQueriesContext(connection) as queries:
            work()
        floor_p50 = html_floor_p50 = None
        if floor_fn is not None:
            floor_p50 = statistics.median(timed(floor_fn.json, runs)[0])
            html_floor_p50 = statistics.median(timed(floor_fn.html, runs)[0])
        result = Result(
            key,
            label,
            p50,
            p95,
            statistics.median(cpu),
            runs,
            len(queries),
            floor_p50,
            round(os.getloadavg()[0], 2),
            html_floor_p50,
        )
        run.results.append(result)
        print(table_row(result, run.engine), flush=True)
    run.load_after = os.getloadavg()
    run.took_s = time.perf_counter() - started
    return run


def profile(args: argparse.Namespace) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("--profile needs pyinstrument: make install-dev")
    ctx = prepare()
    chosen = {key: work for key, _, work, _ in cases(ctx)}
    if args.profile not in chosen:
        sys.exit(f"Unknown case {args.profile}; one of {', '.join(chosen)}.")
    work = chosen[args.profile]
    timed(work, 0)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(10):
        work()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, short_mode=False))


# --- Reporting -------------------------------------------------------------------------------

TABLE_HEAD = (
    "| case | p50 ms | p95 ms | CPU p50 ms | queries | floor p50 ms | × floor "
    "| f-string floor p50 ms | × f-string | target p50 | load |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
)


def table_row(r: Result, engine: str) -> str:
    target = TARGETS.get(engine, {}).get(r.case)
    verdict = ""
    if target is not None:
        verdict = f"≤ {target:.0f} ms " + ("✓ met" if r.p50 <= target else "✗ missed")
    floor_text = f"{r.floor_p50:.1f}" if r.floor_p50 is not None else "–"
    ratio = f"{r.ratio:.1f}" if r.ratio is not None else "–"
    html_floor = f"{r.html_floor_p50:.1f}" if r.html_floor_p50 is not None else "–"
    html_ratio = f"{r.html_ratio:.1f}" if r.html_ratio is not None else "–"
    return (
        f"| {r.label} | {r.p50:.1f} | {r.p95:.1f} | {r.cpu_p50:.1f} | {r.queries} | "
        f"{floor_text} | {ratio} | {html_floor} | {html_ratio} | "
        f"{verdict or '–'} | {r.load:.2f} |"
    )


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.node()}: {os.cpu_count()} CPUs ({model or platform.machine()}){memory}"


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = (
        " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    )
    return (
        f"{git('rev-parse', '--short', 'HEAD')} ({git('rev-parse', '--abbrev-ref', 'HEAD')}){dirty}"
    )


def conditions(run: EngineRun) -> str:
    load = " / ".join(f"{x:.2f}" for x in run.load_before)
    return (
        f"{run.version}, Python {platform.python_version()}; {run.status_updates:,} status "
        f"updates, {run.measures:,} measures in the database; the plan has "
        f"{run.plan_measures} measures, the measure {run.history_entries} history entries. "
        f"Load average (1/5/15 min) before: {load}. Started {run.started}."
    ).replace(",", " ")


# --- Both engines and the load test ----------------------------------------------------------


def child(args: list[str]) -> subprocess.CompletedProcess[str]:
    """This script in a new process (Django is set up once per database), on the database
    its arguments name and no other."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], env=env, text=True, check=False
    )


def ensure_national(database_url: str, data_dir: Path) -> None:
    """Write the national database unless it is there already."""
    check = child(["--has-national", "--database-url", database_url, "--data-dir", str(data_dir)])
    if check.returncode == 0:
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


def run_all(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    when = datetime.datetime.now().astimezone()
    runs: list[EngineRun] = []
    with tempfile.TemporaryDirectory() as tmp:
        ensure_national("", SQLITE_DIR)
        print("== SQLite", flush=True)
        out = Path(tmp) / "sqlite.json"
        done = child(["--runs", str(args.runs), "--json", str(out), "--database-url", ""])
        if done.returncode:
            sys.exit("The SQLite run failed.")
        runs.append(load_run(out))

        postgres = str(BENCH / "postgres.sh")
        was_running = subprocess.run([postgres, "status"], check=False).returncode == 0
        url = subprocess.run(
            [postgres, "start"], check=True, capture_output=True, text=True
        ).stdout.strip()
        ensure_national(url, POSTGRES_DATA_DIR)
        print("== PostgreSQL", flush=True)
        out = Path(tmp) / "postgresql.json"
        done = child(
            [
                "--runs",
                str(args.runs),
                "--json",
                str(out),
                "--database-url",
                url,
                "--data-dir",
                str(POSTGRES_DATA_DIR),
            ]
        )
        if done.returncode:
            sys.exit("The PostgreSQL run failed.")
        runs.append(load_run(out))

        load = ""
        if not args.no_load:
            # The write mix of bench/load_mix.py, on each engine.
            for name, engine_args, env in [
                ("PostgreSQL", [], {**os.environ, "DATABASE_URL": url}),
                ("SQLite", ["--sqlite"], os.environ.copy()),
            ]:
                print(f"== Load test ({name})", flush=True)
                summary = Path(tmp) / f"load-{name}.md"
                subprocess.run(
                    [sys.executable, str(BENCH / "load_mix.py"), *engine_args],
                    env={**env, "LOAD_SUMMARY": str(summary)},
                    check=True,
                )
                load += f"### Load test, write mix ({name})\n\n{summary.read_text()}\n"
        if not was_running:
            subprocess.run([postgres, "stop"], check=True)
    took = time.perf_counter() - started
    write_results(runs, load, when, took)
    print(f"== Wrote {RESULTS.relative_to(ROOT)} in {took / 60:.1f} minutes.")


def load_run(path: Path) -> EngineRun:
    data = json.loads(path.read_text())
    results = [Result(**r) for r in data.pop("results")]
    return EngineRun(**data, results=results)


def write_results(runs: list[EngineRun], load: str, when: datetime.datetime, took: float) -> None:
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    lines = [
        BEGIN,
        "## Latest full run",
        "",
        f"- Date: {when.isoformat(timespec='minutes')}; `bench/run.py --all` took "
        f"{took / 60:.0f} minutes.",
        f"- Commit: {commit()}.",
        f"- Machine: {machine()}; other work was running on it: see the load averages.",
        "- Server time in-process through Django's test client with production settings; "
        f"p50/p95 over {runs[0].results[0].runs if runs and runs[0].results else 0} runs "
        "after three warm-up runs; the query count of one more run. The floor: one raw SQL "
        "query for the same rows + json.dumps; the f-string floor: the same rows as an HTML table "
        "by a plain f-string join. `load` is the 1-minute load average when the "
        "case finished.",
        "",
    ]
    for run in runs:
        lines += [
            f"### {names.get(run.engine, run.engine)}",
            "",
            conditions(run) + f" Took {run.took_s:.0f} s.",
            "",
            TABLE_HEAD,
            *(table_row(r, run.engine) for r in run.results),
            "",
        ]
    if load:
        lines += [load.strip(), ""]
    lines.append(END)
    block = "\n".join(lines)
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="both engines, load test, RESULTS.md")
    parser.add_argument("--no-load", action="store_true", help="with --all: no load test")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL holding make_national.py's rows (default: $DATABASE_URL, else SQLite)",
    )
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--only", nargs="*", default=[], help="only these cases")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument("--profile", default="", help="profile one case with pyinstrument")
    parser.add_argument("--has-national", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load-script", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs < 30 and not args.only:
        print("Fewer than 30 runs: fine for a look, not for RESULTS.md.", file=sys.stderr)
    if args.all:
        run_all(args)
        return
    data_dir = Path(args.data_dir or (POSTGRES_DATA_DIR if args.database_url else SQLITE_DIR))
    configure(args.database_url, data_dir.resolve())
    if args.has_national:
        sys.exit(0 if has_national() else 1)
    if args.load_script:
        write_load_script(Path(args.load_script))
        return
    if args.profile:
        profile(args)
        return
    run = run_engine(args)
    after = " / ".join(f"{x:.2f}" for x in run.load_after)
    print(f"\nLoad average after: {after}; took {run.took_s:.0f} s.")
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(run)))


def has_national() -> bool:
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM regions_region WHERE slug = %s", [REGION])
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        return False


def write_load_script(path: Path) -> None:
    """The URLs bench/load.lua rotates over, and a member's session cookie, as Lua."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    ctx = prepare()
    user, plan, measure = ctx["user"], ctx["plan"], ctx["measure"]
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(datetime.timedelta(hours=2))
    session.create()
    area = plan.focus_areas.order_by("order").first()
    base = f"/{REGION}/{PLAN}/"
    member = [base, f"{base}oversikt/", f"{base}oversikt/?status=started&omrade={area.pk}"]
    public = [
        base,
        f"/{REGION}/plan-2/",
        f"{base}oversikt/",
        f"/api/v1/regions/{REGION}/plans/{PLAN}/measures",
        f"/api/v1/regions/{REGION}/plans/{PLAN}/measures/{measure.pk}/history",
        f"/api/v1/regions/{REGION}/plans",
    ]

    def lua(urls: list[str]) -> str:
        return "{" + ", ".join(json.dumps(u) for u in urls) + "}"

    path.write_text(
        f'cookie = "sessionid={session.session_key}"\n'
        f"member_paths = {lua(member)}\n"
        f"public_paths = {lua(public)}\n"
    )


if __name__ == "__main__":
    main()
