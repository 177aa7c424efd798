"""The audit trail as people read it: who changed what, when, before and after.

django-simple-history records a row per save and delete; here those rows become entries
with their changes computed against the previous version of the same object. The rows one
import wrote carry the same change reason (`import_reason()`), and the region's log shows
them as one entry that opens to its rows.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from planstatus.accounts.models import Membership
from planstatus.plans.models import (
    Continuation,
    FocusArea,
    Goal,
    Measure,
    MeasureActor,
    MeasureNews,
    Milestone,
    Plan,
    PlanPredecessor,
    StatusUpdate,
)
from planstatus.regions.models import Actor, Region

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
# Bookkeeping that says nothing to a reader of the log; who decided a link and when is the
# entry's own user and time.
IGNORED_FIELDS = {"created_at", "updated_at", "order", "position", "decided_at", "decided_by"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class AuditEntry:
    when: datetime.datetime
    user: User | None
    action: str
    kind: str
    label: str
    changes: list[Change] = field(default_factory=list)
    author: str = ""  # who, when no signed-in person made the change

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))


@dataclass(frozen=True)
class Source:
    """One kind of object in the log. Each app lists its own (`SOURCES` here, reporting's
    rounds and reports in `reporting/audit.py`); the page that shows the log passes them in."""

    key: str  # the log's filter value for this kind of change
    model: type[models.Model]
    region_path: str
    related: tuple[str, ...]
    label: Callable[[Any], str]
    measure_path: str | None = None  # the field naming the measure a row is about
    # Fields whose value a created row shows as its change (a report's status and comment).
    shown_on_create: tuple[str, ...] = ()
    # Fields a reader of the log is not to see change (personal data, bookkeeping links).
    hidden: frozenset[str] = frozenset()
    # Who made a change that no signed-in person made (a body's report through its link).
    author: Callable[[Any], str] | None = None
    name: str | Promise = ""  # what the log calls this kind, when not the model's verbose name

    @property
    def kind(self) -> str:
        return str(self.name or self.model._meta.verbose_name)


def measure_label(m: Any) -> str:
    return f"{_('Measure')} {m.code}".strip()


SOURCES = [
    Source("plan", Plan, "region", (), lambda r: r.title),
    Source("focus_area", FocusArea, "plan__region", (), lambda r: r.name),
    Source("goal", Goal, "plan__region", (), lambda r: f"{_('Goal')} {r.code}".strip()),
    Source(
        "measure",
        Measure,
        "focus_area__plan__region",
        (),
        lambda r: r.code or r.text[:60],
        measure_path="id",
    ),
    Source(
        "measure_actor",
        MeasureActor,
        "measure__focus_area__plan__region",
        ("actor", "measure"),
        lambda r: f"{r.actor.name} – {measure_label(r.measure)}",
        measure_path="measure_id",
    ),
    Source(
        "status",
        StatusUpdate,
        "measure__focus_area__plan__region",
        ("measure",),
        lambda r: f"{_('Status')} – {measure_label(r.measure)}",
        measure_path="measure_id",
    ),
    Source(
        "milestone",
        Milestone,
        "measure__focus_area__plan__region",
        ("measure",),
        lambda r: f"{r.text[:60]} – {measure_label(r.measure)}",
        measure_path="measure_id",
    ),
    Source(
        "news",
        MeasureNews,
        "measure__focus_area__plan__region",
        ("measure",),
        lambda r: f"{r.date:%Y-%m-%d} – {measure_label(r.measure)}",
        measure_path="measure_id",
    ),
    Source(
        "predecessor",
        PlanPredecessor,
        "plan__region",
        ("plan", "predecessor"),
        lambda r: f"{r.predecessor.title} → {r.plan.title}",
    ),
    Source(
        "continuation",
        Continuation,
        "later_plan__region",
        ("earlier_plan", "later_plan"),
        lambda r: f"{r.get_kind_display()}: {r.earlier_plan.title} → {r.later_plan.title}",
    ),
    Source("actor", Actor, "region", (), lambda r: r.name),
    Source("membership", Membership, "region", ("user",), lambda r: r.user.get_username()),
]

IMPORTS = "import"  # the log's filter value for imports


def kind_choices(sources: Sequence[Source]) -> list[tuple[str, str]]:
    """The log's «kind of change» choices: imports, then each kind of object."""
    return [(IMPORTS, str(_("imports")))] + [(source.key, source.kind) for source in sources]


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field


def _display(model: type[models.Model], name: str, value: Any) -> str:
    model_field = _field(model, name)
    if value is None or value == "":
        return "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _group_members(rows: Iterable[Any]) -> dict[int, str]:
    """Each actor version's members as names, for all versions in one query.

    django-simple-history keeps a group's members with each version of the actor; its own
    diff would query them per version, so the log reads them here at once."""
    through = Actor.history.model.members.model  # type: ignore[attr-defined]
    names: dict[int, list[str]] = {row.history_id: [] for row in rows}
    for member in through.objects.filter(history_id__in=names).select_related("to_actor"):
        actor = member.to_actor
        names[member.history_id].append(actor.name if actor else "?")
    return {history_id: ", ".join(sorted(found)) for history_id, found in names.items()}


