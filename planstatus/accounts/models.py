from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planstatus.regions.models import Region


class Membership(models.Model):
    """A person's role in one region. A person may hold roles in several regions.

    Installation administrators are Django superusers; they manage regions and their
    secretariats and need no membership.
    """

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("secretariat")
        READER = "reader", _("reader")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("region")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="one_role_per_region")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.region}: {self.get_role_display()}"


class Preferences(models.Model):
    """What a person has chosen for themselves, kept across browsers and devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preferences",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return str(self.user)
