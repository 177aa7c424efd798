from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from planstatus.core.forms import posted
from planstatus.imports.drafts import (
    DocumentGone,
    discard_import,
    read_again,
    remember_column_roles,
    remove_document,
    start_import,
)
from planstatus.imports.forms import (
    AreaHeadingForm,
    HeadingForm,
    LineRolesForm,
    MeasureRowForm,
    PlanDetailsForm,
    TableRolesForm,
    UploadForm,
)
from planstatus.imports.messages import message_text, refusal_text, warning_text, where_text
from planstatus.imports.models import PlanImport
from planstatus.imports.programme_views import programme_review
from planstatus.imports.review import (
    ActorChoicesForm,
    Page,
    all_goals,
    apply_edits,
    edit_count,
    page_names,
    paginate,
    row_initial,
)
from planstatus.imports.services import (
    DoesNotFit,
    actor_names,
    apply_revision,
    default_actor_choices,
    diff_plan,
    import_plan,
)
from planstatus.lib.importers.base import (
    ColumnReading,
    ImportWarning,
    ParsedPlan,
    UnreadableDocument,
)
from planstatus.lib.importers.templates import build_csv_template, build_xlsx_template
from planstatus.lib.slugs import suggested_title
from planstatus.plans.access import get_region_for_editor
from planstatus.regions.models import Region

# Lines of a list or text document shown (and chosen) per page.
LINES_PER_PAGE = 100


