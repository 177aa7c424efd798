from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from planstatus.plans.models import Plan
from planstatus.regions.models import Region


class PlanImport(models.Model):
    """One uploaded document: what was read, what the secretariat changed, and the outcome.

    The parsed plan is kept as JSON between upload and confirmation, so a review can be
    left and resumed, and every import stays on record after it is saved.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("under review")
        SAVED = "saved", _("saved")
        DISCARDED = "discarded", _("discarded")

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="imports", verbose_name=_("region")
    )
    # Set when a revised document is imported into an existing plan.
    target_plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reimports",
        verbose_name=_("plan to revise"),
    )
    saved_plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("saved as"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    file_size = models.PositiveIntegerField(_("size (bytes)"))
    parsed = models.JSONField(_("parsed plan"))
    # Written actor name → actor id, or "new:<name>" for an actor to create.
    actor_choices = models.JSONField(_("actor choices"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    saved_at = models.DateTimeField(_("saved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"
