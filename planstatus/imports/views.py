from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planstatus.core.forms import posted
from planstatus.imports.forms import (
    AreaHeadingFormSet,
    HeadingFormSet,
    MeasureRowFormSet,
    PlanDetailsForm,
    UploadForm,
)
from planstatus.imports.matching import known_actor_forms
from planstatus.imports.messages import refusal_text, warning_text, where_text
from planstatus.imports.models import PlanImport
from planstatus.imports.review import ActorChoicesForm, apply_edits, heading_initial, row_initial
from planstatus.imports.services import (
    DoesNotFit,
    actor_names,
    apply_revision,
    default_actor_choices,
    diff_plan,
    import_plan,
)
from planstatus.lib.capped import run_capped
from planstatus.lib.importers import detect_format, read_plan
from planstatus.lib.importers.base import Code, ParsedPlan, UnreadableDocument
from planstatus.lib.importers.templates import build_csv_template, build_xlsx_template
from planstatus.plans.access import get_region_for_editor
from planstatus.regions.models import Region


@login_required
def upload(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_editor(request.user, region_slug)
    form = UploadForm(
        posted(request), request.FILES if request.method == "POST" else None, region=region
    )
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        data = f.read()
        try:
            parsed = run_capped(
                read_plan,
                data,
                filename=f.name,
                known_actors=known_actor_forms(region),
                too_heavy=UnreadableDocument(Code.TOO_HEAVY),
            )
        except UnreadableDocument as e:
            form.add_error("file", refusal_text(e))
        else:
            draft = PlanImport.objects.create(
                region=region,
                target_plan=form.cleaned_data["target_plan"],
                filename=f.name[:255],
                file_format=detect_format(data, f.name),
                file_size=len(data),
                parsed=parsed.as_dict(),
                actor_choices=default_actor_choices(parsed, region),
                created_by=request.user if isinstance(request.user, User) else None,
            )
            return redirect("import_review", region_slug=region.slug, pk=draft.pk)
    drafts = region.imports.filter(state=PlanImport.State.DRAFT).select_related("created_by")
    return render(
        request,
        "imports/upload.html",
        {"region": region, "form": form, "drafts": drafts},
        status=400 if form.errors else 200,
    )


@login_required
def template_download(request: HttpRequest, region_slug: str, fmt: str) -> HttpResponse:
    get_region_for_editor(request.user, region_slug)
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    if fmt == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body = build_xlsx_template()
    else:
        content_type, body = "text/csv; charset=utf-8", build_csv_template()
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="planstatus-mal.{fmt}"'
    return response


def _get_draft(request: HttpRequest, region_slug: str, pk: int) -> tuple[Region, PlanImport]:
    region = get_region_for_editor(request.user, region_slug)
    draft = get_object_or_404(PlanImport, region=region, pk=pk, state=PlanImport.State.DRAFT)
    return region, draft


@login_required
def review(request: HttpRequest, region_slug: str, pk: int) -> HttpResponse:
    region, draft = _get_draft(request, region_slug, pk)
    parsed = ParsedPlan.from_dict(draft.parsed)
    names = actor_names(parsed)
    area_initial, goal_initial = heading_initial(parsed)
    title = parsed.title or draft.filename
    details = PlanDetailsForm(posted(request), initial={"title": title})
    rows = MeasureRowFormSet(posted(request), initial=row_initial(parsed), prefix="m")
    areas = AreaHeadingFormSet(posted(request), initial=area_initial, prefix="a")
    goals = HeadingFormSet(posted(request), initial=goal_initial, prefix="g")
    actors = ActorChoicesForm(
        posted(request), names=names, region=region, choices=draft.actor_choices
    )
    forms_ok = request.method == "POST" and all(
        f.is_valid() for f in (details, rows, areas, goals, actors)
    )
    if forms_ok:
        same_shape = (
            len(rows.cleaned_data) == len(parsed.measures())
            and len(areas.cleaned_data) == len(parsed.areas)
            and len(goals.cleaned_data) == sum(len(a.goals) for a in parsed.areas)
        )
        if not same_shape:
            messages.error(request, _("The form did not match the import. Nothing was saved."))
            return redirect("import_review", region_slug=region.slug, pk=draft.pk)
        parsed = apply_edits(
            parsed,
            title=details.cleaned_data["title"],
            rows=rows.cleaned_data,
            areas=areas.cleaned_data,
            goals=goals.cleaned_data,
        )
        choices = {**default_actor_choices(parsed, region), **actors.choices()}
        new_names = set(actor_names(parsed)) - set(names)
        draft.parsed = parsed.as_dict()
        draft.actor_choices = {n: choices[n] for n in actor_names(parsed)}
        draft.save(update_fields=["parsed", "actor_choices"])
        if "confirm" in request.POST and not new_names:
            try:
                return _save(request, region, draft, parsed, kind=details.cleaned_data["kind"])
            except DoesNotFit as e:
                # The forms hold each value to its column; this is the service's own check.
                for problem in e.problems:
                    messages.error(request, problem)
                return redirect("import_review", region_slug=region.slug, pk=draft.pk)
        if new_names:
            messages.warning(
                request, _("New actor names were written. Check how they are matched, then save.")
            )
        else:
            messages.success(request, _("The changes are kept. Nothing is saved to the plan yet."))
        return redirect("import_review", region_slug=region.slug, pk=draft.pk)

    measures = parsed.measures()
    warnings_by_code: dict[str, list[str]] = {}
    for w in parsed.warnings:
        warnings_by_code.setdefault(w.where, []).append(warning_text(w))
    # Codes repeat in real plans, so rows are anchored by form; a warning links to the first.
    anchors: dict[str, str] = {}
    for row_form, m in zip(rows.forms, measures, strict=False):
        anchors.setdefault(m.code, str(row_form.prefix))
    all_goals = [g for a in parsed.areas for g in a.goals]
    for goal_form, g in zip(goals.forms, all_goals, strict=False):
        anchors.setdefault(g.code, str(goal_form.prefix))
    warning_links = [
        (anchors.get(w.where, ""), where_text(w.where), warning_text(w)) for w in parsed.warnings
    ]
    row_data = list(zip(rows.forms, measures, strict=False))
    sections = []
    i = 0
    goal_forms = iter(goals.forms)
    for area, area_form in zip(parsed.areas, areas.forms, strict=False):
        goal_sections = []
        for goal in area.goals:
            goal_rows = row_data[i : i + len(goal.measures)]
            i += len(goal.measures)
            goal_sections.append((goal, next(goal_forms), goal_rows))
        sections.append((area, area_form, goal_sections))
    diff = diff_plan(draft.target_plan, parsed) if draft.target_plan else None
    return render(
        request,
        "imports/review.html",
        {
            "region": region,
            "draft": draft,
            "parsed": parsed,
            "details": details,
            "rows": rows,
            "areas": areas,
            "goals": goals,
            "actors": actors,
            "sections": sections,
            "warnings_by_code": warnings_by_code,
            "warning_links": warning_links,
            "measure_count": len(measures),
            "diff": diff,
        },
        status=400 if request.method == "POST" else 200,
    )


def _save(
    request: HttpRequest, region: Region, draft: PlanImport, parsed: ParsedPlan, *, kind: str
) -> HttpResponse:
    if draft.target_plan is not None:
        plan = draft.target_plan
        diff = apply_revision(
            plan=plan,
            parsed=parsed,
            actor_choices=draft.actor_choices,
            user=request.user,
            source_name=draft.filename,
            draft=draft,
        )
        messages.success(
            request,
            _("The plan is revised: %(new)s new, %(changed)s changed, %(removed)s archived.")
            % {"new": len(diff.new), "changed": len(diff.changed), "removed": len(diff.removed)},
        )
    else:
        plan = import_plan(
            region=region,
            parsed=parsed,
            title=parsed.title or draft.filename,
            kind=kind,
            actor_choices=draft.actor_choices,
            user=request.user,
            source_name=draft.filename,
            draft=draft,
        )
        messages.success(
            request,
            _("The plan is saved as a draft, not published. Publish it in the plan settings."),
        )
    return redirect(plan)


@require_POST
@login_required
def discard(request: HttpRequest, region_slug: str, pk: int) -> HttpResponse:
    region, draft = _get_draft(request, region_slug, pk)
    draft.state = PlanImport.State.DISCARDED
    draft.save(update_fields=["state"])
    messages.success(request, _("The import is discarded."))
    return redirect("import_upload", region_slug=region.slug)
