"""The pages that show several apps together, so they sit above all of them: a region's
story with its stated figures (indicators), a plan with its rounds (reporting), its status
cases (cases) and downloads (api), the dashboard with progress over rounds, and a measure
with its status form, whose save counts in the plan's open round.

Each app lends what it owns: functions that fetch and partial templates that show. A lower
app never includes a higher app's template; the page here puts them together.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planstatus.accounts.roles import can_edit, can_read_internal
from planstatus.feedback.forms import InputForm
from planstatus.feedback.reads import published_inputs
from planstatus.indicators.services import check_region_facts
from planstatus.lib.status import Status
from planstatus.pages.work import my_work as my_work_of
from planstatus.plans import audit as plans_audit
from planstatus.plans.access import (
    get_measure_for_editor,
    get_measure_for_user,
    get_plan_for_user,
    get_region_for_member,
    get_region_for_user,
    visible_plans,
)
from planstatus.plans.actions.status import StatusConflict, roll_up_status
from planstatus.plans.audit import LogFilters, kind_choices, measure_audit_log, region_change_log
from planstatus.plans.dashboard import area_chart, build_dashboard, filter_choices, read_filters
from planstatus.plans.forms import (
    ChangeLogForm,
    DashboardForm,
    MilestoneForm,
    NewsForm,
    SearchForm,
    StatusForm,
)
from planstatus.plans.groups import group_reporting
from planstatus.plans.lineage import item_chain, plan_outcomes, region_story
from planstatus.plans.models import Measure, MeasureNews, Plan
from planstatus.plans.outline import build_plan_outline
from planstatus.reporting import audit as reporting_audit
from planstatus.reporting.actions.reports import report_status
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.forms import RoundChoiceForm
from planstatus.reporting.messages import conflict_message, refusal_message
from planstatus.reporting.progress import progress_over_time, timeline_chart
from planstatus.reporting.reads import (
    changes_since_previous,
    measure_submissions_pending,
    plan_rounds,
    previous_closed_round,
    snapshot_statuses,
)


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """«Mitt arbeid»: where a member lands after logging in. Someone who is a member of no
    region has nothing waiting here and goes on to the front page."""
    assert isinstance(request.user, User)
    regions = my_work_of(request.user, today=timezone.localdate())
    if not regions:
        return redirect("index")
    return render(request, "pages/my_work.html", {"regions": regions})


def region_detail(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_user(request.user, region_slug)
    municipalities = list(region.municipalities.prefetch_related("populations"))
    story = region_story(region, visible=visible_plans(request.user))
    return render(
        request,
        "pages/region_detail.html",
        {
            "region": region,
            "municipalities": municipalities,
            "story": story,
            "fact_checks": check_region_facts(region, municipalities),
            "is_member": can_read_internal(request.user, region),
            "can_edit": can_edit(request.user, region),
            "import_url": reverse("import_upload", args=[region.slug]),
            # The feed is what the public sees: it exists once a plan is published.
            "has_feed": region.plans.filter(published=True).exists(),
            "search_form": SearchForm() if story.timeline else None,
        },
    )


# Every kind of change the region's log and a measure's history show: plans' own, then
# reporting's rounds and reports awaiting approval.
LOG_SOURCES = [*plans_audit.SOURCES, *reporting_audit.SOURCES]


@login_required
def region_log(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_member(request.user, region_slug)
    form = ChangeLogForm(request.GET or None, region=region, kinds=kind_choices(LOG_SOURCES))
    filters = LogFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = LogFilters(
            kind=data["slag"],
            user=data["person"],
            since=data["fra"],
            until=data["til"],
            measure=data["tiltak"],
        )
    log = region_change_log(region, filters, request.GET.get("side"), sources=LOG_SOURCES)
    # The page links keep the filters: the query without its page number.
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "pages/region_log.html",
        {
            "region": region,
            "form": form,
            "filters": filters,
            "log": log,
            "query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


LATEST_NEWS = 5


def latest_news(plan: Plan) -> list[MeasureNews]:
    """The plan's newest updates across its measures, with their measures and files."""
    return list(
        MeasureNews.objects.filter(
            measure__focus_area__plan=plan, measure__archived_at__isnull=True
        )
        .select_related("measure")
        .prefetch_related("attachments")[:LATEST_NEWS]
    )


