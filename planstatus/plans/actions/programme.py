"""What a programme's page says besides its results: stored, replaced, its history kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from planstatus.accounts.roles import known_user
from planstatus.plans.models import (
    Plan,
    ProgrammeAdvice,
    ProgrammeDetails,
    ProgrammeFollowUpItem,
)


@transaction.atomic
def store_programme_details(
    *,
    plan: Plan,
    intro: str = "",
    application_excerpt: str = "",
    advice: Sequence[str] = (),
    follow_up: str = "",
    follow_up_items: Sequence[str] = (),
    applicant: str = "",
    partners: Sequence[str] = (),
    user: User | AnonymousUser | None = None,
) -> tuple[ProgrammeDetails, list[str]]:
    """Create or replace what a programme's page says besides its results.

    Advice and follow-up points are numbered from 1 in the order given. Municipalities are
    given as written and matched to the region's by name or former name (case ignored);
    the written forms are kept, and the names that matched nothing are returned so the
    caller can decide. Every earlier version stays in the history."""
    by_name: dict[str, Any] = {}
    for municipality in plan.region.municipalities.all():
        for name in municipality.known_names():
            by_name.setdefault(name.casefold(), municipality)
    written = [p.strip() for p in partners if p.strip()]
    unmatched = [n for n in [applicant.strip(), *written] if n and n.casefold() not in by_name]

    details = ProgrammeDetails.objects.filter(plan=plan).first() or ProgrammeDetails(plan=plan)
    details.intro = intro.strip()
    details.application_excerpt = application_excerpt.strip()
    details.follow_up = follow_up.strip()
    details.applicant = by_name.get(applicant.strip().casefold())
    details.applicant_as_written = applicant.strip()
    details.partners_as_written = ", ".join(written)
    history_user = known_user(user)
    if history_user is not None:
        details._history_user = history_user  # type: ignore[attr-defined]
    details.save()
    details.partners.set(
        list(dict.fromkeys(by_name[n.casefold()] for n in written if n.casefold() in by_name))
    )
    _store_numbered(details, ProgrammeAdvice, advice, history_user)
    _store_numbered(details, ProgrammeFollowUpItem, follow_up_items, history_user)
    return details, unmatched


def _store_numbered(
    details: ProgrammeDetails,
    model: type[ProgrammeAdvice] | type[ProgrammeFollowUpItem],
    texts: Sequence[str],
    user: User | None,
) -> None:
    """Numbered rows updated in place, so the history shows what changed in each point."""
    existing = {row.number: row for row in model.objects.filter(programme=details)}
    for number, text in enumerate((t.strip() for t in texts if t.strip()), start=1):
        row = existing.pop(number, None) or model(programme=details, number=number)
        if row.pk is not None and row.text == text:
            continue
        row.text = text
        if user is not None:
            row._history_user = user  # type: ignore[union-attr]
        row.save()
    for row in existing.values():
        row.delete()
