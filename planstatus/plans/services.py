"""Writes that span several models. Each runs in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from planstatus.accounts.roles import known_user
from planstatus.lib.similarity import rank_continuations
from planstatus.lib.timing import parse_timing
from planstatus.plans.models import (
    Continuation,
    FocusArea,
    Goal,
    Measure,
    MeasureActor,
    Plan,
    PlanPredecessor,
    ProgrammeAdvice,
    ProgrammeDetails,
    ProgrammeFollowUpItem,
    Status,
    StatusUpdate,
    item_kind,
    item_plan_id,
)
from planstatus.regions.models import Actor, Municipality, MunicipalityPopulation, Region

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
HALLINGDAL_SEED = SEED_DIR / "hallingdal.yaml"


class SeedError(ValueError):
    """The seed data is inconsistent; nothing was written."""


@transaction.atomic
def record_status(
    *,
    measure: Measure,
    status: Status,
    comment: str = "",
    comment_is_public: bool = False,
    evidence_url: str = "",
    user: User | AnonymousUser | None = None,
    source: str = StatusUpdate.Source.WEB,
) -> StatusUpdate:
    """Add a status update. Earlier updates are kept: the history is the record."""
    previous = (
        StatusUpdate.objects.filter(measure=measure)
        .order_by("-created_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    return StatusUpdate.objects.create(
        measure=measure,
        status=status,
        previous_status=previous or Status.UNKNOWN,
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        created_by=user if user is not None and user.is_authenticated else None,
        source=source,
    )


# The fields of a measure the secretariat edits in the web form.
EDITABLE_MEASURE_FIELDS = ("text", "timing_text", "note")


@transaction.atomic
def update_measure(
    *, measure: Measure, text: str, timing_text: str, note: str, user: User | AnonymousUser
) -> Measure:
    """Change a measure's text, time and note. The audit trail keeps the version before."""
    timing = parse_timing(timing_text)
    measure.text = text
    measure.timing_text = timing.text
    measure.start_year = timing.start
    measure.end_year = timing.end
    measure.yearly = timing.yearly
    measure.continuous = timing.continuous
    measure.note = note
    if user.is_authenticated:
        measure._history_user = user  # type: ignore[attr-defined]
    measure.save()
    return measure


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _required_date(value: Any) -> datetime.date:
    date = _date(value)
    if date is None:
        raise SeedError(_("A date is missing."))
    return date


def load_seed_file(*, path: Path = HALLINGDAL_SEED) -> Region:
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return load_region_data(data=data)


@transaction.atomic
def load_region_data(*, data: Mapping[str, Any]) -> Region:
    """Create a region with its municipalities, actors and plans from curated data.

    Every actor written in a measure must be a known written form of exactly one actor;
    anything else raises SeedError and leaves the database as it was.
    """
    region_data = data["region"]
    if Region.objects.filter(slug=region_data["slug"]).exists():
        raise SeedError(_("Region «%(slug)s» already exists.") % {"slug": region_data["slug"]})
    region = Region.objects.create(
        slug=region_data["slug"],
        name=region_data["name"],
        council_name=region_data.get("council_name", ""),
        description=region_data.get("description", ""),
    )
    for m in region_data.get("municipalities", []):
        municipality = Municipality.objects.create(
            region=region,
            name=m["name"],
            number=str(m["number"]),
            number_2020_2023=str(m.get("number_2020_2023") or ""),
            number_before_2020=str(m.get("number_before_2020") or ""),
            area_km2=Decimal(str(m["area_km2"])) if m.get("area_km2") is not None else None,
            former_names=list(m.get("former_names") or []),
            note=m.get("note") or "",
        )
        MunicipalityPopulation.objects.bulk_create(
            MunicipalityPopulation(
                municipality=municipality, date=_required_date(p["date"]), count=int(p["count"])
            )
            for p in m.get("populations", [])
        )

    actors_by_form: dict[str, Actor] = {}
    for a in data.get("actors", []):
        actor = Actor.objects.create(
            region=region,
            name=a["name"],
            short_name=a.get("short_name") or "",
            kind=a.get("kind") or Actor.Kind.OTHER,
            aliases=list(a.get("aliases") or []),
            email=a.get("email") or "",
            note=a.get("note") or "",
        )
        for form in actor.written_forms():
            other = actors_by_form.setdefault(form, actor)
            if other != actor:
                raise SeedError(
                    _("«%(form)s» is written for both %(first)s and %(second)s.")
                    % {"form": form, "first": other.name, "second": actor.name}
                )

    # Indicators and stated facts live in their own app, which builds on this one.
    from planstatus.indicators.services import load_indicators, load_stated_facts

    load_stated_facts(region=region, facts=region_data.get("stated_facts") or [])
    plans: dict[str, Plan] = {}
    for plan_data in data.get("plans", []):
        plan = _load_plan(region=region, data=plan_data, actors_by_form=actors_by_form)
        load_indicators(plan=plan, indicators=plan_data.get("indicators") or [])
        _load_programme_details(plan=plan, data=plan_data)
        plans[plan.slug] = plan
    # Lineage last: a plan may name a predecessor that comes after it in the file.
    for plan_data in data.get("plans", []):
        named = plan_data.get("predecessors") or []
        if named:
            set_predecessors(
                plan=plans[plan_data["slug"]],
                predecessors=[_seed_plan(plans, slug) for slug in named],
            )
    for link in data.get("continuations") or []:
        confirm_continuation(
            earlier=_seed_item(plans, link.get("earlier") or {}),
            later=_seed_item(plans, link.get("later") or {}),
            note=link.get("note") or "",
        )
    return region


