"""Reporting's part of the change log: rounds opened, changed and closed, and the reports
that wait for approval — sent, approved, returned or replaced.

The log itself is `plans/audit.py`; the page that shows it (in `pages/`) passes these
sources with plans' own.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_lazy

from planstatus.plans.audit import Source, measure_label
from planstatus.reporting.models import ReportingRound, Submission


def _round_person(row: Any) -> str:
    """Who opened or closed a round made outside a web request (a command, a test)."""
    person = row.opened_by if row.history_type == "+" else row.closed_by
    return person.get_username() if person else ""


SOURCES = [
    Source(
        "round",
        ReportingRound,
        "plan__region",
        ("plan", "opened_by", "closed_by"),
        lambda r: f"{r.title} – {r.plan.title}",
        shown_on_create=("deadline",),
        # The entry's own person and time say who opened or closed it, and when.
        hidden=frozenset({"opened_at", "opened_by", "closed_at", "closed_by"}),
        author=_round_person,
    ),
    Source(
        "submission",
        Submission,
        "measure__focus_area__plan__region",
        ("measure", "actor"),
        lambda r: f"{r.actor.name} – {measure_label(r.measure)}",
        measure_path="measure_id",
        # A milestone or an update from a link shows its text and date instead.
        shown_on_create=("status", "comment", "text", "day"),
        # The person behind a link is for the secretariat's eyes (the round page); the rest
        # is bookkeeping the entry's label and state already say.
        hidden=frozenset(
            {"contact_person", "via_link", "status_update", "as_member", "round", "measure"}
        ),
        author=lambda r: gettext("%(actor)s, through its link") % {"actor": r.actor.name},
        name=gettext_lazy("report from a link"),
    ),
]
