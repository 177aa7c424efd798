from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planstatus.accounts.roles import can_edit, can_read_internal
from planstatus.core.forms import posted
from planstatus.indicators.services import check_region_facts
from planstatus.plans.access import (
    get_measure_for_editor,
    get_measure_for_user,
    get_plan_for_editor,
    get_plan_for_user,
    get_region_for_editor,
    get_region_for_member,
    get_region_for_user,
    visible_plans,
    visible_regions,
)
from planstatus.plans.actions.measures import update_measure
from planstatus.plans.audit import measure_audit_log, region_audit_log
from planstatus.plans.dashboard import (
    Filters,
    area_chart,
    build_dashboard,
    filter_choices,
    plan_measures,
    progress_over_time,
    timeline_chart,
)
from planstatus.plans.dashboard import (
    actor_matrix as build_actor_matrix,
)
from planstatus.plans.forms import (
    ActorForm,
    DashboardForm,
    MeasureForm,
    PlanSettingsForm,
    RoundChoiceForm,
    StatusForm,
)
from planstatus.plans.lineage import (
    item_chain,
    plan_outcomes,
    region_story,
)
from planstatus.plans.models import Measure, MeasureActor, Plan, Status
from planstatus.plans.outline import build_plan_outline, count_statuses
from planstatus.regions.models import Actor, Region
from planstatus.reporting.rounds import (
    RoundError,
    StatusConflict,
    changes_since_previous,
    plan_rounds,
    previous_closed_round,
    set_status,
    snapshot_statuses,
)


def index(request: HttpRequest) -> HttpResponse:
    regions = visible_regions(request.user).order_by("name")
    return render(request, "plans/index.html", {"regions": regions})


