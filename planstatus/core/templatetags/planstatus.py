from typing import Any

from django import template
from django.utils.safestring import mark_safe

from planstatus.lib.charts import BarChart, to_svg
from planstatus.plans.models import Status

register = template.Library()


@register.inclusion_tag("core/status_badge.html")
def status_badge(status: Any) -> dict[str, Status]:
    """Colour, symbol and word together: status is never carried by colour alone."""
    return {"status": Status(status)}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag
def svg_chart(chart: BarChart, id_prefix: str) -> str:
    """A server-drawn chart. Its numbers are always in a table beside it as well."""
    return mark_safe(to_svg(chart, id_prefix=id_prefix))  # to_svg escapes every text
