"""Plan downloads (CSV, Excel, JSON) under the plan's URL, and the page where a logged-in
person makes and revokes their own API keys."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from planstatus.accounts.roles import can_read_internal
from planstatus.api.forms import ApiTokenForm
from planstatus.api.opendata import build_plan_document
from planstatus.api.services import issue_api_token, revoke_api_token
from planstatus.core.forms import posted
from planstatus.lib.opendata.csv import build_csv
from planstatus.lib.opendata.json import build_json
from planstatus.lib.opendata.model import PlanDocument
from planstatus.lib.opendata.xlsx import build_xlsx
from planstatus.plans.access import get_plan_for_user

FORMATS: dict[str, tuple[Callable[[PlanDocument], bytes], str]] = {
    "csv": (build_csv, "text/csv; charset=utf-8; header=present"),
    "xlsx": (build_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (build_json, "application/json; charset=utf-8"),
}


@require_safe  # GET and HEAD: a link checker or a download manager asks HEAD first
def plan_data(request: HttpRequest, region_slug: str, plan_slug: str, fmt: str) -> HttpResponse:
    """The plan as a file. Members get internal details unless they ask for the public file
    with ?offentleg=1 (to pass on); everyone else gets the public file."""
    if fmt not in FORMATS:
        raise Http404
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    internal = can_read_internal(request.user, plan.region) and "offentleg" not in request.GET
    doc = build_plan_document(plan, internal=internal, absolute_url=request.build_absolute_uri)
    build, content_type = FORMATS[fmt]
    response = HttpResponse(build(doc), content_type=content_type)
    # Slugs are plain ASCII, so the name needs no encoding.
    response["Content-Disposition"] = f'attachment; filename="{doc.filename_stem}.{fmt}"'
    if internal:
        # Internal files must not be kept by shared caches or proxies.
        patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(posted(request))
    secret = None
    if form.is_valid():
        _token, secret = issue_api_token(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        form = ApiTokenForm()
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": request.user.api_tokens.all(),  # type: ignore[union-attr]
        },
    )
    if secret:
        # The page with a new key must not be kept anywhere, the browser's cache included.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only one's own keys: another person's key does not exist here.
    token = get_object_or_404(request.user.api_tokens, pk=pk)  # type: ignore[union-attr]
    revoke_api_token(token=token)
    messages.success(request, _("The API key is revoked."))
    return redirect("api_tokens")
