"""The audit trail as people read it: who changed what, when, before and after.

django-simple-history records a row per save and delete; here those rows become entries
with their changes computed against the previous version of the same object.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.utils.translation import gettext_lazy as _

from planstatus.accounts.models import Membership
from planstatus.plans.models import (
    Continuation,
    FocusArea,
    Goal,
    Measure,
    MeasureActor,
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

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))


@dataclass(frozen=True)
class _Source:
    model: type[models.Model]
    region_path: str
    related: tuple[str, ...]
    label: Callable[[Any], str]


def _measure_label(m: Any) -> str:
    return f"{_('Measure')} {m.code}".strip()


SOURCES = [
    _Source(Plan, "region", (), lambda r: r.title),
    _Source(FocusArea, "plan__region", (), lambda r: r.name),
    _Source(Goal, "plan__region", (), lambda r: f"{_('Goal')} {r.code}".strip()),
    _Source(Measure, "focus_area__plan__region", (), lambda r: r.code or r.text[:60]),
    _Source(
        MeasureActor,
        "measure__focus_area__plan__region",
        ("actor", "measure"),
        lambda r: f"{r.actor.name} – {_measure_label(r.measure)}",
    ),
    _Source(
        StatusUpdate,
        "measure__focus_area__plan__region",
        ("measure",),
        lambda r: f"{_('Status')} – {_measure_label(r.measure)}",
    ),
    _Source(
        PlanPredecessor,
        "plan__region",
        ("plan", "predecessor"),
        lambda r: f"{r.predecessor.title} → {r.plan.title}",
    ),
    _Source(
        Continuation,
        "later_plan__region",
        ("earlier_plan", "later_plan"),
        lambda r: f"{r.get_kind_display()}: {r.earlier_plan.title} → {r.later_plan.title}",
    ),
    _Source(Actor, "region", (), lambda r: r.name),
    _Source(Membership, "region", ("user",), lambda r: r.user.get_username()),
]


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


def _entries(source: _Source, rows: list[Any], previous: dict[int, Any]) -> Iterable[AuditEntry]:
    model = source.model
    members = _group_members([*rows, *previous.values()]) if model is Actor else {}
    for row in rows:
        changes: list[Change] = []
        prev = previous.get(row.history_id)
        if row.history_type == "~" and prev is not None:
            delta = row.diff_against(prev, excluded_fields=IGNORED_FIELDS | {"members"})
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
        yield AuditEntry(
            when=row.history_date,
            user=row.history_user,
            action=row.history_type,
            kind=str(model._meta.verbose_name),
            label=source.label(row),
            changes=changes,
        )


def _previous_versions(source: _Source, rows: list[Any]) -> dict[int, Any]:
    """The version before each changed row, fetched in one query."""
    history = source.model.history  # type: ignore[attr-defined]
    ids = {row.id for row in rows if row.history_type == "~"}
    if not ids:
        return {}
    versions: dict[int, list[Any]] = {}
    for version in history.filter(id__in=ids).order_by("history_date", "history_id"):
        versions.setdefault(version.id, []).append(version)
    previous: dict[int, Any] = {}
    for chain in versions.values():
        for before, after in pairwise(chain):
            previous[after.history_id] = before
    return previous


def _collect(filters: dict[type[models.Model], dict[str, Any]], limit: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for source in SOURCES:
        if source.model not in filters:
            continue
        history = source.model.history  # type: ignore[attr-defined]
        rows = list(
            history.filter(**filters[source.model])
            .select_related("history_user", *source.related)
            .order_by("-history_date", "-history_id")[:limit]
        )
        entries.extend(_entries(source, rows, _previous_versions(source, rows)))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def region_audit_log(region: Region, *, limit: int = 200) -> list[AuditEntry]:
    return _collect({s.model: {s.region_path: region} for s in SOURCES}, limit)


def measure_audit_log(measure: Measure, *, limit: int = 100) -> list[AuditEntry]:
    return _collect(
        {
            Measure: {"id": measure.pk},
            MeasureActor: {"measure_id": measure.pk},
            StatusUpdate: {"measure_id": measure.pk},
        },
        limit,
    )
