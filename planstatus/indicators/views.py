from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from planstatus.accounts.roles import AnyUser, can_edit, can_read_internal
from planstatus.core.forms import posted
from planstatus.indicators.forms import (
    DeleteIndicatorForm,
    IndicatorForm,
    ValueFileForm,
    ValueForm,
    file_error_message,
)
from planstatus.indicators.models import Indicator, IndicatorValue
from planstatus.indicators.services import (
    IndicatorSummary,
    ValueRow,
    ValuesWouldChange,
    assessment_label,
    assessment_symbol,
    check_units,
    delete_indicator,
    goal_indicator_summaries,
    indicator_chart,
    plan_indicator_summaries,
    record_values,
    region_municipalities,
    rows_from_jsonstat,
    rows_from_table,
    save_indicator,
    summarise,
)
from planstatus.lib import charts
from planstatus.lib.capped import run_capped
from planstatus.lib.indicators import Method
from planstatus.lib.jsonstat import JsonStatError
from planstatus.lib.valuetable import (
    TOO_HEAVY,
    TableError,
    read_table,
    template_csv,
    template_xlsx,
)
from planstatus.plans.access import get_plan_for_editor, get_plan_for_user, visible_plans
from planstatus.plans.lineage import item_chain
from planstatus.plans.models import Goal, Plan


def _indicator(plan: Plan, pk: int) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.filter(plan=plan), pk=pk)
    indicator.plan = plan
    return indicator


def get_indicator_for_user(user: AnyUser, region_slug: str, plan_slug: str, pk: int) -> Indicator:
    return _indicator(get_plan_for_user(user, region_slug, plan_slug), pk)


def get_indicator_for_editor(user: AnyUser, region_slug: str, plan_slug: str, pk: int) -> Indicator:
    return _indicator(get_plan_for_editor(user, region_slug, plan_slug), pk)


def _summary_rows(summaries: list[IndicatorSummary]) -> list[dict[str, object]]:
    return [
        {
            "summary": s,
            "label": assessment_label(s.judgement.assessment),
            "symbol": assessment_symbol(s.judgement.assessment),
        }
        for s in summaries
    ]


def indicator_list(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "plan": plan,
            "rows": _summary_rows(plan_indicator_summaries(plan)),
            "can_edit": can_edit(request.user, plan.region),
        },
    )


def _detail_page(
    request: HttpRequest, indicator: Indicator, value_form: ValueForm | None = None
) -> HttpResponse:
    plan = indicator.plan
    municipalities = region_municipalities(plan.region)
    summary = summarise(indicator, municipalities)
    # Without a regional figure the municipalities are all the chart has: shown unasked.
    with_municipalities = request.GET.get("kommunar") == "1" or (
        "kommunar" not in request.GET and summary.no_common_period is not None
    )
    chart = indicator_chart(summary, with_municipalities=with_municipalities)
    editor = can_edit(request.user, plan.region)
    internal = can_read_internal(request.user, plan.region)
    if editor and value_form is None:
        value_form = ValueForm(indicator=indicator)
    municipality_rows = [
        (m, [by_period.get(p) for p in summary.periods])
        for m, by_period in summary.municipalities.items()
    ]
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "plan": plan,
            "indicator": indicator,
            "summary": summary,
            "assessment": assessment_label(summary.judgement.assessment),
            "symbol": assessment_symbol(summary.judgement.assessment),
            "chart_svg": charts.line_to_svg(chart, id_prefix=f"indicator-{indicator.pk}"),
            "chart_table": charts.line_to_table_html(chart, caption=_("The chart's figures")),
            "with_municipalities": with_municipalities,
            "municipality_rows": municipality_rows,
            "goals": list(indicator.goals.all()),
            "measures": list(indicator.measures.select_related("focus_area")),
            "can_edit": editor,
            "internal": internal,
            "history": (
                list(
                    IndicatorValue.history.filter(  # type: ignore[attr-defined]
                        indicator_id=indicator.pk
                    )
                    .select_related("history_user", "municipality")
                    .order_by("-history_date")
                )
                if internal
                else []
            ),
            "value_form": value_form,
        },
        status=400 if value_form is not None and value_form.errors else 200,
    )


