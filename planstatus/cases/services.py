"""Building, rendering and archiving the status case.

`build_case_content` reads the plan (at a closed round, or now) into the format-free
CaseContent in a fixed number of queries; `render_case` turns it into bytes; and
`generate_case` does both and archives the result in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.staticfiles import finders
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from planstatus.accounts.roles import known_user
from planstatus.cases.models import DEFAULT_RESOLUTION, CaseDocument, CaseSettings
from planstatus.core.status import status_colour_name, status_label
from planstatus.indicators.models import Indicator
from planstatus.indicators.services import (
    IndicatorSummary,
    assessment_label,
    assessment_symbol,
    indicator_chart,
    region_municipalities,
    status_rule,
    summarise,
)
from planstatus.lib import charts
from planstatus.lib.reports import FORMATS
from planstatus.lib.reports.content import (
    AreaTable,
    CaseContent,
    CaseDetails,
    Change,
    Comparison,
    GoalGroup,
    GoalIndicators,
    IndicatorFigures,
    Row,
    StatusCount,
    StatusStyle,
    Summary,
    SummaryLine,
)
from planstatus.lib.reports.docx import render_docx
from planstatus.lib.reports.pdf import render_pdf
from planstatus.lib.status import Status
from planstatus.plans.models import Goal, Measure, Plan
from planstatus.reporting.models import ReportingRound, RoundSnapshot
from planstatus.reporting.reads import previous_closed_round

# The document is written in Nynorsk whatever language the person making it uses.
DOCUMENT_LANGUAGE = "nn"
STYLESHEET = "cases/case.css"

# The order of the council's own legend (grøn, gul, raud), then stopped and not assessed.
STATUS_ORDER = (Status.DONE, Status.STARTED, Status.NOT_STARTED, Status.CANCELLED, Status.UNKNOWN)
PALETTE: dict[Status, tuple[str, str, str]] = {status: status.palette for status in Status}

AnyUser = User | AnonymousUser | None


class CaseError(ValueError):
    """The case cannot be made as asked. The message is for the person, already translated
    into the active language (the document itself is always Nynorsk)."""


# --- The case's fields ----------------------------------------------------------------------


def case_details_for(plan: Plan, *, today: datetime.date | None = None) -> CaseDetails:
    """What the secretariat wrote last time for this plan, or sensible first defaults."""
    remembered = CaseSettings.objects.filter(plan=plan).first()
    today = today or timezone.localdate()
    if remembered is None:
        return CaseDetails(
            case_number="",
            title=f"{plan.title} – status",
            background="",
            proposed_resolution=DEFAULT_RESOLUTION,
            place=plan.region.name,
            date=today,
            signer_name="",
            signer_title="",
        )
    return CaseDetails(
        case_number=remembered.case_number,
        title=remembered.title,
        background=remembered.background,
        proposed_resolution=remembered.proposed_resolution,
        place=remembered.place,
        date=today,
        signer_name=remembered.signer_name,
        signer_title=remembered.signer_title,
    )


def remember_case_details(*, plan: Plan, details: CaseDetails, user: AnyUser) -> CaseSettings:
    """Keep the fields for the plan's next case; the earlier values stay in the history."""
    remembered = CaseSettings.objects.filter(plan=plan).first() or CaseSettings(plan=plan)
    remembered.case_number = details.case_number
    remembered.title = details.title
    remembered.background = details.background
    remembered.proposed_resolution = details.proposed_resolution
    remembered.place = details.place
    remembered.signer_name = details.signer_name
    remembered.signer_title = details.signer_title
    remembered._history_user = known_user(user)  # type: ignore[attr-defined]
    remembered.save()
    return remembered


def closed_rounds(plan: Plan) -> list[ReportingRound]:
    """The rounds a case can be made from, newest first."""
    return list(
        ReportingRound.objects.filter(plan=plan, state=ReportingRound.State.CLOSED).order_by(
            "-closed_at", "-pk"
        )
    )


# --- Content --------------------------------------------------------------------------------


def status_style(status: Status) -> StatusStyle:
    fill, ink, strong = PALETTE[status]
    with translation.override(DOCUMENT_LANGUAGE):
        return StatusStyle(
            key=status.value,
            word=status_label(status),
            symbol=status.symbol,
            colour_word=status_colour_name(status),
            fill=fill,
            ink=ink,
            strong=strong,
        )


