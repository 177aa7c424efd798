"""Saving a reviewed import: a new plan, or a revision of an existing one. One transaction each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from planstatus.imports.matching import match_actors
from planstatus.imports.models import PlanImport
from planstatus.lib.importers.base import ParsedMeasure, ParsedPlan
from planstatus.lib.slugs import slug_from
from planstatus.lib.status import Status
from planstatus.plans.audit import import_reason
from planstatus.plans.models import (
    RESERVED_PLAN_SLUGS,
    FocusArea,
    Goal,
    Measure,
    MeasureActor,
    Plan,
    StatusUpdate,
)
from planstatus.regions.models import Actor, Region

NEW = "new:"
_M = TypeVar("_M", bound=Model)


def tag_import_row(obj: _M, reason: str, user: User | AnonymousUser | None) -> _M:
    """The object, with the change reason its history row will carry (the change log shows
    an import's rows as one entry: plans/audit.py) and who imported, also from the command
    line, where no request names the person."""
    obj._change_reason = reason  # type: ignore[attr-defined]
    if (who := _user(user)) is not None:
        obj._history_user = who  # type: ignore[attr-defined]
    return obj


def _history_kwargs(reason: str, user: User | AnonymousUser | None) -> dict[str, Any]:
    """For bulk_create_with_history: the import's reason and who imported (also from the
    command line, where no request names the person)."""
    return {"default_change_reason": reason, "default_user": _user(user)}


def max_length(model: type[Model], field_name: str) -> int:
    """The model's limit for a text field: the review forms and the import ask here."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, Field) and field.max_length is not None, (model, field_name)
    return field.max_length


def actor_name_limit() -> int:
    # A written name becomes an actor's name and is kept as written on each measure.
    return min(max_length(Actor, "name"), max_length(MeasureActor, "written_as"))