def _entries(source: Source, rows: list[Any], previous: dict[int, Any]) -> Iterable[AuditEntry]:
    model = source.model
    members = _group_members([*rows, *previous.values()]) if model is Actor else {}
    for row in rows:
        changes: list[Change] = []
        prev = previous.get(row.history_id)
        if row.history_type == "~" and prev is not None:
            excluded = IGNORED_FIELDS | source.hidden | {"members"}
            delta = row.diff_against(prev, excluded_fields=excluded)
            for change in delta.changes:
                verbose = str(_field(model, change.field).verbose_name)
                changes.append(
                    Change(
                        verbose,
                        _display(model, change.field, change.old),
                        _display(model, change.field, change.new),
                    )
                )
            before, after = members.get(prev.history_id, ""), members.get(row.history_id, "")
            if before != after:
                changes.append(Change(str(_("members")), before or "–", after or "–"))
        if model is StatusUpdate and row.history_type == "+":
            changes.append(
                Change(
                    str(_("status")),
                    _display(model, "status", row.previous_status),
                    _display(model, "status", row.status),
                )
            )
            if row.comment:
                changes.append(Change(str(_("comment")), "", row.comment))
        if row.history_type == "+":
            for name in source.shown_on_create:
                value = getattr(row, name)
                if value not in (None, ""):
                    verbose = str(_field(model, name).verbose_name)
                    changes.append(Change(verbose, "", _display(model, name, value)))
        yield AuditEntry(
            when=row.history_date,
            user=row.history_user,
            action=row.history_type,
            kind=source.kind,
            label=source.label(row),
            changes=changes,
            author=source.author(row) if source.author and row.history_user is None else "",
        )


def _previous_versions(source: Source, rows: list[Any], *, always: bool = False) -> dict[int, Any]:
    """The version before each changed row, fetched in one query (`always`: also when no
    row changed, so that a page's cost does not depend on what it shows)."""
    history = source.model.history  # type: ignore[attr-defined]
    ids = {row.id for row in rows if row.history_type == "~"}
    if not ids and not always:
        return {}
    ids.add(0)  # no object has id 0: the query runs, and finds nothing more
    versions: dict[int, list[Any]] = {}
    for version in history.filter(id__in=ids).order_by("history_date", "history_id"):
        versions.setdefault(version.id, []).append(version)
    previous: dict[int, Any] = {}
    for chain in versions.values():
        for before, after in pairwise(chain):
            previous[after.history_id] = before
    return previous


def measure_audit_log(
    measure: Measure, *, sources: Sequence[Source], limit: int = 100
) -> list[AuditEntry]:
    """The latest changes to one measure and to everything about it, newest first."""
    entries: list[AuditEntry] = []
    for source in sources:
        if source.measure_path is None:
            continue
        history = source.model.history  # type: ignore[attr-defined]
        rows = list(
            history.filter(**{source.measure_path: measure.pk})
            .select_related("history_user", *source.related)
            .order_by("-history_date", "-history_id")[:limit]
        )
        entries.extend(_entries(source, rows, _previous_versions(source, rows)))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


# --- The region's log: filters, imports as one entry, pages -------------------------------

IMPORT_PREFIX = "import:"
PER_PAGE = 50
# An import's entry opens to at most this many of its rows; the summary counts them all.
GROUP_ROWS = 300


def import_reason(plan: Plan) -> str:
    """The change reason that every history row of one import of `plan` carries."""
    return f"{IMPORT_PREFIX}{plan.pk}:{secrets.token_hex(6)}"


def _import_plan_id(reason: str) -> int | None:
    plan_id = reason.removeprefix(IMPORT_PREFIX).partition(":")[0]
    return int(plan_id) if plan_id.isdigit() else None


@dataclass(frozen=True)
class LogFilters:
    kind: str = ""  # IMPORTS, a source's key, or "" for all
    user: User | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    measure: Measure | None = None

    @property
    def active(self) -> bool:
        return bool(self.kind or self.user or self.since or self.until or self.measure)


@dataclass
class _Key:
    when: datetime.datetime
    source: int  # index into the log's sources
    history_id: int
    history_type: str
    measure_id: int | None  # the measure a row is about
    actor_id: int | None  # the actor of an actor link or of an actor row
    reason: str  # the history row's change reason, "" when it has none


@dataclass
class _Group:
    reason: str
    keys: list[_Key] = field(default_factory=list)

    @property
    def when(self) -> datetime.datetime:
        return max(k.when for k in self.keys)


@dataclass
class ImportEntry:
    """One import: its rows, the plan it wrote to, and how much it touched."""

    when: datetime.datetime
    user: User | None
    plan: Plan | None
    measures: int
    actors: int
    rows: int
    entries: list[AuditEntry]

    is_import = True

    @property
    def label(self) -> str:
        title = self.plan.title if self.plan else gettext("a plan that no longer exists")
        # What the rows shown touched: under a filter, only those rows.
        parts = []
        if self.measures:
            parts.append(
                ngettext("%(n)s measure", "%(n)s measures", self.measures) % {"n": self.measures}
            )
        if self.actors:
            parts.append(ngettext("%(n)s actor", "%(n)s actors", self.actors) % {"n": self.actors})
        if not parts:
            parts.append(ngettext("%(n)s change", "%(n)s changes", self.rows) % {"n": self.rows})
        counts = ", ".join(parts)
        return gettext("Import of the plan “%(title)s”: %(counts)s") % {
            "title": title,
            "counts": counts,
        }

    @property
    def hidden_rows(self) -> int:
        return self.rows - len(self.entries)


