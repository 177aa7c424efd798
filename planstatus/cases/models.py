"""The status case ("sak") put before the politicians, and what the secretariat wrote in it.

`CaseSettings` remembers, per plan, what was filled in last time, with its history.
`CaseDocument` keeps every generated document as the bytes that went out: later status
changes, edits to measures or a new version of this code never change what was sent.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planstatus.plans.models import Plan
from planstatus.reporting.models import ReportingRound

DEFAULT_RESOLUTION = "Saka blir teken til orientering"


class CaseSettings(models.Model):
    """What the secretariat wrote in the plan's last case, offered again for the next one.

    The date is not remembered: a case carries the day it is written, and an old date
    offered again would too easily be sent by mistake.
    """

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="case_settings", verbose_name=_("plan")
    )
    case_number = models.CharField(_("case number"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    proposed_resolution = models.TextField(_("proposed resolution"), default=DEFAULT_RESOLUTION)
    place = models.CharField(_("place"), max_length=100, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case settings")
        verbose_name_plural = _("case settings")

    def __str__(self) -> str:
        return f"{self.plan}: {self.case_number}".strip(": ")


class CaseDocument(models.Model):
    """One generated case document, archived as it was delivered. Rows are written once."""

    class Format(models.TextChoices):
        DOCX = "docx", "Word (.docx)"
        PDF = "pdf", "PDF"
        HTML = "html", _("web page (.html)")

    class Via(models.TextChoices):
        WEB = "web", _("web")
        COMMAND = "command", _("command line")

    # PROTECT: an archived case outlives nothing it was made from by accident.
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="case_documents", verbose_name=_("plan")
    )
    # Null: the statuses as they stood when the document was made, not a closed round's.
    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_documents",
        verbose_name=_("reporting round"),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # The annual report to the assembly: the status case with each goal's indicators.
    annual = models.BooleanField(_("annual report"), default=False)
    content_type = models.CharField(_("content type"), max_length=100)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    data = models.BinaryField(_("file"))

    # The case fields as used, so the archive can be searched and listed without the file.
    case_number = models.CharField(_("case number"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    proposed_resolution = models.TextField(_("proposed resolution"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    date = models.DateField(_("date"))
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)

    created_at = models.DateTimeField(_("made"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    # Who, in words, kept even if the user is deleted later; "command line" for the command.
    created_by_name = models.CharField(_("made by (name)"), max_length=150, blank=True)
    created_via = models.CharField(_("made through"), max_length=10, choices=Via.choices)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["plan", "-created_at"], name="casedocument_latest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=["docx", "pdf", "html"]),
                name="casedocument_known_format",
            )
        ]
        verbose_name = _("archived case")
        verbose_name_plural = _("archived cases")

    def __str__(self) -> str:
        return gettext("Case %(number)s (%(format)s)") % {
            "number": self.case_number,
            "format": self.get_format_display(),
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        # What went to the politicians is a record; a corrected case is a new document.
        if not self._state.adding:
            raise ValueError(gettext("An archived case cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def is_intact(self) -> bool:
        """Whether the stored bytes are still the ones archived."""
        return hashlib.sha256(bytes(self.data)).hexdigest() == self.sha256
