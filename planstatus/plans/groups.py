"""Measures whose responsible actor is a group: each member reports its own status, and the
measure's status is rolled up from them (lib/status.roll_up) or set by hand.

A measure is a group measure when one of its responsible actors is a group. Its reporting
bodies are then the members of its groups and its other responsible actors, each once: every
one of them says where the work stands in its own house.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects

from planstatus.lib.status import Status, roll_up
from planstatus.plans.models import Measure, MeasureActor, StatusUpdate
from planstatus.regions.models import Actor


@dataclass(frozen=True)
class MemberStatus:
    member: Actor
    # The member's latest report; None while it has not reported.
    update: StatusUpdate | None

    @property
    def status(self) -> Status:
        return Status(self.update.status) if self.update else Status.UNKNOWN

    @property
    def has_reported(self) -> bool:
        return self.update is not None and self.status != Status.UNKNOWN


@dataclass(frozen=True)
class GroupReporting:
    """A group measure's members and their own statuses, and what the rule makes of them."""

    measure_id: int
    members: list[MemberStatus]
    # The measure's own latest update (None without one): the roll-up, or a status set by hand.
    overall: StatusUpdate | None

    @property
    def total(self) -> int:
        return len(self.members)

    @property
    def reported_count(self) -> int:
        return sum(1 for m in self.members if m.has_reported)

    @property
    def rule_status(self) -> Status:
        return roll_up([m.status for m in self.members])

    @property
    def set_by_hand(self) -> bool:
        """The secretariat set the measure's status itself: the members' reports do not move
        it until the secretariat lets the rule decide again."""
        return self.overall is not None and self.overall.source == StatusUpdate.Source.WEB

    def member_ids(self) -> set[int]:
        return {m.member.pk for m in self.members}


def reporting_bodies(links: Iterable[MeasureActor]) -> list[Actor] | None:
    """The bodies that report on a measure, from its responsible links (with their actors'
    members loaded); None when no responsible actor is a group (the measure reports once)."""
    responsible = [link.actor for link in links if link.role == MeasureActor.Role.RESPONSIBLE]
    if not any(actor.is_group for actor in responsible):
        return None
    bodies: dict[int, Actor] = {}
    for actor in responsible:
        for body in actor.reporting_bodies():
            bodies.setdefault(body.pk, body)
    # Municipalities first, in their number order, then the other bodies by name.
    return sorted(bodies.values(), key=_body_order)


def _body_order(actor: Actor) -> tuple[bool, str, str]:
    number = actor.municipality.number if actor.municipality else ""
    return (actor.municipality is None, number, actor.name)


def group_reporting(
    measure_ids: Iterable[int], *, as_of: datetime.datetime | None = None
) -> dict[int, GroupReporting]:
    """The group measures among the given ones, each with its members' latest reports and its
    own latest update. One query when none is a group measure; five, however many measures
    and members, when some are."""
    ids = list(measure_ids)
    if not ids:
        return {}
    links = list(
        MeasureActor.objects.filter(
            measure_id__in=ids, role=MeasureActor.Role.RESPONSIBLE
        ).select_related("actor__municipality")
    )
    groups = [link.actor for link in links if link.actor.is_group]
    if not groups:
        return {}
    members = Actor.objects.select_related("municipality")
    prefetch_related_objects(groups, Prefetch("members", queryset=members))
    by_measure: dict[int, list[MeasureActor]] = defaultdict(list)
    for link in links:
        by_measure[link.measure_id].append(link)
    bodies = {m: reporting_bodies(rows) for m, rows in by_measure.items()}
    group_ids = [m for m, b in bodies.items() if b]
    # With `as_of` (a closed round's closing), as the members' reports stood then.
    reports_then = StatusUpdate.objects.all()
    if as_of is not None:
        reports_then = reports_then.filter(created_at__lte=as_of)
    newer = reports_then.filter(measure=OuterRef("measure"), member=OuterRef("member")).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    latest_reports = reports_then.filter(measure_id__in=group_ids, member__isnull=False).filter(
        ~Exists(newer)
    )
    reports = {(u.measure_id, u.member_id): u for u in latest_reports.select_related("created_by")}
    latest_ids = {
        m.pk: m.latest_id  # type: ignore[attr-defined]
        for m in Measure.objects.filter(pk__in=group_ids).with_latest_id().only("pk")
    }
    overall = StatusUpdate.objects.in_bulk([u for u in latest_ids.values() if u is not None])
    return {
        m: GroupReporting(
            measure_id=m,
            members=[
                MemberStatus(member=b, update=reports.get((m, b.pk))) for b in bodies[m] or []
            ],
            overall=overall.get(latest_ids.get(m) or 0),
        )
        for m in group_ids
    }
