"""Permission-checked fetches. Every view gets its objects through these.

A plan is visible to everyone when it is published, and to the members of its region
(secretariat and readers) and installation administrators always. Objects a user may not
see answer 404, so that nobody learns they exist; a visible object the user may not
change answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from planstatus.accounts.roles import AnyUser, can_edit, can_read_internal, is_installation_admin
from planstatus.plans.models import Measure, Plan
from planstatus.regions.models import Region


def _member_q(user: AnyUser, prefix: str) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}memberships__user": user})


def visible_plans(user: AnyUser) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("region")
    if is_installation_admin(user):
        return plans
    return plans.filter(Q(published=True) | _member_q(user, "region__")).distinct()


def visible_regions(user: AnyUser) -> QuerySet[Region]:
    if is_installation_admin(user):
        return Region.objects.all()
    return Region.objects.filter(Q(plans__published=True) | _member_q(user, "")).distinct()


def get_region_for_user(user: AnyUser, region_slug: str) -> Region:
    return get_object_or_404(visible_regions(user), slug=region_slug)


def get_region_for_member(user: AnyUser, region_slug: str) -> Region:
    """The region, for its members only: to anyone else it does not exist."""
    region = get_region_for_user(user, region_slug)
    if not can_read_internal(user, region):
        raise Http404
    return region


def get_plan_for_user(user: AnyUser, region_slug: str, plan_slug: str) -> Plan:
    return get_object_or_404(visible_plans(user), region__slug=region_slug, slug=plan_slug)


def get_measure_for_user(user: AnyUser, region_slug: str, plan_slug: str, pk: int) -> Measure:
    plan = get_plan_for_user(user, region_slug, plan_slug)
    measure = (
        Measure.objects.with_status()
        .select_related("focus_area", "goal")
        .with_actors()
        .filter(focus_area__plan=plan, pk=pk)
        .first()
    )
    if measure is None:
        raise Http404
    measure.focus_area.plan = plan
    return measure


def get_measure_for_editor(user: AnyUser, region_slug: str, plan_slug: str, pk: int) -> Measure:
    measure = get_measure_for_user(user, region_slug, plan_slug, pk)
    if not can_edit(user, measure.focus_area.plan.region):
        raise PermissionDenied
    return measure


def get_region_for_editor(user: AnyUser, region_slug: str) -> Region:
    region = get_region_for_member(user, region_slug)
    if not can_edit(user, region):
        raise PermissionDenied
    return region


def get_plan_for_editor(user: AnyUser, region_slug: str, plan_slug: str) -> Plan:
    plan = get_plan_for_user(user, region_slug, plan_slug)
    if not can_edit(user, plan.region):
        raise PermissionDenied
    return plan


def get_plan_for_member(user: AnyUser, region_slug: str, plan_slug: str) -> Plan:
    """The plan, for the members of its region only: its internal pages do not exist to others."""
    plan = get_plan_for_user(user, region_slug, plan_slug)
    if not can_read_internal(user, plan.region):
        raise Http404
    return plan
