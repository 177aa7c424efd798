"""Permission-checked fetches. Every view gets its objects through these.

Objects a user may not see answer 404, so that nobody learns they exist.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from planstatus.plans.models import Measure, Plan
from planstatus.regions.models import Region

User = AbstractBaseUser | AnonymousUser


def visible_plans(user: User) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("region")
    if getattr(user, "is_staff", False):
        return plans
    return plans.filter(published=True)


def visible_regions(user: User) -> QuerySet[Region]:
    if getattr(user, "is_staff", False):
        return Region.objects.all()
    return Region.objects.filter(plans__published=True).distinct()


def get_region_for_user(user: User, region_slug: str) -> Region:
    return get_object_or_404(visible_regions(user), slug=region_slug)


def get_plan_for_user(user: User, region_slug: str, plan_slug: str) -> Plan:
    return get_object_or_404(visible_plans(user), region__slug=region_slug, slug=plan_slug)


def get_measure_for_user(user: User, region_slug: str, plan_slug: str, pk: int) -> Measure:
    plan = get_plan_for_user(user, region_slug, plan_slug)
    measure = (
        Measure.objects.with_status()
        .select_related("focus_area", "goal")
        .prefetch_related("actor_links__actor")
        .filter(focus_area__plan=plan, pk=pk)
        .first()
    )
    if measure is None:
        raise Http404
    measure.focus_area.plan = plan
    return measure
