from __future__ import annotations

from dataclasses import asdict

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from planstatus.accounts.roles import can_edit
from planstatus.cases.forms import ANNUAL_REPORT, NOW, STATUS_CASE, CaseForm
from planstatus.cases.models import CaseDocument, CaseDraft, SentCase
from planstatus.cases.services import (
    CaseAlreadySent,
    CaseError,
    build_case_content,
    case_context,
    case_details_for,
    closed_rounds,
    delete_case_draft,
    draft_filename,
    make_case_draft,
    noark_package,
    send_case_draft,
)
from planstatus.core.forms import posted
from planstatus.lib.reports import FORMATS
from planstatus.plans.access import get_plan_for_member
from planstatus.plans.models import Plan
from planstatus.reporting.models import ReportingRound


@login_required
def case_page(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    """The plan's drafts and sent cases; for the secretariat also the form that makes a
    draft. `?utkast=<id>` previews that draft (else the newest)."""
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
                draft = make_case_draft(
                    plan=plan,
                    round=form.chosen_round(),
                    details=form.details(),
                    user=request.user,
                    annual=form.annual(),
                )
            except CaseError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    _(
                        "The draft of case %(number)s is made. Look it over below "
                        "before you send it."
                    )
                    % {"number": draft.case_number},
                )
                return redirect(_draft_url(plan, draft))
    status = 400 if form is not None and form.errors else 200
    return _case_page(request, plan, form=form, status=status)


def _draft_url(plan: Plan, draft: CaseDraft) -> str:
    page = reverse("case_page", args=[plan.region.slug, plan.slug])
    return f"{page}?utkast={draft.pk}#forhandsvising"


def _case_page(
    request: HttpRequest,
    plan: Plan,
    *,
    form: CaseForm | None = None,
    status: int = 200,
    already_sent: SentCase | None = None,
) -> HttpResponse:
    drafts = list(CaseDraft.objects.filter(plan=plan).defer("html", "pdf", "docx"))
    shown = drafts[0] if drafts else None
    wanted = request.GET.get("utkast", "")
    if wanted.isdigit():
        shown = next((d for d in drafts if d.pk == int(wanted)), shown)
    files = CaseDocument.objects.defer("data", "background").order_by("format")
    sent = (
        SentCase.objects.filter(plan=plan)
        .select_related("round")
        .prefetch_related(Prefetch("documents", queryset=files))
    )
    return render(
        request,
        "cases/case_page.html",
        {
            "plan": plan,
            "region": plan.region,
            "form": form,
            "editor": can_edit(request.user, plan.region),
            "drafts": drafts,
            "shown": shown,
            "sent_cases": sent,
            "rounds": closed_rounds(plan),
            "already_sent": already_sent,
        },
        status=status,
    )


def _draft(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> CaseDraft:
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    draft = get_object_or_404(CaseDraft, plan=plan, pk=pk)
    draft.plan = plan
    return draft


# The draft's own page, shown in a frame on the case page: a self-contained document with
# its stylesheet inline, which fetches nothing and runs nothing.
_PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "frame-ancestors": [SELF],
    "base-uri": [NONE],
    "form-action": [NONE],
    "sandbox": [True],
}


@require_safe
@login_required
@xframe_options_sameorigin
def case_draft_preview(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    """The draft as the web page it was rendered as, for the preview frame."""
    draft = _draft(request, region_slug, plan_slug, pk)
    response = HttpResponse(draft.html, content_type=FORMATS["html"].content_type)
    response["Cache-Control"] = "private, no-store"
    # What django-csp's @csp decorator sets; its typing takes no views with URL arguments.
    setattr(response, "_csp_config", _PREVIEW_POLICY)  # noqa: B010
    return response


@require_safe
@login_required
def case_draft_file(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int, fmt: str
) -> HttpResponse:
    """A draft's PDF, Word file or web page, to download and read before sending."""
    draft = _draft(request, region_slug, plan_slug, pk)
    if fmt not in FORMATS:
        raise Http404
    return _attachment(draft.file(fmt), FORMATS[fmt].content_type, draft_filename(draft, fmt))


@require_POST
@login_required
def case_draft_delete(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    draft = _draft(request, region_slug, plan_slug, pk)
    if not can_edit(request.user, draft.plan.region):
        raise PermissionDenied
    delete_case_draft(draft=draft)
    messages.success(
        request, _("The draft of case %(number)s is deleted.") % {"number": draft.case_number}
    )
    return redirect(reverse("case_page", args=[region_slug, plan_slug]))


@require_POST
@login_required
def case_draft_send(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    """«Send til politisk behandling»: the draft's PDF and Word file become the archived
    case. A case already sent with the same inputs is refused, with a link to it."""
    draft = _draft(request, region_slug, plan_slug, pk)
    plan = draft.plan
    if not can_edit(request.user, plan.region):
        raise PermissionDenied
    try:
        sent = send_case_draft(draft=draft, user=request.user)
    except CaseAlreadySent as e:
        messages.error(request, str(e))
        return _case_page(request, plan, status=409, already_sent=e.existing)
    except CaseError as e:
        messages.error(request, str(e))
        return _case_page(request, plan, status=409)
    messages.success(
        request,
        _("Case %(number)s is sent to political treatment and archived, PDF and Word file.")
        % {"number": sent.case_number},
    )
    return redirect(sent.get_absolute_url())


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


@require_safe
@login_required
def case_download(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """A file of a sent case, byte for byte as it was archived."""
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    document = get_object_or_404(CaseDocument, plan=plan, pk=pk)
    return _attachment(bytes(document.data), document.content_type, document.filename)


@require_safe
@login_required
def case_export(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """A sent case as a Noark 5-style transfer package (docs/noark.md)."""
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    sent = get_object_or_404(SentCase.objects.select_related("plan__region"), plan=plan, pk=pk)
    if not sent.exportable:
        raise Http404
    filename, data = noark_package(sent)
    return _attachment(data, "application/zip", filename)


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    response["Content-Disposition"] = disposition or "attachment"
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-store"
    return response