def plan_detail(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    rounds = plan_rounds(plan)
    form = RoundChoiceForm(request.GET, rounds=[r for r in rounds if not r.is_open])
    shown = form.cleaned_data["runde"] if form.is_valid() else None
    if form.errors:
        messages.error(request, _("There is no such closed round; the plan is shown as it is now."))
    visible = visible_plans(request.user)
    outline = build_plan_outline(plan, snapshot_statuses(shown) if shown else None)
    outcomes = None
    internal = can_read_internal(request.user, plan.region)
    if plan.state == Plan.State.ARCHIVED:
        # «Not linked yet» is the secretariat's to-do, not something readers are told.
        outcomes = plan_outcomes(
            plan, outline, visible=visible, internal=can_edit(request.user, plan.region)
        )
        for m in outline.measures:
            m.outcome = outcomes.measures[m.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "pages/plan_detail.html",
        {
            "plan": plan,
            "can_edit": can_edit(request.user, plan.region),
            "is_member": internal,
            "round_form": form,
            "shown_round": shown,
            "open_round": next((r for r in rounds if r.is_open), None),
            "outline": outline,
            "outcomes": outcomes,
            "changes": changes_since_previous(shown) if shown else [],
            "latest_news": latest_news(plan) if not shown else [],
            # Lateness is a judgement about now: marked on the plan as it is, not at a round.
            "mark_overdue": shown is None,
            "previous": previous_closed_round(shown) if shown else None,
        },
    )


def _measure_page(
    request: HttpRequest,
    measure: Measure,
    status_form: StatusForm | None = None,
    status: int | None = None,
) -> HttpResponse:
    plan = measure.focus_area.plan
    internal = can_read_internal(request.user, plan.region)
    editor = can_edit(request.user, plan.region)
    today = timezone.localdate()
    history = list(
        measure.status_updates.select_related(
            "created_by",
            "member",
            "round_report__actor",
            "round_report__round",
            "round_report__contact_person",
        )
    )
    duplicates = (
        plan.measures().filter(code=measure.code).exclude(pk=measure.pk) if measure.code else []
    )
    group = group_reporting([measure.pk]).get(measure.pk) if measure.has_group_responsible else None
    if editor and status_form is None:
        # The measure's own latest update: on a group measure the members' reports are
        # in the history too, but the form sets the overall status.
        latest = next((u for u in history if u.member_id is None), None)
        status_form = StatusForm(
            initial={
                "status": measure.current_status,
                "expected_previous": latest.pk if latest else None,
            }
        )
    return render(
        request,
        "pages/measure_detail.html",
        {
            "plan": plan,
            "measure": measure,
            "history": history,
            "duplicates": list(duplicates),
            "internal": internal,
            "can_edit": editor,
            "status_form": status_form,
            "milestones": measure.milestone_list,
            "milestone_form": MilestoneForm() if editor else None,
            "news": list(measure.news.prefetch_related("attachments")),
            "news_form": NewsForm(initial={"date": today}) if editor else None,
            "today": today,
            "overdue": measure.is_overdue(today),
            "group": group,
            # Members see reports awaiting approval, marked; the public sees only approved ones.
            "pending": list(measure_submissions_pending(measure)) if internal else [],
            "chain": item_chain(measure, region=plan.region, visible=visible_plans(request.user)),
            # Anyone may give input on a published plan's measure; only answers the
            # secretariat published are shown.
            "input_form": InputForm() if plan.published else None,
            "answered_inputs": published_inputs(measure),
        },
        status=status or (400 if status_form is not None and status_form.errors else 200),
    )


def measure_detail(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    measure = get_measure_for_user(request.user, region_slug, plan_slug, pk)
    return _measure_page(request, measure)


def measure_log(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """The measure's change log, for its region's members: the measure page fetches it when
    the reader reaches it (one query per kind of change, and the diffs, which a reader of
    the status alone should not pay for). Without JavaScript the page links to the region's
    log filtered to the measure instead."""
    measure = get_measure_for_user(request.user, region_slug, plan_slug, pk)
    if not can_read_internal(request.user, measure.focus_area.plan.region):
        raise Http404
    return render(
        request,
        "pages/_measure_log.html",
        {
            "measure": measure,
            "plan": measure.focus_area.plan,
            "entries": measure_audit_log(measure, sources=LOG_SOURCES),
        },
    )


@require_POST
@login_required
def measure_status(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    measure = get_measure_for_editor(request.user, region_slug, plan_slug, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _measure_page(request, measure, status_form=form)
    try:
        report_status(
            measure=measure,
            status=Status(form.cleaned_data["status"]),
            comment=form.cleaned_data["comment"],
            comment_is_public=form.cleaned_data["comment_is_public"],
            evidence_url=form.cleaned_data["evidence_url"],
            user=request.user,
            expected_previous=form.cleaned_data["expected_previous"],
        )
    except StatusConflict as conflict:
        # The form keeps what was written; saving again now overrides the newer status.
        data = request.POST.copy()
        data["expected_previous"] = str(conflict.latest.pk) if conflict.latest else ""
        form = StatusForm(data)
        form.is_valid()
        form.add_error(None, conflict_message(conflict))
        return _measure_page(request, measure, status_form=form, status=409)
    except RoundError as refused:
        field = "comment" if refused.code == Refusal.REASON_REQUIRED else None
        form.add_error(field, refusal_message(refused))
        return _measure_page(request, measure, status_form=form)
    messages.success(request, _("The status is saved."))
    return redirect(measure)


@require_POST
@login_required
def measure_follow_rule(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    """The secretariat lets the members' reports decide a group measure's status again."""
    measure = get_measure_for_editor(request.user, region_slug, plan_slug, pk)
    if roll_up_status(measure=measure, user=request.user, by_hand_too=True) is not None:
        messages.success(request, _("The overall status follows the members' reports again."))
    return redirect(measure)


def dashboard(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    areas, actors, years = filter_choices(plan)
    form = DashboardForm(request.GET, areas=areas, actors=actors, years=years)
    filters = read_filters(form)
    board = build_dashboard(plan=plan, filters=filters, areas=areas, today=timezone.localdate())
    timeline = progress_over_time(plan, board.everything)
    return render(
        request,
        "pages/dashboard.html",
        {
            "plan": plan,
            "form": form,
            "filters": filters,
            "board": board,
            "timeline": timeline,
            "area_chart": area_chart(board),
            "timeline_chart": timeline_chart(timeline) if len(timeline) > 1 else None,
        },
        status=400 if form.errors else 200,
    )
