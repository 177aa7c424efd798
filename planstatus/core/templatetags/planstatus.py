import functools
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from planstatus.core.status import status_label
from planstatus.lib.charts import BarChart, to_svg
from planstatus.lib.status import Status

register = template.Library()


@register.simple_tag
def status_badge(status: Any) -> str:
    """Colour, symbol and word together: status is never carried by colour alone."""
    return _badge(Status(status), get_language())


@functools.cache
def _badge(s: Status, language: str | None) -> str:
    # A handful of statuses and languages: built once each, not once per table row.
    return format_html(
        '<span class="status status--{}" data-status="{}">'
        '<span class="status__symbol" aria-hidden="true">{}</span> {}</span>',
        s.colour,
        s.value,
        s.symbol,
        status_label(s),
    )


@register.simple_tag
def timing(shown: str, written: str) -> str:
    """A time in its normalised form («kontinuerleg») with the plan's own words («Kont»)
    on hover (the title) and for assistive technology (visually hidden text, since a title
    alone is read by few screen readers and reached by no keyboard)."""
    if not written:
        return "–"
    if shown == written:
        return format_html("{}", shown)
    return format_html(
        '<abbr class="timing" title="{}">{}</abbr><span class="ds-sr-only"> ({})</span>',
        gettext("In the plan: %(text)s") % {"text": written},
        shown,
        gettext("in the plan: “%(text)s”") % {"text": written},
    )


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag
def svg_chart(chart: BarChart, id_prefix: str) -> str:
    """A server-drawn chart. Its numbers are always in a table beside it as well."""
    return mark_safe(to_svg(chart, id_prefix=id_prefix))  # to_svg escapes every text
