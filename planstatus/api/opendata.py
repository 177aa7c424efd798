"""The open-data document of a plan, built from the database in a fixed number of queries.

Whether the document holds internal details is the caller's decision, taken with
`can_read_internal()`; this module only obeys it: a public document gets public comments only
and no reporting details at all.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import replace

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from planstatus.core.status import status_label
from planstatus.lib.opendata.model import (
    ActorEntry,
    FocusAreaEntry,
    GoalEntry,
    HistoryEntry,
    MeasureEntry,
    MemberEntry,
    MilestoneEntry,
    PlanDocument,
    StatusValue,
)
from planstatus.lib.status import Status
from planstatus.plans.groups import GroupReporting, MemberStatus, group_reporting
from planstatus.plans.models import Measure, MeasureActor, Plan, StatusUpdate


def status_value(value: str) -> StatusValue:
    return _status_value(Status(value), get_language())


@functools.cache
def _status_value(status: Status, language: str | None) -> StatusValue:
    # A handful of statuses and languages (the value is frozen): built once each, not per row.
    return StatusValue(
        code=status.value, word=status_label(status), colour=status.colour, symbol=status.symbol
    )


def _local(value: datetime.datetime) -> datetime.datetime:
    # Files give times to the second, in the installation's time zone with its offset.
    return timezone.localtime(value).replace(microsecond=0)


def history_entry(update: StatusUpdate, *, internal: bool) -> HistoryEntry:
    """One status update as a reader may see it. With internal=False no reporting detail is
    read from the update at all, so none can slip through."""
    shown = internal or update.comment_is_public
    entry = HistoryEntry(
        id=update.pk,
        at=_local(update.created_at),
        status=status_value(update.status),
        previous_status=status_value(update.previous_status),
        source=update.source,
        comment=update.comment if shown else "",
        comment_is_public=update.comment_is_public,
        member=update.member.name if update.member else None,
    )
    if not internal:
        return entry
    report = getattr(update, "round_report", None)
    return replace(
        entry,
        evidence_url=update.evidence_url or None,
        reported_by=update.created_by.get_username() if update.created_by else None,
        reported_by_actor=report.actor.name if report and report.actor else None,
        round_title=report.round.title if report else None,
    )


def _actor_entry(link: MeasureActor) -> ActorEntry:
    return ActorEntry(
        id=link.actor_id,
        name=link.actor.name,
        short_name=link.actor.short_name,
        written_as=link.written_as,
    )


def measure_entry(
    m: Measure,
    *,
    focus_area: FocusAreaEntry,
    goal: GoalEntry | None,
    url: str,
    history: tuple[HistoryEntry, ...] = (),
    group: GroupReporting | None = None,
    internal: bool = False,
) -> MeasureEntry:
    """A measure fetched with_status(), its actor links (prefetched, with actors) and its
    milestones (prefetched); its note only when published or the caller may read internal
    information."""
    status_at = getattr(m, "status_at", None)
    return MeasureEntry(
        id=m.pk,
        code=m.code,
        written_code=m.written_code,
        text=m.text,
        timing_text=m.timing_text,
        start_year=m.start_year,
        end_year=m.end_year,
        yearly=m.yearly,
        continuous=m.continuous,
        note=m.visible_note(internal=internal),
        focus_area=focus_area,
        goal=goal,
        responsible=tuple(_actor_entry(link) for link in m.responsible_links),
        involved=tuple(_actor_entry(link) for link in m.involved_links),
        status=status_value(m.current_status),
        status_at=_local(status_at) if status_at else None,
        url=url,
        history=history,
        milestones=tuple(
            MilestoneEntry(id=ms.pk, text=ms.text, due_on=ms.due_on, done_on=ms.done_on)
            for ms in m.milestone_list
        ),
        members=tuple(_member_entry(row, internal=internal) for row in group.members)
        if group
        else (),
    )


def _member_entry(row: MemberStatus, *, internal: bool) -> MemberEntry:
    update = row.update
    shown = update is not None and (internal or update.comment_is_public)
    return MemberEntry(
        actor_id=row.member.pk,
        name=row.member.name,
        status=status_value(row.status),
        reported_at=_local(update.created_at) if update and row.has_reported else None,
        comment=update.comment if update is not None and shown else "",
    )


def build_plan_document(
    plan: Plan,
    *,
    internal: bool,
    absolute_url: Callable[[str], str] = lambda path: path,
    now: datetime.datetime | None = None,
) -> PlanDocument:
    """The plan's current measures (archived ones left out) with status and history.

    A fixed number of queries whatever the plan's size: focus areas, goals, measures with
    their current status, their actor links with actors, their milestones, status updates
    (with reporter, actor and round when internal) and the group measures' members.
    `plan.region` is expected to be fetched with the plan.
    """
    areas = {
        a.pk: FocusAreaEntry(id=a.pk, code=a.code, name=a.name) for a in plan.focus_areas.all()
    }
    goals = {
        g.pk: GoalEntry(id=g.pk, code=g.code, text=g.text, focus_area_id=g.focus_area_id)
        for g in plan.goals.all()
    }
    measures = list(
        plan.measures()
        .with_status()
        .with_actors()
        .with_milestones()
        .order_by("focus_area__order", "order", "pk")
    )

    history: dict[int, list[HistoryEntry]] = {}
    updates = (
        StatusUpdate.objects.filter(
            measure__focus_area__plan=plan, measure__archived_at__isnull=True
        )
        .order_by("measure", "-created_at", "-pk")
        .select_related("member")
    )
    if internal:
        updates = updates.select_related("created_by", "round_report__actor", "round_report__round")
    for update in updates:
        history.setdefault(update.measure_id, []).append(history_entry(update, internal=internal))

    groups = group_reporting(m.pk for m in measures if m.has_group_responsible)
    region = plan.region
    entries = [
        measure_entry(
            m,
            focus_area=areas[m.focus_area_id],
            goal=goals.get(m.goal_id) if m.goal_id else None,
            url=absolute_url(reverse("measure", args=[region.slug, plan.slug, m.pk])),
            history=tuple(history.get(m.pk, [])),
            group=groups.get(m.pk),
            internal=internal,
        )
        for m in measures
    ]
    return PlanDocument(
        region_slug=region.slug,
        region_name=region.name,
        slug=plan.slug,
        title=plan.title,
        kind=plan.kind,
        state=plan.state,
        description=plan.description,
        period_start=plan.period_start,
        period_end=plan.period_end,
        adopted_by=plan.adopted_by,
        adopted_on=plan.adopted_on,
        published=plan.published,
        url=absolute_url(plan.get_absolute_url()),
        generated_at=_local(now or timezone.now()),
        internal=internal,
        statuses=tuple(status_value(s) for s in Status),
        focus_areas=tuple(areas.values()),
        goals=tuple(goals.values()),
        measures=tuple(entries),
    )