@login_required
def upload(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_editor(request.user, region_slug)
    form = UploadForm(
        posted(request), request.FILES if request.method == "POST" else None, region=region
    )
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            draft = start_import(
                region=region,
                data=f.read(),
                filename=f.name,
                target_plan=form.cleaned_data["target_plan"],
                user=request.user,
            )
        except UnreadableDocument as e:
            form.add_error("file", refusal_text(e))
        else:
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


def _get_draft(
    request: HttpRequest, region_slug: str, pk: int, kind: str | None = PlanImport.Kind.PLAN
) -> tuple[Region, PlanImport]:
    """An import under review in a region the person edits; of `kind`, or any with None."""
    region = get_region_for_editor(request.user, region_slug)
    drafts = PlanImport.objects.filter(region=region, state=PlanImport.State.DRAFT)
    draft = get_object_or_404(drafts.filter(kind=kind) if kind else drafts, pk=pk)
    return region, draft


def _number(value: Any, last: int) -> int:
    try:
        return min(max(int(value), 1), last)
    except (TypeError, ValueError):
        return 1


def _review_url(draft: PlanImport, page: int = 1, lines: int = 1, anchor: str = "") -> str:
    url = reverse("import_review", args=[draft.region.slug, draft.pk])
    query = "&".join(
        f"{name}={value}" for name, value in (("side", page), ("linjer", lines)) if value > 1
    )
    return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


@login_required
def review(request: HttpRequest, region_slug: str, pk: int) -> HttpResponse:
    region, draft = _get_draft(request, region_slug, pk, kind=None)
    if draft.kind == PlanImport.Kind.PROGRAMME:
        return programme_review(request, region, draft)
    parsed = ParsedPlan.from_dict(draft.parsed)
    pages = paginate(parsed)
    source = request.POST if request.method == "POST" else request.GET
    page = pages[_number(source.get("side"), len(pages)) - 1]
    lines_page = _number(source.get("linjer"), max(1, -(-len(parsed.lines) // LINES_PER_PAGE)))
    data = posted(request)
    measures = parsed.measures()
    goal_list = all_goals(parsed)
    # The document's own heading, cleaned as a person would (issue 21: «Sak 16-25
    # REGIONPLAN - STATUS» became a plan's title); the reading keeps it as written.
    title = suggested_title(parsed.title) if parsed.title else draft.filename
    details = PlanDetailsForm(data, initial={"title": title})
    rows = {
        i: MeasureRowForm(data, prefix=f"m-{i}", initial=row_initial(measures[i]))
        for i in range(page.start, page.end)
    }
    areas = {
        i: AreaHeadingForm(data, prefix=f"a-{i}", initial={"text": parsed.areas[i].name})
        for i in page.areas
    }
    goals = {
        i: HeadingForm(data, prefix=f"g-{i}", initial={"text": goal_list[i].text})
        for i in page.goals
    }
    names = page_names(parsed, page)
    actors = ActorChoicesForm(data, names=names, region=region, choices=draft.actor_choices)
    if request.method == "POST":
        if request.POST.get("version") != str(draft.version):
            messages.error(
                request,
                _(
                    "The document was read again after this page was opened, so nothing was "
                    "saved. Check the page as it is now."
                ),
            )
            return redirect(_review_url(draft, page.number))
        every = (details, actors, *rows.values(), *areas.values(), *goals.values())
        forms_ok = all(f.is_valid() for f in every)
        if forms_ok and measures:
            parsed = apply_edits(
                parsed,
                title=details.cleaned_data["title"],
                rows={i: f.cleaned_data for i, f in rows.items()},
                areas={i: f.cleaned_data for i, f in areas.items()},
                goals={i: f.cleaned_data for i, f in goals.items()},
            )
            choices = {
                **default_actor_choices(parsed, region),
                **draft.actor_choices,
                **actors.choices(),
            }
            new_names = set(page_names(parsed, page)) - set(names)
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
                    return redirect(_review_url(draft, page.number))
            if new_names:
                messages.warning(
                    request,
                    _("New actor names were written. Check how they are matched, then save."),
                )
            else:
                messages.success(
                    request, _("The changes are kept. Nothing is saved to the plan yet.")
                )
            target = page.number
            if "next_page" in request.POST and not new_names:
                target = min(page.number + 1, len(pages))
            elif "previous_page" in request.POST and not new_names:
                target = max(page.number - 1, 1)
            return redirect(_review_url(draft, target))
        if forms_ok:
            messages.error(request, _("No measures are read yet, so there is nothing to save."))
            return redirect(_review_url(draft, page.number))
    context = _review_context(draft, parsed, pages, page, lines_page)
    context.update(
        {
            "region": region,
            "details": details,
            "rows": rows,
            "areas": areas,
            "goals": goals,
            "actors": actors,
            "has_errors": request.method == "POST",
            "sections": _sections(parsed, page, rows, areas, goals),
        }
    )
    return render(
        request, "imports/review.html", context, status=400 if request.method == "POST" else 200
    )


def _confidence(column: ColumnReading, chosen: bool) -> str:
    """How sure the reading of a column is, in words (never by colour alone)."""
    if column.source == "person":
        return _("chosen by you") if chosen else _("remembered from an earlier import")
    if column.source == "previous":
        return _("as in the table before")
    if column.role == "ignore" and column.confidence == 0:
        return _("not recognised")
    if column.source == "content":
        return _("a guess from what the column holds")
    if column.confidence >= 0.95:
        return _("certain: the header says so")
    return _("likely: the header suggests it")


def _review_context(
    draft: PlanImport, parsed: ParsedPlan, pages: list[Page], page: Page, lines_page: int
) -> dict[str, Any]:
    measures = parsed.measures()
    # Where each code's row is (codes repeat in real plans: a warning links to the first).
    anchors: dict[str, tuple[int, str]] = {}
    number = 1
    for i, m in enumerate(measures):
        while not pages[number - 1].start <= i < pages[number - 1].end:
            number += 1
        anchors.setdefault(m.code, (number, f"m-{i}"))
    for i, g in enumerate(all_goals(parsed)):
        owner = next((p.number for p in pages if i in p.goals), 1)
        anchors.setdefault(g.code, (owner, f"g-{i}"))
    line_pages = {line["block"]: n // LINES_PER_PAGE + 1 for n, line in enumerate(parsed.lines)}
    table_blocks = {t.block for t in parsed.tables}
    at_row: dict[str, list[str]] = {}
    at_block: dict[int, list[tuple[ImportWarning, str]]] = {}
    summary = []
    for w in parsed.warnings:
        text = warning_text(w)
        block = w.place.get("block")
        link = ""
        if w.where in anchors and w.where != "document":
            at_row.setdefault(w.where, []).append(text)
            target, anchor = anchors[w.where]
            link = _review_url(draft, target, lines_page, anchor)
        elif isinstance(block, int) and (block in table_blocks or block in line_pages):
            at_block.setdefault(block, []).append((w, text))
            if block in table_blocks:
                link = _review_url(draft, page.number, lines_page, f"table-{block}")
            else:
                link = _review_url(draft, page.number, line_pages[block], f"line-{block}")
        summary.append((link, _where(w), text))
    chosen = {int(b) for b in draft.table_choices}
    tables = []
    for t in parsed.tables:
        if not t.columns:
            continue
        form = TableRolesForm(reading=t)
        same = [
            o.block
            for o in parsed.tables
            if o is not t and o.columns and _headers(o) == _headers(t) and any(_headers(t))
        ]
        tables.append(
            {
                "reading": t,
                "form": form,
                "columns": [
                    (c, field, _confidence(c, t.block in chosen)) for c, field in form.columns()
                ],
                "warnings": [(_row_text(w), text) for w, text in at_block.get(t.block, [])],
                "same": same,
                "chosen": t.block in chosen,
            }
        )
    line_slice = parsed.lines[(lines_page - 1) * LINES_PER_PAGE : lines_page * LINES_PER_PAGE]
    lines_form = LineRolesForm(lines=line_slice) if line_slice else None
    line_rows = [
        (line, field, [text for _w, text in at_block.get(line["block"], [])])
        for line, field in (lines_form.rows() if lines_form else [])
    ]
    reading = ParsedPlan.from_dict(draft.reading) if draft.reading else None
    refusal = draft.options.get("refusal")
    return {
        "draft": draft,
        "parsed": parsed,
        "measure_count": len(measures),
        "pages": pages,
        "page": page,
        "lines_page": lines_page,
        "line_pages": range(1, max(1, -(-len(parsed.lines) // LINES_PER_PAGE)) + 1),
        "lines_form": lines_form,
        "line_rows": line_rows,
        "tables": tables,
        "warnings_at_row": at_row,
        "warning_links": summary,
        "edits": edit_count(reading, parsed) if reading is not None else 0,
        "remembered": list(draft.remembered.all()),
        "refusal": message_text(refusal["code"], refusal.get("params") or {}, refusal=True)
        if refusal
        else "",
        "can_read_again": bool(draft.document),
        "diff": diff_plan(draft.target_plan, parsed) if draft.target_plan and measures else None,
    }


def _headers(table: Any) -> list[str]:
    return [c.header for c in table.columns]


def _where(w: ImportWarning) -> str:
    if w.where not in ("document", "dokument", "") or not w.place:
        return where_text(w.where)
    parts = []
    if "page" in w.place:
        parts.append(_("page %(page)s") % {"page": w.place["page"]})
    if "sheet" in w.place:
        parts.append(_("sheet %(sheet)s") % {"sheet": w.place["sheet"]})
    if "row" in w.place:
        parts.append(_("row %(row)s") % {"row": w.place["row"]})
    if "line" in w.place:
        parts.append(_("line %(line)s") % {"line": w.place["line"]})
    return ", ".join(parts) or where_text(w.where)


def _row_text(w: ImportWarning) -> str:
    return _("Row %(row)s") % {"row": w.place["row"]} if "row" in w.place else ""


def _sections(
    parsed: ParsedPlan,
    page: Page,
    rows: dict[int, MeasureRowForm],
    areas: dict[int, AreaHeadingForm],
    goals: dict[int, HeadingForm],
) -> list[Any]:
    """The page's part of the outline: (area, its form or None when it began on an earlier
    page, [(goal, form or None, [(row form, measure)])])."""
    sections = []
    measure = 0
    goal_index = 0
    for area_index, area in enumerate(parsed.areas):
        goal_sections = []
        for goal in area.goals:
            page_rows = []
            for m in goal.measures:
                if measure in rows:
                    page_rows.append((rows[measure], m))
                measure += 1
            if page_rows or goal_index in goals:
                goal_sections.append((goal, goals.get(goal_index), page_rows, goal_index))
            goal_index += 1
        if goal_sections or area_index in areas:
            sections.append((area, areas.get(area_index), goal_sections, area_index))
    return sections


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
            title=suggested_title(parsed.title or draft.filename),
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
    remember_column_roles(draft=draft, user=request.user)
    remove_document(draft)
    return redirect(plan)


@require_POST
@login_required
def read_columns(request: HttpRequest, region_slug: str, pk: int) -> HttpResponse:
    """Read the document again with the roles the person chose for one table's columns
    (and for every other table with the same headers)."""
    _region, draft = _get_draft(request, region_slug, pk)
    parsed = ParsedPlan.from_dict(draft.reading or draft.parsed)
    block = request.POST.get("table", "")
    reading = next((t for t in parsed.tables if str(t.block) == block and t.columns), None)
    if reading is None or request.POST.get("version") != str(draft.version):
        messages.error(
            request,
            _("The document was read again after this page was opened. Choose again below."),
        )
        return redirect(_review_url(draft, anchor="reading"))
    form = TableRolesForm(request.POST, reading=reading)
    if not form.is_valid():
        messages.error(request, _("Choose a role for every column."))
        return redirect(_review_url(draft, anchor=f"table-{block}"))
    choice = form.choice()
    same = [t for t in parsed.tables if _headers(t) == _headers(reading) and any(_headers(t))]
    tables = {str(t.block): choice for t in same or [reading]}
    return _read_again(request, draft, tables=tables, anchor=f"table-{block}")


@require_POST
@login_required
def read_lines(request: HttpRequest, region_slug: str, pk: int) -> HttpResponse:
    """Read the document again with what the person says some of its lines are."""
    _region, draft = _get_draft(request, region_slug, pk)
    parsed = ParsedPlan.from_dict(draft.reading or draft.parsed)
    pages = max(1, -(-len(parsed.lines) // LINES_PER_PAGE))
    number = _number(request.POST.get("linjer"), pages)
    lines = parsed.lines[(number - 1) * LINES_PER_PAGE : number * LINES_PER_PAGE]
    if not lines or request.POST.get("version") != str(draft.version):
        messages.error(
            request,
            _("The document was read again after this page was opened. Choose again below."),
        )
        return redirect(_review_url(draft, lines=number, anchor="lines"))
    form = LineRolesForm(request.POST, lines=lines)
    if not form.is_valid():
        messages.error(request, _("Choose what each line is."))
        return redirect(_review_url(draft, lines=number, anchor="lines"))
    return _read_again(request, draft, lines=form.choices(), lines_page=number, anchor="lines")


def _read_again(
    request: HttpRequest,
    draft: PlanImport,
    *,
    tables: dict[str, Any] | None = None,
    lines: dict[str, str] | None = None,
    lines_page: int = 1,
    anchor: str = "",
) -> HttpResponse:
    try:
        outcome = read_again(draft=draft, tables=tables, lines=lines)
    except DocumentGone:
        messages.error(
            request,
            _(
                "The uploaded document is no longer kept, so it cannot be read again. Upload "
                "it again to choose other roles; what is read below can still be saved."
            ),
        )
    except UnreadableDocument as e:
        messages.error(
            request,
            _("Read this way, the document gives no plan: %(reason)s Nothing was changed.")
            % {"reason": refusal_text(e)},
        )
    else:
        messages.success(
            request,
            ngettext(
                "The document is read again: %(count)s measure.",
                "The document is read again: %(count)s measures.",
                outcome.measures,
            )
            % {"count": outcome.measures},
        )
        if outcome.carried:
            messages.info(
                request,
                ngettext(
                    "Your change to %(count)s item is kept.",
                    "Your changes to %(count)s items are kept.",
                    outcome.carried,
                )
                % {"count": outcome.carried},
            )
        if outcome.lost:
            messages.warning(
                request,
                _(
                    "These items are read differently now, so your changes to them could not "
                    "be kept: %(items)s"
                )
                % {"items": "; ".join(outcome.lost)},
            )
    return redirect(_review_url(draft, lines=lines_page, anchor=anchor))


@require_POST
@login_required
def discard(request: HttpRequest, region_slug: str, pk: int) -> HttpResponse:
    region, draft = _get_draft(request, region_slug, pk, kind=None)
    discard_import(draft=draft)
    messages.success(request, _("The import is discarded."))
    return redirect("import_upload", region_slug=region.slug)
