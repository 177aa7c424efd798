"""A region's Byregionprogrammet page through the web: upload, see what was read and what it
says beside the region's own figures, confirm → an unpublished programme (the web side of
`import-programme`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from planstatus.core.forms import posted
from planstatus.imports.drafts import (
    DocumentGone,
    save_programme_import,
    start_programme_import,
)
from planstatus.imports.forms import ProgrammeOptionsForm, ProgrammeUploadForm
from planstatus.imports.models import PlanImport
from planstatus.imports.programme import (
    ProgrammeImportError,
    compare_municipalities,
    compare_stated_facts,
    error_message,
    warning_message,
)
from planstatus.lib.programme import ProgrammePage, ProgrammePageError
from planstatus.lib.status import Status
from planstatus.plans.access import get_region_for_editor
from planstatus.regions.models import Region


@login_required
def programme_upload(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_editor(request.user, region_slug)
    form = ProgrammeUploadForm(
        posted(request), request.FILES if request.method == "POST" else None, region=region
    )
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            draft = start_programme_import(
                region=region,
                data=f.read(),
                filename=f.name,
                slug=form.cleaned_data["slug"],
                replace=form.cleaned_data["replace"],
                user=request.user,
            )
        except ProgrammePageError as e:
            form.add_error("file", error_message(e))
        else:
            return redirect("import_review", region_slug=region.slug, pk=draft.pk)
    return render(
        request,
        "imports/programme_upload.html",
        {"region": region, "form": form},
        status=400 if form.errors else 200,
    )


def programme_review(request: HttpRequest, region: Region, draft: PlanImport) -> HttpResponse:
    """The review of a programme page (the import review's URL, for an import of this
    kind)."""
    page = ProgrammePage.from_json(draft.parsed)
    form = ProgrammeOptionsForm(
        posted(request),
        region=region,
        initial={"slug": draft.options.get("slug"), "replace": draft.options.get("replace")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = save_programme_import(
                draft=draft,
                slug=form.cleaned_data["slug"],
                replace=form.cleaned_data["replace"],
                user=request.user,
            )
        except DocumentGone:
            messages.error(
                request,
                _(
                    "The uploaded page is no longer kept. Upload it again to save it; nothing "
                    "was saved."
                ),
            )
        except (ProgrammePageError, ProgrammeImportError) as e:
            reason = error_message(e) if isinstance(e, ProgrammePageError) else str(e)
            messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": reason})
        else:
            messages.success(
                request,
                _("The programme is saved, not published. Publish it in the plan settings."),
            )
            return redirect(plan)
        return redirect("import_review", region_slug=region.slug, pk=draft.pk)
    unknown, unnamed = compare_municipalities(region=region, page=page)
    counts = {s: sum(1 for r in page.results if r.status == s) for s in Status}
    return render(
        request,
        "imports/programme_review.html",
        {
            "region": region,
            "draft": draft,
            "page": page,
            "form": form,
            "warnings": [warning_message(w) for w in page.warnings],
            "results": [(r, Status(r.status)) for r in page.results],
            "counts": [(Status(s), n) for s, n in counts.items() if n],
            "facts": [c.describe() for c in compare_stated_facts(region=region, page=page)],
            "other_region": page.region
            and page.region.casefold() != region.name.casefold()
            and page.region,
            "unknown_municipalities": unknown,
            "unnamed_municipalities": unnamed,
        },
        status=400 if request.method == "POST" else 200,
    )
