from typing import Any

from django import template
from django.db.models import Prefetch

from planstatus.accounts.roles import can_edit, can_read_internal
from planstatus.cases.models import CaseDocument, SentCase
from planstatus.plans.models import Plan

register = template.Library()

LATEST = 5


@register.inclusion_tag("cases/plan_cases.html", takes_context=True)
def plan_cases(context: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """The plan's latest sent cases with their files, for members of its region only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_read_internal(user, plan.region):
        return {"visible": False}
    files = CaseDocument.objects.defer("data", "background").order_by("format")
    sent = SentCase.objects.filter(plan=plan).prefetch_related(
        Prefetch("documents", queryset=files)
    )
    return {
        "visible": True,
        "plan": plan,
        "sent_cases": list(sent[:LATEST]),
        "can_edit": can_edit(user, plan.region),
    }
