"""Loading curated data (planstatus/seed/*.yaml): a region with its municipalities,
actors, plans, indicators, stated facts and lineage, in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from planstatus.feedback.models import PublicInput
from planstatus.indicators.services import load_indicators, load_stated_facts
from planstatus.installation.example import load_rounds
from planstatus.lib.status import Status
from planstatus.lib.timing import parse_timing
from planstatus.plans.actions.lineage import confirm_continuation, set_predecessors
from planstatus.plans.actions.milestones import add_milestone, set_milestone_done
from planstatus.plans.actions.news import add_news
from planstatus.plans.actions.programme import store_programme_details
from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import (
    Actor,
    ContactPerson,
    Municipality,
    MunicipalityPopulation,
    Region,
)
from planstatus.regions.services import ensure_municipality_actors, set_actor_group

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
HALLINGDAL_SEED = SEED_DIR / "hallingdal.yaml"
# A made-up region that shows the product at work; the demo loads it beside Hallingdal.
EXAMPLE_SEED = SEED_DIR / "eksempelregionen.yaml"


class SeedError(ValueError):
    """The seed data is inconsistent; nothing was written."""


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
        is_example=bool(region_data.get("example")),
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
        # Contact persons are personal data: Hallingdal's real seed has none; the fictional
        # example region names made-up people at made-up addresses.
        for person in a.get("contacts") or []:
            ContactPerson.objects.create(
                actor=actor,
                name=person["name"],
                email=person["email"],
                phone=person.get("phone") or "",
            )
        _add_written_forms(actors_by_form, actor)
    _load_groups(region=region, actors=data.get("actors", []), actors_by_form=actors_by_form)

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
    if data.get("rounds"):
        load_rounds(plan=_seed_plan(plans, data["rounds"]["plan"]), data=data["rounds"])
    _load_inputs(plans=plans, inputs=data.get("inputs") or [])
    _load_milestones_and_updates(
        plans=plans, milestones=data.get("milestones") or [], updates=data.get("updates") or []
    )
    return region


def _load_milestones_and_updates(
    *,
    plans: dict[str, Plan],
    milestones: list[Mapping[str, Any]],
    updates: list[Mapping[str, Any]],
) -> None:
    """The example region's milestones (some reached) and updates («Kva har skjedd»)."""
    for item in milestones:
        measure = _seed_item(plans, {"plan": item["plan"], "measure": item["measure"]})
        assert isinstance(measure, Measure)
        milestone = add_milestone(
            measure=measure, text=item["text"], due_on=_required_date(item["due"])
        )
        if item.get("done"):
            set_milestone_done(milestone=milestone, done=True, day=_required_date(item["done"]))
    for item in updates:
        measure = _seed_item(plans, {"plan": item["plan"], "measure": item["measure"]})
        assert isinstance(measure, Measure)
        add_news(measure=measure, date=_required_date(item["date"]), text=item["text"], files=[])


def _at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _load_inputs(*, plans: dict[str, Plan], inputs: list[Mapping[str, Any]]) -> None:
    """The example region's input from the public, some answered and published."""
    for item in inputs:
        measure = _seed_item(plans, {"plan": item["plan"], "measure": item["measure"]})
        assert isinstance(measure, Measure)
        answered = item.get("answered")
        PublicInput.objects.create(
            measure=measure,
            text=item["text"],
            created_at=_at_noon(_required_date(item["sent"])),
            answer=item.get("answer") or "",
            answered_at=_at_noon(_required_date(answered)) if answered else None,
            public_question=item.get("public_question") or "",
            published=bool(item.get("published")),
        )


def _add_written_forms(actors_by_form: dict[str, Actor], actor: Actor) -> None:
    for form in actor.written_forms():
        other = actors_by_form.setdefault(form, actor)
        if other != actor:
            raise SeedError(
                _("«%(form)s» is written for both %(first)s and %(second)s.")
                % {"form": form, "first": other.name, "second": actor.name}
            )


# `members: municipalities` names every municipality of the region; a list names actors by any
# written form, or municipalities by name (current or former).
ALL_MUNICIPALITIES = "municipalities"


def _load_groups(
    *, region: Region, actors: list[Mapping[str, Any]], actors_by_form: dict[str, Actor]
) -> None:
    """Make the actors that name `members` groups of them.

    A group of municipalities needs an actor for each municipality: they are made (or an actor
    already named «<municipality> kommune» is tied, not doubled) only when a group names them.
    """
    groups = [a for a in actors if a.get("members") is not None]
    if not groups:
        return
    by_municipality: dict[str, Actor] = {}
    if any(_names_municipalities(g["members"], actors_by_form) for g in groups):
        for actor in ensure_municipality_actors(region=region):
            if actor.pk not in {a.pk for a in actors_by_form.values()}:
                _add_written_forms(actors_by_form, actor)
            assert actor.municipality is not None
            for name in actor.municipality.known_names():
                by_municipality[name] = actor
    for group_data in groups:
        group = Actor.objects.get(region=region, name=group_data["name"])
        named = group_data["members"]
        if named == ALL_MUNICIPALITIES:
            members = list(dict.fromkeys(by_municipality.values()))
        elif isinstance(named, list) and all(isinstance(n, str) for n in named):
            members = []
            for name in named:
                member = actors_by_form.get(name) or by_municipality.get(name)
                if member is None:
                    raise SeedError(
                        _(
                            "Group %(group)s: unknown member «%(name)s». A member is an actor "
                            "of the file or one of the region's municipalities."
                        )
                        % {"group": group.name, "name": name}
                    )
                members.append(member)
        else:
            raise SeedError(
                _("Group %(group)s: members must be «municipalities» or a list of names.")
                % {"group": group.name}
            )
        try:
            set_actor_group(actor=group, is_group=True, members=members)
        except ValidationError as error:
            raise SeedError(
                _("Group %(group)s: %(reason)s")
                % {"group": group.name, "reason": " ".join(error.messages)}
            ) from None


def _names_municipalities(named: Any, actors_by_form: Mapping[str, Actor]) -> bool:
    """Whether the members may name municipalities (all, or a name that is no actor's)."""
    if named == ALL_MUNICIPALITIES:
        return True
    if not isinstance(named, list):
        return False
    return any(not isinstance(n, str) or n not in actors_by_form for n in named)


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
