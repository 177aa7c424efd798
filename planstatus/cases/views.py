from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from planstatus.accounts.roles import can_edit
from planstatus.cases.forms import ANNUAL_REPORT, NOW, STATUS_CASE, CaseForm
from planstatus.cases.models import CaseDocument
from planstatus.cases.services import (
    CaseError,
    build_case_content,
    case_context,
    case_details_for,
    closed_rounds,
    generate_case,
)
from planstatus.core.forms import posted
from planstatus.plans.access import get_plan_for_member
from planstatus.plans.models import Plan
from planstatus.reporting.models import ReportingRound


@login_required
def case_page(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    """The archive of the plan's cases; for the secretariat also the form that makes one."""
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    editor = can_edit(request.user, plan.region)
    if request.method == "POST" and not editor:
        raise PermissionDenied
    form = None
    if editor:
        details = case_details_for(plan)
        initial = {"round": NOW, "kind": STATUS_CASE, **asdict(details)}
        form = CaseForm(posted(request), plan=plan, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                document = generate_case(
                    plan=plan,
                    round=form.chosen_round(),
                    details=form.details(),
                    fmt=form.cleaned_data["format"],
                    user=request.user,
                    annual=form.annual(),
                )
            except CaseError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    _("Case %(number)s is made and archived: %(file)s.")
                    % {"number": document.case_number, "file": document.filename},
                )
                return redirect(reverse("case_page", args=[region_slug, plan_slug]))
    documents = (
        CaseDocument.objects.filter(plan=plan).defer("data", "background").select_related("round")
    )
    return render(
        request,
        "cases/case_page.html",
        {
            "plan": plan,
            "region": plan.region,
            "form": form,
            "documents": documents,
            "rounds": closed_rounds(plan),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def case_print(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    """The case as a print-friendly page (`?round=<id>` or `now`, `&kind=annual` for the
    annual report), with the saved fields."""
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    round = _round_from(plan, request.GET.get("round", NOW))
    content = build_case_content(
        plan=plan,
        round=round,
        details=case_details_for(plan),
        annual=request.GET.get("kind") == ANNUAL_REPORT,
    )
    context = case_context(content, standalone=False)
    context["back_url"] = reverse("case_page", args=[region_slug, plan_slug])
    return render(request, "cases/case_document.html", context)


def _round_from(plan: Plan, value: str) -> ReportingRound | None:
    if value == NOW:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(
        ReportingRound, plan=plan, pk=int(value), state=ReportingRound.State.CLOSED
    )


@login_required
def case_download(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """An archived case, byte for byte as it was made."""
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    document = get_object_or_404(CaseDocument, plan=plan, pk=pk)
    response = HttpResponse(bytes(document.data), content_type=document.content_type)
    disposition = content_disposition_header(as_attachment=True, filename=document.filename)
    response["Content-Disposition"] = disposition or "attachment"
    response["Content-Length"] = str(document.size)
    return response
