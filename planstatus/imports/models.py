from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planstatus.plans.models import Plan
from planstatus.regions.models import Region

# An uploaded document is kept this long for the review (`planstatus clear-imports` removes
# it after), whatever the state of its import.
DOCUMENT_DAYS = 14


def document_path(instance: Any, filename: str) -> str:
    """A random name under the data folder's media/imports/: never the person's file name,
    which stays in `filename` and goes nowhere near the file system."""
    return f"imports/{secrets.token_hex(16)}"


class PlanImport(models.Model):
    """One uploaded document: what was read, what the secretariat changed, and the outcome.

    The parsed plan is kept as JSON between upload and confirmation, so a review can be
    left and resumed, and every import stays on record after it is saved. The document
    itself is kept only while the import is under review, to read it again with other
    column or line roles; it is removed on saving, discarding, or DOCUMENT_DAYS after the upload.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("under review")
        SAVED = "saved", _("saved")
        DISCARDED = "discarded", _("discarded")

    class Kind(models.TextChoices):
        PLAN = "plan", _("plan")
        PROGRAMME = "programme", _("programme page")

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
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PLAN)
    document = models.FileField(_("document"), upload_to=document_path, max_length=100, blank=True)
    # What the plan will be saved as: the reading with the person's edits.
    parsed = models.JSONField(_("parsed plan"))
    # The document as read with the chosen roles, before the person's edits (None for
    # imports from before the document was kept): what the edits are measured against.
    reading = models.JSONField(_("reading"), null=True, blank=True)
    # The person's roles: {block: {"roles": {column: role}, "header_row": n}} for tables,
    # {block: role} for lines.
    table_choices = models.JSONField(_("column roles"), default=dict, blank=True)
    line_choices = models.JSONField(_("line roles"), default=dict, blank=True)
    # Column mappings remembered from earlier imports and applied to this one.
    remembered: models.ManyToManyField[ColumnMapping, Any] = models.ManyToManyField(
        "ColumnMapping", blank=True, related_name="+", verbose_name=_("remembered column roles")
    )
    # Moves with every new reading, so that a form from an older one is told apart.
    version = models.PositiveIntegerField(default=1)
    # A programme page's options: the plan's short name and whether to replace one.
    options = models.JSONField(_("options"), default=dict, blank=True)
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


class ColumnMapping(models.Model):
    """The column roles a region chose for tables with one set of headers, remembered from
    a confirmed import and offered (prefilled) for its next import with similar headers."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="column_mappings", verbose_name=_("region")
    )
    # The headers as `vocabulary.header_key` folds them, sorted; `key` is their digest.
    headers = models.JSONField(_("headers"))
    key = models.CharField(max_length=64)
    # Header as written → role (vocabulary.ROLES), as `read_plan(columns=…)` takes it.
    roles = models.JSONField(_("roles"))
    source_name = models.CharField(_("from the file"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen by"),
    )
    updated_at = models.DateTimeField(_("chosen"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="one_mapping_per_header_set")
        ]
        verbose_name = _("remembered column roles")
        verbose_name_plural = _("remembered column roles")

    def __str__(self) -> str:
        return ", ".join(f"{header}={role}" for header, role in self.roles.items())
