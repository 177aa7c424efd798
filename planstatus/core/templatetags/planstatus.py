from typing import Any

from django import template

from planstatus.plans.models import Status

register = template.Library()


@register.inclusion_tag("core/status_badge.html")
def status_badge(status: Any) -> dict[str, Status]:
    """Colour, symbol and word together: status is never carried by colour alone."""
    return {"status": Status(status)}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
