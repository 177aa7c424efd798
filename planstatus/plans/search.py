"""Search in a region's plans: measures, goals, updates («Kva har skjedd») and actors, ranked by
relevance, as the reader may see them.

Each engine searches with its own full-text search:
- PostgreSQL: `to_tsvector('norwegian', …)` against `websearch_to_tsquery('norwegian', …)`,
  ranked by `ts_rank`. The vectors are computed in the query: a region holds a few thousand
  rows at most, and nothing has to keep an index in step with the data.
- SQLite: FTS5, with a temporary in-memory table of the region's visible rows filled for the
  search and dropped after it, ranked by `bm25`. For the same reason it can never be stale:
  no trigger or write service has to remember it. FTS5 has no Norwegian stemmer, so each
  word the person typed is matched as a prefix («sykkel» finds «sykkelvegen»).

Where they differ (docs/search.md): PostgreSQL stems whole words («vegane» finds «vegen») but
does not split compounds («sykkel» does not find «sykkelvegen»); SQLite matches prefixes, so it
finds compounds that start with the word but not other inflections («vegane» does not find
«vegen»). Both find exact words, several words together (all must occur), codes such as
«2.1.3», and æ, ø and å; neither passes the person's text to the engine as syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.forms import SEARCH_QUERY_MAX
from planstatus.plans.models import Goal, Measure, MeasureActor, MeasureNews, Plan
from planstatus.regions.models import Actor, Region

# Results shown; more are counted and the page says so.
LIMIT = 50
QUERY_MAX = SEARCH_QUERY_MAX
WORD = re.compile(r"\w+", re.UNICODE)
CODE = re.compile(r"^\d+(\.\d+)*\.?$")


@dataclass(frozen=True)
class Hit:
    kind: str  # "measure", "goal", "news", "actor"
    pk: int
    title: str
    text: str
    url: str
    plan: Plan | None
    score: float
    status: Status | None = None


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


def words(query: str) -> list[str]:
    """The words of what the person typed: everything else (quotes, operators, brackets)
    is left out, so no input is ever engine syntax."""
    return WORD.findall(query[:QUERY_MAX].lower())


def _measures(plans: QuerySet[Plan]) -> QuerySet[Measure]:
    return Measure.objects.filter(focus_area__plan__in=plans, archived_at__isnull=True)


def _goals(plans: QuerySet[Plan]) -> QuerySet[Goal]:
    return Goal.objects.filter(plan__in=plans)


def _news(plans: QuerySet[Plan]) -> QuerySet[MeasureNews]:
    return MeasureNews.objects.filter(
        measure__focus_area__plan__in=plans, measure__archived_at__isnull=True
    )


def _actors(region: Region, plans: QuerySet[Plan]) -> QuerySet[Actor]:
    # An actor is found when it has a part in a plan the reader may see.
    taking_part = MeasureActor.objects.filter(measure__focus_area__plan__in=plans)
    return Actor.objects.filter(region=region, pk__in=taking_part.values("actor_id"))


def _code_hits(query: str, plans: QuerySet[Plan]) -> dict[tuple[str, int], float]:
    """A code («2.1.3») finds the measure or goal with that code, above everything else."""
    code = query.strip().rstrip(".")
    if not CODE.match(code):
        return {}
    found: dict[tuple[str, int], float] = {}
    for pk in _measures(plans).filter(code=code).values_list("pk", flat=True):
        found[("measure", pk)] = 1000.0
    for pk in _goals(plans).filter(code=code).values_list("pk", flat=True):
        found[("goal", pk)] = 999.0
    return found


def _postgres(query: str, region: Region, plans: QuerySet[Plan]) -> dict[tuple[str, int], float]:
    search = SearchQuery(query[:QUERY_MAX], config="norwegian", search_type="websearch")
    found: dict[tuple[str, int], float] = {}

    def collect(kind: str, rows: QuerySet[Any], vector: SearchVector) -> None:
        ranked = (
            rows.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .values_list("pk", "rank")
        )
        for pk, rank in ranked:
            found[(kind, pk)] = float(rank)

    collect("measure", _measures(plans), SearchVector("code", "text", config="norwegian"))
    collect("goal", _goals(plans), SearchVector("code", "text", config="norwegian"))
    collect("news", _news(plans), SearchVector("text", config="norwegian"))
    collect(
        "actor",
        _actors(region, plans),
        SearchVector("name", "short_name", config="norwegian"),
    )
    return found


def _sqlite(query: str, region: Region, plans: QuerySet[Plan]) -> dict[tuple[str, int], float]:
    terms = words(query)
    if not terms:
        return {}
    rows: list[tuple[str, int, str]] = []
    rows += [
        ("measure", pk, f"{c} {t}")
        for pk, c, t in _measures(plans).values_list("pk", "code", "text")
    ]
    rows += [
        ("goal", pk, f"{c} {t}") for pk, c, t in _goals(plans).values_list("pk", "code", "text")
    ]
    rows += [("news", pk, t) for pk, t in _news(plans).values_list("pk", "text")]
    rows += [
        ("actor", pk, f"{n} {s}")
        for pk, n, s in _actors(region, plans).values_list("pk", "name", "short_name")
    ]
    # Each word quoted (so nothing typed is FTS5 syntax) and matched as a prefix; all must occur.
    match = " ".join('"' + term.replace('"', "") + '"*' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.planstatus_search USING fts5("
            "kind UNINDEXED, pk UNINDEXED, body, tokenize='unicode61 remove_diacritics 0')"
        )
        try:
            cursor.executemany(
                "INSERT INTO temp.planstatus_search (kind, pk, body) VALUES (%s, %s, %s)", rows
            )
            cursor.execute(
                "SELECT kind, pk, bm25(planstatus_search) FROM temp.planstatus_search "
                "WHERE planstatus_search MATCH %s",
                [match],
            )
            # bm25 is lower for better matches; turned round so higher is better, as ts_rank.
            return {(kind, int(pk)): -float(score) for kind, pk, score in cursor.fetchall()}
        finally:
            cursor.execute("DROP TABLE temp.planstatus_search")


def search_region(region: Region, query: str, *, plans: QuerySet[Plan]) -> Results:
    """The region's items that match, best first, among the plans the reader may see."""
    plans = plans.filter(region=region)
    if not words(query):
        return Results(hits=[], total=0)
    engine = _postgres if connection.vendor == "postgresql" else _sqlite
    scores = engine(query, region, plans)
    scores.update(_code_hits(query, plans))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    shown = ranked[:LIMIT]
    return Results(hits=_hits(shown, region, plans), total=len(ranked))