def build_case_content(
    *,
    plan: Plan,
    round: ReportingRound | None,
    details: CaseDetails,
    today: datetime.date | None = None,
    annual: bool = False,
) -> CaseContent:
    """The case at a closed round (its frozen snapshot) or now (`round=None`).

    Seven queries at most, however many measures the plan has: focus areas, goals, measures
    with their statuses, their actor links and actors, the round compared with, and its
    snapshot. The `annual` report adds each goal's indicators (a fixed number more).
    Indicator values are shown as they are now: they have no rounds.
    """
    _check_round(plan, round)
    today = today or timezone.localdate()
    areas = list(plan.focus_areas.order_by("order", "pk"))
    goals = {g.pk: g for g in plan.goals.order_by("order", "pk")}
    measures = _measures(plan, round)
    previous = _round_compared_with(plan, round)
    before: dict[int, str] = (
        dict(RoundSnapshot.objects.filter(round=previous).values_list("measure_id", "status"))
        if previous is not None
        else {}
    )

    styles = {status: status_style(status) for status in STATUS_ORDER}
    by_area: dict[int, dict[int | None, list[Measure]]] = {a.pk: {} for a in areas}
    for m in measures:
        by_area[m.focus_area_id].setdefault(m.goal_id, []).append(m)
    tables = []
    in_order: list[Measure] = []  # as the tables show them: by goal, then by measure order
    for area in areas:
        groups = []
        for goal, goal_measures in _by_goal(by_area[area.pk], goals):
            in_order += goal_measures
            rows = tuple(_row(m, styles) for m in goal_measures)
            groups.append(
                GoalGroup(goal.code, goal.text, rows) if goal else GoalGroup("", "", rows)
            )
        if groups:
            counts = Counter(row.status.key for group in groups for row in group.rows)
            tables.append(
                AreaTable(
                    code=area.code,
                    name=area.name,
                    groups=tuple(groups),
                    counts=tuple(StatusCount(styles[s], counts[s.value]) for s in STATUS_ORDER),
                )
            )

    as_of_day = timezone.localdate(round.closed_at) if round and round.closed_at else today
    changes = []
    if previous is not None:
        # As reporting.reads.changes_since_previous: a measure new since the round compared
        # with counts as moved from «ikkje vurdert».
        for m in in_order:
            was = Status(before.get(m.pk, Status.UNKNOWN))
            if was != m.current_status:
                changes.append(Change(m.code, m.text, styles[was], styles[m.current_status]))
    overdue = [_row(m, styles) for m in in_order if m.is_overdue(as_of_day)]
    with translation.override(DOCUMENT_LANGUAGE):
        return CaseContent(
            details=details,
            date_text=_date_text(details.date),
            region_name=plan.region.name,
            plan_title=plan.title,
            as_of=_as_of(round, today),
            statuses=tuple(styles[s] for s in STATUS_ORDER),
            areas=tuple(tables),
            summary=_summary(tables, styles),
            comparison=Comparison(
                against=previous.title if previous is not None else None, changes=tuple(changes)
            ),
            overdue=tuple(overdue),
            overdue_as_of=str(as_of_day.year),
            annual=annual,
            indicators=_indicator_sections(plan, goals) if annual else (),
            indicator_rule=status_rule() if annual else "",
        )


def _indicator_sections(plan: Plan, goals: dict[int, Goal]) -> tuple[GoalIndicators, ...]:
    """Each goal with its indicators, in the plan's order; an indicator tied only to measures
    goes under their goal, and one tied to nothing under a heading of its own."""
    municipalities = region_municipalities(plan.region)
    indicators = list(
        Indicator.objects.filter(plan=plan).prefetch_related(
            "targets", "values", "goal_links", "measure_links__measure"
        )
    )
    by_goal: dict[int | None, list[IndicatorFigures]] = {}
    for indicator in indicators:
        indicator.plan = plan
        figures = _figures(summarise(indicator, municipalities))
        goal_ids: set[int | None] = {link.goal_id for link in indicator.goal_links.all()}
        goal_ids = goal_ids or {link.measure.goal_id for link in indicator.measure_links.all()}
        for goal_id in {pk if pk in goals else None for pk in goal_ids} or {None}:
            by_goal.setdefault(goal_id, []).append(figures)
    sections = [
        GoalIndicators(goal.code, goal.text, tuple(by_goal[pk]))
        for pk, goal in goals.items()
        if pk in by_goal
    ]
    if None in by_goal:
        sections.append(GoalIndicators("", "", tuple(by_goal[None])))
    return tuple(sections)


