"""The region's search page: /<region>/sok/?q=…"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planstatus.plans.access import get_region_for_user, visible_plans
from planstatus.plans.forms import SearchForm
from planstatus.plans.search import Results, search_region


def search(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_user(request.user, region_slug)
    form = SearchForm(request.GET or None)
    results: Results | None = None
    if form.is_valid():
        results = search_region(region, form.cleaned_data["q"], plans=visible_plans(request.user))
    return render(
        request,
        "plans/search.html",
        {"region": region, "form": form, "results": results},
        status=400 if form.errors and request.GET else 200,
    )
