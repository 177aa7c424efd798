"""The write-mix load test: a reporting round as people make it (issue 19).

Run: .venv/bin/python bench/load_mix.py [--seconds 60] [--clients 50] [--workers 4]
     [--summary FILE]
(DATABASE_URL: the national PostgreSQL database; bench/postgres.sh's by default.)

`planstatus serve --production` (gunicorn) on loopback against make_national.py's database,
driven by --clients concurrent clients (threads in two processes, each with its own
connection) for --seconds after a 10 s warm-up. Each operation is drawn at random:

- 85 % reads: region-1's 150-measure plan page as a member and anonymously, its dashboard
  with filters, a measure page and the API's measure list;
- 10 % status saves through personal links, on measures of plan-1 in 20 regions
  (region-2 … region-21, so that the benchmarked region-1 keeps its history): each client
  holds a link of its own, issued through reporting/actions/links.issue_link() and redeemed
  as a browser does (`/r/<token>/` → `/r/side/<id>/`), and saves with the CSRF token and the
  id of the latest update it saw, as the htmx form does;
- 5 % secretariat edits: a measure's text, time and note through its edit form.

After a save, that client's next read is the measure's page as a member of its region, and
the status shown there must be the one saved ("every save visible on the next read"). The
clients' measures are disjoint, so a conflict (409) is an error like any other answer but
the expected one. Prints requests/s, p50/p99, the errors and the server CPU per request
(gunicorn's processes and PostgreSQL's, from /proc) and the targets: >= 150 requests/s,
p99 <= 500 ms, no errors, every save seen.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
REGIONS = [f"region-{n}" for n in range(2, 22)]  # 20 regions that report
READ_REGION, PLAN = "region-1", "plan-1"
USERNAME = "bench-load-{region}"
TARGET_RPS, TARGET_P99_MS = 150.0, 500.0


# --- Preparing, inside Django --------------------------------------------------------------


def prepare(clients: int, out: Path) -> None:
    """Sessions, links and measures for the clients, written to `out` as JSON."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from planstatus.accounts.models import Membership
    from planstatus.plans.models import Measure, MeasureActor, Plan
    from planstatus.regions.models import Region
    from planstatus.reporting.actions.links import issue_link
    from planstatus.reporting.actions.rounds import open_round
    from planstatus.reporting.models import ReportingRound

    store = import_string(settings.SESSION_ENGINE + ".SessionStore")

    def session_for(user: User) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(datetime.timedelta(hours=2))
        session.create()
        return str(session.session_key)

    now = timezone.now()
    members: dict[str, str] = {}
    rounds: dict[str, ReportingRound] = {}
    plans: dict[str, Plan] = {}
    for slug in [READ_REGION, *REGIONS]:
        region = Region.objects.get(slug=slug)
        user, created = User.objects.get_or_create(username=USERNAME.format(region=slug))
        if created:
            Membership.objects.create(user=user, region=region, role=Membership.Role.SECRETARIAT)
        members[slug] = session_for(user)
        plan = Plan.objects.get(region=region, slug=PLAN)
        plans[slug] = plan
        if slug == READ_REGION:
            continue
        # The round the links belong to: the plan's open one, else one opened for the test
        # as the secretariat does (make_national.py writes only closed rounds; its actors
        # have no e-mail address, so no mail goes out).
        current = plan.reporting_rounds.filter(state=ReportingRound.State.OPEN).first()
        if current is None:
            current = open_round(
                plan=plan,
                title="Lasttest",
                deadline=(now + datetime.timedelta(days=30)).date(),
                user=user,
                base_url="http://127.0.0.1",
            ).round
        rounds[slug] = current

    # Each client reports for one actor of one region, on the measures it is the first
    # responsible actor for, so that no two clients save the same measure.
    links = MeasureActor.objects.filter(
        role=MeasureActor.Role.RESPONSIBLE,
        position=0,
        measure__focus_area__plan__in=[plans[r] for r in REGIONS],
        measure__archived_at__isnull=True,
    ).values_list("actor_id", "measure_id", "measure__focus_area__plan__region__slug")
    by_actor: dict[tuple[str, int], list[int]] = {}
    for actor_id, measure_id, region_slug in links:
        by_actor.setdefault((region_slug, actor_id), []).append(measure_id)
    # Spread over the regions: one actor of every region before a second of any.
    rank: dict[str, int] = {}
    order = {}
    for pair in sorted(by_actor, key=lambda p: (REGIONS.index(p[0]), p[1])):
        order[pair] = (rank.get(pair[0], 0), REGIONS.index(pair[0]))
        rank[pair[0]] = rank.get(pair[0], 0) + 1
    pairs = sorted(order, key=order.__getitem__)
    if len(pairs) < clients:
        sys.exit(f"Only {len(pairs)} reporting actors for {clients} clients.")
    from planstatus.regions.models import Actor

    latest = dict(
        Measure.objects.filter(pk__in=[m for p in pairs[:clients] for m in by_actor[p]])
        .with_latest_id()
        .values_list("pk", "latest_id")  # type: ignore[misc]  # an annotation
    )
    client_rows = []
    for region_slug, actor_id in pairs[:clients]:
        link, token = issue_link(
            actor=Actor.objects.get(pk=actor_id),
            round=rounds[region_slug],
            expires_at=now + datetime.timedelta(days=1),
            user=None,
        )
        measures = by_actor[(region_slug, actor_id)]
        client_rows.append(
            {
                "region": region_slug,
                "token": token,
                "link": link.pk,
                # With approval, a link's save is a pending report until the secretariat
                # approves it: a member sees it among the pending ones on the measure page.
                "approval": plans[region_slug].reports_need_approval,
                "measures": {str(m): latest[m] for m in measures},
            }
        )
    edits: dict[str, list[tuple[int, str, str]]] = {}
    for pk, region_slug, text, timing in (
        Measure.objects.filter(focus_area__plan__in=[plans[r] for r in REGIONS])
        .order_by("pk")
        .values_list("pk", "focus_area__plan__region__slug", "text", "timing_text")
    ):
        if len(edits.setdefault(region_slug, [])) < 10:
            edits[region_slug].append((pk, text, timing))
    read_plan = plans[READ_REGION]
    area = read_plan.focus_areas.order_by("order").first()
    assert area is not None
    first = Measure.objects.filter(focus_area__plan=read_plan).order_by("pk").first()
    assert first is not None
    out.write_text(
        json.dumps(
            {
                "members": members,
                "clients": client_rows,
                "edits": edits,
                "reads": {
                    "plan": f"/{READ_REGION}/{PLAN}/",
                    "dashboard": f"/{READ_REGION}/{PLAN}/oversikt/"
                    f"?status=started&status=not_started&omrade={area.pk}&q=regionen",
                    "measure": f"/{READ_REGION}/{PLAN}/tiltak/{first.pk}/",
                    "api": f"/api/v1/regions/{READ_REGION}/plans/{PLAN}/measures",
                },
            }
        )
    )


