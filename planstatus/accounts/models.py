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
