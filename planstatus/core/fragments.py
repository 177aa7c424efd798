"""Rendered page fragments, cached under a stamp of the database's content.

A plan page or a dashboard renders hundreds of rows; rendering them, not fetching them, was
most of their time (bench/RESULTS.md). The rows a fragment shows come from models whose every
write the audit trail records (django-simple-history: a historical row with a new,
ever-growing id, also for bulk writes through bulk_create_with_history), and from round
snapshots, which are only ever added. So the largest history id of every tracked model of the
apps they show, with the largest snapshot id, changes whenever anything a fragment shows can
have changed. That stamp, read in one query, is part of every fragment's key: a fragment is
never served after a write, there is nothing to invalidate by hand, and no write path can
forget to. (A QuerySet.update() on these models would slip past it, as it slips past the
audit trail; the house rules forbid both.)

The stamp is read before the fragment's rows are fetched (they are fetched lazily, inside
the cached block), so a fragment is never stored under a stamp newer than its rows.
The cache is each process's memory (settings.CACHES): entries expire after a while and are
evicted beyond a number, and a restart empties it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache as fragments
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from simple_history.models import HistoricalChanges

T = TypeVar("T")
_MISSING = object()

# The apps whose rows cached fragments and answers show: every tracked model of these counts.
# (Every app's would do as well, but under load the stamp's query was a fifth of a worker's
# time, most of it PostgreSQL planning a subquery per table.) tests/test_fragments.py checks
# that everything a cached block reads is stamped: a block that comes to show rows of another
# app fails there until the app is added here.
STAMPED_APPS = ("plans", "regions", "reporting")
# Shown in fragments but not tracked by the audit trail: rows that are only ever added.
UNTRACKED = [("reporting", "RoundSnapshot", "id")]


def stamped_tables() -> dict[str, str]:
    """The tables whose writes move the stamp: each content table → "table.id" the stamp
    reads for it (its history table, or itself when its rows are only ever added)."""
    # The historical models are found as such: reaching them through `Model.history` builds
    # a new manager class on every access, which cost milliseconds per page.
    tables = {
        m.instance_type._meta.db_table: f"{m._meta.db_table}.history_id"  # type: ignore[attr-defined]
        for m in apps.get_models()
        if issubclass(m, HistoricalChanges) and m._meta.app_label in STAMPED_APPS
    }
    for app, name, pk in UNTRACKED:
        table = apps.get_model(app, name)._meta.db_table
        tables[table] = f"{table}.{pk}"
    return tables


@cache
def _stamp_sql() -> str:
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT MAX({quote(pk)}) FROM {quote(table)})"
        for table, pk in sorted(ref.split(".") for ref in stamped_tables().values())
    ]
    return "SELECT " + ", ".join(parts)


def content_stamp() -> str:
    """The largest id of every stamped history table and of the round snapshots."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        row = cursor.fetchone()
    return ".".join("-" if value is None else str(value) for value in row)


def cached_by_content(name: str, parts: Iterable[object], build: Callable[[], T]) -> T:
    """build()'s result, kept for as long as nothing it can show has changed.

    The key holds the content stamp (read first, before build() fetches anything), the
    language and the day ("overdue" depends on it); `parts` must name everything else the
    result depends on (the plan, a round, the filters, the URL). build() must fetch its rows
    itself, after the stamp: rows fetched before it could be stored under a newer stamp.
    """
    raw = "\x1f".join(
        [content_stamp(), get_language() or "", timezone.localdate().isoformat()]
        + [str(part) for part in parts]
    )
    key = f"planstatus:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"
    value = fragments.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        fragments.set(key, value)
    return value
