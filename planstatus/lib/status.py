"""The one list of statuses a measure can have, in the order of the scale that legends,
tables, charts and files use: not assessed, not started, started, done, stopped.

Everything that names a status takes it from here: the Django model's choices
(plans/models.py), the API's schema, the plan readers and the open-data files. Like the
rest of lib/, it knows no Django: a status's words are English msgids, marked for the
catalogues with gettext_noop and worded at the edge (planstatus/core/status.py).
"""

from __future__ import annotations

import enum


def gettext_noop(message: str) -> str:
    """Marks a msgid for `makemessages`, as Django's own gettext_noop does: the identity."""
    return message


class Status(enum.StrEnum):
    UNKNOWN = "unknown"
    NOT_STARTED = "not_started"
    STARTED = "started"
    DONE = "done"
    CANCELLED = "cancelled"

    # Status is never carried by colour alone: every status has a word (its msgid), a
    # symbol and a colour, and every page and document shows all three.
    @property
    def msgid(self) -> str:
        return _WORDS[self]

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def colour(self) -> str:
        """The CSS modifier: status--grey, status--red, …"""
        return _COLOURS[self]

    @property
    def colour_msgid(self) -> str:
        """The word the plan documents use for the traffic-light colour (GRØN, GUL, RAUD)."""
        return _COLOUR_WORDS[self]

    @property
    def palette(self) -> tuple[str, str, str]:
        """(fill, ink, strong) hex colours for documents and charts."""
        return _PALETTE[self]


_WORDS = {
    Status.UNKNOWN: gettext_noop("not assessed"),
    Status.NOT_STARTED: gettext_noop("not started"),
    Status.STARTED: gettext_noop("started"),
    Status.DONE: gettext_noop("done"),
    Status.CANCELLED: gettext_noop("stopped without being carried out"),
}
_SYMBOLS = {
    Status.UNKNOWN: "?",
    Status.NOT_STARTED: "○",
    Status.STARTED: "◐",
    Status.DONE: "✓",
    Status.CANCELLED: "⊘",
}
_COLOURS = {
    Status.UNKNOWN: "grey",
    Status.NOT_STARTED: "red",
    Status.STARTED: "yellow",
    Status.DONE: "green",
    Status.CANCELLED: "dark",
}
_COLOUR_WORDS = {
    Status.UNKNOWN: gettext_noop("grey"),
    Status.NOT_STARTED: gettext_noop("red"),
    Status.STARTED: gettext_noop("yellow"),
    Status.DONE: gettext_noop("green"),
    Status.CANCELLED: gettext_noop("black"),
}
# (fill, ink, strong): the same colours as the --ps-status-* variables in planstatus.css
# (tests/test_case_content.py holds them together). Pale fills with dark ink stay legible in
# black-and-white print; the strong colour is for chart bars.
_PALETTE = {
    Status.DONE: ("#d3f1dc", "#0b4d23", "#1a7f3c"),
    Status.STARTED: ("#fff1b8", "#4d3b00", "#b38600"),
    Status.NOT_STARTED: ("#fbd9d7", "#7a1410", "#c4261d"),
    Status.CANCELLED: ("#3a3f47", "#ffffff", "#1d2026"),
    Status.UNKNOWN: ("#eceef1", "#30343b", "#6b717c"),
}


def roll_up(reported: list[Status | None]) -> Status:
    """A group measure's status from its members' own statuses, one entry per member (None,
    or not assessed, for a member that has not reported). The rule the measure page states:

    - no member has reported → not assessed;
    - every member reported done → done; every member reported stopped → stopped;
    - no member reported started or done → not started;
    - otherwise → started.
    """
    said = [s for s in reported if s is not None and s != Status.UNKNOWN]
    if not said:
        return Status.UNKNOWN
    if len(said) == len(reported):
        if all(s == Status.DONE for s in said):
            return Status.DONE
        if all(s == Status.CANCELLED for s in said):
            return Status.CANCELLED
    if not any(s in (Status.STARTED, Status.DONE) for s in said):
        return Status.NOT_STARTED
    return Status.STARTED