def region_detail(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_user(request.user, region_slug)
    municipalities = list(region.municipalities.prefetch_related("populations"))
    story = region_story(region, visible=visible_plans(request.user))
    return render(
        request,
        "plans/region_detail.html",
        {
            "region": region,
            "municipalities": municipalities,
            "story": story,
            "fact_checks": check_region_facts(region, municipalities),
            "is_member": can_read_internal(request.user, region),
            "can_edit": can_edit(request.user, region),
        },
    )


@login_required
def region_log(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_member(request.user, region_slug)
    return render(
        request, "plans/region_log.html", {"region": region, "entries": region_audit_log(region)}
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
    if plan.state == Plan.State.ARCHIVED:
        outcomes = plan_outcomes(plan, outline, visible=visible)
        for m in outline.measures:
            m.outcome = outcomes.measures[m.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "can_edit": can_edit(request.user, plan.region),
            "is_member": can_read_internal(request.user, plan.region),
            "round_form": form,
            "shown_round": shown,
            "open_round": next((r for r in rounds if r.is_open), None),
            "outline": outline,
            "outcomes": outcomes,
            "changes": changes_since_previous(shown) if shown else [],
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
    history = list(
        measure.status_updates.select_related(
            "created_by", "round_report__actor", "round_report__round"
        )
    )
    duplicates = (
        plan.measures().filter(code=measure.code).exclude(pk=measure.pk) if measure.code else []
    )
    if editor and status_form is None:
        status_form = StatusForm(
            initial={
                "status": measure.current_status,
                "expected_previous": history[0].pk if history else None,
            }
        )
    return render(
        request,
        "plans/measure_detail.html",
        {
            "plan": plan,
            "measure": measure,
            "history": history,
            "duplicates": list(duplicates),
            "internal": internal,
            "can_edit": editor,
            "status_form": status_form,
            "audit": measure_audit_log(measure) if internal else [],
            "chain": item_chain(measure, region=plan.region, visible=visible_plans(request.user)),
        },
        status=status or (400 if status_form is not None and status_form.errors else 200),
    )


def measure_detail(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    measure = get_measure_for_user(request.user, region_slug, plan_slug, pk)
    return _measure_page(request, measure)


@require_POST
@login_required
def measure_status(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    measure = get_measure_for_editor(request.user, region_slug, plan_slug, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _measure_page(request, measure, status_form=form)
    try:
        set_status(
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
        form.add_error(None, str(conflict))
        return _measure_page(request, measure, status_form=form, status=409)
    except RoundError as refused:
        form.add_error(None, str(refused))
        return _measure_page(request, measure, status_form=form)
    messages.success(request, _("The status is saved."))
    return redirect(measure)


@login_required
def measure_edit(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    measure = get_measure_for_editor(request.user, region_slug, plan_slug, pk)
    form = MeasureForm(posted(request), instance=Measure.objects.get(pk=measure.pk))
    if request.method == "POST" and form.is_valid():
        update_measure(
            measure=measure,
            text=form.cleaned_data["text"],
            timing_text=form.cleaned_data["timing_text"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
        messages.success(request, _("The measure is saved. The earlier version is in the log."))
        return redirect(measure)
    return _form_page(
        request,
        form,
        title=_("Edit measure %(code)s") % {"code": measure.code},
        back=measure.get_absolute_url(),
        region=measure.focus_area.plan.region,
    )


@login_required
def plan_settings(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    form = PlanSettingsForm(posted(request), instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The plan is saved. The earlier version is in the log."))
        return redirect(plan)
    return _form_page(
        request,
        form,
        title=_("Settings for %(plan)s") % {"plan": plan.title},
        back=plan.get_absolute_url(),
        region=plan.region,
    )


@login_required
def actor_list(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_member(request.user, region_slug)
    actors = region.actors.annotate(
        responsible_count=Count(
            "measure_links", filter=Q(measure_links__role=MeasureActor.Role.RESPONSIBLE)
        ),
        involved_count=Count(
            "measure_links", filter=Q(measure_links__role=MeasureActor.Role.INVOLVED)
        ),
    ).order_by("name")
    return render(
        request,
        "plans/actor_list.html",
        {"region": region, "actors": actors, "can_edit": can_edit(request.user, region)},
    )


@login_required
def actor_edit(request: HttpRequest, region_slug: str, pk: int | None = None) -> HttpResponse:
    region = get_region_for_editor(request.user, region_slug)
    actor = get_object_or_404(Actor, region=region, pk=pk) if pk is not None else None
    form = ActorForm(posted(request), instance=actor, region=region)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("%(actor)s is saved.") % {"actor": saved.name})
        return redirect("actor_list", region_slug=region.slug)
    title = actor.name if actor else _("New actor")
    return _form_page(
        request,
        form,
        title=title,
        back=reverse("actor_list", args=[region.slug]),
        region=region,
    )


def _form_page(
    request: HttpRequest, form: forms.BaseForm, *, title: str, back: str, region: Region
) -> HttpResponse:
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "back": back, "region": region},
        status=400 if form.errors else 200,
    )


def dashboard(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    areas, actors, years = filter_choices(plan)
    form = DashboardForm(request.GET, areas=areas, actors=actors, years=years)
    filters = Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = Filters(
            area=data["omrade"],
            responsible=data["ansvar"],
            involved=data["involvert"],
            due_year=data["frist"],
            statuses=frozenset(Status(s) for s in data["status"]),
            overdue=data["forseinka"],
            text=data["q"].strip(),
        )
    board = build_dashboard(plan=plan, filters=filters, areas=areas, today=timezone.localdate())
    timeline = progress_over_time(plan, board.everything)
    return render(
        request,
        "plans/dashboard.html",
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


def actor_matrix(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    areas = list(plan.focus_areas.all())
    return render(
        request,
        "plans/actor_matrix.html",
        {"plan": plan, "areas": areas, "rows": build_actor_matrix(plan, areas)},
    )


def plan_actor(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    actor = get_object_or_404(Actor, region=plan.region, pk=pk)
    today = timezone.localdate()
    responsible, involved = [], []
    for m in plan_measures(plan):
        roles = {link.role for link in m.actor_links.all() if link.actor_id == actor.pk}
        m.overdue = m.is_overdue(today)  # type: ignore[attr-defined]
        if MeasureActor.Role.RESPONSIBLE in roles:
            responsible.append(m)
        elif MeasureActor.Role.INVOLVED in roles:
            involved.append(m)
    if not responsible and not involved:
        raise Http404
    return render(
        request,
        "plans/plan_actor.html",
        {
            "plan": plan,
            "actor": actor,
            "responsible": responsible,
            "involved": involved,
            "responsible_counts": count_statuses(responsible),
        },
    )
