"""Long lists rendered with Jinja2, where Django's engine spent most of a page's time: a
plan page's 150-measure table, a measure page's 40 history entries (about 5 of its 23 ms).
Measured in bench/RESULTS.md, issue 19."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Collection, Iterable
from typing import Any

from django import template
from django.template import engines
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from planstatus.core.templatetags.planstatus import status_badge, timing
from planstatus.plans.models import Measure, StatusUpdate

register = template.Library()


@functools.cache
def _words(language: str | None) -> dict[str, str]:
    # Translated once per language, not once per row.
    return {
        "code": gettext("Code"),
        "measure": gettext("Measure"),
        "time": gettext("Time"),
        "responsible": gettext("Responsible"),
        "involved": gettext("Involved"),
        "status": gettext("Status"),
        "written_differently": gettext("Written differently in the document"),
        "duplicate": gettext("Duplicate code"),
        "overdue": gettext("overdue"),
        "personal_link": gettext("personal link"),
        "internal": gettext("internal"),
        "documentation": gettext("Documentation"),
    }


def _written_as(written: str) -> str:
    return gettext("written “%(written)s”") % {"written": written}


def _reported(group: Any) -> str:
    return gettext("%(n)s of %(total)s have reported") % {
        "n": group.reported_count,
        "total": group.total,
    }


def _outcome(outcome: Any) -> SafeString:
    # Only an archived plan's rows have outcomes: rare enough for Django's engine.
    return mark_safe(render_to_string("plans/_outcome.html", {"outcome": outcome}))


def _render(template: str, context: dict[str, Any]) -> SafeString:
    html = engines["jinja2"].get_template(template).render(context)
    return mark_safe(html)  # the Jinja2 engine escapes (autoescape)


@register.simple_tag
def measure_table(
    measures: Iterable[Measure],
    *,
    caption: str,
    duplicate_codes: Collection[str] | None = None,
    mark_overdue: bool = False,
    group_counts: bool = False,
    outcomes: Any = None,
) -> SafeString:
    """The measures as a table: code, text, time, actors and status. The flags say whether
    rows carry those marks at all (`overdue`, `group`, `outcome`), so that no row asks a
    measure for an attribute it was not given."""
    return _render(
        "plans/measure_table.jinja",
        {
            "measures": measures,
            "caption": caption,
            "duplicate_codes": duplicate_codes,
            "mark_overdue": mark_overdue,
            "group_counts": group_counts,
            "outcomes": outcomes,
            "words": _words(get_language()),
            "written_as": _written_as,
            "reported": _reported,
            "outcome": _outcome,
            "status_badge": status_badge,
            "timing": timing,
        },
    )


def _when(moment: datetime.datetime) -> str:
    # As Django's `date` filter does: in the reader's time zone, in the language's format.
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@functools.cache
def _sources(language: str | None) -> dict[str, str]:
    # get_source_display() rebuilds the choices' labels on every call.
    return {value: str(label) for value, label in StatusUpdate.Source.choices}


def _reported_by(actor: str) -> str:
    return gettext("reported by %(actor)s") % {"actor": actor}


def _round_report(update: StatusUpdate) -> Any:
    # Most updates were not reported in a round: the reverse one-to-one then raises.
    return getattr(update, "round_report", None)


@register.simple_tag
def status_history(
    history: Iterable[StatusUpdate], *, internal: bool, can_edit: bool
) -> SafeString:
    """A measure's status updates as a list, newest first. Members (`internal`) see who
    reported, in which round, the internal comments and the evidence; the secretariat
    (`can_edit`) also the contact person. The updates come with `member`, `created_by`
    and `round_report` (its actor, round and contact person) selected."""
    return _render(
        "plans/status_history.jinja",
        {
            "history": history,
            "internal": internal,
            "can_edit": can_edit,
            "words": _words(get_language()),
            "status_badge": status_badge,
            "when": _when,
            "sources": _sources(get_language()),
            "reported_by": _reported_by,
            "round_report": _round_report,
            "truncatechars": truncatechars,
        },
    )
