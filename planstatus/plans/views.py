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

from planstatus.accounts.roles import can_edit, is_installation_admin
from planstatus.core.forms import posted
from planstatus.core.http import HtmxHttpRequest
from planstatus.plans.access import (
    get_measure_for_editor,
    get_plan_for_editor,
    get_plan_for_user,
    get_region_for_editor,
    get_region_for_member,
    visible_regions,
)
from planstatus.plans.actions.measures import update_measure
from planstatus.plans.actions.milestones import (
    add_milestone,
    set_milestone_done,
    update_milestone,
)
from planstatus.plans.audit import region_audit_log
from planstatus.plans.dashboard import actor_matrix as build_actor_matrix
from planstatus.plans.dashboard import (
    build_dashboard,
    filter_choices,
    plan_measures,
    read_filters,
)
from planstatus.plans.forms import (
    ActorForm,
    DashboardForm,
    MeasureForm,
    MilestoneDoneForm,
    MilestoneForm,
    PlanSettingsForm,
)
from planstatus.plans.models import Measure, MeasureActor, Milestone
from planstatus.plans.outline import count_statuses
from planstatus.plans.timeline import build_timeline
from planstatus.regions.models import Actor, Region


def index(request: HttpRequest) -> HttpResponse:
    regions = visible_regions(request.user).order_by("name")
    return render(
        request,
        "plans/index.html",
        {"regions": regions, "can_add_region": is_installation_admin(request.user)},
    )


@login_required
def region_log(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_member(request.user, region_slug)
    return render(
        request, "plans/region_log.html", {"region": region, "entries": region_audit_log(region)}
    )


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


def _milestones_url(measure: Measure) -> str:
    return measure.get_absolute_url() + "#milepelar"


@login_required
def milestone_add(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """The measure page's add form posts here; the page of its own serves it without the
    measure page and shows a refused form again with the person's text."""
    measure = get_measure_for_editor(request.user, region_slug, plan_slug, pk)
    form = MilestoneForm(posted(request))
    if request.method == "POST" and form.is_valid():
        add_milestone(
            measure=measure,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
            user=request.user,
        )
        messages.success(request, _("The milestone is added."))
        return redirect(_milestones_url(measure))
    return _form_page(
        request,
        form,
        title=_("New milestone for measure %(code)s") % {"code": measure.code},
        back=measure.get_absolute_url(),
        region=measure.focus_area.plan.region,
    )


def _milestone_for_editor(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int, milestone_pk: int
) -> Milestone:
    measure = get_measure_for_editor(request.user, region_slug, plan_slug, pk)
    milestone = get_object_or_404(Milestone, measure=measure, pk=milestone_pk)
    milestone.measure = measure
    return milestone


@login_required
def milestone_edit(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int, milestone_pk: int
) -> HttpResponse:
    milestone = _milestone_for_editor(request, region_slug, plan_slug, pk, milestone_pk)
    measure = milestone.measure
    form = MilestoneForm(
        posted(request), initial={"text": milestone.text, "due_on": milestone.due_on}
    )
    if request.method == "POST" and form.is_valid():
        update_milestone(
            milestone=milestone,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
            user=request.user,
        )
        messages.success(request, _("The milestone is saved. The earlier version is in the log."))
        return redirect(_milestones_url(measure))
    return _form_page(
        request,
        form,
        title=_("Edit milestone for measure %(code)s") % {"code": measure.code},
        back=measure.get_absolute_url(),
        region=measure.focus_area.plan.region,
    )


@require_POST
@login_required
def milestone_done(
    request: HtmxHttpRequest, region_slug: str, plan_slug: str, pk: int, milestone_pk: int
) -> HttpResponse:
    """Mark a milestone done or open again: htmx swaps the one item, a plain form reloads."""
    milestone = _milestone_for_editor(request, region_slug, plan_slug, pk, milestone_pk)
    form = MilestoneDoneForm(request.POST)
    form.is_valid()  # one optional checkbox: always valid
    today = timezone.localdate()
    set_milestone_done(
        milestone=milestone, done=form.cleaned_data["done"], day=today, user=request.user
    )
    if not request.htmx:
        messages.success(request, _("The milestone is saved. The earlier version is in the log."))
        return redirect(_milestones_url(milestone.measure))
    measure = milestone.measure
    return render(
        request,
        "plans/_milestone.html",
        {
            "milestone": milestone,
            "measure": measure,
            "plan": measure.focus_area.plan,
            "can_edit": True,
            "today": today,
        },
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


def timeline(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    """The plan's measures over its years, with the dashboard's filters and a table that says
    the same in words."""
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    areas, actors, years = filter_choices(plan)
    form = DashboardForm(request.GET, areas=areas, actors=actors, years=years)
    filters = read_filters(form)
    today = timezone.localdate()
    board = build_dashboard(plan=plan, filters=filters, areas=areas, today=today)
    return render(
        request,
        "plans/timeline.html",
        {
            "plan": plan,
            "form": form,
            "filters": filters,
            "board": board,
            "timeline": build_timeline(plan=plan, board=board, today=today),
            "clear_url": reverse("timeline", args=[plan.region.slug, plan.slug]),
        },
        status=400 if form.errors else 200,
    )
