from typing import Any

from django import template

from planstatus.accounts.roles import can_edit, can_read_internal
from planstatus.cases.models import CaseDocument
from planstatus.plans.models import Plan

register = template.Library()

LATEST = 5


@register.inclusion_tag("cases/plan_cases.html", takes_context=True)
def plan_cases(context: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """The plan's latest archived cases, for members of its region only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_read_internal(user, plan.region):
        return {"visible": False}
    documents = CaseDocument.objects.filter(plan=plan).defer("data", "background")
    return {
        "visible": True,
        "plan": plan,
        "documents": list(documents[:LATEST]),
        "can_edit": can_edit(user, plan.region),
    }
