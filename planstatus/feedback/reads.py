"""What other pages show of the public's input: a measure's published questions and answers,
and a region's input not yet answered (for «Mitt arbeid»)."""

from __future__ import annotations

from planstatus.feedback.models import PublicInput
from planstatus.plans.models import Measure
from planstatus.regions.models import Region

# «Mitt arbeid» lists this many, then says how many there are in all.
SHOWN = 5


def published_inputs(measure: Measure) -> list[PublicInput]:
    return list(
        PublicInput.objects.filter(measure=measure, published=True).order_by("answered_at", "pk")
    )


def open_inputs(region: Region) -> tuple[list[PublicInput], int]:
    """The region's newest input not yet answered, and how many there are in all."""
    unanswered = PublicInput.objects.filter(
        measure__focus_area__plan__region=region, answer=""
    ).select_related("measure__focus_area__plan__region")
    shown = list(unanswered[:SHOWN])
    return shown, (len(shown) if len(shown) < SHOWN else unanswered.count())