# --- The clients, without Django -----------------------------------------------------------


class Client:
    """One connection with its cookies, as one browser tab."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, htmx: bool = False
    ) -> tuple[int, str, dict[str, str]]:
        headers = {"Host": "127.0.0.1", "Accept-Language": "nn"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        if htmx:
            headers["HX-Request"] = "true"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closed a kept-alive connection between two requests: reconnect.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, {k.lower(): v for k, v in response.getheaders()}


SHOWN_STATUS = re.compile(r'<p><span class="status status--\w+" data-status="(\w+)"')
PENDING = re.compile(r'data-testid="measure-pending".*?</ul>', re.S)
STATUS = re.compile(r'data-status="(\w+)"')
CHOICES = ["not_started", "started", "done"]


def run_client(index: int, setup: dict[str, Any], port: int, until: float, warm: float) -> dict:
    """One client's loop; returns its timings (after the warm-up) and errors."""
    rng = random.Random(index)
    mine = setup["clients"][index]
    region = mine["region"]
    reads = setup["reads"]
    member_read = Client(port, {"sessionid": setup["members"]["region-1"]})
    anonymous = Client(port)
    member = Client(port, {"sessionid": setup["members"][region]})
    editor = member
    reporter = Client(port)
    times: list[float] = []
    kinds = {"read": 0, "save": 0, "edit": 0, "check": 0}
    errors: list[str] = []
    seen, unseen = 0, 0

    # Redeem the link as a browser does; the page sets the CSRF cookie.
    status, _, headers = reporter.request("GET", f"/r/{mine['token']}/")
    page = f"/r/side/{mine['link']}/"
    if status != 302 or not headers.get("location", "").endswith(page):
        return {"times": [], "kinds": kinds, "errors": [f"link not redeemed: {status}"]}
    reporter.request("GET", page)
    editor.request("GET", f"/{REGIONS[0]}/{PLAN}/")  # a page with a form: the CSRF cookie
    expected = {int(k): v for k, v in mine["measures"].items()}
    measure_ids = sorted(expected)
    to_check: tuple[int, str] | None = None

    while True:
        now = time.monotonic()
        if now >= until and to_check is None:
            break  # a save made as time ran out is still checked, but not timed
        draw = rng.random()
        started = time.perf_counter()
        kind = "read"
        try:
            if to_check is not None:
                kind = "check"
                measure, saved = to_check
                status, text, _ = member.request("GET", f"/{region}/{PLAN}/tiltak/{measure}/")
                ok = status == 200
                if mine["approval"]:
                    pending = PENDING.search(text)
                    shown = STATUS.search(pending.group(0)) if pending else None
                else:
                    shown = SHOWN_STATUS.search(text)
                if shown and shown.group(1) == saved:
                    seen += warm <= now
                else:
                    unseen += 1
                    what = shown.group(1) if shown else "nothing"
                    errors.append(f"save not shown: measure {measure} {saved}, shown {what}")
                to_check = None
            elif draw < 0.85:
                which = rng.random()
                if which < 0.25:
                    status, _, _ = member_read.request("GET", reads["plan"])
                elif which < 0.45:
                    status, _, _ = anonymous.request("GET", reads["plan"])
                elif which < 0.65:
                    status, _, _ = member_read.request("GET", reads["dashboard"])
                elif which < 0.85:
                    status, _, _ = member_read.request("GET", reads["measure"])
                else:
                    status, _, _ = anonymous.request("GET", reads["api"])
                ok = status == 200
            elif draw < 0.95:
                kind = "save"
                measure = rng.choice(measure_ids)
                new = rng.choice(CHOICES)
                prefix = f"m{measure}-"
                form = {
                    "csrfmiddlewaretoken": reporter.cookies.get("csrftoken", ""),
                    prefix + "status": new,
                    prefix + "comment": f"Lasttest {index}: {new}.",
                    prefix + "evidence_url": "",
                    prefix + "expected_previous": str(expected[measure] or ""),
                }
                status, text, _ = reporter.request(
                    "POST", f"{page}tiltak/{measure}/", form=form, htmx=True
                )
                ok = status == 200
                latest = re.search(
                    rf'name="{re.escape(prefix)}expected_previous" value="(\d+)"', text
                )
                if ok and latest:
                    expected[measure] = int(latest.group(1))
                    to_check = (measure, new)
                elif ok:
                    ok = False
                    status = -1
            else:
                kind = "edit"
                pk, text_now, timing = rng.choice(setup["edits"][region])
                form = {
                    "csrfmiddlewaretoken": editor.cookies.get("csrftoken", ""),
                    "text": text_now,
                    "timing_text": timing,
                    "note": f"Endra i lasttest av klient {index}, {rng.randrange(10**6)}.",
                }
                status, _, _ = editor.request(
                    "POST", f"/{region}/{PLAN}/tiltak/{pk}/endre/", form=form
                )
                ok = status == 302
        except (OSError, http.client.HTTPException) as error:
            ok, status = False, 0
            errors.append(f"{kind}: {type(error).__name__} {error}")
        took = (time.perf_counter() - started) * 1000
        if warm <= now < until:
            times.append(took)
            kinds[kind] += 1
            if not ok and status != 0:
                errors.append(f"{kind}: HTTP {status}")
    return {"times": times, "kinds": kinds, "errors": errors, "seen": seen, "unseen": unseen}


