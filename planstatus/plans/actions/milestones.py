"""A measure's milestones: the secretariat adds them, edits them and marks them done.

Every save goes through django-simple-history with the person as its user, so the measure's
change log shows each edit and each done-mark with its before and after.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from planstatus.plans.models import Measure, Milestone

AnyUser = User | AnonymousUser | None


def _save(milestone: Milestone, user: AnyUser) -> Milestone:
    if user is not None and user.is_authenticated:
        milestone._history_user = user  # type: ignore[attr-defined]
    milestone.save()
    return milestone


@transaction.atomic
def add_milestone(
    *, measure: Measure, text: str, due_on: datetime.date, user: AnyUser = None
) -> Milestone:
    return _save(Milestone(measure=measure, text=text, due_on=due_on), user)


@transaction.atomic
def update_milestone(
    *, milestone: Milestone, text: str, due_on: datetime.date, user: AnyUser = None
) -> Milestone:
    """Change the text or due date. The earlier version stays in the change log."""
    milestone.text = text
    milestone.due_on = due_on
    return _save(milestone, user)


@transaction.atomic
def set_milestone_done(
    *, milestone: Milestone, done: bool, day: datetime.date, user: AnyUser = None
) -> Milestone:
    """Mark done on `day`, or open again. Marking a done milestone done keeps its first day."""
    if done and milestone.done_on is None:
        milestone.done_on = day
    elif not done:
        milestone.done_on = None
    else:
        return milestone
    return _save(milestone, user)