def _seed_plan(plans: Mapping[str, Plan], slug: str) -> Plan:
    try:
        return plans[slug]
    except KeyError:
        raise SeedError(_("There is no plan «%(slug)s» in the file.") % {"slug": slug}) from None


def _seed_item(plans: Mapping[str, Plan], ref: Mapping[str, Any]) -> FocusArea | Goal | Measure:
    """The one item a continuation names: {plan, focus_area|goal|measure: code, text: start},
    where `text` (the start of the item's text) tells apart items that share a code."""
    plan = _seed_plan(plans, str(ref.get("plan") or ""))
    kinds = [k for k in ("focus_area", "goal", "measure") if k in ref]
    if len(kinds) != 1:
        raise SeedError(_("A continuation must name one focus area, goal or measure."))
    kind, code, start = kinds[0], str(ref[kinds[0]]), str(ref.get("text") or "")
    items: list[FocusArea | Goal | Measure]
    if kind == "focus_area":
        items = [a for a in plan.focus_areas.filter(code=code) if a.name.startswith(start)]
    elif kind == "goal":
        items = [g for g in plan.goals.filter(code=code) if g.text.startswith(start)]
    else:
        measures = plan.measures().select_related("focus_area").filter(code=code)
        items = [m for m in measures if m.text.startswith(start)]
    if len(items) != 1:
        raise SeedError(
            _("«%(code)s» in %(plan)s matches %(n)s items, not one.")
            % {"code": code, "plan": plan.slug, "n": len(items)}
        )
    return items[0]


def _load_programme_details(*, plan: Plan, data: Mapping[str, Any]) -> None:
    keys = ("intro", "application_excerpt", "advice", "follow_up", "facts")
    if not any(data.get(key) for key in keys):
        return
    follow_up = data.get("follow_up") or {}
    facts = data.get("facts") or {}
    # Population and area are the region's stated facts (region.stated_facts), checked
    # there against the municipalities; here only who took part.
    _details, unmatched = store_programme_details(
        plan=plan,
        intro=data.get("intro") or data.get("description") or "",
        application_excerpt=data.get("application_excerpt") or "",
        advice=list(data.get("advice") or []),
        follow_up=follow_up.get("text") or "",
        follow_up_items=list(follow_up.get("items") or []),
        applicant=facts.get("applicant_municipality") or "",
        partners=list(facts.get("partner_municipalities") or []),
    )
    if unmatched:
        raise SeedError(
            _("Unknown municipality: %(names)s.") % {"names": ", ".join(sorted(unmatched))}
        )


