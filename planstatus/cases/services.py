"""Building, rendering, drafting, sending and exporting the status case.

`build_case_content` reads the plan (at a closed round, or now) into the format-free
CaseContent in a fixed number of queries; `render_case` turns it into bytes.
`make_case_draft` renders a draft to look over (the PDF takes seconds, so it is rendered
before the short transaction that stores it, never inside one); `send_case_draft` archives
a draft's files as the one sent case, refusing a case already sent with the same inputs;
`send_case` does both for the command line. `noark_package` exports a sent case.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.staticfiles import finders
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from planstatus.accounts.roles import known_user
from planstatus.cases.models import (
    DEFAULT_RESOLUTION,
    CaseDocument,
    CaseDraft,
    CaseSettings,
    SentCase,
)
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
from planstatus.lib.reports import FORMATS, noark
from planstatus.lib.reports.content import (
    WORDING,
    AreaTable,
    BodyComment,
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
from planstatus.plans.groups import GroupReporting, group_reporting
from planstatus.plans.models import Goal, Measure, Plan, StatusUpdate
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
        highlights=remembered.highlights,
    )


def remember_case_details(*, plan: Plan, details: CaseDetails, user: AnyUser) -> CaseSettings:
    """Keep the fields for the plan's next case; the earlier values stay in the history."""
    remembered = CaseSettings.objects.filter(plan=plan).first() or CaseSettings(plan=plan)
    remembered.case_number = details.case_number
    remembered.title = details.title
    remembered.background = details.background
    remembered.highlights = details.highlights
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


@dataclass(frozen=True)
class PreparedCase:
    """A case's content with what the archive keeps beside it."""

    plan: Plan
    round: ReportingRound | None
    content: CaseContent
    statuses: dict[str, str]  # measure id → status, for the next case's comparison
    statuses_at: datetime.datetime
    inputs_digest: str
    content_digest: str


def build_case_content(
    *,
    plan: Plan,
    round: ReportingRound | None,
    details: CaseDetails,
    today: datetime.date | None = None,
    annual: bool = False,
) -> CaseContent:
    """The case at a closed round (its frozen snapshot) or now (`round=None`).

    A fixed number of queries, however many measures the plan has: focus areas, goals,
    measures with their statuses, their actor links and actors, the comments shown (two,
    plus five when some measure's responsible actor is a group), and what
    the case is compared with (the previous sent case, else the
    previous closed round and its snapshot). The `annual` report adds each goal's
    indicators (a fixed number more). Indicator values are shown as they are now: they have
    no rounds.
    """
    return prepare_case(plan=plan, round=round, details=details, today=today, annual=annual).content