def run_process(
    indices: list[int], setup: dict[str, Any], port: int, until: float, warm: float, out: Any
) -> None:
    results: list[dict] = []
    threads = [
        threading.Thread(target=lambda i=i: results.append(run_client(i, setup, port, until, warm)))
        for i in indices
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(results)


# --- The server and the CPU it uses -------------------------------------------------------


def cpu_ticks(pids: list[int]) -> int:
    """utime + stime of these processes and their children, in clock ticks."""
    total = 0
    every = set(pids)
    for pid in pids:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        every.update(int(c) for c in children)
    for pid in every:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", 60)))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("LOAD_CONNECTIONS", 50)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", 4)))
    parser.add_argument("--summary", default=os.environ.get("LOAD_SUMMARY", ""))
    parser.add_argument(
        "--sqlite", action="store_true", help="SQLite in bench/data/sqlite, not PostgreSQL"
    )
    parser.add_argument("--prepare", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if not args.sqlite:
        env["DATABASE_URL"] = (
            os.environ.get("DATABASE_URL")
            or subprocess.run(
                [str(BENCH / "postgres.sh"), "start"], check=True, capture_output=True, text=True
            ).stdout.strip()
        )
    env |= {
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
        "PLANSTATUS_DATA_DIR": str(BENCH / "data" / ("sqlite" if args.sqlite else "pgdata")),
        "PLANSTATUS_DEBUG": "false",
        "PLANSTATUS_SSL_REDIRECT": "false",
        "PLANSTATUS_ALLOWED_HOSTS": "127.0.0.1",
        "PLANSTATUS_SECRET_KEY": os.environ.get("PLANSTATUS_SECRET_KEY")
        or "bench-load-" + os.urandom(16).hex(),
        "DJANGO_SETTINGS_MODULE": "planstatus.settings",
    }
    if args.prepare:
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        prepare(args.clients, Path(args.prepare))
        return

    with tempfile.TemporaryDirectory(prefix="planstatus-load-") as tmp:
        setup_file = Path(tmp) / "setup.json"
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--prepare",
                str(setup_file),
                "--clients",
                str(args.clients),
                *(["--sqlite"] if args.sqlite else []),
            ],
            env=env,
            check=True,
        )
        setup = json.loads(setup_file.read_text())
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115 (closed below)
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "planstatus"),
                "serve",
                "--production",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            summary = drive(args, setup, port, server.pid)
        finally:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
        if "First errors" in summary:
            print("The server's log ends:", file=sys.stderr)
            print(*(Path(tmp) / "server.log").read_text().splitlines()[-40:], sep="\n")
        print(summary)
        if args.summary:
            Path(args.summary).write_text(summary)


