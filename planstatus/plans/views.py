from __future__ import annotations

from dataclasses import dataclass

from csp.constants import SELF
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from planstatus.accounts.roles import can_edit, is_installation_admin
from planstatus.core.forms import posted
from planstatus.core.http import HtmxHttpRequest
from planstatus.core.status import status_label
from planstatus.lib.status import Status
from planstatus.plans import attachments
from planstatus.plans.access import (
    get_measure_for_editor,
    get_measure_for_user,
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
from planstatus.plans.actions.news import AttachmentRefused, add_news
from planstatus.plans.dashboard import actor_matrix as build_actor_matrix
from planstatus.plans.dashboard import (
    build_dashboard,
    filter_choices,
    plan_measures,
    read_filters,
)
from planstatus.plans.forms import (
    ATTACHMENT_PROBLEMS,
    ActorForm,
    DashboardForm,
    EmbedForm,
    EmbedOriginsForm,
    MeasureForm,
    MilestoneDoneForm,
    MilestoneForm,
    MunicipalityActorsForm,
    NewsForm,
    PlanSettingsForm,
)
from planstatus.plans.models import Measure, MeasureActor, Milestone, NewsAttachment, Plan
from planstatus.plans.outline import StatusCount, count_statuses
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
def measure_edit(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    measure = get_measure_for_editor(request.user, region_slug, plan_slug, pk)
    form = MeasureForm(posted(request), instance=Measure.objects.get(pk=measure.pk))
    if request.method == "POST" and form.is_valid():
        update_measure(
            measure=measure,
            text=form.cleaned_data["text"],
            timing_text=form.cleaned_data["timing_text"],
            note=form.cleaned_data["note"],
            note_is_public=form.cleaned_data["note_is_public"],
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
        roles = {link.role for link in m.links if link.actor_id == actor.pk}
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


# --- The embed for other web sites ------------------------------------------------------


@dataclass(frozen=True)
class BarSegment:
    status: Status
    count: int
    x: float  # per cent of the bar
    width: float

    @property
    def word(self) -> str:
        return status_label(self.status)


def _bar(counts: list[StatusCount], total: int) -> list[BarSegment]:
    segments, x = [], 0.0
    for c in counts:
        if c.count:
            width = 100 * c.count / total
            segments.append(BarSegment(c.status, c.count, round(x, 3), round(width, 3)))
            x += width
    return segments


@require_safe
def embed(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    """A small page for a municipality's web site: the plan's status counts and progress, or
    one focus area's (`?omrade=`) or one actor's (`?aktor=`), and a link to the plan.

    Public as the feeds are: what an anonymous visitor sees, whoever asks (a frame on
    another site carries no session anyway). No JavaScript. Only the sites the secretariat
    listed for the plan or its region may frame it; the rest of the site refuses all frames.
    """
    plan = get_plan_for_user(AnonymousUser(), region_slug, plan_slug)
    form = EmbedForm(request.GET, plan=plan)
    area = actor = None
    if form.is_valid():
        area, actor = form.cleaned_data["omrade"], form.cleaned_data["aktor"]
    measures = plan_measures(plan)
    if area is not None:
        measures = [m for m in measures if m.focus_area_id == area.pk]
    groups: list[Actor] = []
    if actor is not None:
        # «Våre tiltak»: every measure the actor has a part in, responsible or involved,
        # itself or as a member of a group («Kommunane»), where it reports for itself.
        groups = list(actor.groups.order_by("name"))
        ids = {actor.pk, *(g.pk for g in groups)}
        measures = [m for m in measures if any(link.actor_id in ids for link in m.links)]
    counts = count_statuses(measures)
    done = sum(c.count for c in counts if c.status == Status.DONE)
    response = render(
        request,
        "plans/embed.html",
        {
            "plan": plan,
            "area": area,
            "actor": actor,
            "groups": groups,
            "counts": counts,
            "total": len(measures),
            "done": done,
            "done_share": round(100 * done / len(measures)) if measures else 0,
            "segments": _bar(counts, len(measures)),
            "plan_url": request.build_absolute_uri(plan.get_absolute_url()),
            "refused": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )
    origins = plan.allowed_embed_origins()
    # django-csp replaces the site's `frame-ancestors 'none'` on this answer only.
    response._csp_replace = {"frame-ancestors": [SELF, *origins]}  # type: ignore[attr-defined]
    if origins:
        # X-Frame-Options cannot name another site; frame-ancestors decides for browsers.
        response.xframe_options_exempt = True
    else:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _embed_settings_page(
    request: HttpRequest,
    *,
    form: EmbedOriginsForm,
    title: str,
    back: str,
    region: Region,
    plan: Plan | None,
    inherited: list[str],
) -> HttpResponse:
    return render(
        request,
        "plans/embed_settings.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "region": region,
            "plan": plan,
            "inherited": inherited,
            "embed_url": request.build_absolute_uri(
                reverse("embed", args=[region.slug, plan.slug]) if plan else "/"
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def plan_embed_settings(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    form = EmbedOriginsForm(posted(request), initial={"origins": "\n".join(plan.embed_origins)})
    if request.method == "POST" and form.is_valid():
        plan.embed_origins = form.cleaned_data["origins"]
        plan.save(update_fields=["embed_origins", "updated_at"])
        messages.success(
            request, _("The list of sites is saved. The earlier version is in the log.")
        )
        return redirect(reverse("plan_embed_settings", args=[plan.region.slug, plan.slug]))
    return _embed_settings_page(
        request,
        form=form,
        title=_("Embed %(plan)s on other web sites") % {"plan": plan.title},
        back=plan.get_absolute_url(),
        region=plan.region,
        plan=plan,
        inherited=list(plan.region.embed_origins),
    )


@login_required
def region_embed_settings(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_editor(request.user, region_slug)
    form = EmbedOriginsForm(posted(request), initial={"origins": "\n".join(region.embed_origins)})
    if request.method == "POST" and form.is_valid():
        region.embed_origins = form.cleaned_data["origins"]
        region.save(update_fields=["embed_origins"])
        messages.success(
            request, _("The list of sites is saved. The earlier version is in the log.")
        )
        return redirect(reverse("region_embed_settings", args=[region.slug]))
    return _embed_settings_page(
        request,
        form=form,
        title=_("Sites that may embed the plans of %(region)s") % {"region": region.name},
        back=reverse("region", args=[region.slug]),
        region=region,
        plan=None,
        inherited=[],
    )


# --- Updates per measure («Kva har skjedd») and their attachments ---------------------


@login_required
def news_add(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """The measure page's form posts here (a page of its own shows a refused form again).
    A bad file refuses the whole update: the text comes back, nothing is stored."""
    measure = get_measure_for_editor(request.user, region_slug, plan_slug, pk)
    form = NewsForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            add_news(
                measure=measure,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
                user=request.user,
            )
        except AttachmentRefused as refused:
            message = ATTACHMENT_PROBLEMS[refused.problem] % {"name": refused.name}
            form.add_error("attachments", message)
        else:
            messages.success(request, _("The update is saved."))
            return redirect(measure.get_absolute_url() + "#kva-har-skjedd")
    return _form_page(
        request,
        form,
        title=_("What has happened with measure %(code)s") % {"code": measure.code},
        back=measure.get_absolute_url(),
        region=measure.focus_area.plan.region,
    )


@require_safe
def attachment(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int, attachment_pk: int
) -> HttpResponse:
    """An attachment, to whoever may see its measure, always as a download: never shown
    by the browser as a page of this site."""
    measure = get_measure_for_user(request.user, region_slug, plan_slug, pk)
    found = get_object_or_404(NewsAttachment, news__measure=measure, pk=attachment_pk)
    try:
        data = attachments.read_file(found.stored_name)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type=found.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=found.filename) or "attachment"
    )
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