def prepare_case(
    *,
    plan: Plan,
    round: ReportingRound | None,
    details: CaseDetails,
    today: datetime.date | None = None,
    annual: bool = False,
) -> PreparedCase:
    _check_round(plan, round)
    now = timezone.now()
    today = today or timezone.localdate()
    areas = list(plan.focus_areas.order_by("order", "pk"))
    goals = {g.pk: g for g in plan.goals.order_by("order", "pk")}
    measures = _measures(plan, round)
    comments = case_comments(measures=measures, round=round)
    baseline = _baseline(plan, round)
    before = baseline.statuses if baseline is not None else {}

    styles = {status: status_style(status) for status in STATUS_ORDER}
    # The day the case speaks of: a closed round's closing, else today. Lateness and the
    # milestones reached are judged on it.
    as_of_day = timezone.localdate(round.closed_at) if round and round.closed_at else today
    by_area: dict[int, dict[int | None, list[Measure]]] = {a.pk: {} for a in areas}
    for m in measures:
        by_area[m.focus_area_id].setdefault(m.goal_id, []).append(m)
    tables = []
    lines = []
    in_order: list[Measure] = []  # as the tables show them: by goal, then by measure order
    for area in areas:
        groups = []
        area_measures: list[Measure] = []
        for goal, goal_measures in _by_goal(by_area[area.pk], goals):
            area_measures += goal_measures
            rows = tuple(_row(m, styles, comments.get(m.pk), as_of_day) for m in goal_measures)
            groups.append(
                GoalGroup(goal.code, goal.text, rows) if goal else GoalGroup("", "", rows)
            )
        if groups:
            counts = Counter(m.current_status for m in area_measures)
            table = AreaTable(
                code=area.code,
                name=area.name,
                groups=tuple(groups),
                counts=tuple(StatusCount(styles[s], counts[s]) for s in STATUS_ORDER),
            )
            tables.append(table)
            lines.append(_summary_line(table.heading, area_measures, baseline, before))
            in_order += area_measures

    changes = []
    if baseline is not None:
        # As reporting.reads.changes_since_previous: a measure new since the case or round
        # compared with counts as moved from «ikkje vurdert».
        for m in in_order:
            was = _was(m, before)
            if was != m.current_status:
                changes.append(
                    Change(
                        m.code,
                        m.text,
                        styles[was],
                        styles[m.current_status],
                        direction=progress_direction(was, m.current_status),
                    )
                )
    overdue = [_row(m, styles, None, as_of_day) for m in in_order if m.is_overdue(as_of_day)]
    unassessed = tuple(m.code for m in in_order if m.current_status == Status.UNKNOWN)
    with translation.override(DOCUMENT_LANGUAGE):
        content = CaseContent(
            details=details,
            date_text=_date_text(details.date),
            region_name=plan.region.name,
            plan_title=plan.title,
            as_of=_as_of(round, today),
            statuses=tuple(styles[s] for s in STATUS_ORDER),
            areas=tuple(tables),
            summary=_summary(lines, styles, baseline),
            comparison=Comparison(
                against=baseline.label if baseline is not None else None, changes=tuple(changes)
            ),
            overdue=tuple(overdue),
            overdue_as_of=str(as_of_day.year),
            unassessed=unassessed,
            annual=annual,
            indicators=_indicator_sections(plan, goals) if annual else (),
            indicator_rule=status_rule() if annual else "",
        )
    return PreparedCase(
        plan=plan,
        round=round,
        content=content,
        statuses={str(m.pk): m.current_status.value for m in in_order},
        statuses_at=round.closed_at if round is not None and round.closed_at else now,
        inputs_digest=inputs_digest(content, round),
        content_digest=content_digest(content),
    )


# --- The bodies' comments -------------------------------------------------------------------


def case_comments(
    *, measures: list[Measure], round: ReportingRound | None
) -> dict[int, BodyComment]:
    """The comment the case shows under each measure, by measure id: the one place that
    chooses it, so that a later rule (reports approved by the secretariat before they are
    published) changes this function and nothing else.

    Today it is the latest public, non-empty comment reported on the measure, up to the
    round's closing for a case of a closed round. It is credited to the body that reported
    it, never to the person who typed it: the reporting actor, else «Sekretariatet» for a
    comment entered on the web, else the plan document. On a measure whose responsible
    actor is a group it is every member's own status, each with its latest public comment,
    and how many have reported. Seven queries at most.
    """
    closed_at = round.closed_at if round is not None else None
    groups = group_reporting((m.pk for m in measures), as_of=closed_at)
    by_members = {m: _members_comment(g) for m, g in groups.items()}
    shown = {m: c for m, c in by_members.items() if c is not None}
    others = [m for m in measures if m.pk not in shown]
    return _latest_public_comments(others, closed_at) | shown


def _members_comment(group: GroupReporting) -> BodyComment | None:
    """«4 av 6 har rapportert.», the members by the status they reported («påstarta: Gol,
    Ål»), those not heard from, then each member's latest public comment (never an internal
    one). Compact, since a plan may have many group measures. None while no member has
    reported: the measure's own public comment (a status set by hand) is shown then."""
    reported = [row for row in group.members if row.has_reported and row.update is not None]
    if not reported:
        return None
    lines = [WORDING.members_reported.format(n=len(reported), total=group.total)]
    for status in STATUS_ORDER:
        names = [row.member.display_name for row in reported if row.status == status]
        if names:
            lines.append(f"{status_style(status).word}: {', '.join(names)}")
    silent = [row.member.display_name for row in group.members if row not in reported]
    if silent:
        lines.append(f"{WORDING.member_not_reported}: {', '.join(silent)}")
    for row in reported:
        assert row.update is not None
        if row.update.comment_is_public and row.update.comment.strip():
            lines.append(f"{row.member.display_name}: {' '.join(row.update.comment.split())}")
    newest = max(row.update.created_at for row in reported if row.update is not None)
    return BodyComment(
        text="\n".join(lines),
        actor="",
        date_text=date_format(timezone.localdate(newest), "j.n.Y"),
    )


