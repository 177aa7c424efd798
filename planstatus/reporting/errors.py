"""Why a round action was refused: a code and its parameters, worded at the edge
(reporting/messages.py) in the person's language."""

from __future__ import annotations

import enum


class Refusal(enum.StrEnum):
    BAD_BASE_URL = "bad_base_url"
    NO_TITLE = "no_title"
    DEADLINE_PASSED = "deadline_passed"
    REMINDER_DAY_TOO_FAR = "reminder_day_too_far"  # days
    ALREADY_OPEN = "already_open"  # plan
    ROUND_CLOSED = "round_closed"
    ALREADY_CLOSED = "already_closed"
    CLOSED_NO_REMINDERS = "closed_no_reminders"
    UNKNOWN_STATUS = "unknown_status"
    NOT_RESPONSIBLE = "not_responsible"  # actor, code
    NOT_RESPONSIBLE_IN_PLAN = "not_responsible_in_plan"  # actor
    LINK_NOT_VALID = "link_not_valid"
    LINK_OF_ANOTHER_ACTOR = "link_of_another_actor"
    MEASURE_NOT_IN_PLAN = "measure_not_in_plan"  # plan
    MEASURE_ARCHIVED = "measure_archived"  # code
    REASON_REQUIRED = "reason_required"


class RoundError(ValueError):
    """A round action was refused; nothing was written."""

    def __init__(self, code: Refusal, /, **params: str) -> None:
        super().__init__(f"{code}: {params}" if params else str(code))
        self.code = code
        self.params = params
