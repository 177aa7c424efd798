"""Writes that span several models. Each runs in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from planstatus.lib.timing import parse_timing
from planstatus.plans.models import (
    FocusArea,
    Goal,
    Measure,
    MeasureActor,
    Plan,
    Status,
    StatusUpdate,
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
    for plan_data in data.get("plans", []):
        plan = _load_plan(region=region, data=plan_data, actors_by_form=actors_by_form)
        load_indicators(plan=plan, indicators=plan_data.get("indicators") or [])
    return region


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