@login_required
def indicator_create(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    return _indicator_form(request, plan, None)


@login_required
def indicator_edit(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    indicator = get_indicator_for_editor(request.user, region_slug, plan_slug, pk)
    return _indicator_form(request, indicator.plan, indicator)


@login_required
def indicator_delete(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    indicator = get_indicator_for_editor(request.user, region_slug, plan_slug, pk)
    plan = indicator.plan
    form = DeleteIndicatorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        delete_indicator(indicator=indicator, user=request.user)
        messages.success(
            request,
            _("The indicator %(name)s is deleted. The change log keeps it and its values.")
            % {"name": indicator.name},
        )
        return redirect("indicator_list", region_slug=plan.region.slug, plan_slug=plan.slug)
    return render(
        request,
        "indicators/indicator_delete.html",
        {
            "plan": plan,
            "indicator": indicator,
            "form": form,
            "values": indicator.values.count(),
            "targets": indicator.targets.count(),
        },
        status=400 if form.errors else 200,
    )


def _indicator_form(request: HttpRequest, plan: Plan, indicator: Indicator | None) -> HttpResponse:
    form = IndicatorForm(posted(request), instance=indicator, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_indicator(
            plan=plan,
            indicator=indicator,
            fields={name: data[name] for name in IndicatorForm.Meta.fields},
            goals=list(data["goals"]),
            measures=data["measure_codes"],
            targets=data["targets_text"],
            user=request.user,
        )
        messages.success(request, _("The indicator is saved. The earlier version is in the log."))
        return redirect(saved)
    back = (
        indicator.get_absolute_url()
        if indicator
        else reverse("indicator_list", args=[plan.region.slug, plan.slug])
    )
    title = (
        _("Edit the indicator %(name)s") % {"name": indicator.name}
        if indicator
        else _("New indicator")
    )
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "back": back, "region": plan.region},
        status=400 if form.errors else 200,
    )


def indicator_detail(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, region_slug, plan_slug, pk)
    return _detail_page(request, indicator)


@login_required
def indicator_value(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    indicator = get_indicator_for_editor(request.user, region_slug, plan_slug, pk)
    form = ValueForm(posted(request), indicator=indicator)
    if request.method != "POST":
        return redirect(indicator)
    if not form.is_valid():
        return _detail_page(request, indicator, form)
    data = form.cleaned_data
    row = ValueRow(
        municipality=data["municipality"],
        period=data["period"],
        value=data["value"],
        weight=data.get("weight"),
        source_note=data["source_note"],
    )
    try:
        changes = record_values(
            indicator=indicator,
            rows=[row],
            user=request.user,
            via=IndicatorValue.Source.WEB,
            replace=data["replace"],
        )
    except ValuesWouldChange as refused:
        old = refused.changes.changed[0][0]
        form.add_error(
            None,
            _(
                "A value is already entered for this period: %(value)s. Tick “Replace” to "
                "change it; the earlier value is kept in the history."
            )
            % {"value": old.value.normalize()},
        )
        return _detail_page(request, indicator, form)
    if changes.changed:
        messages.success(request, _("The value is changed. The earlier one is in the history."))
    elif changes.new:
        messages.success(request, _("The value is saved."))
    else:
        messages.info(request, _("The value was already entered; nothing changed."))
    return redirect(indicator)


@login_required
def indicator_upload(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    indicator = get_indicator_for_editor(request.user, region_slug, plan_slug, pk)
    form = ValueFileForm(posted(request), request.FILES or None)
    changes = None
    details = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        municipalities = region_municipalities(indicator.plan.region)
        try:
            if upload.name.lower().endswith(".json"):
                details = rows_from_jsonstat(
                    data=data,
                    municipalities=municipalities,
                    content=form.cleaned_data["content"].strip(),
                    weight_content=form.cleaned_data["weight_content"].strip(),
                    source_note=form.cleaned_data["source_note"],
                )
                rows, via = details.rows, IndicatorValue.Source.JSONSTAT
            else:
                table = run_capped(read_table, data, too_heavy=TableError(TOO_HEAVY))
                rows = rows_from_table(table=table, municipalities=municipalities)
                note = form.cleaned_data["source_note"]
                if note:
                    rows = [
                        ValueRow(r.municipality, r.period, r.value, r.weight, r.source_note or note)
                        for r in rows
                    ]
                via = IndicatorValue.Source.FILE
            if indicator.is_computed and any(r.municipality is None for r in rows):
                raise TableError("region_computed")
            check_units(indicator=indicator, rows=rows, stated_unit=details.unit if details else "")
            changes = record_values(
                indicator=indicator,
                rows=rows,
                user=request.user,
                via=via,
                replace=form.cleaned_data["replace"],
            )
        except (JsonStatError, TableError) as error:
            form.add_error("file", file_error_message(error))
        except ValuesWouldChange as refused:
            changes = refused.changes
            form.add_error(
                "replace",
                _(
                    "%(n)s values already entered would change; nothing was saved. Tick "
                    "“Replace” and upload the file again to change them."
                )
                % {"n": len(refused.changes.changed)},
            )
        else:
            messages.success(
                request,
                _("Saved: %(new)s new, %(changed)s changed, %(same)s unchanged.")
                % {
                    "new": len(changes.new),
                    "changed": len(changes.changed),
                    "same": len(changes.unchanged),
                },
            )
            return redirect(indicator)
    return render(
        request,
        "indicators/indicator_upload.html",
        {"plan": indicator.plan, "indicator": indicator, "form": form, "changes": changes},
        status=400 if form.errors else 200,
    )


@login_required
def indicator_template(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    indicator = get_indicator_for_editor(request.user, region_slug, plan_slug, pk)
    numbers = [m.number for m in region_municipalities(indicator.plan.region)]
    year = timezone.localdate().year - 1
    response = HttpResponse(template_csv(numbers, year), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indikator-{indicator.pk}.csv"'
    return response


@login_required
def indicator_template_xlsx(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    indicator = get_indicator_for_editor(request.user, region_slug, plan_slug, pk)
    municipalities = region_municipalities(indicator.plan.region)
    data = template_xlsx(
        [m.number for m in municipalities],
        timezone.localdate().year - 1,
        method=Method(indicator.aggregation) if indicator.is_computed else None,
        names={m.number: m.name for m in municipalities},
        indicator=indicator.name,
        unit=indicator.unit,
        weight_label=indicator.weight_label,
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="indikator-{indicator.pk}.xlsx"'
    return response


def goal_detail(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    goal = Goal.objects.select_related("focus_area").filter(plan=plan, pk=pk).first()
    if goal is None:
        raise Http404
    return render(
        request,
        "indicators/goal_detail.html",
        {
            "plan": plan,
            "goal": goal,
            "measures": list(goal.measures.filter(archived_at__isnull=True).with_status()),
            "rows": _summary_rows(goal_indicator_summaries(goal, plan)),
            "chain": item_chain(goal, region=plan.region, visible=visible_plans(request.user)),
        },
    )
