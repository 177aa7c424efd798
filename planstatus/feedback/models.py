"""Input from the public on a measure («Gje innspel til dette tiltaket»).

It goes to the secretariat, never straight to the page. The secretariat answers, and may
publish the answer under the measure with the question as it chose to show it (anonymised:
the sender's name and anything personal taken out). The sender's e-mail address is asked
for only to answer; it is kept no longer than the region's chosen number of days and may be
deleted at once, and no history row ever copies it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planstatus.plans.models import Measure

TEXT_MAX = 2000
ANSWER_MAX = 5000


class PublicInput(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="public_inputs", verbose_name=_("measure")
    )
    text = models.TextField(_("input"), max_length=TEXT_MAX)
    # Only to answer; erased after the region's chosen days or when the secretariat says so.
    email = models.EmailField(_("e-mail"), blank=True)
    email_erased_at = models.DateTimeField(_("e-mail address deleted"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    # Published under the measure: the question as the secretariat chose to show it, and the
    # answer. Nothing of it is public before.
    published = models.BooleanField(_("published"), default=False)
    public_question = models.TextField(_("question as shown"), max_length=TEXT_MAX, blank=True)

    # An edited answer keeps its earlier text here; the address is never copied.
    history = HistoricalRecords(excluded_fields=["email"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["measure", "published"], name="input_measure_published")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(published=True, answer=""),
                name="input_published_has_answer",
            )
        ]
        verbose_name = _("input from the public")
        verbose_name_plural = _("input from the public")

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.text[:40]}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)
