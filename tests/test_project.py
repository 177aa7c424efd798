"""Project hygiene that would otherwise only show up in production."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

CATALOGUE = Path(__file__).resolve().parent.parent / "planstatus/locale/nn/LC_MESSAGES/django.po"


class ProjectTests(TestCase):
    def test_models_and_migrations_agree(self) -> None:
        call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())

    def test_nynorsk_catalogue_is_complete(self) -> None:
        # Fuzzy entries are gettext's guesses and are not used; empty ones show English.
        blocks = CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]
        fuzzy = [b for b in blocks if "#, fuzzy" in b]
        empty = [b for b in blocks if re.search(r'^msgstr(\[\d\])? ""$', b, re.MULTILINE)]
        self.assertEqual(fuzzy, [])
        self.assertEqual(empty, [])
