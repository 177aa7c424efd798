"""The import's suggested plan title and address (issue 21, bug 6)."""

from __future__ import annotations

from django.test import SimpleTestCase

from planstatus.imports.services import unique_plan_slug
from planstatus.lib.titles import clean_title, slug_within
from planstatus.regions.models import Region
from tests.base import BaseTestCase


class CleanTitleTests(SimpleTestCase):
    def test_case_number_and_capitals_go(self) -> None:
        cases = {
            "Sak 16-25 REGIONPLAN - STATUS": "Regionplan – status",
            "Sak 16/25: Regionplan for Hallingdal": "Regionplan for Hallingdal",
            "PS 12/2024 Handlingsprogram for NAV og KS": "Handlingsprogram for NAV og KS",
            "REGIONAL PLAN FOR VALDRES": "Regional plan for valdres",
            "Regionplan for Hallingdal 2025–2028": "Regionplan for Hallingdal 2025–2028",
        }
        for written, expected in cases.items():
            with self.subTest(written=written):
                self.assertEqual(clean_title(written), expected)

    def test_a_title_that_is_only_a_case_number_is_kept(self) -> None:
        self.assertEqual(clean_title("Sak 16-25"), "Sak 16-25")


class SlugTests(SimpleTestCase):
    def test_never_cut_inside_a_word(self) -> None:
        slug = "regionplan-for-hallingdal-2025-2028-import-av-dokument"
        for limit in range(12, len(slug) + 1):
            cut = slug_within(slug, limit)
            self.assertLessEqual(len(cut), limit)
            self.assertTrue(slug.startswith(cut))
            rest = slug[len(cut) :]
            self.assertTrue(rest == "" or rest.startswith("-"), (limit, cut))


class UniquePlanSlugTests(BaseTestCase):
    def test_the_suggested_address_is_whole_words_and_keeps_the_years_apart(self) -> None:
        region = Region.objects.create(name="Ordal", slug="ordal-titles")
        slug = unique_plan_slug(region, "Regionplan for Hallingdal 2025–2028 – import")
        self.assertEqual(slug, "regionplan-for-hallingdal-2025-2028")
