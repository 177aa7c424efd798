from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from planstatus.core.fragments import cached_by_content
from planstatus.lib.charts import BarChart, to_svg
from planstatus.plans.models import Status

register = template.Library()


@register.simple_tag
def status_badge(status: Any) -> str:
    """Colour, symbol and word together: status is never carried by colour alone.

    The same markup as core/status_badge.html, built here because a plan page shows
    hundreds of badges and a template include per badge is what its rendering time was.
    """
    s = Status(status)
    return format_html(
        '<span class="status status--{}" data-status="{}">'
        '<span class="status__symbol" aria-hidden="true">{}</span> {}</span>',
        s.colour,
        s.value,
        s.symbol,
        s.label,
    )


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag
def svg_chart(chart: BarChart, id_prefix: str) -> str:
    """A server-drawn chart. Its numbers are always in a table beside it as well."""
    return mark_safe(to_svg(chart, id_prefix=id_prefix))  # to_svg escapes every text


class ContentCacheNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str, vary_on: list[Any]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context: template.Context) -> str:
        parts = [var.resolve(context) for var in self.vary_on]
        return cached_by_content(self.name, parts, lambda: self.nodelist.render(context))


@register.tag
def cache_by_content(parser: template.base.Parser, token: template.base.Token) -> ContentCacheNode:
    """{% cache_by_content name var ... %}…{% endcache_by_content %}: the block's rendering,
    kept for as long as nothing it can show has changed (core/fragments.cached_by_content).
    Pass everything the block depends on beyond the content, language and day (the plan, a
    round, the filters), and fetch the block's rows lazily, inside it."""
    nodelist = parser.parse(("endcache_by_content",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("cache_by_content needs a fragment name.")
    return ContentCacheNode(nodelist, bits[1], [parser.compile_filter(b) for b in bits[2:]])
