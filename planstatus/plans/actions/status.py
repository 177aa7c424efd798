"""Writing a measure's status. Updates are only ever added, so the history is the record;
and a save made by someone who had not seen the latest update is refused, so no status is
overwritten unseen."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from planstatus.accounts.roles import known_user
from planstatus.lib.status import Status
from planstatus.plans.groups import group_reporting
from planstatus.plans.models import Measure, StatusUpdate
from planstatus.regions.models import Actor


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
    member: Actor | None = None,
) -> StatusUpdate:
    """Add a status update. Earlier updates are kept: the history is the record.

    With a `member`, it is that member's own report on a group measure, and the measure's
    status is rolled up again in the same transaction (unless it was set by hand).
    """
    previous = StatusUpdate.objects.latest_of(measure, member)
    update = StatusUpdate.objects.create(
        measure=measure,
        member=member,
        status=status,
        previous_status=previous.status if previous else Status.UNKNOWN,
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        created_by=known_user(user),
        source=source,
    )
    if member is not None:
        roll_up_status(measure=measure)
    return update


@transaction.atomic
def roll_up_status(
    *, measure: Measure, user: User | AnonymousUser | None = None, by_hand_too: bool = False
) -> StatusUpdate | None:
    """Set a group measure's status by the rule from its members' latest reports, when that
    changes it; a new update, so the history shows when and why it moved.

    A status the secretariat set by hand stays until it lets the rule decide again
    (`by_hand_too`, which writes the rule's status even when it is the same, so the page no
    longer shows the status as set by hand). Returns the new update, if any.
    """
    reporting = group_reporting([measure.pk]).get(measure.pk)
    if reporting is None:
        return None
    latest = reporting.overall
    if reporting.set_by_hand and not by_hand_too:
        return None
    status = reporting.rule_status
    was = Status(latest.status) if latest else Status.UNKNOWN
    if status == was and not (by_hand_too and reporting.set_by_hand):
        return None
    return StatusUpdate.objects.create(
        measure=measure,
        status=status,
        previous_status=was,
        created_by=known_user(user),
        source=StatusUpdate.Source.ROLLUP,
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
    member: Actor | None = None,
) -> StatusUpdate:
    """Add a status update made by a person who saw the measure with `expected_previous`
    as its latest update (None: they saw none); with a `member`, the member's own latest
    report on the group measure.

    If someone has reported since, StatusConflict is raised and nothing is saved; the
    caller shows the newer status and, if the person still wants the change, calls again
    with that update's id.
    """
    # Locking the measure row makes two saves of the same measure take turns, so both
    # cannot pass the check (a no-op on SQLite, where the transaction serialises writes).
    locked = Measure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
    check_not_changed(measure=locked, member=member, expected_previous=expected_previous)
    return record_status(
        measure=locked,
        status=status,
        comment=comment,
        comment_is_public=comment_is_public,
        evidence_url=evidence_url,
        user=user,
        member=member,
    )


def check_not_changed(
    *, measure: Measure, member: Actor | None, expected_previous: int | None
) -> None:
    """Raise StatusConflict unless the measure's latest update (with a member, that member's
    latest report) is still the one the person saw. The caller holds the measure's lock."""
    latest = StatusUpdate.objects.latest_of(measure, member)
    if (latest.pk if latest else None) != expected_previous:
        raise StatusConflict(measure=measure, latest=latest)