def postgres_pid() -> int | None:
    pidfile = BENCH / "data" / "postgres" / "data" / "postmaster.pid"
    try:
        return int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def drive(args: argparse.Namespace, setup: dict[str, Any], port: int, server: int) -> str:
    for _ in range(240):
        try:
            status, _, _ = Client(port).request("GET", "/api/v1/statuses")
            if status == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        sys.exit("The server did not answer.")
    warm_seconds = 10
    database = None if args.sqlite else postgres_pid()
    pids = [server] + ([database] if database else [])
    load_before = os.getloadavg()
    start = time.monotonic()
    warm, until = start + warm_seconds, start + warm_seconds + args.seconds
    queue: Any = multiprocessing.get_context("fork").Queue()
    halves = [list(range(args.clients))[k::2] for k in range(2)]
    processes = [
        multiprocessing.get_context("fork").Process(
            target=run_process, args=(half, setup, port, until, warm, queue)
        )
        for half in halves
        if half
    ]
    for p in processes:
        p.start()
    time.sleep(max(0.0, warm - time.monotonic()))
    ticks_before = cpu_ticks(pids)
    results = [r for _ in processes for r in queue.get()]
    ticks_after = cpu_ticks(pids)
    for p in processes:
        p.join()
    load_after = os.getloadavg()

    times = sorted(t for r in results for t in r["times"])
    kinds = {k: sum(r["kinds"][k] for r in results) for k in ("read", "check", "save", "edit")}
    errors = [e for r in results for e in r["errors"]]
    seen = sum(r.get("seen", 0) for r in results)
    unseen = sum(r.get("unseen", 0) for r in results)
    n = len(times)
    rps = n / args.seconds
    p50 = statistics.median(times) if times else 0.0
    p99 = times[min(n - 1, int(n * 0.99))] if times else 0.0
    cpu_ms = (ticks_after - ticks_before) / os.sysconf("SC_CLK_TCK") * 1000 / max(n, 1)
    missed = [
        t
        for t, ok in [
            (f"≥ {TARGET_RPS:.0f} requests/s", rps >= TARGET_RPS),
            (f"p99 ≤ {TARGET_P99_MS:.0f} ms", p99 <= TARGET_P99_MS),
            ("no errors", not errors),
            ("every save seen", unseen == 0),
        ]
        if not ok
    ]
    share = {k: 100 * v / max(n, 1) for k, v in kinds.items()}
    cpus = os.cpu_count() or 1
    engine = "SQLite" if args.sqlite else "PostgreSQL"
    whose = "gunicorn's processes" + ("" if args.sqlite else " and PostgreSQL's")
    capacity = cpus * 1000 / max(cpu_ms, 0.01)
    verdict = "all met" if not missed else "missed: " + ", ".join(missed)
    example = f" First errors: {'; '.join(errors[:3])}." if errors else ""

    def load(v: tuple[float, float, float]) -> str:
        return " / ".join(f"{x:.2f}" for x in v)

    return (
        f"`bench/load_mix.py`: `planstatus serve --production` (gunicorn, {args.workers} "
        f"workers) and {engine} on this machine, {args.clients} clients (threads in two "
        f"processes, one connection each) for {args.seconds} s after a {warm_seconds} s "
        f"warm-up. Requests: {kinds['read']} reads ({share['read']:.1f} %: region-1's plan "
        "page as a member and anonymously, its dashboard with filters, a measure page, the "
        f"API's measure list), {kinds['save']} status saves through personal links "
        f"({share['save']:.1f} %, {args.clients} links of actors in {len(REGIONS)} regions), "
        f"{kinds['edit']} secretariat edits of a measure ({share['edit']:.1f} %), and after "
        f"each save the measure's page as a member of its region ({kinds['check']}, "
        f"{share['check']:.1f} %): the saved status was shown {seen} times of "
        f"{kinds['save']} saves.\n"
        f"Load average (1/5/15 min) before: {load(load_before)}; after: {load(load_after)}.\n"
        f"Server-side CPU per request ({whose}): {cpu_ms:.1f} "
        f"ms, so the {cpus} CPUs of this machine would serve about {capacity:.0f} requests/s "
        "of this mix with nothing else running on them (the clients' own CPU not counted)."
        f"{example}\n\n"
        "| requests/s | p50 ms | p99 ms | max ms | requests | errors | saves seen | targets |\n"
        "|---:|---:|---:|---:|---:|---:|---|---|\n"
        f"| {rps:.1f} | {p50:.1f} | {p99:.1f} | {times[-1] if times else 0:.1f} | {n} | "
        f"{len(errors)} | {seen} of {kinds['save']} | {verdict} |\n"
    )


if __name__ == "__main__":
    main()
