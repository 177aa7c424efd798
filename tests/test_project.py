"""Project hygiene that would otherwise only show up in production."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

LOCALE = Path(__file__).resolve().parent.parent / "planstatus/locale"


def msgids(blocks: list[str]) -> set[str]:
    return {m.group(1) for b in blocks if (m := re.search(r'^msgid "(.*)"$', b, re.MULTILINE))}


class ProjectTests(TestCase):
    def test_models_and_migrations_agree(self) -> None:
        call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())

    def test_every_language_has_a_complete_catalogue(self) -> None:
        """Every interface string is translated in all three languages. Fuzzy entries are
        gettext's guesses and are not used; empty ones would show the English msgid."""
        catalogues = {
            code: (LOCALE / code / "LC_MESSAGES/django.po").read_text(encoding="utf-8")
            for code, _ in settings.LANGUAGES
        }
        ids = {}
        for code, text in catalogues.items():
            blocks = text.split("\n\n")[1:]
            with self.subTest(language=code):
                self.assertEqual([b for b in blocks if "#, fuzzy" in b], [])
                # Empty: `msgstr ""` with no quoted line continuing it (a long msgstr is
                # written as `msgstr ""` followed by its lines).
                empty = [b for b in blocks if re.search(r'^msgstr(\[\d\])? ""(?!\n")', b, re.M)]
                self.assertEqual(empty, [])
            ids[code] = msgids(blocks)
        # The catalogues cover the same strings: none was refreshed and the others forgotten.
        self.assertEqual(ids["nb"], ids["nn"])
        self.assertEqual(ids["en"], ids["nn"])