@transaction.atomic
def store_programme_details(
    *,
    plan: Plan,
    intro: str = "",
    application_excerpt: str = "",
    advice: Sequence[str] = (),
    follow_up: str = "",
    follow_up_items: Sequence[str] = (),
    applicant: str = "",
    partners: Sequence[str] = (),
    user: User | AnonymousUser | None = None,
) -> tuple[ProgrammeDetails, list[str]]:
    """Create or replace what a programme's page says besides its results.

    Advice and follow-up points are numbered from 1 in the order given. Municipalities are
    given as written and matched to the region's by name or former name (case ignored);
    the written forms are kept, and the names that matched nothing are returned so the
    caller can decide. Every earlier version stays in the history."""
    by_name: dict[str, Any] = {}
    for municipality in plan.region.municipalities.all():
        for name in municipality.known_names():
            by_name.setdefault(name.casefold(), municipality)
    written = [p.strip() for p in partners if p.strip()]
    unmatched = [n for n in [applicant.strip(), *written] if n and n.casefold() not in by_name]

    details = ProgrammeDetails.objects.filter(plan=plan).first() or ProgrammeDetails(plan=plan)
    details.intro = intro.strip()
    details.application_excerpt = application_excerpt.strip()
    details.follow_up = follow_up.strip()
    details.applicant = by_name.get(applicant.strip().casefold())
    details.applicant_as_written = applicant.strip()
    details.partners_as_written = ", ".join(written)
    history_user = known_user(user)
    if history_user is not None:
        details._history_user = history_user  # type: ignore[attr-defined]
    details.save()
    details.partners.set(
        list(dict.fromkeys(by_name[n.casefold()] for n in written if n.casefold() in by_name))
    )
    _store_numbered(details, ProgrammeAdvice, advice, history_user)
    _store_numbered(details, ProgrammeFollowUpItem, follow_up_items, history_user)
    return details, unmatched


def _store_numbered(
    details: ProgrammeDetails,
    model: type[ProgrammeAdvice] | type[ProgrammeFollowUpItem],
    texts: Sequence[str],
    user: User | None,
) -> None:
    """Numbered rows updated in place, so the history shows what changed in each point."""
    existing = {row.number: row for row in model.objects.filter(programme=details)}
    for number, text in enumerate((t.strip() for t in texts if t.strip()), start=1):
        row = existing.pop(number, None) or model(programme=details, number=number)
        if row.pk is not None and row.text == text:
            continue
        row.text = text
        if user is not None:
            row._history_user = user  # type: ignore[union-attr]
        row.save()
    for row in existing.values():
        row.delete()


# --- Lineage: which plan builds on which, and which item carries on which ----------------

# Suggestions below this similarity are noise; more than a few per item bury the right one.
SUGGEST_THRESHOLD = 0.25
SUGGEST_PER_ITEM = 3


class LineageError(ValueError):
    """A lineage change was refused; nothing was written. The message is for the person."""


def _region_predecessors(plan: Plan) -> dict[int, set[int]]:
    graph: dict[int, set[int]] = {}
    links = PlanPredecessor.objects.filter(plan__region_id=plan.region_id)
    for plan_id, predecessor_id in links.values_list("plan_id", "predecessor_id"):
        graph.setdefault(plan_id, set()).add(predecessor_id)
    return graph


@transaction.atomic
def set_predecessors(
    *, plan: Plan, predecessors: Iterable[Plan], user: User | AnonymousUser | None = None
) -> None:
    """Name the earlier plans this plan builds on: plans of the same region, never itself,
    and never a plan that builds on this one (directly or further back)."""
    wanted = {p.pk: p for p in predecessors}
    if plan.pk in wanted:
        raise LineageError(_("A plan cannot build on itself."))
    foreign = [p.title for p in wanted.values() if p.region_id != plan.region_id]
    if foreign:
        raise LineageError(
            _("%(plans)s belongs to another region.") % {"plans": ", ".join(foreign)}
        )
    graph = _region_predecessors(plan)
    graph[plan.pk] = set(wanted)
    # Walk back from each chosen plan: reaching this plan again would make a circle.
    seen: set[int] = set()
    stack = list(wanted)
    while stack:
        current = stack.pop()
        if current == plan.pk:
            raise LineageError(
                _("The plans would build on each other in a circle; choose another earlier plan.")
            )
        if current not in seen:
            seen.add(current)
            stack.extend(graph.get(current, ()))
    history_user = known_user(user)
    existing = {link.predecessor_id: link for link in plan.predecessor_links.all()}
    for predecessor_id, link in existing.items():
        if predecessor_id not in wanted:
            if history_user is not None:
                link._history_user = history_user  # type: ignore[attr-defined]
            link.delete()
    for predecessor_id, predecessor in wanted.items():
        if predecessor_id not in existing:
            link = PlanPredecessor(plan=plan, predecessor=predecessor)
            if history_user is not None:
                link._history_user = history_user  # type: ignore[attr-defined]
            link.save()


