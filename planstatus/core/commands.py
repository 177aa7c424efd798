"""The base of Planstatus's management commands: they speak the installation's language.

Django 5.2 leaves the active language alone when it runs a command (only commands decorated
with `no_translations` switch translations off), so a command's gettext would follow
whatever language happened to be active in the thread: settings.LANGUAGE_CODE from the
command line, but the language of the last request when a command is called in-process.
Operators here read Nynorsk, so every command runs under settings.LANGUAGE_CODE. Messages
for CommandError are translated where raised, so they come out in that language too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation


class PlanstatusCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
