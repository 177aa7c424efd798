from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A person's key to the API. It reads what its user may read on the web, nothing more.

    Only a SHA-256 of the token is stored (as for reporting links): the token itself is
    shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("What the key is for, so that you know which one to revoke."),
    )
    # unique=True gives the index the lookup by token needs.
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    # The first characters, so that a person can tell their keys apart; far too few to guess
    # the rest from.
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        # Never the token or its hash: this string ends up in logs and admin messages.
        return f"{self.user} – {self.name or self.prefix}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self) -> bool:
        return not self.is_revoked and self.user.is_active

    def needs_last_used_update(self, now: datetime.datetime) -> bool:
        # Once a minute is precise enough to tell a key in use from a forgotten one, and
        # spares a write on every request.
        return self.last_used_at is None or now - self.last_used_at > datetime.timedelta(minutes=1)