def _figures(summary: IndicatorSummary) -> IndicatorFigures:
    indicator = summary.indicator

    def amount(value: Any) -> str:
        unit = indicator.unit
        number = charts.format_number(float(value))
        return f"{number} {unit}".strip() if unit != "%" else f"{number} %"

    with translation.override(DOCUMENT_LANGUAGE):
        chart = indicator_chart(summary, with_municipalities=False)
        latest = summary.latest
        latest_text = ""
        if latest is not None and latest.value is not None:
            latest_text = f"{amount(latest.value)} ({latest.period})"
            if latest.missing:
                latest_text += f"; manglar tal frå {', '.join(latest.missing)}"
        region_value = str(indicator.get_aggregation_display())
        if indicator.aggregation == Indicator.Aggregation.WEIGHTED_MEAN and indicator.weight_label:
            region_value += f", vege med {indicator.weight_label}"
        return IndicatorFigures(
            name=indicator.name,
            unit=indicator.unit,
            definition=indicator.definition,
            source=indicator.source,
            baseline=(
                f"{amount(indicator.baseline_value)} ({indicator.baseline_year})"
                if indicator.baseline_value is not None
                else ""
            ),
            targets=tuple(
                f"{amount(t.value)} innan {t.year}" + (f" ({t.note})" if t.note else "")
                for t in summary.targets
            ),
            latest=latest_text,
            assessment=assessment_label(summary.judgement.assessment),
            symbol=assessment_symbol(summary.judgement.assessment),
            region_value=region_value[:1].upper() + region_value[1:],
            # A target path alone says nothing about progress: a chart needs values.
            chart=chart if chart.series[0].points else None,
        )


def _check_round(plan: Plan, round: ReportingRound | None) -> None:
    if round is None:
        return
    if round.plan_id != plan.pk:
        raise CaseError(_("The reporting round belongs to another plan."))
    if round.is_open:
        raise CaseError(
            _("The round is still open. Close it first, or make the case with the status now.")
        )


def _measures(plan: Plan, round: ReportingRound | None) -> list[Measure]:
    if round is None:
        measures = Measure.objects.filter(focus_area__plan=plan, archived_at__isnull=True)
        measures = measures.with_status()
    else:
        # The round's snapshot decides both which measures there were and their status;
        # a measure archived since is still in the case of its round.
        frozen = RoundSnapshot.objects.filter(round=round, measure=OuterRef("pk")).order_by()
        measures = Measure.objects.filter(focus_area__plan=plan).filter(Exists(frozen))
        measures = measures.annotate(status=Subquery(frozen.values("status")[:1]))
    return list(measures.prefetch_related("actor_links__actor").order_by("order", "pk"))


