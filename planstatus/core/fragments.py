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

The busiest pages (a plan, its dashboard) are also kept whole, per reader: `cached_page`.
Under load, rendering what lies around their cached fragments, and the queries behind it,
was most of a worker's time (bench/RESULTS.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import cache, wraps
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.messages import get_messages
from django.core.cache import cache as fragments
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
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
STAMPED_APPS = ("accounts", "plans", "regions", "reporting")
# Shown in fragments but not tracked by the audit trail: rows that are only ever added.
UNTRACKED = [
    ("reporting", "RoundSnapshot", "id"),
    ("cases", "SentCase", "id"),
    ("cases", "CaseDocument", "id"),
]


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
def stamp_sql() -> str:
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT MAX({quote(pk)}) FROM {quote(table)})"
        for table, pk in sorted(ref.split(".") for ref in stamped_tables().values())
    ]
    return "SELECT " + ", ".join(parts)


# A kept page's stamp, read once and lent to everything keyed while its view runs (the page
# and the fragments inside it): their rows are all fetched after it was read.
_page_stamp: ContextVar[str | None] = ContextVar("planstatus_page_stamp", default=None)


def content_stamp() -> str:
    """The largest id of every stamped history table and of the round snapshots."""
    lent = _page_stamp.get()
    if lent is not None:
        return lent
    with connection.cursor() as cursor:
        cursor.execute(stamp_sql())
        row = cursor.fetchone()
    return ".".join("-" if value is None else str(value) for value in row)


def cached_by_content(name: str, parts: Iterable[object], build: Callable[[], T]) -> T:
    """build()'s result, kept for as long as nothing it can show has changed.

    The key holds the content stamp (read first, before build() fetches anything), the
    language and the day ("overdue" depends on it); `parts` must name everything else the
    result depends on (the plan, a round, the filters, the URL). build() must fetch its rows
    itself, after the stamp: rows fetched before it could be stored under a newer stamp.
    """
    key = content_key(name, parts)
    value = fragments.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        fragments.set(key, value)
    return value


def content_key(name: str, parts: Iterable[object]) -> str:
    """The cache key under the content stamp, the language and the day."""
    raw = "\x1f".join(
        [content_stamp(), get_language() or "", timezone.localdate().isoformat()]
        + [str(part) for part in parts]
    )
    return f"planstatus:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"


# The one secret on a page that is the reader's own: the CSRF token in its forms (the
# language switch, logging out). It is stored as this slot and filled in afresh when served.
CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_SLOT = b"{planstatus-csrf-slot}"


def reader(request: HttpRequest) -> str:
    """Who the page is rendered for, as far as a page can differ by it: anonymous readers
    all see the same; a signed-in person their own (name, roles through the stamp)."""
    user = request.user
    if not user.is_authenticated:
        return "anonymous"
    return f"{user.pk} {user.get_username()} {user.is_superuser}"


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view's whole answer to a GET, kept per reader for as long as nothing it can show
    has changed. Answers with messages for the reader, errors, or cookies are not kept, and
    a reader with messages waiting gets a fresh page, which shows them."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or len(get_messages(request)):
            return view(request, *args, **kwargs)
        lent = _page_stamp.set(content_stamp())
        try:
            key = content_key(
                f"page:{view.__module__}.{view.__name__}",
                [reader(request), request.get_full_path(), request.headers.get("HX-Request", "")],
            )
            kept = fragments.get(key)
            if kept is not None:
                headers, content = kept
                if CSRF_SLOT in content:
                    content = content.replace(CSRF_SLOT, get_token(request).encode())
                return HttpResponse(content, headers=headers)
            response = view(request, *args, **kwargs)
        finally:
            _page_stamp.reset(lent)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not len(get_messages(request))
        ):
            content = CSRF_VALUE.sub(rb"\g<1>" + CSRF_SLOT + rb"\g<2>", response.content)
            # The view's own headers; the middleware adds theirs to every answer, kept or not.
            fragments.set(key, (dict(response.headers), content))
        return response

    return wrapper
