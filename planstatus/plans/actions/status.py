"""Writing a measure's status. Updates are only ever added, so the history is the record;
and a save made by someone who had not seen the latest update is refused, so no status is
overwritten unseen."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from planstatus.lib.status import Status
from planstatus.plans.models import Measure, StatusUpdate


class StatusConflict(Exception):
    """Someone reported on the measure after the person saw it; nothing was saved. The
    page words it (who set what, and when) from `latest`."""

    def __init__(self, *, measure: Measure, latest: StatusUpdate | None) -> None:
        super().__init__(
            f"Measure {measure.pk}: the latest update is {latest.pk if latest else None}."
        )
        self.measure = measure
        self.latest = latest


@transaction.atomic
def record_status(
    *,
    measure: Measure,
    status: Status,
    comment: str = "",
    comment_is_public: bool = False,
    evidence_url: str = "",
    user: User | AnonymousUser | None = None,
    source: str = StatusUpdate.Source.WEB,
) -> StatusUpdate:
    """Add a status update. Earlier updates are kept: the history is the record."""
    previous = (
        StatusUpdate.objects.filter(measure=measure)
        .order_by("-created_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    return StatusUpdate.objects.create(
        measure=measure,
        status=status,
        previous_status=previous or Status.UNKNOWN,
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        created_by=user if user is not None and user.is_authenticated else None,
        source=source,
    )


@transaction.atomic
def set_status(
    *,
    measure: Measure,
    status: Status,
    comment: str = "",
    comment_is_public: bool = False,
    evidence_url: str = "",
    user: User | AnonymousUser | None = None,
    expected_previous: int | None,
) -> StatusUpdate:
    """Add a status update made by a person who saw the measure with `expected_previous`
    as its latest update (None: they saw none).

    If someone has reported since, StatusConflict is raised and nothing is saved; the
    caller shows the newer status and, if the person still wants the change, calls again
    with that update's id.
    """
    # Locking the measure row makes two saves of the same measure take turns, so both
    # cannot pass the check (a no-op on SQLite, where the transaction serialises writes).
    locked = Measure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
    latest = latest_update(locked)
    if (latest.pk if latest else None) != expected_previous:
        raise StatusConflict(measure=locked, latest=latest)
    return record_status(
        measure=locked,
        status=status,
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        user=user,
    )


def latest_update(measure: Measure) -> StatusUpdate | None:
    return (
        StatusUpdate.objects.filter(measure=measure)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
        .first()
    )
