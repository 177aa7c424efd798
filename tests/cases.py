"""Shared setup for the status case tests: plans of any size, rounds, and case fields."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import replace

import lxml.html  # type: ignore[import-untyped]
from django.contrib.auth.models import User

from planstatus.cases.models import CaseDocument, CaseDraft, SentCase
from planstatus.lib.reports import FORMATS
from planstatus.lib.reports.content import CaseDetails
from planstatus.plans.groups import group_reporting
from planstatus.plans.models import (
    FocusArea,
    Goal,
    Measure,
    MeasureActor,
    Plan,
    Status,
    StatusUpdate,
)
from planstatus.regions.models import Actor, Region
from planstatus.reporting.actions.reports import record_round_status
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
    highlights=(
        "- Næringsplattforma er vedteken og i bruk.\n"
        "- Breibandutbygginga går etter planen i fem av seks kommunar.\n"
        "- Tre tiltak innan samferdsel ventar på Nasjonal transportplan."
    ),
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
        region=region,
        slug=slug,
        kind=Plan.Kind.REGIONAL_PLAN,
        title=f"Plan {slug}",
        published=True,
        reports_need_approval=False,
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


# What bodies write in a round: short and long, one line or two, as on the reporting page.
COMMENTS = (
    "Arbeidet er i gang.",
    "Første utkast er klart og blir lagt fram for styret i april.",
    "Vi har hatt to møte med kommunane og fylkeskommunen. Neste steg er ei felles "
    "søknad om midlar til eit forprosjekt, med frist i juni.",
    "Ferdig. Rapporten ligg på heimesida vår.",
    "Ikkje starta: vi ventar på avklaring om finansiering frå fylkeskommunen, som kjem "
    "etter budsjetthandsaminga i desember. Vi tek det opp att i neste runde.",
    "Avslutta: tiltaket er slått saman med 2.1.1.",
)


def report_every_measure(
    plan: Plan, statuses: list[Status], title: str = "Vår 2025"
) -> ReportingRound:
    """A closed round in which each measure's first responsible body reported a status and
    a public comment (the secretariat for a measure without one); measure n gets
    statuses[n % len] and COMMENTS[n % len], and is not reported on when that status is
    UNKNOWN."""
    round = ReportingRound.objects.create(
        plan=plan, title=title, deadline=datetime.date(2025, 3, 1)
    )
    measures = Measure.objects.filter(focus_area__plan=plan, archived_at__isnull=True)
    ordered = measures.prefetch_related("actor_links__actor").order_by(
        "focus_area__order", "goal__order", "order", "pk"
    )
    groups = group_reporting(m.pk for m in ordered)
    for n, measure in enumerate(ordered):
        status = statuses[n % len(statuses)]
        if status == Status.UNKNOWN:
            continue
        group = groups.get(measure.pk)
        if group is not None:
            # A group measure: every member reports the status, so it rolls up to it; the
            # first member writes the comment.
            for i, row in enumerate(group.members):
                record_round_status(
                    round=round,
                    measure=measure,
                    status=status,
                    comment=COMMENTS[n % len(COMMENTS)] if i == 0 else "",
                    comment_is_public=True,
                    actor=row.member,
                    expected_previous=None,
                )
            continue
        responsible = measure.responsible_links
        record_round_status(
            round=round,
            measure=measure,
            status=status,
            comment=COMMENTS[n % len(COMMENTS)],
            comment_is_public=True,
            actor=responsible[0].actor if responsible else None,
            expected_previous=latest_update_id(measure),
        )
    return close_round(round=round, user=None)


def latest_update_id(measure: Measure) -> int | None:
    return (
        StatusUpdate.objects.filter(measure=measure)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def html_tree(content: bytes | str) -> lxml.html.HtmlElement:
    """A page parsed, to assert on its elements rather than slice its text."""
    return lxml.html.fromstring(content)


def by_test_id(content: bytes | str, test_id: str, attribute: str = "") -> list[str]:
    """The elements with data-testid=`test_id`: their text, or the attribute's value."""
    elements = html_tree(content).xpath(f'//*[@data-testid="{test_id}"]')
    if attribute:
        return [str(e.get(attribute)) for e in elements]
    return [" ".join(e.text_content().split()) for e in elements]


def archived_case(plan: Plan, user: User | None, number: str) -> SentCase:
    """A sent case with a PDF and a Word file and a draft beside it, written straight to
    the database: for tests of the pages that list them, not of making them."""
    details = replace(DETAILS, case_number=number)
    fields = {
        "plan": plan,
        "annual": False,
        "case_number": details.case_number,
        "title": details.title,
        "background": details.background,
        "highlights": details.highlights,
        "proposed_resolution": details.proposed_resolution,
        "place": details.place,
        "date": details.date,
        "signer_name": details.signer_name,
        "signer_title": details.signer_title,
        "inputs_digest": hashlib.sha256(number.encode()).hexdigest(),
        "statuses": {},
        "made_by": user,
    }
    CaseDraft.objects.create(
        **fields, content_digest="0" * 64, html="<p>utkast</p>", pdf=b"%PDF", docx=b"PK"
    )
    sent = SentCase.objects.create(**fields, sent_by=user, sent_via=SentCase.Via.WEB)
    for fmt, data in (("pdf", b"%PDF-1.7"), ("docx", b"PK")):
        CaseDocument.objects.create(
            sent_case=sent,
            plan=plan,
            format=fmt,
            content_type=FORMATS[fmt].content_type,
            filename=f"sak-{number}.{fmt}",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            case_number=number,
            title=details.title,
            proposed_resolution=details.proposed_resolution,
            date=details.date,
            created_by=user,
            created_via=SentCase.Via.WEB,
        )
    return sent