def _require_predecessor(plan: Plan, predecessor: Plan) -> None:
    if not plan.predecessor_links.filter(predecessor=predecessor).exists():
        raise LineageError(
            _("%(earlier)s is not named as an earlier plan of %(plan)s.")
            % {"earlier": predecessor.title, "plan": plan.title}
        )


def _items_for_comparison(plan: Plan) -> dict[Continuation.Kind, list[tuple[Any, str]]]:
    return {
        Continuation.Kind.FOCUS_AREA: [(a, a.name) for a in plan.focus_areas.all()],
        Continuation.Kind.GOAL: [(g, g.text) for g in plan.goals.all()],
        Continuation.Kind.MEASURE: [
            (m, m.text) for m in plan.measures().select_related("focus_area")
        ],
    }


@transaction.atomic
def suggest_continuations(
    *,
    plan: Plan,
    predecessor: Plan,
    threshold: float = SUGGEST_THRESHOLD,
    per_item: int = SUGGEST_PER_ITEM,
) -> list[Continuation]:
    """Store, as suggestions, the earlier items each of the plan's items most resembles.

    Focus areas are compared with focus areas, goals with goals, measures with measures.
    A pair that already has a link — suggested, confirmed or rejected — is left as it is,
    so running this again adds only what is new and never brings back a rejection."""
    _require_predecessor(plan, predecessor)
    later_items = _items_for_comparison(plan)
    earlier_items = _items_for_comparison(predecessor)
    existing: set[tuple[Any, ...]] = set(
        Continuation.objects.filter(later_plan=plan, earlier_plan=predecessor).values_list(
            "kind",
            "earlier_focus_area_id",
            "later_focus_area_id",
            "earlier_goal_id",
            "later_goal_id",
            "earlier_measure_id",
            "later_measure_id",
        )
    )
    new: list[Continuation] = []
    for kind, later in later_items.items():
        for match in rank_continuations(
            later, earlier_items[kind], threshold=threshold, per_item=per_item
        ):
            link = Continuation(
                kind=kind,
                earlier_plan=predecessor,
                later_plan=plan,
                similarity=match.score,
                **{f"earlier_{kind}": match.earlier, f"later_{kind}": match.later},
            )
            key = (
                kind,
                link.earlier_focus_area_id,
                link.later_focus_area_id,
                link.earlier_goal_id,
                link.later_goal_id,
                link.earlier_measure_id,
                link.later_measure_id,
            )
            if key not in existing:
                existing.add(key)
                new.append(link)
    return bulk_create_with_history(new, Continuation)


@transaction.atomic
def decide_continuation(
    *, link: Continuation, accept: bool, user: User | AnonymousUser | None
) -> Continuation:
    """Confirm or reject a link. A decision may be changed later; the history keeps each."""
    # Locked, so two people deciding at once both end up in the history, one after the other.
    current = Continuation.objects.select_for_update().get(pk=link.pk)
    state = Continuation.State.CONFIRMED if accept else Continuation.State.REJECTED
    if current.state == state:
        return current
    current.state = state
    current.decided_by = known_user(user)
    current.decided_at = timezone.now()
    if current.decided_by is not None:
        current._history_user = current.decided_by  # type: ignore[attr-defined]
    current.save()
    return current