def _hits(
    shown: list[tuple[tuple[str, int], float]], region: Region, plans: QuerySet[Plan]
) -> list[Hit]:
    ids: dict[str, list[int]] = {"measure": [], "goal": [], "news": [], "actor": []}
    for (kind, pk), _score in shown:
        ids[kind].append(pk)
    measures = (
        Measure.objects.with_status()
        .select_related("focus_area__plan__region")
        .in_bulk([*ids["measure"], 0])
    )
    goals = Goal.objects.select_related("plan__region").in_bulk([*ids["goal"], 0])
    news = MeasureNews.objects.select_related("measure__focus_area__plan__region").in_bulk(
        [*ids["news"], 0]
    )
    actors = Actor.objects.in_bulk([*ids["actor"], 0])
    # An actor's page is per plan: the first plan (newest) the reader may see it in.
    actor_plan = dict(
        MeasureActor.objects.filter(
            actor_id__in=[*ids["actor"], 0], measure__focus_area__plan__in=plans
        )
        .order_by("actor_id", "-measure__focus_area__plan__period_start")
        .values_list("actor_id", "measure__focus_area__plan_id")
        .distinct()
    )
    plan_objects = Plan.objects.select_related("region").in_bulk([*actor_plan.values(), 0])
    hits = []
    for (kind, pk), score in shown:
        if kind == "measure":
            m = measures[pk]
            plan = m.focus_area.plan
            hits.append(
                Hit(kind, pk, m.code, m.text, m.get_absolute_url(), plan, score, m.current_status)
            )
        elif kind == "goal":
            g = goals[pk]
            url = reverse("goal", args=[g.plan.region.slug, g.plan.slug, g.pk])
            hits.append(Hit(kind, pk, g.code, g.text, url, g.plan, score))
        elif kind == "news":
            n = news[pk]
            plan = n.measure.focus_area.plan
            url = n.measure.get_absolute_url() + "#kva-har-skjedd"
            hits.append(Hit(kind, pk, n.measure.code, n.text, url, plan, score))
        else:
            a = actors[pk]
            in_plan = plan_objects.get(actor_plan.get(pk, 0))
            url = (
                reverse("plan_actor", args=[region.slug, in_plan.slug, a.pk])
                if in_plan
                else reverse("region", args=[region.slug])
            )
            hits.append(Hit(kind, pk, a.name, a.short_name, url, in_plan, score))
    return hits
