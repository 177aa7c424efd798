"""Rendered page fragments, cached under a stamp of the database's content.

A plan page or a dashboard renders hundreds of rows; rendering them, not fetching them, was
most of their time (bench/RESULTS.md). The rows a fragment shows come from models whose
every write the audit trail records (django-simple-history: a historical row with a new,
ever-growing id, also for bulk writes through bulk_create_with_history), and from round
snapshots, which are only ever added. So the largest history id of every tracked model,
with the largest snapshot id, changes whenever anything a fragment shows can have changed:
that stamp, read in one query, is part of every fragment's key, and a fragment is never
served after a write. There is nothing to invalidate by hand, and a write path cannot
forget to.

The stamp is read before the fragment's rows are fetched (they are fetched lazily, inside
the cached block), so a fragment is never stored under a stamp newer than its rows.
The cache is each process's memory (settings.CACHES): entries expire after a while and are
evicted beyond a number, and a restart empties it.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import connection
from simple_history.models import HistoricalChanges

# Shown in fragments but not tracked by the audit trail: rows that are only ever added.
UNTRACKED = [("reporting", "RoundSnapshot", "id")]


@cache
def _stamp_sql() -> str:
    # The historical models themselves: reaching them through `Model.history` builds a new
    # manager class on every access, which cost milliseconds per page.
    quote = connection.ops.quote_name
    tables = [
        (m._meta.db_table, "history_id")
        for m in apps.get_models()
        if issubclass(m, HistoricalChanges)
    ]
    tables += [(apps.get_model(app, name)._meta.db_table, pk) for app, name, pk in UNTRACKED]
    parts = [f"(SELECT MAX({quote(pk)}) FROM {quote(table)})" for table, pk in sorted(tables)]
    return "SELECT " + ", ".join(parts)


def content_stamp() -> str:
    """The largest id of every history table and of the round snapshots, as one string."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        row = cursor.fetchone()
    return ".".join("-" if value is None else str(value) for value in row)