@transaction.atomic
def confirm_continuation(
    *,
    earlier: FocusArea | Goal | Measure,
    later: FocusArea | Goal | Measure,
    note: str = "",
    user: User | AnonymousUser | None = None,
) -> Continuation:
    """Link two items by hand as confirmed (curated data), or confirm the existing link."""
    kind = item_kind(later)
    if item_kind(earlier) != kind:
        raise LineageError(_("Only items of the same kind can continue each other."))
    later_plan = Plan.objects.get(pk=item_plan_id(later))
    earlier_plan = Plan.objects.get(pk=item_plan_id(earlier))
    _require_predecessor(later_plan, earlier_plan)
    link, _created = Continuation.objects.get_or_create(
        kind=kind,
        **{f"earlier_{kind}": earlier, f"later_{kind}": later},
        defaults={"earlier_plan": earlier_plan, "later_plan": later_plan, "note": note},
    )
    link = decide_continuation(link=link, accept=True, user=user)
    if note and link.note != note:
        link.note = note
        link.save(update_fields=["note"])
    return link


def _load_plan(
    *, region: Region, data: Mapping[str, Any], actors_by_form: dict[str, Actor]
) -> Plan:
    plan = Plan.objects.create(
        region=region,
        slug=data["slug"],
        kind=data["kind"],
        title=data["title"],
        description=data.get("description") or "",
        period_start=data.get("period_start"),
        period_end=data.get("period_end"),
        adopted_by=data.get("adopted_by") or "",
        adopted_on=_date(data.get("adopted_on")),
        state=data.get("state") or Plan.State.DRAFT,
        published=data.get("published", True),
        note=data.get("note") or "",
    )
    goal_order = 0
    for g in data.get("goals", []):
        goal_order += 1
        Goal.objects.create(plan=plan, code=g.get("code") or "", text=g["text"], order=goal_order)

    measure_order = 0
    updates: list[StatusUpdate] = []
    links: list[MeasureActor] = []
    for area_order, area_data in enumerate(data.get("focus_areas", []), start=1):
        area = FocusArea.objects.create(
            plan=plan, code=area_data.get("code") or "", name=area_data["name"], order=area_order
        )
        groups: list[tuple[Goal | None, list[Mapping[str, Any]]]] = [
            (None, area_data.get("measures") or [])
        ]
        for g in area_data.get("goals") or []:
            goal_order += 1
            area_goal = Goal.objects.create(
                plan=plan,
                focus_area=area,
                code=g.get("code") or "",
                text=g["text"],
                order=goal_order,
            )
            groups.append((area_goal, g.get("measures") or []))
        for goal, measures in groups:
            for m in measures:
                measure_order += 1
                timing = parse_timing(str(m.get("timing") or ""))
                measure = Measure.objects.create(
                    focus_area=area,
                    goal=goal,
                    code=m.get("code") or "",
                    written_code=m.get("written_code") or "",
                    order=measure_order,
                    text=m["text"].strip(),
                    timing_text=timing.text,
                    start_year=timing.start,
                    end_year=timing.end,
                    yearly=timing.yearly,
                    continuous=timing.continuous,
                    note=m.get("note") or "",
                )
                for role, key in (
                    (MeasureActor.Role.RESPONSIBLE, "responsible"),
                    (MeasureActor.Role.INVOLVED, "involved"),
                ):
                    for position, written in enumerate(m.get(key) or []):
                        try:
                            actor = actors_by_form[written]
                        except KeyError:
                            raise SeedError(
                                _("Measure %(code)s: unknown actor «%(written)s».")
                                % {"code": measure.code, "written": written}
                            ) from None
                        links.append(
                            MeasureActor(
                                measure=measure,
                                actor=actor,
                                role=role,
                                position=position,
                                written_as=written,
                            )
                        )
                status = m.get("status") or Status.UNKNOWN
                if status != Status.UNKNOWN:
                    # The programme page states results in words; that is a reported status.
                    updates.append(
                        StatusUpdate(
                            measure=measure,
                            status=Status(status),
                            comment=m.get("status_comment") or "",
                            source=StatusUpdate.Source.SEED,
                        )
                    )
    # Bulk writes keep the audit trail too: the first version of every row is recorded.
    bulk_create_with_history(links, MeasureActor)
    bulk_create_with_history(updates, StatusUpdate)
    return plan
