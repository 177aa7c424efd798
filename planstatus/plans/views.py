from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from planstatus.accounts.roles import can_edit, is_installation_admin
from planstatus.core.forms import posted
from planstatus.plans.access import (
    get_measure_for_editor,
    get_plan_for_editor,
    get_plan_for_user,
    get_region_for_editor,
    get_region_for_member,
    visible_regions,
)
from planstatus.plans.actions.measures import update_measure
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
    MunicipalityActorsForm,
    PlanSettingsForm,
)
from planstatus.plans.models import Measure, MeasureActor
from planstatus.plans.outline import count_statuses
from planstatus.plans.timeline import build_timeline
from planstatus.regions.models import Actor, Region
from planstatus.regions.services import ensure_municipality_actors


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
    actors = actors.prefetch_related(
        Prefetch("members", queryset=Actor.objects.order_by("name")),
        Prefetch("groups", queryset=Actor.objects.order_by("name")),
    )
    editor = can_edit(request.user, region)
    return render(
        request,
        "plans/actor_list.html",
        {
            "region": region,
            "actors": actors,
            "can_edit": editor,
            "without_actor": (
                list(region.municipalities.filter(actor__isnull=True)) if editor else []
            ),
        },
    )


@login_required
def actor_edit(request: HttpRequest, region_slug: str, pk: int | None = None) -> HttpResponse:
    region = get_region_for_editor(request.user, region_slug)
    actor = get_object_or_404(Actor, region=region, pk=pk) if pk is not None else None
    form = ActorForm(posted(request), instance=actor, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except ValidationError as refusal:
            form.add_error("members", refusal.messages)
        else:
            messages.success(request, _("%(actor)s is saved.") % {"actor": saved.name})
            return redirect("actor_list", region_slug=region.slug)
    return render(
        request,
        "plans/actor_edit.html",
        {
            "form": form,
            "title": actor.name if actor else _("New actor"),
            "back": reverse("actor_list", args=[region.slug]),
            "region": region,
            "actor": actor,
            "groups": list(actor.groups.all()) if actor else [],
            "without_actor": list(region.municipalities.filter(actor__isnull=True)),
            "municipality_form": MunicipalityActorsForm(region=region, initial={"actor": actor}),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def municipality_actors(request: HttpRequest, region_slug: str) -> HttpResponse:
    """Give each municipality of the region an actor of its own (one that is already written
    «<name> kommune» is tied to it, not doubled), so that groups can have them as members."""
    region = get_region_for_editor(request.user, region_slug)
    form = MunicipalityActorsForm(request.POST, region=region)
    if not form.is_valid():
        messages.error(request, _("The form was out of date; nothing was made. Try again."))
        return redirect("actor_list", region_slug=region.slug)
    had_actor = set(region.municipalities.filter(actor__isnull=False).values_list("pk", flat=True))
    actors = ensure_municipality_actors(region=region)
    new = [a.name for a in actors if a.municipality_id not in had_actor]
    if new:
        messages.success(
            request,
            ngettext(
                "%(n)s municipality now has an actor: %(names)s.",
                "%(n)s municipalities now have an actor each: %(names)s.",
                len(new),
            )
            % {"n": len(new), "names": ", ".join(new)},
        )
    else:
        messages.info(request, _("Every municipality already has an actor."))
    back = form.cleaned_data["actor"]
    if back is not None:
        return redirect("actor_edit", region_slug=region.slug, pk=back.pk)
    return redirect("actor_list", region_slug=region.slug)


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
    members = list(actor.members.order_by("name")) if actor.is_group else []
    groups = list(actor.groups.order_by("name"))
    group_ids = {group.pk for group in groups}
    today = timezone.localdate()
    responsible, involved, through_groups = [], [], []
    for m in plan_measures(plan):
        roles = {link.role for link in m.actor_links.all() if link.actor_id == actor.pk}
        m.overdue = m.is_overdue(today)  # type: ignore[attr-defined]
        if MeasureActor.Role.RESPONSIBLE in roles:
            responsible.append(m)
        elif MeasureActor.Role.INVOLVED in roles:
            involved.append(m)
        elif any(
            link.actor_id in group_ids and link.role == MeasureActor.Role.RESPONSIBLE
            for link in m.actor_links.all()
        ):
            # A member reports for itself on its group's measures.
            through_groups.append(m)
    if not responsible and not involved and not through_groups and not groups:
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
            "members": members,
            "groups": groups,
            "through_groups": through_groups,
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
