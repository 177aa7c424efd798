"""Write a synthetic national installation for the benchmarks.

Run: .venv/bin/python bench/make_national.py [--scale 1.0] [--database-url URL] [--data-dir D]

At scale 1: 400 regions, 1 200 plans (three per region), about 100 000 measures with
realistic Nynorsk texts and two to four actors each, 40 closed reporting rounds per plan,
one status update per measure per round (about 4 million) and the rounds' snapshots (as
many again). Rows go in with the database's fastest bulk path — executemany on SQLite,
COPY on PostgreSQL — with ids chosen here, so no row is read back. The target database
must be empty; it is migrated first. Prints the row counts and the time taken.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

WORDS = {
    "verb": [
        "Utarbeide",
        "Etablere",
        "Vidareutvikle",
        "Styrkje",
        "Kartleggje",
        "Gjennomføre",
        "Samordne",
        "Byggje ut",
        "Følgje opp",
        "Leggje til rette for",
        "Arbeide for",
        "Vurdere",
        "Greie ut",
        "Marknadsføre",
        "Sikre",
    ],
    "object": [
        "ein felles plattform for næringsutvikling",
        "betre breibandsdekning",
        "eit regionalt kompetansesenter",
        "trygge skulevegar",
        "samarbeid om beredskap",
        "ei felles reiselivsstrategi",
        "fleire lærlingplassar",
        "klimatilpassing i kommunane",
        "betre kollektivtilbod",
        "attraktive bustadområde",
        "digitale tenester",
        "ein strategi for rekruttering",
        "fornybar energi",
        "kulturtilbod for ungdom",
        "vinterdrift på fjellovergangane",
        "tilbod om vidaregåande utdanning",
    ],
    "place": [
        "i regionen",
        "i kommunane",
        "saman med fylkeskommunen",
        "for unge vaksne",
        "i distrikta",
        "langs hovudvegane",
        "for næringslivet",
        "i tettstadene",
    ],
}
AREAS = [
    "Næringsutvikling og arbeidsplassar",
    "Kompetanse og utdanning",
    "Kommunikasjon og infrastruktur",
    "Klima og miljø",
    "Bu- og blilyst",
    "Interkommunale tenester og samarbeid",
]
ACTOR_KINDS = [
    "Regionrådet",
    "Kommunane",
    "Fylkeskommunen",
    "Næringshagen",
    "NAV",
    "Statens vegvesen",
    "Vidaregåande skule",
    "Reiselivslaget",
    "Innovasjon Noreg",
    "Ungdomsrådet",
    "Kulturnettverket",
    "Energiselskapet",
    "Helseføretaket",
    "Politiet",
    "Bondelaget",
]
STATUSES = ["not_started", "started", "done", "cancelled"]
ROUNDS = 40
# region-1/plan-1: the plan the benchmarks time, with exactly 150 measures.
BIG_PLAN = 1


def measure_text(rng: random.Random) -> str:
    return f"{rng.choice(WORDS['verb'])} {rng.choice(WORDS['object'])} {rng.choice(WORDS['place'])}"


class Writer:
    """Inserts rows with ids given, by the fastest path the engine has."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self.counts: dict[str, int] = {}

    def insert(self, model: Any, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
        table = model._meta.db_table
        # Columns a model gained after this script was written take their Python default, so
        # a new field with one never breaks the benchmark.
        extra = [
            f
            for f in model._meta.concrete_fields
            if f.column not in columns and f.has_default() and not f.primary_key
        ]
        if extra:
            defaults = tuple(f.get_db_prep_save(f.get_default(), self.connection) for f in extra)
            columns = [*columns, *(f.column for f in extra)]
            rows = (row + defaults for row in rows)
        quoted = ", ".join(f'"{c}"' for c in columns)
        n = 0
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 20_000:
                        cursor.cursor.executemany(sql, batch)
                        n += len(batch)
                        batch.clear()
                if batch:
                    cursor.cursor.executemany(sql, batch)
                    n += len(batch)
        self.counts[table] = self.counts.get(table, 0) + n


def generate(*, scale: float, writer: Writer, seed: int = 2026) -> None:
    from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor, Plan, StatusUpdate
    from planstatus.regions.models import Actor, Region
    from planstatus.reporting.models import ReportingRound, RoundReport, RoundSnapshot

    rng = random.Random(seed)
    regions = max(1, round(400 * scale))
    now = datetime.datetime(2026, 11, 1, 12, tzinfo=datetime.UTC)
    first_round = datetime.datetime(2016, 11, 1, 12, tzinfo=datetime.UTC)
    round_step = (now - first_round) / ROUNDS

    writer.insert(
        Region,
        ["id", "slug", "name", "council_name", "description", "created_at"],
        (
            (r, f"region-{r}", f"Region {r}", f"Regionrådet i region {r}", "", now)
            for r in range(1, regions + 1)
        ),
    )
    actor_ids: dict[int, list[int]] = {}
    actor_rows = []
    actor_id = 0
    for r in range(1, regions + 1):
        actor_ids[r] = []
        for name in ACTOR_KINDS:
            actor_id += 1
            actor_ids[r].append(actor_id)
            actor_rows.append((actor_id, r, f"{name} {r}", "", "other", "[]", "", "", False))
    writer.insert(
        Actor,
        ["id", "region_id", "name", "short_name", "kind", "aliases", "email", "note", "is_group"],
        actor_rows,
    )

    plan_rows, area_rows, goal_rows = [], [], []
    measures: list[tuple[int, int]] = []  # (measure id, plan id)
    measure_rows, link_rows = [], []
    plan_id = area_id = goal_id = measure_id = link_id = 0
    for r in range(1, regions + 1):
        for p in range(3):
            plan_id += 1
            plan_rows.append(
                (
                    plan_id,
                    r,
                    f"plan-{p + 1}",
                    "regional_plan",
                    f"Regionplan {p + 1} for region {r}",
                    "",
                    2016 + p * 4,
                    2019 + p * 4,
                    "Regionrådet",
                    None,
                    "adopted",
                    True,
                    "",
                    now,
                    now,
                )
            )
            order = 0
            # The first plan is the benchmark's 150-measure plan (6 areas x 5 goals x 5).
            big = plan_id == BIG_PLAN
            for a, area_name in enumerate(AREAS, start=1):
                area_id += 1
                area_rows.append((area_id, plan_id, str(a), area_name, a))
                for g in range(1, 6 if big else 5):
                    goal_id += 1
                    order += 1
                    goal_rows.append(
                        (
                            goal_id,
                            plan_id,
                            area_id,
                            f"{a}.{g}",
                            f"Mål {a}.{g}: {measure_text(rng)}",
                            order,
                        )
                    )
                    count = 5 if big else rng.choice([3, 3, 4, 4, 4])
                    for m in range(1, count + 1):
                        measure_id += 1
                        order += 1
                        end = rng.choice([2018, 2020, 2022, 2024, 2025, 2026, 2027, 2028])
                        measure_rows.append(
                            (
                                measure_id,
                                area_id,
                                goal_id,
                                f"{a}.{g}.{m}",
                                f"{a}.{g}.{m}",
                                order,
                                measure_text(rng),
                                str(end),
                                end - 2,
                                end,
                                False,
                                False,
                                "",
                                None,
                                now,
                                now,
                            )
                        )
                        measures.append((measure_id, plan_id))
                        chosen = rng.sample(actor_ids[r], rng.choice([2, 3, 3, 4]))
                        for position, actor in enumerate(chosen):
                            link_id += 1
                            role = "responsible" if position == 0 else "involved"
                            link_rows.append((link_id, measure_id, actor, role, position, ""))
    writer.insert(
        Plan,
        [
            "id",
            "region_id",
            "slug",
            "kind",
            "title",
            "description",
            "period_start",
            "period_end",
            "adopted_by",
            "adopted_on",
            "state",
            "published",
            "note",
            "created_at",
            "updated_at",
        ],
        plan_rows,
    )
    writer.insert(FocusArea, ["id", "plan_id", "code", "name", "order"], area_rows)
    writer.insert(Goal, ["id", "plan_id", "focus_area_id", "code", "text", "order"], goal_rows)
    writer.insert(
        Measure,
        [
            "id",
            "focus_area_id",
            "goal_id",
            "code",
            "written_code",
            "order",
            "text",
            "timing_text",
            "start_year",
            "end_year",
            "yearly",
            "continuous",
            "note",
            "archived_at",
            "created_at",
            "updated_at",
        ],
        measure_rows,
    )
    writer.insert(
        MeasureActor, ["id", "measure_id", "actor_id", "role", "position", "written_as"], link_rows
    )
    del measure_rows, link_rows, goal_rows, area_rows

    # Rounds: ids round_base + k for plan p's k-th round.
    def round_id(plan: int, k: int) -> int:
        return (plan - 1) * ROUNDS + k + 1

    writer.insert(
        ReportingRound,
        [
            "id",
            "plan_id",
            "title",
            "deadline",
            "message",
            "state",
            "reminder_plan",
            "opened_at",
            "closed_at",
        ],
        (
            (
                round_id(p, k),
                p,
                f"Status {k + 1}",
                (first_round + k * round_step + datetime.timedelta(days=21)).date(),
                "",
                "closed",
                "[-7, -1, 1]",
                first_round + k * round_step,
                first_round + k * round_step + datetime.timedelta(days=30),
            )
            for p in range(1, plan_id + 1)
            for k in range(ROUNDS)
        ),
    )

    # One status per measure and round, drawn once and kept compactly (a byte each), so the
    # updates, the round reports and the snapshots agree without reading anything back.
    n = len(measures)
    codes = bytearray(n * ROUNDS)
    days = bytearray(n * ROUNDS)
    # A measure moves on slowly, as in the real reports: from "not started" it starts (8 % a
    # round) or is dropped (1 %); once started it is done (4 %), dropped (1 %) or stalls back
    # to "not started" (1 %). After 40 rounds three in four are done or dropped, the rest
    # still open (many of them overdue), and a few move between any two rounds.
    for i in range(n):
        code = 0 if rng.random() < 0.7 else 1
        for k in range(ROUNDS):
            if k:
                draw = rng.random()
                if code == 0:
                    code = 1 if draw < 0.08 else 3 if draw < 0.09 else 0
                elif code == 1:
                    code = 2 if draw < 0.04 else 3 if draw < 0.05 else 0 if draw < 0.06 else 1
            codes[i * ROUNDS + k] = code
            days[i * ROUNDS + k] = rng.randint(1, 20)

    def at(k: int, j: int) -> datetime.datetime:
        return first_round + k * round_step + datetime.timedelta(days=days[j])

    def updates() -> Iterator[tuple[Any, ...]]:
        for i, (m, _) in enumerate(measures):
            for k in range(ROUNDS):
                j = i * ROUNDS + k
                previous = STATUSES[codes[j - 1]] if k else "unknown"
                yield (
                    j + 1,
                    m,
                    STATUSES[codes[j]],
                    previous,
                    f"Status i runde {k + 1}.",
                    False,
                    "",
                    "web",
                    None,
                    at(k, j),
                )

    writer.insert(
        StatusUpdate,
        [
            "id",
            "measure_id",
            "status",
            "previous_status",
            "comment",
            "comment_is_public",
            "evidence_url",
            "source",
            "created_by_id",
            "created_at",
        ],
        updates(),
    )
    # The k-th round's update of the i-th measure has id i * 40 + k + 1.
    writer.insert(
        RoundReport,
        ["id", "round_id", "status_update_id", "actor_id", "via_link_id"],
        (
            (i * ROUNDS + k + 1, round_id(p, k), i * ROUNDS + k + 1, None, None)
            for i, (_, p) in enumerate(measures)
            for k in range(ROUNDS)
        ),
    )
    writer.insert(
        RoundSnapshot,
        [
            "id",
            "round_id",
            "measure_id",
            "status",
            "comment",
            "comment_is_public",
            "status_update_id",
            "reported_at",
        ],
        (
            (
                i * ROUNDS + k + 1,
                round_id(p, k),
                m,
                STATUSES[codes[i * ROUNDS + k]],
                f"Status i runde {k + 1}.",
                False,
                i * ROUNDS + k + 1,
                at(k, i * ROUNDS + k),
            )
            for i, (m, p) in enumerate(measures)
            for k in range(ROUNDS)
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the national size")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", default="bench/data")
    args = parser.parse_args()
    os.environ["PLANSTATUS_DATA_DIR"] = str(Path(args.data_dir).resolve())
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planstatus.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from planstatus.regions.models import Region

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Region.objects.exists():
        sys.exit("The database is not empty; give an empty one (or a new --data-dir).")
    writer = Writer(connection)
    with transaction.atomic():
        generate(scale=args.scale, writer=writer)
    if connection.vendor == "postgresql":
        from io import StringIO

        sql = StringIO()
        call_command("sqlsequencereset", "regions", "plans", "reporting", stdout=sql)
        with connection.cursor() as cursor:
            cursor.execute(sql.getvalue())
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    took = time.perf_counter() - started
    for table, n in writer.counts.items():
        print(f"{table:32} {n:>10,}".replace(",", " "))
    print(
        f"{connection.vendor}, scale {args.scale}: {sum(writer.counts.values()):,} rows in "
        f"{took:.0f} s on {os.cpu_count()} CPUs.".replace(",", " ")
    )


if __name__ == "__main__":
    main()
