"""The secretariat's lineage page: which earlier plans a plan builds on, and which of their
items its items carry on. Members may look; only the secretariat changes anything."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from planstatus.accounts.roles import can_edit
from planstatus.core.forms import posted
from planstatus.core.http import HtmxHttpRequest
from planstatus.plans.access import get_plan_for_editor, get_plan_for_member
from planstatus.plans.actions.lineage import (
    LineageError,
    decide_continuation,
    set_predecessors,
    suggest_continuations,
)
from planstatus.plans.forms import DecisionForm, PredecessorsForm, SuggestForm
from planstatus.plans.messages import lineage_message
from planstatus.plans.models import Continuation, Plan


def _lineage_url(plan: Plan) -> str:
    return reverse("lineage", args=[plan.region.slug, plan.slug])


@login_required
def lineage(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    editor = can_edit(request.user, plan.region)
    if request.method == "POST" and not editor:
        raise PermissionDenied
    others = [p for p in plan.region.plans.all() if p.pk != plan.pk]
    form = PredecessorsForm(posted(request), plan=plan, choices=others)
    if request.method == "POST" and form.is_valid():
        try:
            set_predecessors(
                plan=plan, predecessors=form.cleaned_data["predecessors"], user=request.user
            )
        except LineageError as refused:
            form.add_error("predecessors", lineage_message(refused))
        else:
            messages.success(request, _("The earlier plans are saved."))
            return redirect(_lineage_url(plan))
    links = list(Continuation.objects.filter(later_plan=plan).with_items())
    by_state: dict[str, list[Continuation]] = {state: [] for state in Continuation.State}
    for link in links:
        by_state[link.state].append(link)
    predecessors = [p for p in others if p.pk in form.initial["predecessors"]]
    return render(
        request,
        "plans/lineage.html",
        {
            "plan": plan,
            "can_edit": editor,
            "form": form,
            "predecessors": predecessors,
            "suggested": by_state[Continuation.State.SUGGESTED],
            "confirmed": by_state[Continuation.State.CONFIRMED],
            "rejected": by_state[Continuation.State.REJECTED],
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def suggest(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    form = SuggestForm(request.POST, plan=plan)
    if not form.is_valid():
        for error in form.errors.get("predecessor", []):
            messages.error(request, str(error))
        return redirect(_lineage_url(plan))
    try:
        new = suggest_continuations(plan=plan, predecessor=form.cleaned_data["predecessor"])
    except LineageError as refused:
        messages.error(request, lineage_message(refused))
        return redirect(_lineage_url(plan))
    messages.success(
        request,
        ngettext("%(n)s new suggestion.", "%(n)s new suggestions.", len(new)) % {"n": len(new)},
    )
    return redirect(_lineage_url(plan))


@require_POST
@login_required
def decide(request: HtmxHttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    link = Continuation.objects.filter(later_plan=plan, pk=pk).with_items().first()
    if link is None:
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        link = decide_continuation(link=link, accept=form.cleaned_data["accept"], user=request.user)
        link = Continuation.objects.with_items().get(pk=link.pk)
        if not request.htmx:
            if link.state == Continuation.State.CONFIRMED:
                messages.success(request, _("The link is confirmed."))
            else:
                messages.success(request, _("The suggestion is rejected."))
            return redirect(_lineage_url(plan) + f"#lenke-{link.pk}")
    elif not request.htmx:
        messages.error(request, _("Choose confirm or reject."))
        return redirect(_lineage_url(plan))
    return render(
        request,
        "plans/_continuation_row.html",
        {"link": link, "plan": plan, "can_edit": True, "just_decided": form.is_valid()},
        status=200 if form.is_valid() else 400,
    )