def _round_compared_with(plan: Plan, round: ReportingRound | None) -> ReportingRound | None:
    if round is not None:
        return previous_closed_round(round)
    return (
        ReportingRound.objects.filter(plan=plan, state=ReportingRound.State.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )


def _by_goal(
    by_goal: dict[int | None, list[Measure]], goals: dict[int, Goal]
) -> list[tuple[Goal | None, list[Measure]]]:
    """Measures without a goal first, then each goal in the plan's order. Goals without
    measures are left out: the case reports on measures."""
    groups: list[tuple[Goal | None, list[Measure]]] = []
    if None in by_goal:
        groups.append((None, by_goal[None]))
    groups += [(goal, by_goal[pk]) for pk, goal in goals.items() if pk in by_goal]
    return groups


def _row(m: Measure, styles: dict[Status, StatusStyle]) -> Row:
    return Row(
        code=m.code,
        text=m.text,
        timing=m.timing_text,
        responsible=tuple(_actor_name(link) for link in m.responsible_links),
        involved=tuple(_actor_name(link) for link in m.involved_links),
        status=styles[m.current_status],
    )


def _actor_name(link: Any) -> str:
    return str(link.written_as or link.actor.display_name)


def _summary(tables: list[AreaTable], styles: dict[Status, StatusStyle]) -> Summary:
    lines = tuple(SummaryLine(t.heading, tuple(c.count for c in t.counts)) for t in tables)
    totals = tuple(sum(line.counts[i] for line in lines) for i in range(len(STATUS_ORDER)))
    return Summary(
        statuses=tuple(styles[s] for s in STATUS_ORDER),
        areas=lines,
        total=SummaryLine("Totalt", totals),
    )


def _as_of(round: ReportingRound | None, today: datetime.date) -> str:
    if round is None or round.closed_at is None:
        return f"Status per {_date_text(today)}"
    closed = _date_text(timezone.localdate(round.closed_at))
    return f"Status ved rapporteringsrunden «{round.title}», lukka {closed}"


def _date_text(value: datetime.date) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return date_format(value, "j. F Y")


# --- Rendering ------------------------------------------------------------------------------


@cache
def _stylesheet() -> str:
    path = finders.find(STYLESHEET)
    if not path:
        raise RuntimeError(f"Fann ikkje stilarket {STYLESHEET}.")
    return Path(str(path)).read_text(encoding="utf-8")


def case_context(content: CaseContent, *, standalone: bool) -> dict[str, Any]:
    """The template context of cases/case_document.html.

    `standalone` documents (PDF, archived HTML) carry their stylesheet inside them; the
    print page links it, as the Content-Security-Policy forbids inline styles there.
    """
    w = content.wording
    chart = content.summary.chart()
    svg: SafeString | str = ""
    if chart.series and chart.categories:
        # planstatus.lib.charts escapes every text it puts into the SVG.
        svg = mark_safe(charts.to_svg(chart, id_prefix="status-chart"))
    indicator_charts = [
        [
            (
                figures,
                # lib.charts escapes every text it puts into the SVG and the table.
                mark_safe(charts.line_to_svg(figures.chart, id_prefix=f"indicator-{g}-{i}"))
                if figures.chart
                else "",
                mark_safe(charts.line_to_table_html(figures.chart, caption=w.indicator_figures))
                if figures.chart
                else "",
            )
            for i, figures in enumerate(group.indicators)
        ]
        for g, group in enumerate(content.indicators)
    ]
    return {
        "case": content,
        "w": w,
        "standalone": standalone,
        "stylesheet": mark_safe(_stylesheet()) if standalone else "",  # our own file
        "chart_svg": svg,
        "indicator_groups": list(zip(content.indicators, indicator_charts, strict=True)),
    }


def render_html(content: CaseContent, *, standalone: bool = True) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "cases/case_document.html", case_context(content, standalone=standalone)
        )


def render_case(content: CaseContent, fmt: str) -> bytes:
    if fmt == "docx":
        return render_docx(content)
    if fmt == "pdf":
        return render_pdf(render_html(content))
    if fmt == "html":
        return render_html(content).encode("utf-8")
    raise CaseError(_("Unknown format «%(format)s». Choose docx, pdf or html.") % {"format": fmt})


def case_filename(content: CaseContent, fmt: str) -> str:
    number = slugify(content.details.case_number.replace("/", "-")) or "utan-nummer"
    kind = "arsrapport" if content.annual else "sak"
    return f"{kind}-{number}-{slugify(content.plan_title)[:60]}.{FORMATS[fmt].extension}"


# --- Archiving ------------------------------------------------------------------------------


@transaction.atomic
def generate_case(
    *,
    plan: Plan,
    round: ReportingRound | None,
    details: CaseDetails,
    fmt: str,
    user: AnyUser,
    via: str = CaseDocument.Via.WEB,
    remember: bool = True,
    annual: bool = False,
) -> CaseDocument:
    """Make the case document and archive it; the fields are remembered for the next one.

    One transaction: if rendering fails, neither the archive nor the remembered fields
    change.
    """
    if fmt not in FORMATS:
        raise CaseError(
            _("Unknown format «%(format)s». Choose docx, pdf or html.") % {"format": fmt}
        )
    if remember:
        remember_case_details(plan=plan, details=details, user=user)
    content = build_case_content(plan=plan, round=round, details=details, annual=annual)
    data = render_case(content, fmt)
    known = known_user(user)
    return CaseDocument.objects.create(
        plan=plan,
        round=round,
        format=fmt,
        annual=annual,
        content_type=FORMATS[fmt].content_type,
        filename=case_filename(content, fmt),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        case_number=details.case_number,
        title=details.title,
        background=details.background,
        proposed_resolution=details.proposed_resolution,
        place=details.place,
        date=details.date,
        signer_name=details.signer_name,
        signer_title=details.signer_title,
        created_by=known,
        created_by_name=known.get_username() if known else _VIA_NAMES.get(via, ""),
        created_via=via,
    )


_VIA_NAMES: dict[str, str] = {CaseDocument.Via.COMMAND: "kommandolinja"}
