"""The example region's activity (planstatus/seed/eksempelregionen.yaml): reporting rounds
opened, reported in and closed through the same services the secretariat and the bodies use,
each dated as the file says, and a status case sent after them. Made-up data that shows the
product at work; Hallingdal's real plan stays as its sources state it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from planstatus.cases.services import send_case
from planstatus.lib.reports.content import CaseDetails
from planstatus.lib.status import Status
from planstatus.plans.models import Measure, MeasureActor, Plan, StatusUpdate
from planstatus.regions.models import Actor
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import close_round, open_round
from planstatus.reporting.models import ReportingRound

# The links the rounds issue are never mailed (the example's actors have no address); the
# address is only for the link pages the secretariat would copy.
BASE_URL = "http://localhost:8000"


def _at(day: str, hour: int = 10) -> datetime.datetime:
    date = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime(date.year, date.month, date.day, hour))


def load_rounds(*, plan: Plan, data: Mapping[str, Any]) -> None:
    """Each round opened on its day, every report recorded by the measure's first responsible
    actor a few days later (on a group's measure, by each member: the measure's own status
    rolls up from theirs), and the round closed on its day; then, if asked, the status case
    of that round sent."""
    measures = {m.code: m for m in plan.measures()}
    responsible = {
        link.measure_id: link.actor
        for link in MeasureActor.objects.filter(
            measure__in=measures.values(), role=MeasureActor.Role.RESPONSIBLE
        )
        .select_related("actor")
        .order_by("-position", "-pk")  # the first one wins
    }
    for number, r in enumerate(data.get("list") or [], start=1):
        opened = _at(r["opened"])
        round = open_round(
            plan=plan,
            title=r["title"],
            deadline=datetime.date.fromisoformat(r["deadline"]),
            user=None,
            base_url=BASE_URL,
            now=opened,
        ).round
        for day, (code, report) in enumerate(r.get("reports", {}).items()):
            measure = measures[code]
            status = Status(report[0])
            comment = report[1] if len(report) > 1 else ""
            when = opened + datetime.timedelta(days=3 + day % 20, minutes=day)
            body = responsible.get(measure.pk)
            if body is not None and body.is_group:
                _group_reports(round, measure, body, status, comment, when, day)
                continue
            _report(round, measure, body, None, status, comment, when)
        close_round(round=round, user=None)
        ReportingRound.objects.filter(pk=round.pk).update(closed_at=_at(r["closed"], 15))
        round.refresh_from_db()
        if number == data.get("sent_case_after"):
            _send_case(plan=plan, round=round, closed=r["closed"])


def _report(
    round: ReportingRound,
    measure: Measure,
    actor: Actor | None,
    member: Actor | None,
    status: Status,
    comment: str,
    when: datetime.datetime,
) -> None:
    latest = StatusUpdate.objects.latest_of(measure, member)
    update = record_round_status(
        round=round,
        measure=measure,
        status=status,
        comment=comment,
        comment_is_public=True,
        actor=actor,
        expected_previous=latest.pk if latest else None,
    )
    # Reported in the weeks after the round opened, as the bodies would.
    StatusUpdate.objects.filter(pk=update.pk).update(created_at=when)


_BEHIND = {Status.DONE: Status.STARTED, Status.STARTED: Status.NOT_STARTED}


def _group_reports(
    round: ReportingRound,
    measure: Measure,
    group: Actor,
    status: Status,
    comment: str,
    when: datetime.datetime,
    day: int,
) -> None:
    """On a measure of «Kommunane» each municipality reports its own status: most the one
    the file gives, one a step behind, and now and then one that does not report at all."""
    for n, member in enumerate(group.reporting_bodies()):
        if (n + day) % 5 == 0:
            continue  # has not reported in this round
        own = _BEHIND.get(status, status) if (n + day) % 3 == 0 else status
        said = comment if n == 0 else ""
        _report(round, measure, member, member, own, said, when + datetime.timedelta(hours=n))


def _send_case(*, plan: Plan, round: ReportingRound, closed: str) -> None:
    day = datetime.date.fromisoformat(closed) + datetime.timedelta(days=7)
    details = CaseDetails(
        case_number="12/25",
        title=f"Regionplan – status etter {round.title.lower()}",
        background=(
            "Regionrådet legg kvart halvår fram status for tiltaka i regionplanen. Saka byggjer "
            "på rapportane frå dei ansvarlege i runden."
        ),
        proposed_resolution="Regionrådet tek statusen for regionplanen til orientering.",
        place="Lauvnes",
        date=day,
        signer_name="Kari Eksempel",
        signer_title="Dagleg leiar",
        highlights=(
            "Studiesenteret i Lauvnes er opna\n"
            "Klimarekneskapen for 2024 er ferdig\n"
            "Felles barnevernsteneste er lagd bort"
        ),
    )
    sent = send_case(plan=plan, round=round, details=details, user=None)
    type(sent).objects.filter(pk=sent.pk).update(sent_at=_at(day.isoformat(), 12))
