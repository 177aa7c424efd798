"""Shared setup for the status case tests: plans of any size, rounds, and case fields."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User

from planstatus.lib.reports.content import CaseDetails
from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor, Plan
from planstatus.regions.models import Actor, Region
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import ReportingRound

DETAILS = CaseDetails(
    case_number="16-25",
    title="Regionplan – status",
    background="I oktober 2024 vart ny Regionplan vedtatt i Hallingtinget.",
    proposed_resolution="Saka blir teken til orientering",
    place="Gol",
    date=datetime.date(2025, 3, 15),
    signer_name="Kari Nordmann",
    signer_title="Dagleg leiar",
)


def make_plan(
    *,
    region: Region,
    actor: Actor,
    slug: str,
    measures: int,
    areas: int = 3,
    goals_per_area: int = 2,
    text: str = "Tiltak nummer {n}",
) -> Plan:
    """A published plan with `measures` measures spread over areas and goals, each with a
    responsible actor; measure n has code a.g.n and the text `text.format(n=n)`."""
    plan = Plan.objects.create(
        region=region, slug=slug, kind=Plan.Kind.REGIONAL_PLAN, title=f"Plan {slug}", published=True
    )
    goals: list[tuple[FocusArea, Goal]] = []
    for a in range(1, areas + 1):
        area = FocusArea.objects.create(plan=plan, code=str(a), name=f"Område {a}", order=a)
        for g in range(1, goals_per_area + 1):
            goal = Goal.objects.create(
                plan=plan, focus_area=area, code=f"{a}.{g}", text=f"Mål {a}.{g}", order=g
            )
            goals.append((area, goal))
    created = Measure.objects.bulk_create(
        Measure(
            focus_area=goals[n % len(goals)][0],
            goal=goals[n % len(goals)][1],
            code=f"{goals[n % len(goals)][1].code}.{n // len(goals) + 1}",
            text=text.format(n=n),
            order=n,
            timing_text="2025",
            start_year=2025,
            end_year=2025,
        )
        for n in range(measures)
    )
    MeasureActor.objects.bulk_create(
        MeasureActor(measure=m, actor=actor, role=MeasureActor.Role.RESPONSIBLE) for m in created
    )
    return plan


def closed_round(plan: Plan, title: str, user: User | None = None) -> ReportingRound:
    round = ReportingRound.objects.create(
        plan=plan, title=title, deadline=datetime.date(2025, 3, 1), opened_by=user
    )
    return close_round(round=round, user=user)
