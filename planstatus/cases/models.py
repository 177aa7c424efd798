"""The status case ("sak") put before the politicians, and what the secretariat wrote in it.

`CaseSettings` remembers, per plan, what was filled in last time, with its history.
`CaseDraft` is a case made to be looked over: its files as rendered, kept until the
secretariat deletes it or sends it. `SentCase` is a case sent to political treatment
(«politisk behandling»): written once, never changed, with its `CaseDocument` files (the
PDF and the Word file), who sent it and when, and a digest of what it was made from, so
the same case is never sent twice. Later status changes, edits to measures or a new version
of this code never change what was sent.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planstatus.lib.reports.content import CaseDetails
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
    highlights = models.TextField(_("points to highlight"), blank=True)
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


class CaseFields(models.Model):
    """The fields a case was made with, as the document shows them."""

    annual = models.BooleanField(_("annual report"), default=False)
    case_number = models.CharField(_("case number"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    highlights = models.TextField(_("points to highlight"), blank=True)
    proposed_resolution = models.TextField(_("proposed resolution"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    date = models.DateField(_("date"))
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    # What the case was made from (the round, the fields, every status, comment and text it
    # shows), as a SHA-256 of a canonical form: the same inputs give the same digest, while
    # the files differ (a .docx carries the time it was made).
    inputs_digest = models.CharField(_("digest of the inputs"), max_length=64, blank=True)
    # Each measure's status in the case, by measure id: the next case's «since the previous
    # case». Null for cases archived before it was kept.
    statuses = models.JSONField(_("statuses"), null=True, blank=True)
    # When those statuses held: the round's closing, or when the case was made.
    statuses_at = models.DateTimeField(_("statuses as of"), null=True, blank=True)

    made_at = models.DateTimeField(_("made"), default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    # Who, in words, kept even if the user is deleted later; "kommandolinja" for the command.
    made_by_name = models.CharField(_("made by (name)"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def details(self) -> CaseDetails:
        return CaseDetails(
            case_number=self.case_number,
            title=self.title,
            background=self.background,
            proposed_resolution=self.proposed_resolution,
            place=self.place,
            date=self.date,
            signer_name=self.signer_name,
            signer_title=self.signer_title,
            highlights=self.highlights,
        )


class CaseDraft(CaseFields):
    """A case made to be looked over before it is sent. The files are those that will be
    archived if it is sent; a draft can be downloaded and deleted."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="case_drafts", verbose_name=_("plan")
    )
    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="case_drafts",
        verbose_name=_("reporting round"),
    )
    # What the document shows beyond the inputs (the comparison with the previous case): a
    # draft whose content would now come out different is out of date and is not sent.
    content_digest = models.CharField(_("digest of the content"), max_length=64)
    html = models.TextField(_("web page"))
    pdf = models.BinaryField(_("PDF"))
    docx = models.BinaryField(_("Word file"))

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("case draft")
        verbose_name_plural = _("case drafts")

    def __str__(self) -> str:
        return gettext("Draft of case %(number)s") % {"number": self.case_number}

    def file(self, fmt: str) -> bytes:
        if fmt == "html":
            return self.html.encode("utf-8")
        return bytes(self.pdf if fmt == "pdf" else self.docx)


class SentCase(CaseFields):
    """A case sent to political treatment: its fields and files as they went out. Written
    once; a corrected case is a new one."""

    class Via(models.TextChoices):
        WEB = "web", _("web")
        COMMAND = "command", _("command line")

    # PROTECT: an archived case outlives nothing it was made from by accident.
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="sent_cases", verbose_name=_("plan")
    )
    # Null: the statuses as they stood when the case was made, not a closed round's.
    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sent_cases",
        verbose_name=_("reporting round"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_by_name = models.CharField(_("sent by (name)"), max_length=150, blank=True)
    sent_via = models.CharField(_("sent through"), max_length=10, choices=Via.choices)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["plan", "-sent_at"], name="sentcase_latest_idx")]
        constraints = [
            # The same inputs are sent once; the service refuses first, this stops two
            # requests at once. Cases archived before the digest was kept have none.
            models.UniqueConstraint(
                fields=["plan", "inputs_digest"],
                condition=~models.Q(inputs_digest=""),
                name="sentcase_inputs_once",
            )
        ]
        verbose_name = _("sent case")
        verbose_name_plural = _("sent cases")

    def __str__(self) -> str:
        return gettext("Case %(number)s") % {"number": self.case_number}

    def save(self, *args: Any, **kwargs: Any) -> None:
        # What went to the politicians is a record; a corrected case is a new one.
        if not self._state.adding:
            raise ValueError(gettext("A sent case cannot be changed."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """Its row in the plan's archive, on the case page."""
        page = reverse("case_page", args=[self.plan.region.slug, self.plan.slug])
        return f"{page}#sendt-{self.pk}"

    @property
    def exportable(self) -> bool:
        """Sent with its PDF/A and Word file and a digest: files archived one at a time
        before sending existed have no transfer package."""
        return bool(self.inputs_digest)


class CaseDocument(models.Model):
    """One file of a sent case, archived as it was delivered. Rows are written once."""

    class Format(models.TextChoices):
        DOCX = "docx", "Word (.docx)"
        PDF = "pdf", "PDF"
        HTML = "html", _("web page (.html)")

    Via = SentCase.Via

    sent_case = models.ForeignKey(
        SentCase,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("sent case"),
    )
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
        verbose_name = _("archived case file")
        verbose_name_plural = _("archived case files")

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
