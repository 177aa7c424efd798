"""The reader of Byregionprogrammet's region pages (planstatus/lib/programme.py), on the real
page of Hallingdal and on pages written after other regions' pages: Nynorsk and Bokmål,
Hovudmål/Delmål, numbered and lettered lists, no blank lines, a missing facts box, a page cut
off half-way, CRLF with BOM, Windows-1252, a page saved as HTML, and files that are no
programme page at all."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from planstatus.installation.seed import HALLINGDAL_SEED
from planstatus.lib.programme import (
    DECODED_AS_CP1252,
    EMPTY,
    EMPTY_PART,
    IGNORED_SECTION,
    MAX_BYTES,
    MISSING_FACT,
    MISSING_PART,
    NOT_PROGRAMME_PAGE,
    NOT_TEXT,
    REPEATED_HEADING,
    SKIPPED_TEXT,
    STATUSES,
    TOO_LARGE,
    UNREADABLE_DATE,
    UNREADABLE_NUMBER,
    ProgrammePageError,
    parse_date,
    parse_number,
    parse_programme,
    read_programme,
    result_status,
)

FIXTURES = Path(__file__).parent / "fixtures" / "programme"
HALLINGDAL = FIXTURES / "hallingdal.txt"
KEYS = [
    "region",
    "intro",
    "goals",
    "focus_areas",
    "results",
    "advice",
    "follow_up",
    "application_excerpt",
    "facts",
    "warnings",
]
FACT_KEYS = [
    "applicant_municipality",
    "partner_municipalities",
    "population",
    "population_date",
    "area_km2",
]


def read(name: str) -> dict[str, Any]:
    return read_programme((FIXTURES / name).read_bytes()).as_json()


def codes(page: dict[str, Any]) -> list[tuple[str, str]]:
    return [(w["code"], w["where"]) for w in page["warnings"]]


def check_shape(page: dict[str, Any]) -> None:
    assert list(page) == KEYS
    assert list(page["facts"]) == FACT_KEYS
    for goal in page["goals"]:
        assert set(goal) == {"text", "level"} and goal["level"] in {"goal", "main", "sub"}
    for result in page["results"]:
        assert set(result) == {"text", "status"} and result["status"] in STATUSES
    for warning in page["warnings"]:
        assert set(warning) == {"code", "where", "params"}
        assert all(isinstance(v, str) for v in warning["params"].values())


# Every key of what each written page gives, as a reader of the page would write it down.
EXPECTED: dict[str, dict[str, Any]] = {
    "namdal-grupperte-resultat.txt": {
        "region": "Region Namdal",
        "intro": "Region Namdal har i Byregionprogrammet jobbet med hvordan Namsos og de tolv "
        "omlandskommunene sammen kan skape flere arbeidsplasser innen havbruk og "
        "landbruk.",
        "goals": [
            {"text": "Namdalen skal ha 3000 nye arbeidsplasser innen 2030.", "level": "goal"}
        ],
        "focus_areas": ["Havbruk", "Landbruk og matproduksjon", "Kompetanse"],
        "results": [
            {"text": "Havbruk: Felles kystsoneplan for Namdalen vedtatt", "status": "done"},
            {"text": "Havbruk: Leverandørnettverk for havbruk etablert", "status": "done"},
            {
                "text": "Landbruk og matproduksjon: Matnettverk Namdal, i prosess",
                "status": "started",
            },
            {"text": "Kompetanse: Fagskoletilbud i akvakultur gjennomført", "status": "done"},
            {
                "text": "Kompetanse: Kompetansemegler for hele regionen, ikke avsluttet",
                "status": "started",
            },
            {"text": "Annet: Felles næringsportal for Namdalen", "status": "unknown"},
        ],
        "advice": [
            "Bruk tid på forankring i alle kommunestyrene",
            "Fordel oppgavene mellom kommunene",
        ],
        "follow_up": "",
        "application_excerpt": "",
        "facts": {
            "applicant_municipality": "Namsos",
            "partner_municipalities": [
                "Flatanger",
                "Fosnes",
                "Grong",
                "Høylandet",
                "Leka",
                "Lierne",
                "Namdalseid",
                "Namsskogan",
                "Nærøy",
                "Overhalla",
                "Røyrvik",
                "Vikna",
            ],
            "population": 38700,
            "population_date": "2015-01-01",
            "area_km2": 13900,
        },
        "warnings": [
            {"code": "missing_part", "where": "follow_up", "params": {}},
            {"code": "missing_part", "where": "application_excerpt", "params": {}},
            {
                "code": "skipped_text",
                "where": "document",
                "params": {"text": "Kontaktperson: Kari Nordmann, prosjektleder", "line": "3"},
            },
            {
                "code": "skipped_text",
                "where": "document",
                "params": {"text": "E-post: kari.nordmann@example.no", "line": "4"},
            },
            {
                "code": "ignored_section",
                "where": "document",
                "params": {"heading": "Rapporter og dokumentasjon", "lines": "2", "line": "36"},
            },
        ],
    },
    "kongsbergregionen-bokmal.txt": {
        "region": "Kongsbergregionen",
        "intro": "Kongsbergregionen har gjennom Byregionprogrammet styrket samarbeidet mellom "
        "kommunene og næringslivet om kompetanse og rekruttering. Regionen har etablert et "
        "felles næringsselskap og vedtatt en felles strategi for attraktivitet.",
        "goals": [
            {
                "text": "Kongsbergregionen skal ha en befolkningsvekst på minst 1,2 prosent i året "
                "og styrke sin posisjon som en ledende teknologiregion.",
                "level": "main",
            },
            {
                "text": "Øke antall arbeidsplasser i privat sektor utenfor Kongsberg by",
                "level": "sub",
            },
            {
                "text": "Styrke samspillet mellom Kongsberg som regionsenter og omlandskommunene",
                "level": "sub",
            },
            {"text": "Bedre tilgangen på relevant kompetanse for næringslivet", "level": "sub"},
        ],
        "focus_areas": [
            "Kompetanse og rekruttering",
            "Attraktivitet og bosetting",
            "Samferdsel og bo- og arbeidsmarked",
            "Næringsutvikling i omlandet",
        ],
        "results": [
            {
                "text": "Felles strategi for attraktivitet vedtatt i alle kommunestyrene",
                "status": "done",
            },
            {"text": "Kongsbergregionens Næringsselskap er etablert", "status": "done"},
            {
                "text": "Rekrutteringsprosjektet «Jobb i Kongsbergregionen» er gjennomført",
                "status": "done",
            },
            {
                "text": "Kartlegging av pendlerstrømmer og felles bo- og arbeidsmarked, i prosess",
                "status": "started",
            },
            {"text": "Næringshage i Nore og Uvdal, ikke realisert", "status": "cancelled"},
            {
                "text": "Samarbeid med Universitetet i Sørøst-Norge om desentralisert utdanning, "
                "ikke avsluttet",
                "status": "started",
            },
            {"text": "Bolystkampanje i omlandskommunene", "status": "unknown"},
        ],
        "advice": [
            "Sett av tid til å bygge felles forståelse før dere velger tiltak",
            "Involver næringslivet tidlig og gi dem en reell rolle",
            "Bruk kunnskapsgrunnlaget aktivt – det gir legitimitet",
            "Ha en tydelig prosjektorganisasjon med forankring i rådmannsgruppen",
        ],
        "follow_up": "Arbeidet videreføres gjennom regionrådets handlingsplan for 2019–2022. "
        "Prioriterte områder er:\n"
        "• Kompetanse og rekruttering\n"
        "• Samferdsel\n"
        "• Næringsutvikling",
        "application_excerpt": "Kongsbergregionen består av sju kommuner med Kongsberg som "
        "regionsenter. Regionen har en sterk teknologiindustri, men "
        "omlandskommunene har hatt svak befolkningsutvikling. Gjennom "
        "programmet ønsker regionen å finne ut hvordan veksten i Kongsberg kan "
        "komme hele regionen til gode.",
        "facts": {
            "applicant_municipality": "Kongsberg",
            "partner_municipalities": [
                "Flesberg",
                "Rollag",
                "Nore og Uvdal",
                "Notodden",
                "Hjartdal",
                "Tinn",
            ],
            "population": 56123,
            "population_date": "2015-01-01",
            "area_km2": 6982,
        },
        "warnings": [
            {
                "code": "ignored_section",
                "where": "document",
                "params": {"heading": "Dokumenter", "lines": "1", "line": "50"},
            }
        ],
    },
    "sunnhordland-nummerert.txt": {
        "region": "Sunnhordland",
        "intro": "Sunnhordland har i Byregionprogrammet arbeidd med korleis regionen kan halde "
        "på og trekkje til seg kompetanse når oljenæringa endrar seg. Arbeidet har gitt ein felles "
        "strategisk næringsplan for regionen.",
        "goals": [
            {
                "text": "Sunnhordland skal vere ein attraktiv bu- og arbeidsmarknadsregion med eit "
                "variert næringsliv.",
                "level": "main",
            },
            {"text": "Auke talet på arbeidsplassar innan nye næringar", "level": "sub"},
            {"text": "Betre pendlingsmoglegheitene mellom kommunane", "level": "sub"},
        ],
        "focus_areas": ["Omstilling og nyskaping", "Kompetanse", "Samferdsel og kommunikasjon"],
        "results": [
            {
                "text": "Strategisk næringsplan for Sunnhordland er vedteken i alle kommunane",
                "status": "done",
            },
            {"text": "Sunnhordland Næringsråd er etablert som felles aktør", "status": "done"},
            {"text": "Kompetanseforum Sunnhordland, arbeidet er i prosess", "status": "started"},
            {"text": "Felles karrieresenter for vaksne, ikkje realisert", "status": "cancelled"},
            {
                "text": "Samordna ruteplan for hurtigbåt og buss, ikkje avslutta",
                "status": "started",
            },
            {"text": "Utgreiing om felles tomtebank", "status": "unknown"},
        ],
        "advice": [
            "Bruk tid på å bli kjende med kvarandre",
            "Ver tydelege på kva regionen skal samarbeide om, og kva kvar kommune gjer sjølv",
            "Dei små kommunane må kjenne seg like viktige som regionsenteret",
        ],
        "follow_up": "Strategisk næringsplan vert følgd opp av Sunnhordland interkommunale "
        "politiske råd med årlege handlingsprogram.",
        "application_excerpt": "Sunnhordland har ein sterk industritradisjon knytt til verft og "
        "leverandørindustri. Regionen treng å finne nye bein å stå på.",
        "facts": {
            "applicant_municipality": "Stord",
            "partner_municipalities": ["Bømlo", "Fitjar", "Kvinnherad", "Sveio", "Tysnes"],
            "population": 64112,
            "population_date": "2016-01-01",
            "area_km2": 3025.5,
        },
        "warnings": [],
    },
    "vesteralen-utan-fakta.txt": {
        "region": "Vesterålen",
        "intro": "Vesterålen har brukt Byregionprogrammet til å se på hvordan Sortland som "
        "regionsenter og omlandet kan styrke hverandre.",
        "goals": [
            {"text": "Vesterålen skal ha befolkningsvekst", "level": "goal"},
            {"text": "Vesterålen skal være en attraktiv region for unge voksne", "level": "goal"},
            {
                "text": "Næringslivet i Vesterålen skal ha tilgang på kompetent arbeidskraft",
                "level": "goal",
            },
        ],
        "focus_areas": ["Regionsenterutvikling", "Kompetanse", "Samferdsel"],
        "results": [
            {"text": "Felles regional planstrategi vedtatt", "status": "done"},
            {
                "text": "Vesterålen kompetansesenter etablert i Sortland med tilbud til hele "
                "regionen",
                "status": "done",
            },
            {"text": "Felles vegstrategi for Vesterålen, arbeidet pågår", "status": "started"},
            {"text": "Utredning av felles tomtebank, ikke gjennomført", "status": "cancelled"},
        ],
        "advice": ["Forankre arbeidet politisk fra starten", "Bruk regionrådet som arena"],
        "follow_up": "Regionrådet følger opp arbeidet med regionsenterutvikling og kompetanse i "
        "sin handlingsplan.",
        "application_excerpt": "",
        "facts": {
            "applicant_municipality": "",
            "partner_municipalities": [],
            "population": None,
            "population_date": None,
            "area_km2": None,
        },
        "warnings": [
            {"code": "missing_part", "where": "application_excerpt", "params": {}},
            {"code": "missing_part", "where": "facts", "params": {}},
            {
                "code": "ignored_section",
                "where": "document",
                "params": {"heading": "Relaterte artikler", "lines": "1", "line": "36"},
            },
        ],
    },
    "gjovikregionen-halv.txt": {
        "region": "Gjøvikregionen",
        "intro": "Gjøvikregionen har i Byregionprogrammet arbeidet med samspillet mellom Gjøvik "
        "by og de omkringliggende kommunene.",
        "goals": [
            {
                "text": "Gjøvikregionen skal ha en vekst i befolkning og arbeidsplasser som er "
                "minst på landsgjennomsnittet.",
                "level": "goal",
            }
        ],
        "focus_areas": [
            "Næringsutvikling og innovasjon",
            "Kompetanse",
            "Byutvikling og attraktivitet",
        ],
        "results": [
            {"text": "Felles næringsstrategi for regionen vedtatt", "status": "done"},
            {"text": "Innovasjonsselskapet Gjøvikregionen Utvikling etabl", "status": "unknown"},
        ],
        "advice": [],
        "follow_up": "",
        "application_excerpt": "",
        "facts": {
            "applicant_municipality": "",
            "partner_municipalities": [],
            "population": None,
            "population_date": None,
            "area_km2": None,
        },
        "warnings": [
            {"code": "missing_part", "where": "advice", "params": {}},
            {"code": "missing_part", "where": "follow_up", "params": {}},
            {"code": "missing_part", "where": "application_excerpt", "params": {}},
            {"code": "missing_part", "where": "facts", "params": {}},
        ],
    },
    "glamdalsregionen-crlf-bom.txt": {
        "region": "Glåmdalsregionen",
        "intro": "Glåmdalsregionen har brukt programmet til å utvikle et sterkere samarbeid mellom "
        "Kongsvinger og omlandskommunene om næring og bosetting.",
        "goals": [
            {
                "text": "Glåmdalsregionen skal snu nedgangen i folketallet og få flere "
                "arbeidsplasser.",
                "level": "goal",
            }
        ],
        "focus_areas": ["Bosetting og attraktivitet", "Næringsutvikling"],
        "results": [
            {"text": "Felles bosettingsstrategi vedtatt", "status": "done"},
            {"text": "Etablert næringsforum for Glåmdalen", "status": "done"},
            {"text": "Felles rekrutteringsprosjekt i prosess", "status": "started"},
        ],
        "advice": ["Bygg tillit over tid"],
        "follow_up": "",
        "application_excerpt": "",
        "facts": {
            "applicant_municipality": "Kongsvinger",
            "partner_municipalities": [
                "Eidskog",
                "Grue",
                "Nord-Odal",
                "Sør-Odal",
                "Åsnes",
                "Våler",
            ],
            "population": 53880,
            "population_date": "2015-01-01",
            "area_km2": 5110,
        },
        "warnings": [
            {"code": "missing_part", "where": "follow_up", "params": {}},
            {"code": "missing_part", "where": "application_excerpt", "params": {}},
        ],
    },
    "vest-telemark-cp1252.txt": {
        "region": "Vest-Telemark",
        "intro": "Vest-Telemark har gjennom Byregionprogrammet sett på korleis ein region utan ein "
        "stor by kan ha nytte av samarbeid om «småbyfunksjonar».",
        "goals": [
            {
                "text": "Vest-Telemark skal ha auka folketal og fleire arbeidsplassar innan 2025",
                "level": "goal",
            }
        ],
        "focus_areas": [
            "Reiseliv og kultur",
            "Bustadbygging",
            "Kompetanse – lokalt tilbod om vidaregåande og høgare utdanning",
        ],
        "results": [
            {"text": "Felles reiselivsplan vedteken", "status": "done"},
            {"text": "Bustadprogram for Vest-Telemark, i prosess", "status": "started"},
            {"text": "Studiesenter i Kviteseid er etablert", "status": "done"},
            {"text": "Felles tomtebank, ikkje realisert", "status": "cancelled"},
        ],
        "advice": ["Ha tolmod", "Del kunnskap"],
        "follow_up": "",
        "application_excerpt": "",
        "facts": {
            "applicant_municipality": "Kviteseid",
            "partner_municipalities": ["Fyresdal", "Nissedal", "Seljord", "Tokke", "Vinje"],
            "population": 14400,
            "population_date": "2015-01-01",
            "area_km2": 5469,
        },
        "warnings": [
            {"code": "decoded_as_cp1252", "where": "document", "params": {}},
            {"code": "missing_part", "where": "follow_up", "params": {}},
            {"code": "missing_part", "where": "application_excerpt", "params": {}},
        ],
    },
    "fosen-lagra-som-html.html": {
        "region": "Fosen",
        "intro": "Fosen har i Byregionprogrammet utviklet et tettere samarbeid mellom kommunene om "
        "næringsutvikling og har blitt en pilot for næringsvennlig region.",
        "goals": [
            {
                "text": "Fosen skal være en attraktiv region å bo og drive næring i, med vekst i "
                "folketall og arbeidsplasser.",
                "level": "goal",
            }
        ],
        "focus_areas": ["Næringsvennlig region", "Kompetanse og rekruttering", "Infrastruktur"],
        "results": [
            {
                "text": "Næringsvennlig region: sertifiseringsordning utviklet og gjennomført i "
                "alle kommunene",
                "status": "done",
            },
            {"text": "Felles næringsapparat: Fosen Næringshage etablert", "status": "done"},
            {
                "text": "Felles næringsapparat: Felles førstelinjetjeneste, i prosess",
                "status": "started",
            },
            {"text": "Fosenvegene – bompengeprosjekt, ikke avsluttet", "status": "started"},
        ],
        "advice": ["Start med det som er lett å bli enige om", "La næringslivet sette dagsorden"],
        "follow_up": "Næringsvennlig region spres til andre regioner i Trøndelag.",
        "application_excerpt": "Fosen er en region uten en klar by, der flere tettsteder deler på "
        "funksjonene.",
        "facts": {
            "applicant_municipality": "Ørland",
            "partner_municipalities": ["Bjugn", "Rissa", "Leksvik", "Åfjord", "Roan", "Osen"],
            "population": 25614,
            "population_date": "2015-01-01",
            "area_km2": 3897,
        },
        "warnings": [],
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_page_gives_what_it_says(name: str) -> None:
    page = read(name)
    check_shape(page)
    assert page == EXPECTED[name]


# ---------------------------------------------------------------------------------------
# Hallingdal: the real page, against the curated seed
# ---------------------------------------------------------------------------------------


def seed_programme() -> dict[str, Any]:
    data = yaml.safe_load(HALLINGDAL_SEED.read_text(encoding="utf-8"))
    return next(p for p in data["plans"] if p["kind"] == "programme")


def test_hallingdal_gives_what_the_seed_curated_by_hand() -> None:
    page = read("hallingdal.txt")
    seed = seed_programme()
    check_shape(page)
    assert page["region"] == "Hallingdal"
    assert page["intro"] == " ".join(seed["description"].split())
    assert page["goals"] == [{"text": " ".join(g["text"].split()), "level": "goal"}
                             for g in seed["goals"]]  # fmt: skip
    assert page["focus_areas"] == [a["name"] for a in seed["focus_areas"]]
    assert page["advice"] == seed["advice"]
    follow_up = seed["follow_up"]
    assert page["follow_up"] == "\n".join(
        [" ".join(follow_up["text"].split()), *(f"• {i}" for i in follow_up["items"])]
    )
    assert page["application_excerpt"] == seed["application_excerpt"]
    assert page["facts"] == seed["facts"]
    assert page["warnings"] == []
    # The seed ties each result to a focus area by hand; the page only lists them. Every
    # curated result is read, with the status the seed gives it, and nothing more.
    curated = {
        " ".join(m["text"].split()): m["status"] for a in seed["focus_areas"] for m in a["measures"]
    }
    assert len(page["results"]) == len(curated) == 13
    for result in page["results"]:
        # A sub-bullet is written «bullet: sub-bullet».
        text = result["text"].removeprefix("Tilby høgare relevant utdanning: ")
        assert curated[text] == result["status"], text


def hallingdal_text() -> str:
    return HALLINGDAL.read_text(encoding="utf-8")


def without_warnings(page: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in page.items() if k != "warnings"}


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: "\n".join(line for line in t.splitlines() if line.strip()),
                     id="no-blank-lines"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: t.replace("\n", "\r"), id="cr"),
        pytest.param(lambda t: t.replace(" • ", " - ").replace("  • ", "    - "), id="dashes"),
        pytest.param(lambda t: t.replace(" • ", "* ").replace("  • ", "   * "), id="stars"),
        pytest.param(lambda t: t.replace("\nResultat\n", "\nRESULTAT:\n")
                     .replace("Mål for Hallingdal", "## Mål for Hallingdal")
                     .replace("Innsatsområder:", "**Innsatsområde**"), id="heading-styles"),
        pytest.param(lambda t: t.replace(" ", "\u00a0", 3).replace("Fakta", "\u200bFakta"),
                     id="invisible-characters"),
        pytest.param(lambda t: t.replace("\n", "\n\n"), id="double-blank-lines"),
        pytest.param(lambda t: t.replace("  • ", "\t\t• ").replace(" • ", "\t• "), id="tabs"),
    ],
)  # fmt: skip
def test_hallingdal_written_differently_reads_the_same(variant: Any) -> None:
    expected = without_warnings(read("hallingdal.txt"))
    page = parse_programme(variant(hallingdal_text())).as_json()
    check_shape(page)
    assert without_warnings(page) == expected


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16"),
        pytest.param(lambda t: t.replace("Etablér", "Etabler").encode("cp1252"), id="cp1252"),
    ],
)
def test_hallingdal_in_other_encodings_reads_the_same(encode: Any) -> None:
    expected = without_warnings(read("hallingdal.txt"))
    expected["advice"][1] = expected["advice"][1].replace("Etablér", "Etabler")
    page = read_programme(encode(hallingdal_text())).as_json()
    got = without_warnings(page)
    got["advice"][1] = got["advice"][1].replace("Etablér", "Etabler")
    assert got == expected


def test_windows_1252_is_said() -> None:
    page = read_programme(hallingdal_text().encode("cp1252", errors="replace")).as_json()
    assert codes(page) == [(DECODED_AS_CP1252, "document")]


def test_every_cut_of_the_page_reads_or_is_refused_never_crashes() -> None:
    """A half page, cut anywhere: what is there is read, the rest is reported missing."""
    text = hallingdal_text()
    read_parts = 0
    for end in range(0, len(text), 3):
        try:
            page = parse_programme(text[:end]).as_json()
        except ProgrammePageError as e:
            assert e.code in {EMPTY, NOT_PROGRAMME_PAGE}
            continue
        check_shape(page)
        read_parts += 1
        missing = {w["where"] for w in page["warnings"] if w["code"] in {MISSING_PART, EMPTY_PART}}
        for part in KEYS[:-1]:
            empty = page[part] in ("", []) or (part == "facts" and not any(page["facts"].values()))
            assert empty == (part in missing), (end, part)
    assert read_parts > len(text) / 3 * 0.8


def test_a_cut_page_keeps_what_it_has() -> None:
    text = hallingdal_text()
    half = text[: text.index("Hallingtreff")]
    page = parse_programme(half).as_json()
    assert page["region"] == "Hallingdal"
    assert len(page["focus_areas"]) == 6
    assert len(page["results"]) == 6
    assert codes(page) == [
        (MISSING_PART, "advice"),
        (MISSING_PART, "follow_up"),
        (MISSING_PART, "application_excerpt"),
        (MISSING_PART, "facts"),
    ]


# ---------------------------------------------------------------------------------------
# Refused files
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", EMPTY),
        (b"   \n\r\n\t\n", EMPTY),
        (b"\xef\xbb\xbf\n\n", EMPTY),
        ((FIXTURES / "tom.txt").read_bytes(), EMPTY),
        ((FIXTURES / "nyhende.txt").read_bytes(), NOT_PROGRAMME_PAGE),
        ((FIXTURES / "oversikt-byregionprogrammet.txt").read_bytes(), NOT_PROGRAMME_PAGE),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", NOT_TEXT),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), NOT_TEXT),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NOT_TEXT),
        (bytes(range(1, 32)) * 40, NOT_TEXT),
        (b"a" * (MAX_BYTES + 1), TOO_LARGE),
        ("Ei handleliste\n\nMjølk\nBrød\nResultat\n• Ost".encode(), NOT_PROGRAMME_PAGE),
        (b"Kari Nordmann\nCV\nUtdanning\nArbeid", NOT_PROGRAMME_PAGE),
    ],
)
def test_what_is_no_programme_page_is_refused_with_a_code(data: bytes, code: str) -> None:
    with pytest.raises(ProgrammePageError) as raised:
        read_programme(data)
    assert raised.value.code == code


def test_garbage_never_crashes_the_reader() -> None:
    rng = random.Random(9)
    pieces = [*hallingdal_text().splitlines(), "•", "1.", "a)", ":", "Fakta", "Areal: x", "\t"]
    for _ in range(300):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        try:
            check_shape(parse_programme(text).as_json())
        except ProgrammePageError as e:
            assert e.code in {EMPTY, NOT_PROGRAMME_PAGE}


# ---------------------------------------------------------------------------------------
# Headings, lists and parts
# ---------------------------------------------------------------------------------------


def test_control_characters_are_removed() -> None:
    page = parse_programme("Hallingdal\x07\nIntro\x1b med\x00 tekst.\nResultat\n• a\x08b\n"
                           "Byregionprogrammet").as_json()  # fmt: skip
    assert page["region"] == "Hallingdal"
    assert page["intro"] == "Intro med tekst."
    assert page["results"][0]["text"] == "ab"


def test_region_from_a_heading_when_the_page_has_no_title() -> None:
    page = parse_programme(
        "Mål for Nordhordland\nNordhordland skal vekse.\nResultat\n• a"
    ).as_json()
    assert page["region"] == "Nordhordland"
    assert (MISSING_PART, "intro") in codes(page)
    page = parse_programme("Byregionprogrammet\n\nResultat\n• a\nFakta om Midt-Troms\n"
                           "Søkerkommune: Lenvik").as_json()  # fmt: skip
    assert page["region"] == "Midt-Troms"


def test_a_breadcrumb_trail_gives_the_region() -> None:
    page = read("vesteralen-utan-fakta.txt")
    assert page["region"] == "Vesterålen"
    assert not page["intro"].startswith("Vesterålen\n")


def test_headings_glued_to_text_and_with_content_on_their_line() -> None:
    page = parse_programme(
        "Region X\nEi innleiing om Byregionprogrammet.\nMål: Vekst i heile regionen\n"
        "Innsatsområde 1: Næring\nInnsatsområde 2: Bustad\nResultat:\n- Næringsplan vedteken\n"
        "Råd for samarbeid:\n1) Ha tolmod\n2) Del kunnskap\nVidare arbeid:\nHandlingsplan.\n"
        "Frå søknaden: Vi søkjer om midlar.\nFakta:\nSøkjarkommune: X"
    ).as_json()
    assert page["goals"] == [{"text": "Vekst i heile regionen", "level": "goal"}]
    assert page["focus_areas"] == ["Næring", "Bustad"]
    assert page["results"] == [{"text": "Næringsplan vedteken", "status": "done"}]
    assert page["advice"] == ["Ha tolmod", "Del kunnskap"]
    assert page["follow_up"] == "Handlingsplan."
    assert page["application_excerpt"] == "Vi søkjer om midlar."
    assert page["facts"]["applicant_municipality"] == "X"
    assert not any(w["code"] == REPEATED_HEADING for w in page["warnings"])


def test_main_and_sub_goals_in_bullets() -> None:
    page = parse_programme(
        "Byregionprogrammet\nMål og delmål\n• Hovedmål: Vekst\n• Delmål 1: Flere jobber\n"
        "• Delmål 2: Flere innbyggere\nResultater\n- a"
    ).as_json()
    assert page["goals"] == [
        {"text": "Vekst", "level": "main"},
        {"text": "Flere jobber", "level": "sub"},
        {"text": "Flere innbyggere", "level": "sub"},
    ]


def test_sub_bullets_of_another_kind_belong_to_the_bullet_above() -> None:
    page = parse_programme(
        "Byregionprogrammet\nResultat\n1. Utdanning\na) Bachelor, i prosess\nb) Fagskule\n"
        "2. Næring, gjennomført\n• Næringshage\n◦ Inkubator etablert"
    ).as_json()
    assert page["results"] == [
        {"text": "Utdanning: Bachelor, i prosess", "status": "started"},
        {"text": "Utdanning: Fagskule", "status": "unknown"},
        # A sub-bullet without status words takes the bullet's.
        {"text": "Næring, gjennomført: Næringshage", "status": "done"},
        {"text": "Næring, gjennomført: Inkubator etablert", "status": "done"},
    ]


def test_wrapped_lines_join_the_item_above() -> None:
    page = parse_programme(
        "Byregionprogrammet\nResultat\n- Felles plan for heile\nregionen vedteken\n- Neste"
    ).as_json()
    assert [r["text"] for r in page["results"]] == ["Felles plan for heile regionen vedteken",
                                                   "Neste"]  # fmt: skip
    assert page["results"][0]["status"] == "done"


def test_an_introducing_line_is_reported_not_lost() -> None:
    page = parse_programme(
        "Byregionprogrammet\nResultat\nRegionen har mellom anna fått til dette:\n• a\n• b"
    ).as_json()
    assert [r["text"] for r in page["results"]] == ["a", "b"]
    skipped = [w for w in page["warnings"] if w["code"] == SKIPPED_TEXT]
    assert skipped[0]["where"] == "results"
    assert skipped[0]["params"] == {"text": "Regionen har mellom anna fått til dette:", "line": "3"}


def test_a_heading_twice_adds_to_the_same_part_and_says_so() -> None:
    page = parse_programme("Byregionprogrammet\nResultat\n• a\nInnsatsområde\n• X\n"
                           "Resultater\n• b").as_json()  # fmt: skip
    assert [r["text"] for r in page["results"]] == ["a", "b"]
    assert (REPEATED_HEADING, "results") in codes(page)


def test_a_heading_with_nothing_under_it() -> None:
    page = parse_programme("Byregionprogrammet\nResultat\n• a\nMål for Sogn\nFakta\n").as_json()
    warnings = {w["where"]: w for w in page["warnings"]}
    assert warnings["goals"]["code"] == EMPTY_PART
    assert warnings["goals"]["params"] == {"heading": "Mål for Sogn", "line": "4"}
    assert warnings["facts"]["code"] == EMPTY_PART


def test_website_sections_are_left_out_with_a_warning_and_buttons_quietly() -> None:
    page = read("kongsbergregionen-bokmal.txt")
    assert "Kunnskapsgrunnlag" not in str(without_warnings(page))
    assert (IGNORED_SECTION, "document") in codes(page)
    page = parse_programme("Fosen\nSkriv ut\nDel denne siden\nIntro om Byregionprogrammet.\n"
                           "Resultat\n• a").as_json()  # fmt: skip
    assert page["intro"] == "Intro om Byregionprogrammet."


# ---------------------------------------------------------------------------------------
# Facts, numbers and dates
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.jan 2015", datetime.date(2015, 1, 1)),
        ("1. jan. 2015", datetime.date(2015, 1, 1)),
        ("1. januar 2016", datetime.date(2016, 1, 1)),
        ("01.01.2015", datetime.date(2015, 1, 1)),
        ("per 1.7.2014", datetime.date(2014, 7, 1)),
        ("31. des. 2014", datetime.date(2014, 12, 31)),
        ("1. sept 2015", datetime.date(2015, 9, 1)),
        ("2015", None),
        ("våren 2015", None),
        ("31. feb 2015", None),
        ("4. kvartal 2014", None),
        ("", None),
    ],
)
def test_dates(text: str, expected: datetime.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20.566", Decimal(20566)),
        ("20 566", Decimal(20566)),
        ("20566", Decimal(20566)),
        ("1.234.567", Decimal(1234567)),
        ("5 406,5", Decimal("5406.5")),
        ("3025,25", Decimal("3025.25")),
        ("ca. 20.566", Decimal(20566)),
        ("540.6", None),
        ("20.56", None),
        ("tjue tusen", None),
        ("20 og 30", None),
    ],
)
def test_numbers(text: str, expected: Decimal | None) -> None:
    assert parse_number(text) == expected


def facts_of(lines: str) -> dict[str, Any]:
    return parse_programme(f"Byregionprogrammet\nResultat\n• a\nFakta\n{lines}").as_json()


def test_facts_in_many_forms() -> None:
    page = facts_of(
        "Søkjarkommune Hemsedal kommune\nSamarbeidskommunar: Flå; Gol og Ål.\n"
        "Innbyggjartal i regionen\t20 566 per 1.1.2015\nAreal: 5406 kvadratkilometer"
    )
    assert page["facts"] == {
        "applicant_municipality": "Hemsedal kommune",
        "partner_municipalities": ["Flå", "Gol", "Ål"],
        "population": 20566,
        "population_date": "2015-01-01",
        "area_km2": 5406,
    }
    assert [w for w in page["warnings"] if w["where"] == "facts"] == []


def test_values_on_the_line_below_their_names() -> None:
    page = facts_of("Søkerkommune:\nØrland\nSamarbeidskommuner:\n- Bjugn\n- Åfjord\n"
                    "Folketall:\n25 614 (1. jan. 2015)")  # fmt: skip
    assert page["facts"]["applicant_municipality"] == "Ørland"
    assert page["facts"]["partner_municipalities"] == ["Bjugn", "Åfjord"]
    assert page["facts"]["population"] == 25614


def test_unreadable_facts_are_left_empty_with_a_warning() -> None:
    page = facts_of(
        "Søkerkommune: Knarvik\nFolketal: om lag tjue tusen (våren 2015)\nAreal: 1 600 daa\n"
        "Kjelde: SSB"
    )
    facts = page["facts"]
    assert facts["population"] is None and facts["population_date"] is None
    assert facts["area_km2"] is None
    warnings = [(w["code"], w["params"]) for w in page["warnings"] if w["where"] == "facts"]
    assert warnings == [
        (MISSING_FACT, {"fact": "partner_municipalities"}),
        (UNREADABLE_NUMBER, {"fact": "population", "text": "om lag tjue tusen (våren 2015)",
                             "line": "6"}),
        (UNREADABLE_DATE, {"text": "våren 2015", "line": "6"}),
        (UNREADABLE_NUMBER, {"fact": "area_km2", "text": "1 600 daa", "line": "7"}),
        (SKIPPED_TEXT, {"text": "Kjelde: SSB", "line": "8"}),
    ]  # fmt: skip


def test_a_population_without_a_date_is_said() -> None:
    page = facts_of("Folketal: 20 566")
    assert page["facts"]["population"] == 20566
    assert {"code": MISSING_FACT, "where": "facts", "params": {"fact": "population_date"}} in (
        page["warnings"]
    )


def test_facts_without_their_heading_are_still_facts() -> None:
    page = parse_programme("Hallingdal\nResultat\n• a\nSøkerkommune: Hemsedal\n"
                           "Folketall i regionen: 20.566 (1.jan 2015)").as_json()  # fmt: skip
    assert page["facts"]["applicant_municipality"] == "Hemsedal"
    assert page["results"] == [{"text": "a", "status": "unknown"}]


def test_prose_about_area_is_no_fact() -> None:
    page = parse_programme("Byregionprogrammet\nResultat\nAreal og transport: betre samordning"
                           ).as_json()  # fmt: skip
    assert page["facts"]["area_km2"] is None
    assert page["results"] == [{"text": "Areal og transport: betre samordning",
                                "status": "unknown"}]  # fmt: skip


def test_a_municipality_with_og_in_its_name() -> None:
    page = read("kongsbergregionen-bokmal.txt")
    assert "Nore og Uvdal" in page["facts"]["partner_municipalities"]


# ---------------------------------------------------------------------------------------
# Status from words
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Funksjonsdeling av tenester, ikkje avslutta, vidareføring", "started"),
        ("Samarbeid om utdanning, ikke avsluttet", "started"),
        ("Konkret prosjekt (Krokeide). Ikkje realisert.", "cancelled"),
        ("Næringshage, ikke realisert", "cancelled"),
        ("Bachelor i guide, i prosess", "started"),
        ("Fagskule reiseliv, prosess, mål oppstart 2019", "started"),
        ("Strategisk plan vedteken av dei 6 kommunane", "done"),
        ("Strategi vedtatt i alle kommunestyrer", "done"),
        ("Næringsforum etablert", "done"),
        ("Prosjektet er gjennomført", "done"),
        ("Hallingdal Innovasjon", "unknown"),
        # A result that opens with a verb in the past states it done (issue 21, bug 4).
        ("Utvikla eit koordinert næringsapparat (Forum For Næringssamarbeid)", "done"),
        ("• Oppretta eit regionalt næringsfond", "done"),
        ("Etablerte næringshage i Gol", "done"),
        ("Ikkje utvikla eit næringsapparat", "unknown"),
        ("Utvikle eit koordinert næringsapparat", "unknown"),  # to do, not done
        ("Næringsapparat utvikla vidare i ny plan", "unknown"),  # not the opening word
        ("Vegstrategi, arbeidet pågår", "started"),
        ("Næringshage ikkje etablert", "unknown"),
        ("Delvis gjennomført", "started"),
        ("Vedteke, men ikkje realisert", "cancelled"),
        ("Prosessleiar tilsett", "unknown"),
        ("", "unknown"),
    ],
)
def test_status_from_words(text: str, status: str) -> None:
    assert result_status(text) == status


def test_the_html_of_a_saved_page_is_read_as_its_text() -> None:
    page = read("fosen-lagra-som-html.html")
    assert "Forside" not in page["intro"]  # the site's menu is left out
    assert page["advice"] == EXPECTED["fosen-lagra-som-html.html"]["advice"]


def test_a_date_in_the_name_of_a_fact_and_a_line_indented_under_a_bullet() -> None:
    page = parse_programme(
        "Byregionprogrammet\nResultat\n • Felles plan\n   Status: vedtatt\n • Neste\nFakta\n"
        "Folketal (1.1.2015): 20 566\nAreal (2016): 5 406 km2"
    ).as_json()
    assert page["results"] == [
        {"text": "Felles plan Status: vedtatt", "status": "done"},
        {"text": "Neste", "status": "unknown"},
    ]
    assert page["facts"]["population"] == 20566
    assert page["facts"]["population_date"] == "2015-01-01"
    assert page["facts"]["area_km2"] == 5406


def test_a_facts_box_copied_before_the_page() -> None:
    text = hallingdal_text()
    facts = text[text.index("Fakta Hallingdal") :]
    page = parse_programme(facts + "\n" + text[: text.index("Dokumenter")]).as_json()
    assert without_warnings(page) == without_warnings(read("hallingdal.txt"))


# ---------------------------------------------------------------------------------------
# Headings misspelt or without a blank line before them; results numbered (issue 18)
# ---------------------------------------------------------------------------------------


def test_misspelt_headings_without_blank_lines_and_numbered_results() -> None:
    page = parse_programme(
        "Byregionprogrammet\nNordfjord\nRegionen samarbeider om vekst.\n"
        "Mål for Nordfjord\nFleire arbeidsplassar i regionen.\n"
        "Resulatater\n"  # a letter too many, and no blank line before it
        "1. Felles næringsplan er vedteken\n"
        "2) Nettverk for reiseliv er i gang\n"
        "3. Felles tomtebank, ikkje gjennomført\n"
        "Innsattsområde\n- Næring\n"
        "Råd til andre regionar\nStart tidleg.\n"
    ).as_json()
    assert page["goals"] == [{"text": "Fleire arbeidsplassar i regionen.", "level": "goal"}]
    assert page["results"] == [
        {"text": "Felles næringsplan er vedteken", "status": "done"},
        {"text": "Nettverk for reiseliv er i gang", "status": "started"},
        # The programme has ended: what was not carried out was not realised.
        {"text": "Felles tomtebank, ikkje gjennomført", "status": "cancelled"},
    ]
    assert page["focus_areas"] == ["Næring"]


@pytest.mark.parametrize(
    ("written", "word"),
    [
        ("Resulatater", "resultater"),  # a letter added
        ("Resultter", "resultater"),  # a letter dropped
        ("Reusltat", "resultat"),  # two letters swapped
        ("Faktta", "fakta"),
        ("Rådgivning", "Rådgivning"),  # far from every heading word: kept
        ("Mål", "Mål"),  # short words are never corrected
    ],
)
def test_heading_words_one_slip_away_are_read_as_the_vocabulary_spells_them(
    written: str, word: str
) -> None:
    from planstatus.lib.vocabulary import correct_heading_word

    assert correct_heading_word(written) == word
