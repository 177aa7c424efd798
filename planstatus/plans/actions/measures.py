"""Editing a measure by hand."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from planstatus.lib.timing import parse_timing
from planstatus.plans.models import Measure

# The fields of a measure the secretariat edits in the web form.
EDITABLE_MEASURE_FIELDS = ("text", "timing_text", "note", "note_is_public")


@transaction.atomic
def update_measure(
    *,
    measure: Measure,
    text: str,
    timing_text: str,
    note: str,
    user: User | AnonymousUser,
    note_is_public: bool | None = None,
) -> Measure:
    """Change a measure's text, time and note, and whether the note is public (None: as it
    was). The audit trail keeps the version before."""
    timing = parse_timing(timing_text)
    measure.text = text
    measure.timing_text = timing.text
    measure.start_year = timing.start
    measure.end_year = timing.end
    measure.yearly = timing.yearly
    measure.continuous = timing.continuous
    measure.note = note
    if note_is_public is not None:
        measure.note_is_public = note_is_public
    if user.is_authenticated:
        measure._history_user = user  # type: ignore[attr-defined]
    measure.save()
    return measure