def _latest_public_comments(
    measures: list[Measure], closed_at: datetime.datetime | None
) -> dict[int, BodyComment]:
    shown = StatusUpdate.objects.overall().filter(comment_is_public=True).exclude(comment="")
    if closed_at is not None:
        shown = shown.filter(created_at__lte=closed_at)
    latest = shown.filter(measure=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")[:1]
    chosen = dict(
        Measure.objects.filter(pk__in=[m.pk for m in measures])
        .annotate(comment_id=Subquery(latest))
        .filter(comment_id__isnull=False)
        .values_list("comment_id", "pk")
    )
    if not chosen:
        return {}
    updates = StatusUpdate.objects.filter(pk__in=list(chosen)).select_related("round_report__actor")
    return {
        chosen[update.pk]: BodyComment(
            text=update.comment.strip(),
            actor=_credit(update),
            date_text=date_format(timezone.localdate(update.created_at), "j.n.Y"),
        )
        for update in updates
    }


def _credit(update: StatusUpdate) -> str:
    report = getattr(update, "round_report", None)
    if report is not None and report.actor is not None:
        return str(report.actor.display_name)
    if update.source == StatusUpdate.Source.WEB:
        return WORDING.credit_secretariat
    return WORDING.credit_document


# --- What the case is compared with ---------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    label: str  # «sak 16-25 (15. mars 2025)»
    statuses: dict[int, str]


# Progress along the traffic light: not assessed and not started, started, done. A stopped
# measure («avslutta») moved neither forward nor back.
_PROGRESS = {Status.UNKNOWN: 0, Status.NOT_STARTED: 0, Status.STARTED: 1, Status.DONE: 2}


def progress_direction(before: Status, after: Status) -> int:
    """+1 forward, -1 back, 0 neither: the rule WORDING.forward_rule states."""
    if before not in _PROGRESS or after not in _PROGRESS:
        return 0
    return (_PROGRESS[after] > _PROGRESS[before]) - (_PROGRESS[after] < _PROGRESS[before])


def _baseline(plan: Plan, round: ReportingRound | None) -> Baseline | None:
    """What the politicians saw last: the previous sent case, whose statuses are kept.

    For a case of a closed round, a case sent from an earlier picture (and not of this
    round). Before any case was sent with its statuses, the previous closed round.
    """
    sent = SentCase.objects.filter(plan=plan, statuses__isnull=False)
    if round is not None:
        sent = sent.exclude(round=round)
        if round.closed_at is not None:
            sent = sent.filter(statuses_at__lt=round.closed_at)
    previous = sent.order_by("-statuses_at", "-pk").only("case_number", "date", "statuses").first()
    if previous is not None:
        label = WORDING.against_case.format(
            number=previous.case_number, date=_date_text(previous.date)
        )
        statuses = previous.statuses or {}
        return Baseline(label, {int(pk): status for pk, status in statuses.items()})
    earlier = _round_compared_with(plan, round)
    if earlier is None:
        return None
    frozen = (
        RoundSnapshot.objects.filter(round=earlier).order_by().values_list("measure_id", "status")
    )
    return Baseline(WORDING.against_round.format(round=earlier.title), dict(frozen))


def _was(m: Measure, before: dict[int, str]) -> Status:
    return Status(before.get(m.pk, Status.UNKNOWN))


def _summary_line(
    label: str, measures: list[Measure], baseline: Baseline | None, before: dict[int, str]
) -> SummaryLine:
    counts = Counter(m.current_status for m in measures)
    now = tuple(counts[s] for s in STATUS_ORDER)
    if baseline is None:
        return SummaryLine(label, now)
    was = Counter(_was(m, before) for m in measures)
    moves = [progress_direction(_was(m, before), m.current_status) for m in measures]
    return SummaryLine(
        label,
        now,
        deltas=tuple(counts[s] - was[s] for s in STATUS_ORDER),
        forward=moves.count(1),
        back=moves.count(-1),
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
    return list(measures.with_actors().with_milestones().order_by("order", "pk"))


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


def _timing(m: Measure) -> str:
    """«kontinuerleg», «årleg», «2025–2026»: the plan's abbreviations («Kont») read out, in
    the document's language."""
    with translation.override(DOCUMENT_LANGUAGE):
        return m.timing_shown


def _row(
    m: Measure,
    styles: dict[Status, StatusStyle],
    comment: BodyComment | None,
    day: datetime.date,
) -> Row:
    milestones = m.milestone_list
    return Row(
        milestones=len(milestones),
        milestones_done=sum(1 for ms in milestones if ms.is_done_on(day)),
        code=m.code,
        text=m.text,
        timing=_timing(m),
        responsible=tuple(_actor_name(link) for link in m.responsible_links),
        involved=tuple(_actor_name(link) for link in m.involved_links),
        status=styles[m.current_status],
        comment=comment,
    )


def _actor_name(link: Any) -> str:
    return str(link.written_as or link.actor.display_name)


def _summary(
    lines: list[SummaryLine], styles: dict[Status, StatusStyle], baseline: Baseline | None
) -> Summary:
    columns = range(len(STATUS_ORDER))
    total = SummaryLine(
        WORDING.total,
        tuple(sum(line.counts[i] for line in lines) for i in columns),
        deltas=tuple(sum(line.deltas[i] for line in lines) for i in columns)
        if baseline is not None
        else (),
        forward=sum(line.forward for line in lines),
        back=sum(line.back for line in lines),
    )
    return Summary(
        statuses=tuple(styles[s] for s in STATUS_ORDER),
        areas=tuple(lines),
        total=total,
        against=baseline.label if baseline is not None else "",
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
    return _filename(content.details.case_number, content.plan_title, content.annual, fmt)


def draft_filename(draft: CaseDraft, fmt: str) -> str:
    """«utkast-sak-16-25-….pdf»: a draft is never taken for the case that was sent."""
    return "utkast-" + _filename(draft.case_number, draft.plan.title, draft.annual, fmt)


def _filename(case_number: str, plan_title: str, annual: bool, fmt: str) -> str:
    number = slugify(case_number.replace("/", "-")) or "utan-nummer"
    kind = "arsrapport" if annual else "sak"
    return f"{kind}-{number}-{slugify(plan_title)[:60]}.{FORMATS[fmt].extension}"


# --- Digests --------------------------------------------------------------------------------


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def inputs_digest(content: CaseContent, round: ReportingRound | None) -> str:
    """What a case is made from: its round, its fields, and every measure it shows with its
    text, actors, status and comment (and, for the annual report, the indicators).

    Not the files (a .docx carries the moment it was made) and not what the case says
    about earlier cases, which moves every time one is sent.
    """
    return _digest(
        {
            "round": round.pk if round is not None else None,
            "annual": content.annual,
            "details": asdict(content.details),
            "areas": [asdict(area) for area in content.areas],
            "indicators": [asdict(group) for group in content.indicators],
        }
    )


def content_digest(content: CaseContent) -> str:
    """Everything the case says but the day its statuses were read: a draft made yesterday
    from the same statuses and comments says what a case made today would."""
    value = asdict(content)
    value.pop("as_of")
    return _digest(value)


# --- Drafts and sending ---------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedCase:
    prepared: PreparedCase
    html: str
    pdf: bytes
    docx: bytes


class CaseAlreadySent(CaseError):
    """A case with the same inputs was sent before: `existing` is that case."""

    def __init__(self, existing: SentCase) -> None:
        self.existing = existing
        super().__init__(
            _(
                "Case %(number)s with these statuses, comments and fields was already sent "
                "on %(date)s. Nothing was sent again."
            )
            % {
                "number": existing.case_number,
                "date": date_format(timezone.localtime(existing.sent_at), "j. F Y H:i"),
            }
        )


class CaseDraftOutdated(CaseError):
    """Statuses, comments or the case compared with have changed since the draft."""


def render_all(prepared: PreparedCase) -> RenderedCase:
    """The case as a web page, PDF/A and Word, from one content. Seconds: call it outside
    any transaction."""
    html = render_html(prepared.content)
    return RenderedCase(
        prepared=prepared, html=html, pdf=render_pdf(html), docx=render_docx(prepared.content)
    )


def _fields(details: CaseDetails) -> dict[str, Any]:
    return {
        "case_number": details.case_number,
        "title": details.title,
        "background": details.background,
        "highlights": details.highlights,
        "proposed_resolution": details.proposed_resolution,
        "place": details.place,
        "date": details.date,
        "signer_name": details.signer_name,
        "signer_title": details.signer_title,
    }


def _who(user: AnyUser, via: str) -> tuple[User | None, str]:
    known = known_user(user)
    return known, known.get_username() if known else _VIA_NAMES.get(via, "")


_VIA_NAMES: dict[str, str] = {SentCase.Via.COMMAND: "kommandolinja"}


def make_case_draft(
    *,
    plan: Plan,
    round: ReportingRound | None,
    details: CaseDetails,
    user: AnyUser,
    annual: bool = False,
) -> CaseDraft:
    """Render a draft of the case and keep it to be looked over; the fields are remembered
    for the next case. The rendering comes first, outside any transaction: if it fails,
    nothing is stored, and the database is never held while the PDF is made."""
    rendered = render_all(prepare_case(plan=plan, round=round, details=details, annual=annual))
    prepared = rendered.prepared
    maker, maker_name = _who(user, SentCase.Via.WEB)
    with transaction.atomic():
        remember_case_details(plan=plan, details=details, user=user)
        return CaseDraft.objects.create(
            plan=plan,
            round=round,
            annual=annual,
            **_fields(details),
            inputs_digest=prepared.inputs_digest,
            content_digest=prepared.content_digest,
            statuses=prepared.statuses,
            statuses_at=prepared.statuses_at,
            made_by=maker,
            made_by_name=maker_name,
            html=rendered.html,
            pdf=rendered.pdf,
            docx=rendered.docx,
        )


def delete_case_draft(*, draft: CaseDraft) -> None:
    """A draft is a working copy: deleting it removes nothing that was sent."""
    draft.delete()


def existing_case(plan: Plan, digest: str) -> SentCase | None:
    return SentCase.objects.filter(plan=plan, inputs_digest=digest).first() if digest else None


def send_case_draft(*, draft: CaseDraft, user: AnyUser) -> SentCase:
    """Send the draft to political treatment: its PDF and Word file, exactly as looked
    over, become the one archived case, and the draft is gone.

    Refused with CaseAlreadySent when a case with the same inputs was sent, and with
    CaseDraftOutdated when the case made now would say something else (a status or comment
    changed, or another case was sent since and is now the one to compare with).
    """
    plan = draft.plan
    sent = existing_case(plan, draft.inputs_digest)
    if sent is not None:
        raise CaseAlreadySent(sent)
    now = prepare_case(plan=plan, round=draft.round, details=draft.details(), annual=draft.annual)
    if now.content_digest != draft.content_digest:
        raise CaseDraftOutdated(
            _(
                "The statuses, comments or measures have changed since this draft was made, "
                "or another case has been sent since. Make a new draft and look it over "
                "before you send it."
            )
        )
    files = {"pdf": bytes(draft.pdf), "docx": bytes(draft.docx)}
    sender, sender_name = _who(user, SentCase.Via.WEB)
    fields = {
        "plan": plan,
        "round": draft.round,
        "annual": draft.annual,
        **_fields(draft.details()),
        "inputs_digest": draft.inputs_digest,
        "statuses": draft.statuses,
        "statuses_at": draft.statuses_at,
        "made_at": draft.made_at,
        "made_by": draft.made_by,
        "made_by_name": draft.made_by_name,
        "sent_by": sender,
        "sent_by_name": sender_name,
        "sent_via": SentCase.Via.WEB,
    }
    return _archive(fields, now.content, files, after=lambda sent: draft.delete())


def send_case(
    *,
    plan: Plan,
    round: ReportingRound | None,
    details: CaseDetails,
    user: AnyUser,
    via: str = SentCase.Via.COMMAND,
    annual: bool = False,
    rendered: RenderedCase | None = None,
    before_commit: Callable[[SentCase], object] | None = None,
) -> SentCase:
    """Make the case and send it in one go (the command line): rendered first, outside the
    transaction (or by the caller, as `rendered`), then archived. `before_commit(sent)`
    runs inside the transaction, so that a file the command must write stands or falls
    with the archive entry."""
    prepared = (
        rendered.prepared
        if rendered is not None
        else prepare_case(plan=plan, round=round, details=details, annual=annual)
    )
    sent = existing_case(plan, prepared.inputs_digest)
    if sent is not None:
        raise CaseAlreadySent(sent)  # before the seconds the PDF takes
    rendered = rendered or render_all(prepared)
    who, name = _who(user, via)
    fields = {
        "plan": plan,
        "round": round,
        "annual": annual,
        **_fields(details),
        "inputs_digest": prepared.inputs_digest,
        "statuses": prepared.statuses,
        "statuses_at": prepared.statuses_at,
        "made_by": who,
        "made_by_name": name,
        "sent_by": who,
        "sent_by_name": name,
        "sent_via": via,
    }
    files = {"pdf": rendered.pdf, "docx": rendered.docx}
    return _archive(fields, prepared.content, files, after=before_commit)


def _archive(
    fields: dict[str, Any],
    content: CaseContent,
    files: dict[str, bytes],
    *,
    after: Callable[[SentCase], object] | None,
) -> SentCase:
    """One sent case with its files, in one short transaction. Two sends of the same
    inputs at once meet the unique constraint: the second is refused like the first."""
    plan = fields["plan"]
    try:
        with transaction.atomic():
            sent = SentCase.objects.create(**fields)
            for fmt, data in files.items():
                CaseDocument.objects.create(
                    sent_case=sent,
                    plan=plan,
                    round=sent.round,
                    format=fmt,
                    annual=sent.annual,
                    content_type=FORMATS[fmt].content_type,
                    filename=case_filename(content, fmt),
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    data=data,
                    case_number=sent.case_number,
                    title=sent.title,
                    background=sent.background,
                    proposed_resolution=sent.proposed_resolution,
                    place=sent.place,
                    date=sent.date,
                    signer_name=sent.signer_name,
                    signer_title=sent.signer_title,
                    created_at=sent.sent_at,
                    created_by=sent.sent_by,
                    created_by_name=sent.sent_by_name,
                    created_via=sent.sent_via,
                )
            if after is not None:
                after(sent)
    except IntegrityError:
        existing = existing_case(plan, fields["inputs_digest"])
        if existing is None:
            raise
        raise CaseAlreadySent(existing) from None
    return sent


# --- Archive export -------------------------------------------------------------------------

_ARCHIVE_FORMATS = {"pdf": ("PDF/A-2b", True), "docx": ("DOCX (Office Open XML)", False)}


def noark_package(sent: SentCase) -> tuple[str, bytes]:
    """(file name, zip) of a sent case as a Noark 5-style transfer package:
    planstatus.lib.reports.noark, described in docs/noark.md."""
    documents = sorted(sent.documents.all(), key=lambda d: d.format != "pdf")
    files = tuple(
        noark.ArchiveFile(
            filename=d.filename,
            data=bytes(d.data),
            format=_ARCHIVE_FORMATS[d.format][0],
            media_type=d.content_type.split(";")[0],
            archival=_ARCHIVE_FORMATS[d.format][1],
        )
        for d in documents
        if d.format in _ARCHIVE_FORMATS
    )
    region = sent.plan.region
    case = noark.ArchiveCase(
        key=f"{region.slug}:{sent.plan.slug}:sak:{sent.pk}:{sent.inputs_digest}",
        case_number=sent.case_number,
        title=sent.title,
        document_title=f"Sak {sent.case_number} {sent.title}".strip(),
        case_date=sent.date,
        owner=region.council_name or region.name,
        description=sent.plan.title,
        sent_at=timezone.localtime(sent.sent_at),
        sent_by=sent.sent_by_name or WORDING.credit_secretariat,
        files=files,
    )
    number = slugify(sent.case_number.replace("/", "-")) or "utan-nummer"
    return f"arkivpakke-sak-{number}-{slugify(sent.plan.title)[:60]}.zip", noark.package(case)
