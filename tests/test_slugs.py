"""Suggested titles and short names (issue 21: «Sak 16-25 REGIONPLAN - STATUS» and
`regionplan-for-hallingdal-20252028-impor`)."""

from __future__ import annotations

import pytest

from planstatus.lib.slugs import slug_from, suggested_title


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Regionplan for Hallingdal 2025–2028 (import)", "regionplan-for-hallingdal-2025-2028"),
        ("Sør-Østerdal og Åmot", "sor-osterdal-og-amot"),
        (
            "Trafikktryggingsplan for Hjelmeland kommune 2024–2027",
            "trafikktryggingsplan-for-hjelmeland",
        ),
        ("Ål", "al"),
        ("«Handlingsprogram» 2024/2025", "handlingsprogram-2024-2025"),
        ("—", ""),
    ],
)
def test_a_short_name_spells_letters_out_and_is_cut_between_words(title: str, slug: str) -> None:
    assert slug_from(title) == slug
    assert len(slug_from(title * 5)) <= 40


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Sak 16-25 REGIONPLAN - STATUS", "Regionplan – status"),
        ("PS 12/24 Trafikktryggingsplan for Ski", "Trafikktryggingsplan for Ski"),
        (
            "STRATEGISK NÆRINGSPLAN FOR NAV OG KS 2023-2026",
            "Strategisk næringsplan for NAV og KS 2023-2026",
        ),
        ("Handlingsprogram 2024–2027", "Handlingsprogram 2024–2027"),
        ("Sak 16-25", "Sak 16-25"),
    ],
)
def test_a_suggested_title_reads_as_a_person_writes_it(heading: str, title: str) -> None:
    assert suggested_title(heading) == title
