"""Deployment checks of our own, beside Django's: `planstatus check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.translation import gettext as _

from planstatus.core.client import trusted_networks

DEVELOPMENT_MAIL_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
}


@register(Tags.security, deploy=True)
def check_mail_backend(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # Mail files hold live reporting links and password-reset links, on one server's disk,
    # and nobody receives them: a convenience for development, never for production.
    if settings.DEBUG or settings.EMAIL_BACKEND not in DEVELOPMENT_MAIL_BACKENDS:
        return []
    return [
        Warning(
            _(
                "Mail is written to files or the console, not sent (%(backend)s). That is "
                "for development only."
            )
            % {"backend": settings.EMAIL_BACKEND},
            hint=_(
                "Set PLANSTATUS_EMAIL_BACKEND=smtp and PLANSTATUS_EMAIL_HOST in production "
                "(docs/operations.md)."
            ),
            id="planstatus.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_data_folder(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # New data folders are made 0700 (settings.py); one made by an older version, or by
    # hand, may still let other users on the machine read the database and the mail.
    try:
        mode = settings.DATA_DIR.stat().st_mode
    except FileNotFoundError:
        return []
    if not mode & 0o077:
        return []
    return [
        Warning(
            _("The data folder %(folder)s can be read by other users (mode %(mode)s).")
            % {"folder": settings.DATA_DIR, "mode": f"{mode & 0o777:o}"},
            hint=f"chmod 700 {settings.DATA_DIR}",
            id="planstatus.W002",
        )
    ]


@register()
def check_trusted_proxies(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # Refused at start (serve and migrate run the checks), not at each request.
    try:
        trusted_networks(tuple(settings.TRUSTED_PROXIES))
    except ValueError as e:
        return [
            Error(
                _("PLANSTATUS_TRUSTED_PROXIES holds something that is not an address: %(error)s")
                % {"error": e},
                id="planstatus.E001",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # Sessions go through the cache: with one server's files (or one process's memory) as
    # the cache, a second app server would not share them, nor a lockout counted there.
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend.endswith("RedisCache"):
        return []
    if backend.endswith("LocMemCache"):
        message = _("The cache is one process's memory: no other worker or server sees it.")
    else:
        message = _(
            "The cache is files on this machine: its workers share it, other app servers do not."
        )
    return [
        Warning(
            message,
            hint=_(
                "With more than one app server, set PLANSTATUS_CACHE_URL=redis://host:6379/0 "
                "(docs/operations.md)."
            ),
            id="planstatus.W003",
        )
    ]
