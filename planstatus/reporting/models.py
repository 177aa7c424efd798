"""Personal reporting links: an actor reports on its measures in one plan without a password.

The link's token is a bearer secret. Only its SHA-256 digest is stored, so a copy of the
database (a backup, a dump for debugging) cannot be turned into working links.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planstatus.plans.models import Plan
from planstatus.regions.models import Actor

# Shared by the model's clean() and the service, so the admin and the code say the same.
CROSS_REGION_MESSAGE = "Aktøren og planen høyrer til ulike regionar."

USER_AGENT_MAX_LENGTH = 200
DETAIL_MAX_LENGTH = 200


class ReportingLink(models.Model):
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="reporting_links", verbose_name=_("actor")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reporting_links", verbose_name=_("plan")
    )
    # unique=True gives the index the lookup by token needs.
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["actor", "plan"], name="reportinglink_actor_plan_idx")]
        verbose_name = _("reporting link")
        verbose_name_plural = _("reporting links")

    def __str__(self) -> str:
        # Never the token or its hash: this string ends up in logs and admin messages.
        return f"{self.actor} – {self.plan}"

    def clean(self) -> None:
        if (
            self.actor_id is not None
            and self.plan_id is not None
            and self.actor.region_id != self.plan.region_id
        ):
            raise ValidationError(CROSS_REGION_MESSAGE)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return not self.is_revoked and not self.is_expired(now)


class ReportingLinkUse(models.Model):
    """One use, or refused attempt, of a reporting link. Rows are only ever added."""

    class Action(models.TextChoices):
        OPENED = "opened", _("opened")
        REPORTED = "reported", _("reported")
        REFUSED_EXPIRED = "refused_expired", _("refused: expired")
        REFUSED_REVOKED = "refused_revoked", _("refused: revoked")
        REFUSED_UNKNOWN = "refused_unknown", _("refused: unknown link")

    # Null for attempts with a token that matches no link; the token itself is not kept.
    link = models.ForeignKey(
        ReportingLink,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uses",
        verbose_name=_("reporting link"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=DETAIL_MAX_LENGTH, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["link", "-at"], name="reportinglinkuse_latest_idx")]
        verbose_name = _("use of reporting link")
        verbose_name_plural = _("uses of reporting links")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"
