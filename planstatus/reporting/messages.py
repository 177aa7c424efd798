"""The reporting rounds' refusals and conflicts in words, in the person's language.

The services raise codes with parameters (errors.py) and plans' StatusConflict with the
newer update; the pages and commands word them here (msgids in English, as everywhere).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planstatus.core.status import status_label
from planstatus.plans.actions.status import StatusConflict
from planstatus.plans.models import StatusUpdate
from planstatus.reporting.errors import Refusal, RoundError
from planstatus.reporting.models import ReminderSent

REFUSALS: dict[Refusal, Promise] = {
    Refusal.BAD_BASE_URL: gettext_lazy("The site's address must start with https:// or http://."),
    Refusal.NO_TITLE: gettext_lazy("The round must have a title."),
    Refusal.DEADLINE_PASSED: gettext_lazy("The deadline cannot be in the past."),
    Refusal.REMINDER_DAY_TOO_FAR: gettext_lazy(
        "A reminder day can be at most %(days)s days from the deadline."
    ),
    Refusal.ALREADY_OPEN: gettext_lazy("The plan «%(plan)s» already has an open reporting round."),
    Refusal.ROUND_CLOSED: gettext_lazy(
        "The round is closed, so reporting in it is no longer possible."
    ),
    Refusal.ALREADY_CLOSED: gettext_lazy("The round is already closed."),
    Refusal.CLOSED_NO_REMINDERS: gettext_lazy(
        "The round is closed, so reminders can no longer be sent."
    ),
    Refusal.UNKNOWN_STATUS: gettext_lazy("Unknown status."),
    Refusal.NOT_RESPONSIBLE: gettext_lazy("%(actor)s is not responsible for measure %(code)s."),
    Refusal.NOT_RESPONSIBLE_IN_PLAN: gettext_lazy(
        "%(actor)s is not responsible for any measure in the plan."
    ),
    Refusal.LINK_NOT_VALID: gettext_lazy("The link is not valid for this round."),
    Refusal.LINK_OF_ANOTHER_ACTOR: gettext_lazy("The link belongs to another actor."),
    Refusal.MEASURE_NOT_IN_PLAN: gettext_lazy(
        "The measure does not belong to the plan «%(plan)s»."
    ),
    Refusal.MEASURE_ARCHIVED: gettext_lazy(
        "Measure %(code)s is archived and cannot be reported on."
    ),
    Refusal.REASON_REQUIRED: gettext_lazy("Say why you set the overall status by hand."),
}

REMINDER_KIND_TEXT: dict[str, Promise] = {
    ReminderSent.Kind.BEFORE_DEADLINE: gettext_lazy("before the deadline"),
    ReminderSent.Kind.ON_DEADLINE: gettext_lazy("on the deadline day"),
    ReminderSent.Kind.AFTER_DEADLINE: gettext_lazy("after the deadline"),
    ReminderSent.Kind.MANUAL: gettext_lazy("sent by hand"),
}


def refusal_message(error: RoundError) -> str:
    message = str(REFUSALS[error.code])
    return message % error.params if error.params else message


def local_time(moment: datetime.datetime) -> str:
    """A moment in the installation's time, in the active language: «3. juni 2025 kl. 14.05»."""
    local = timezone.localtime(moment)
    return _("%(date)s at %(hour)s:%(minute)s") % {
        "date": date_format(local.date(), "j. F Y"),
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
    }


def _user_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def set_by(update: StatusUpdate, *, with_person: bool = False) -> str:
    """Who set a status, in words: the actor that reported, else the user, else the source.
    With a person: the contact person whose link saved it too (for the secretariat only)."""
    report = getattr(update, "round_report", None)
    if report is not None and report.actor is not None:
        if with_person and report.contact_person is not None:
            return _("%(actor)s (%(person)s)") % {
                "actor": report.actor.name,
                "person": report.contact_person.name,
            }
        return str(report.actor.name)
    if update.created_by is not None:
        return _user_name(update.created_by)
    if update.source == StatusUpdate.Source.SEED:
        return _("the reading of the plan document")
    if update.source == StatusUpdate.Source.IMPORT:
        return _("an import")
    if update.source == StatusUpdate.Source.ROLLUP:
        return _("the rule over the members' reports")
    return _("unknown")


def conflict_message(conflict: StatusConflict, *, for_link: bool = False) -> str:
    """The conflict in words. On a link page the other party is named as a body (the actor
    that reported, else the secretariat), never as a person; the secretariat sees the
    person too."""
    measure, latest = conflict.measure, conflict.latest
    name = _("measure %(code)s") % {"code": measure.code} if measure.code else _("the measure")
    if latest is None:
        return _(
            "The status of %(measure)s is no longer the one you saw. "
            "Reload the page and look it over before you save."
        ) % {"measure": name}
    return _(
        "Someone reported on %(measure)s after you opened the form: it now says «%(status)s», "
        "set by %(who)s %(when)s. Look it over and save again if you still want to change "
        "the status."
    ) % {
        "measure": name,
        "status": status_label(latest.status),
        "who": _body_that_set(latest) if for_link else set_by(latest, with_person=True),
        "when": local_time(latest.created_at),
    }


def _body_that_set(update: StatusUpdate) -> str:
    report = getattr(update, "round_report", None)
    if report is not None and report.actor is not None:
        return str(report.actor.name)
    return _("the secretariat")
