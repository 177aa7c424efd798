"""The plans' refusals in words, in the person's language: the actions raise codes with
parameters, the pages word them here."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from planstatus.plans.actions.lineage import LineageError, LineageRefusal

LINEAGE_REFUSALS: dict[LineageRefusal, Promise] = {
    LineageRefusal.ITSELF: gettext_lazy("A plan cannot build on itself."),
    LineageRefusal.OTHER_REGION: gettext_lazy("%(plans)s belongs to another region."),
    LineageRefusal.CIRCLE: gettext_lazy(
        "The plans would build on each other in a circle; choose another earlier plan."
    ),
    LineageRefusal.NOT_A_PREDECESSOR: gettext_lazy(
        "%(earlier)s is not named as an earlier plan of %(plan)s."
    ),
    LineageRefusal.DIFFERENT_KINDS: gettext_lazy(
        "Only items of the same kind can continue each other."
    ),
}


def lineage_message(error: LineageError) -> str:
    message = str(LINEAGE_REFUSALS[error.code])
    return message % error.params if error.params else message