@dataclass
class LogPage:
    entries: list[AuditEntry | ImportEntry]
    page: Page[Any]

    @property
    def page_range(self) -> list[int | str]:
        return list(self.page.paginator.get_elided_page_range(self.page.number))


def _keys(region: Region, filters: LogFilters, sources: Sequence[Source]) -> list[_Key]:
    """Every matching history row of the region, as a few columns: one query per kind."""
    keys: list[_Key] = []
    for index, source in enumerate(sources):
        if filters.kind not in ("", IMPORTS, source.key):
            continue
        if filters.measure is not None and source.measure_path is None:
            continue
        history = source.model.history  # type: ignore[attr-defined]
        rows = history.filter(**{source.region_path: region})
        if filters.kind == IMPORTS:
            rows = rows.filter(history_change_reason__startswith=IMPORT_PREFIX)
        if filters.user is not None:
            rows = rows.filter(history_user=filters.user)
        if filters.since is not None:
            rows = rows.filter(history_date__date__gte=filters.since)
        if filters.until is not None:
            rows = rows.filter(history_date__date__lte=filters.until)
        if filters.measure is not None:
            assert source.measure_path is not None
            rows = rows.filter(**{source.measure_path: filters.measure.pk})
        # Columns that every kind has stand in for those it lacks (and are ignored).
        measure = source.measure_path or "id"
        actor = {MeasureActor: "actor_id", Actor: "id"}.get(source.model, "id")
        for when, hid, htype, reason, measure_id, actor_id in rows.values_list(
            "history_date", "history_id", "history_type", "history_change_reason", measure, actor
        ):
            keys.append(
                _Key(
                    when,
                    index,
                    hid,
                    htype,
                    measure_id if source.measure_path else None,
                    actor_id if source.model in (MeasureActor, Actor) else None,
                    reason or "",
                )
            )
    return keys


def region_change_log(
    region: Region,
    filters: LogFilters,
    page_number: int | str | None = 1,
    *,
    sources: Sequence[Source],
) -> LogPage:
    """One page of the region's change log, newest first: each change an entry, except
    that the rows of one import are one entry (an actor on each of 68 measures is one
    import, not 200 lines). A fixed number of queries, whatever the page shows."""
    singles: list[_Key] = []
    groups: dict[str, _Group] = {}
    for key in _keys(region, filters, sources):
        if key.reason.startswith(IMPORT_PREFIX):
            groups.setdefault(key.reason, _Group(key.reason)).keys.append(key)
        else:
            singles.append(key)
    items: list[_Key | _Group] = [*singles, *groups.values()]
    items.sort(key=lambda item: (item.when, getattr(item, "history_id", 0)), reverse=True)
    page = Paginator(items, PER_PAGE).get_page(page_number)

    wanted: dict[int, set[int]] = {index: set() for index in range(len(sources))}
    for item in page.object_list:
        if isinstance(item, _Group):
            item.keys.sort(key=lambda k: (k.when, k.history_id), reverse=True)
            for key in item.keys[:GROUP_ROWS]:
                wanted[key.source].add(key.history_id)
        else:
            wanted[item.source].add(item.history_id)
    entries: dict[tuple[int, int], AuditEntry] = {}
    for index, source in enumerate(sources):
        history = source.model.history  # type: ignore[attr-defined]
        # A query per kind whatever the page holds (no history row has id 0), so that the
        # page costs the same at every size of the log.
        rows = list(
            history.filter(history_id__in=[*wanted[index], 0]).select_related(
                "history_user", *source.related
            )
        )
        previous = _previous_versions(source, rows, always=True)
        for row, entry in zip(rows, _entries(source, rows, previous), strict=True):
            entries[(index, row.history_id)] = entry
    plan_ids = {_import_plan_id(reason) for reason in groups} - {None}
    plans = Plan.objects.in_bulk([*plan_ids, 0])

    shown: list[AuditEntry | ImportEntry] = []
    for item in page.object_list:
        if isinstance(item, _Group):
            rows = [entries[(k.source, k.history_id)] for k in item.keys[:GROUP_ROWS]]
            plan_id = _import_plan_id(item.reason)
            shown.append(
                ImportEntry(
                    when=item.when,
                    user=rows[0].user if rows else None,
                    plan=plans.get(plan_id) if plan_id is not None else None,
                    measures=len({k.measure_id for k in item.keys} - {None}),
                    actors=len({k.actor_id for k in item.keys} - {None}),
                    rows=len(item.keys),
                    entries=rows,
                )
            )
        else:
            shown.append(entries[(item.source, item.history_id)])
    return LogPage(entries=shown, page=page)