class DoesNotFit(ValueError):
    """A value longer than its column holds. The messages are for the person, translated."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def _too_long(what: str, value: str, limit: int) -> str | None:
    if len(value) <= limit:
        return None
    return _("%(what)s has %(length)s characters; at most %(limit)s fit.") % {
        "what": what,
        "length": len(value),
        "limit": limit,
    }


def length_problems(*, parsed: ParsedPlan, title: str | None) -> list[str]:
    """Every value of the plan that is longer than the database holds, named by its place.

    SQLite would store them and PostgreSQL refuse them half-way through a save; checked
    first, the same plan gives the same clear answer on both.
    """
    checks: list[tuple[str, str, int]] = []
    if title is not None:
        checks.append((_("The title"), title, max_length(Plan, "title")))
    name_limit = actor_name_limit()
    for number, area in enumerate(parsed.areas, start=1):
        where = area.code or str(number)
        checks.append(
            (
                _("The name of focus area %(code)s") % {"code": where},
                area.name,
                max_length(FocusArea, "name"),
            )
        )
        for goal in area.goals:
            checks.append(
                (
                    _("The code of goal %(code)s") % {"code": goal.code[:20]},
                    goal.code,
                    max_length(Goal, "code"),
                )
            )
            for m in goal.measures:
                code = {"code": m.code[:20]}
                checks += [
                    (_("The code of measure %(code)s") % code, m.code, max_length(Measure, "code")),
                    (
                        _("The code of measure %(code)s as written") % code,
                        m.written_code,
                        max_length(Measure, "written_code"),
                    ),
                    (
                        _("The time of measure %(code)s") % code,
                        m.timing.text,
                        max_length(Measure, "timing_text"),
                    ),
                ]
                checks += [
                    (
                        _("The actor name «%(name)s…» in measure %(code)s")
                        % {"name": name[:40], **code},
                        name,
                        name_limit,
                    )
                    for name in [*m.responsible, *m.involved]
                ]
    return [p for what, value, limit in checks if (p := _too_long(what, value, limit))]


def check_fits(*, parsed: ParsedPlan, title: str | None) -> None:
    if problems := length_problems(parsed=parsed, title=title):
        raise DoesNotFit(problems)


def actor_names(parsed: ParsedPlan) -> list[str]:
    """Every actor name written in the plan, in order of first appearance."""
    names = (n for m in parsed.measures() for n in [*m.responsible, *m.involved])
    return list(dict.fromkeys(names))


def default_actor_choices(parsed: ParsedPlan, region: Region) -> dict[str, str]:
    """Known names map to their actor; unknown names are proposed as new actors."""
    matches = match_actors(actor_names(parsed), region)
    return {
        name: str(actor.pk) if actor is not None else f"{NEW}{name}"
        for name, actor in matches.items()
    }


def unique_plan_slug(region: Region, title: str) -> str:
    base = slug_from(title) or "plan"
    if base in RESERVED_PLAN_SLUGS:
        base = f"{base}-plan"
    slug, n = base, 1
    while Plan.objects.filter(region=region, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _resolve_actors(
    region: Region,
    parsed: ParsedPlan,
    choices: dict[str, str],
    reason: str,
    user: User | AnonymousUser | None,
) -> dict[str, Actor]:
    """Turn the reviewed choices into actors, creating the new ones (merged by name)."""
    choices = {**default_actor_choices(parsed, region), **choices}
    existing = {str(a.pk): a for a in region.actors.all()}
    created: dict[str, Actor] = {}
    resolved: dict[str, Actor] = {}
    for written, choice in choices.items():
        if choice.startswith(NEW):
            name = choice.removeprefix(NEW).strip() or written
            actor = created.get(name) or existing_by_name(region, name)
            if actor is None:
                actor = tag_import_row(Actor(region=region, name=name, aliases=[]), reason, user)
                actor.save()
            created[name] = actor
        elif choice in existing:
            actor = existing[choice]
        else:
            raise ValueError(_("Unknown actor choice for «%(written)s».") % {"written": written})
        if written not in actor.written_forms():
            actor.aliases = [*actor.aliases, written]
            tag_import_row(actor, reason, user).save(update_fields=["aliases"])
        resolved[written] = actor
    return resolved


def existing_by_name(region: Region, name: str) -> Actor | None:
    return region.actors.filter(name=name).first()


def _measure_fields(m: ParsedMeasure) -> dict[str, object]:
    return {
        "code": m.code,
        # A code the reader made up was never written in the document.
        "written_code": "" if m.code_generated else (m.written_code or m.code),
        "text": m.text,
        "timing_text": m.timing.text,
        "start_year": m.timing.start,
        "end_year": m.timing.end,
        "yearly": m.timing.yearly,
        "continuous": m.timing.continuous,
        "note": m.note,
    }


def _link_actors(
    measure: Measure, m: ParsedMeasure, actors: dict[str, Actor], links: list[MeasureActor]
) -> None:
    seen: set[tuple[int, str]] = set()
    for role, names in (
        (MeasureActor.Role.RESPONSIBLE, m.responsible),
        (MeasureActor.Role.INVOLVED, m.involved),
    ):
        for position, written in enumerate(names):
            actor = actors[written]
            if (actor.pk, role) in seen:
                continue  # two written forms of one actor in one cell
            seen.add((actor.pk, role))
            links.append(
                MeasureActor(
                    measure=measure, actor=actor, role=role, position=position, written_as=written
                )
            )


def _status_update(
    measure: Measure, status: str, user: User | None, source_name: str, comment: str = ""
) -> StatusUpdate | None:
    """The status the document gives, with its status comment («Kommentar») when it has
    one: a comment alone is recorded too, with the status unknown."""
    if status == Status.UNKNOWN and not comment:
        return None
    source = f"Frå importen av «{source_name}»."
    return StatusUpdate(
        measure=measure,
        status=Status(status),
        previous_status=Status.UNKNOWN,
        comment=f"{comment}\n\n{source}" if comment else source,
        source=StatusUpdate.Source.IMPORT,
        created_by=user,
    )


def _user(user: User | AnonymousUser | None) -> User | None:
    return user if isinstance(user, User) else None


@transaction.atomic
def import_plan(
    *,
    region: Region,
    parsed: ParsedPlan,
    title: str,
    kind: str = Plan.Kind.REGIONAL_PLAN,
    actor_choices: dict[str, str] | None = None,
    user: User | AnonymousUser | None = None,
    source_name: str = "",
    draft: PlanImport | None = None,
) -> Plan:
    """Create a plan (unpublished, as a draft) from a reviewed import.

    Raises DoesNotFit, before anything is written, when a value is too long to be kept.
    """
    check_fits(parsed=parsed, title=title)
    plan = Plan(
        region=region,
        slug=unique_plan_slug(region, title),
        kind=kind,
        title=title,
        state=Plan.State.DRAFT,
        note=f"Importert frå «{source_name}»." if source_name else "",
    )
    tag_import_row(plan, "", user).save()
    # The reason names the plan, so it is known once the plan has its id: its first
    # version, written a moment ago in this transaction, is given it too.
    reason = import_reason(plan)
    Plan.history.filter(id=plan.pk).update(history_change_reason=reason)  # type: ignore[attr-defined]
    actors = _resolve_actors(region, parsed, actor_choices or {}, reason, user)
    # Built in memory and written a table at a time (each with its history): one query per
    # measure made the import of a 70-measure plan cost 200 queries.
    areas: list[FocusArea] = []
    goals: list[Goal] = []
    measures: list[tuple[Measure, ParsedMeasure]] = []
    order = 0
    for area_order, a in enumerate(parsed.areas, start=1):
        area = FocusArea(plan=plan, code=a.code, name=a.name, order=area_order)
        areas.append(area)
        for g in a.goals:
            order += 1
            goal = None
            if g.code or g.text:
                goal = Goal(plan=plan, focus_area=area, code=g.code, text=g.text, order=order)
                goals.append(goal)
            for m in g.measures:
                order += 1
                measure = Measure(focus_area=area, goal=goal, order=order, **_measure_fields(m))
                measures.append((measure, m))
    bulk_create_with_history(areas, FocusArea, **_history_kwargs(reason, user))
    bulk_create_with_history(goals, Goal, **_history_kwargs(reason, user))
    bulk_create_with_history(
        [measure for measure, _ in measures], Measure, **_history_kwargs(reason, user)
    )
    links: list[MeasureActor] = []
    updates: list[StatusUpdate] = []
    for measure, m in measures:
        _link_actors(measure, m, actors, links)
        if update := _status_update(measure, m.status, _user(user), source_name, m.comment):
            updates.append(update)
    bulk_create_with_history(links, MeasureActor, **_history_kwargs(reason, user))
    bulk_create_with_history(updates, StatusUpdate, **_history_kwargs(reason, user))
    if draft is not None:
        _mark_saved(draft, plan)
    return plan


def _mark_saved(draft: PlanImport, plan: Plan) -> None:
    draft.state = PlanImport.State.SAVED
    draft.saved_plan = plan
    draft.saved_at = timezone.now()
    draft.save(update_fields=["state", "saved_plan", "saved_at"])


# --- Revising an existing plan -------------------------------------------------------------


@dataclass
class MeasureChange:
    code: str
    measure: Measure | None  # None: new
    parsed: ParsedMeasure | None  # None: removed
    fields: list[str] = field(default_factory=list)


@dataclass
class PlanDiff:
    new: list[MeasureChange] = field(default_factory=list)
    changed: list[MeasureChange] = field(default_factory=list)
    unchanged: list[MeasureChange] = field(default_factory=list)
    removed: list[MeasureChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.changed or self.removed)


def _similarity(a: str, b: str) -> float:
    words_a, words_b = set(a.casefold().split()), set(b.casefold().split())
    return len(words_a & words_b) / max(1, len(words_a | words_b))


def _actor_names(measure: Measure, role: str) -> list[str]:
    return [
        link.written_as or link.actor.name
        for link in measure.actor_links.all()
        if link.role == role
    ]


def diff_plan(plan: Plan, parsed: ParsedPlan) -> PlanDiff:
    """Match the revised document's measures to the plan's by code and text.

    A measure with the same code and similar text (or the same text under a new code) is
    the same measure; codes are not unique in real plans, so text decides between twins.
    """
    current = list(plan.measures().prefetch_related("actor_links__actor").order_by("order"))
    unmatched = list(current)
    diff = PlanDiff()
    for p in parsed.measures():
        candidates = [m for m in unmatched if m.code == p.code] or unmatched
        best = max(candidates, key=lambda m: _similarity(m.text, p.text), default=None)
        threshold = 0.3 if best is not None and best.code == p.code else 0.8
        if best is None or _similarity(best.text, p.text) < threshold:
            diff.new.append(MeasureChange(p.code, None, p))
            continue
        unmatched.remove(best)
        changes = [
            name
            for name, value in _measure_fields(p).items()
            if name not in {"written_code", "note"} and getattr(best, name) != value
        ]
        if _actor_names(best, MeasureActor.Role.RESPONSIBLE) != p.responsible:
            changes.append("responsible")
        if _actor_names(best, MeasureActor.Role.INVOLVED) != p.involved:
            changes.append("involved")
        target = diff.changed if changes else diff.unchanged
        target.append(MeasureChange(p.code, best, p, changes))
    diff.removed = [MeasureChange(m.code, m, None) for m in unmatched]
    return diff


@transaction.atomic
def apply_revision(
    *,
    plan: Plan,
    parsed: ParsedPlan,
    actor_choices: dict[str, str] | None = None,
    user: User | AnonymousUser | None = None,
    source_name: str = "",
    draft: PlanImport | None = None,
) -> PlanDiff:
    """Bring a plan in line with a revised document without losing any history.

    Changed measures are updated in place (the audit trail keeps the old version), new ones
    are added to their focus area, removed ones are archived, never deleted. Raises
    DoesNotFit, before anything is written, when a value is too long to be kept.
    """
    check_fits(parsed=parsed, title=None)
    diff = diff_plan(plan, parsed)
    reason = import_reason(plan)
    actors = _resolve_actors(plan.region, parsed, actor_choices or {}, reason, user)
    areas = {a.code: a for a in plan.focus_areas.all()}
    goals = {g.code: g for g in plan.goals.all()}
    next_order = (
        plan.measures().order_by("-order").values_list("order", flat=True).first() or 0
    ) + 1
    links: list[MeasureActor] = []
    parsed_area = {id(m): a for a in parsed.areas for g in a.goals for m in g.measures}
    parsed_goal = {id(m): g for a in parsed.areas for g in a.goals for m in g.measures}

    for change in diff.changed:
        assert change.measure is not None and change.parsed is not None
        measure = change.measure
        for name, value in _measure_fields(change.parsed).items():
            setattr(measure, name, value)
        tag_import_row(measure, reason, user).save()
        if {"responsible", "involved"} & set(change.fields):
            for link in measure.actor_links.all():
                # One by one, so the audit trail records each removal.
                tag_import_row(link, reason, user).delete()
            _link_actors(measure, change.parsed, actors, links)
    for change in diff.new:
        assert change.parsed is not None
        pa, pg = parsed_area[id(change.parsed)], parsed_goal[id(change.parsed)]
        area = areas.get(pa.code)
        if area is None:
            area = tag_import_row(
                FocusArea(plan=plan, code=pa.code, name=pa.name, order=len(areas) + 1),
                reason,
                user,
            )
            area.save()
        areas[pa.code] = area
        goal = goals.get(pg.code)
        if goal is None and (pg.code or pg.text):
            goal = tag_import_row(
                Goal(plan=plan, focus_area=area, code=pg.code, text=pg.text, order=next_order),
                reason,
                user,
            )
            goal.save()
            goals[pg.code] = goal
        measure = tag_import_row(
            Measure(focus_area=area, goal=goal, order=next_order, **_measure_fields(change.parsed)),
            reason,
            user,
        )
        measure.save()
        next_order += 1
        _link_actors(measure, change.parsed, actors, links)
    now = timezone.now()
    for change in diff.removed:
        assert change.measure is not None
        change.measure.archived_at = now
        change.measure.note = (change.measure.note + "\n" if change.measure.note else "") + (
            f"Arkivert: ikkje med i «{source_name}»." if source_name else "Arkivert."
        )
        tag_import_row(change.measure, reason, user).save()
    bulk_create_with_history(links, MeasureActor, **_history_kwargs(reason, user))
    if draft is not None:
        _mark_saved(draft, plan)
    return diff
