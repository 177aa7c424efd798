from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planstatus.plans.access import (
    get_measure_for_user,
    get_plan_for_user,
    get_region_for_user,
    visible_plans,
    visible_regions,
)
from planstatus.plans.outline import build_plan_outline


def index(request: HttpRequest) -> HttpResponse:
    regions = visible_regions(request.user).order_by("name")
    return render(request, "plans/index.html", {"regions": regions})


def region_detail(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_user(request.user, region_slug)
    municipalities = region.municipalities.prefetch_related("populations")
    plans = visible_plans(request.user).filter(region=region)
    return render(
        request,
        "plans/region_detail.html",
        {"region": region, "municipalities": municipalities, "plans": plans},
    )


def plan_detail(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, region_slug, plan_slug)
    outline = build_plan_outline(plan)
    return render(request, "plans/plan_detail.html", {"plan": plan, "outline": outline})


def measure_detail(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    measure = get_measure_for_user(request.user, region_slug, plan_slug, pk)
    history = measure.status_updates.select_related("created_by")
    duplicates = (
        measure.focus_area.plan.measures().filter(code=measure.code).exclude(pk=measure.pk)
        if measure.code
        else []
    )
    return render(
        request,
        "plans/measure_detail.html",
        {
            "plan": measure.focus_area.plan,
            "measure": measure,
            "history": history,
            "duplicates": list(duplicates),
        },
    )
