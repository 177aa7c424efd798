"""The Word, PDF and spreadsheet readers: round trips of the curated Hallingdal plan, status
colours and words, and documents that must be refused with a clear message.

Plain functions, no database: the readers are pure Python, and give warnings and refusals as
codes with parameters (their wording is tested through planstatus.imports.messages).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest

from planstatus.lib import unpack
from planstatus.lib.importers import read_plan, read_plan_as
from planstatus.lib.importers.actors import split_actors
from planstatus.lib.importers.base import (
    DOCUMENT,
    MAX_UPLOAD_BYTES,
    Code,
    Params,
    ParsedPlan,
    UnreadableDocument,
)
from planstatus.lib.importers.codes import read_code
from planstatus.lib.importers.status import status_from_colour
from planstatus.lib.importers.templates import build_csv_template, build_xlsx_template
from planstatus.lib.timing import parse_timing
from planstatus.lib.vocabulary import status_from_words
from tests.importers import builders
from tests.importers.builders import Measure

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
Reader = Callable[..., ParsedPlan]


def read_docx(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    return read_plan_as(data, "docx", known_actors=known_actors)


def read_pdf(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    return read_plan_as(data, "pdf", known_actors=known_actors)


def read_xlsx(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    return read_plan_as(data, "xlsx", known_actors=known_actors)


def read_csv(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    return read_plan_as(data, "csv", known_actors=known_actors)


def read_spreadsheet(data: bytes, *, known_actors: list[str]) -> ParsedPlan:
    """A spreadsheet told apart by its content: an .xlsx package, else CSV."""
    return read_plan(data, filename="plan.csv", known_actors=known_actors)


# ---------------------------------------------------------------------------------------
# Status from colours and words
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        # Word's standard colours
        ("FF0000", "not_started"),
        ("C00000", "not_started"),
        ("FFFF00", "started"),
        ("FFC000", "started"),  # Word's «Orange» is Office's «Gold»: in progress
        ("00FF00", "done"),
        ("00B050", "done"),
        ("92D050", "done"),
        # Pale shades: Google Sheets, Excel's Good/Neutral/Bad styles, Office tints
        ("F4CCCC", "not_started"),
        ("FFC7CE", "not_started"),
        ("E6B8B7", "not_started"),
        ("FFF2CC", "started"),
        ("FFEB9C", "started"),
        ("FCE5CD", "started"),  # pale orange
        ("D9EAD3", "done"),
        ("C6EFCE", "done"),
        ("E2EFDA", "done"),
        # Orange proper, and where red ends
        ("ED7D31", "started"),
        ("FF9900", "started"),
        ("FF4500", "not_started"),
        # Not a status
        ("FFFFFF", None),
        ("000000", None),
        ("D9D9D9", None),
        ("808080", None),
        ("EEECE1", None),  # Word's «Tan, background 2»
        ("0070C0", None),  # blue
        ("DEEAF6", None),  # pale blue
        ("7030A0", None),  # purple
        ("FF00FF", None),  # magenta
        ("auto", None),
        ("", None),
        ("nonsense", None),
        (None, None),
        # Other spellings
        ("#ff0000", "not_started"),
        ("#0f0", "done"),
        ("FF00B050", "done"),  # ARGB as openpyxl gives it
        ("yellow", "started"),  # Word highlight names
        ("darkGreen", "done"),
        # Tuples: 0–255, 0–1 (pdfplumber), grey and CMYK
        ((255, 0, 0), "not_started"),
        ((146, 208, 80), "done"),
        ((1, 0, 0), "not_started"),
        ((0.956863, 0.8, 0.8), "not_started"),
        ((1.0, 0.94902, 0.8), "started"),
        ((0.776471, 0.937255, 0.807843), "done"),
        ((1.0, 1.0, 1.0), None),
        ((0.5,), None),
        ((0, 0, 1, 0), "started"),  # CMYK yellow
        ((1, 0, 1, 0), "done"),  # CMYK cyan + yellow = green
        ((0, 1, 1, 0), "not_started"),  # CMYK magenta + yellow = red
        ((0, 0, 0, 1), None),  # CMYK black
        (("P0",), None),  # a pattern name, not a colour
    ],
)
def test_status_from_colour(colour: Any, expected: str | None) -> None:
    assert status_from_colour(colour) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grøn", "done"),
        ("GRØNN", "done"),
        ("green", "done"),
        ("Gjennomført", "done"),
        ("Fullført 2025", "done"),
        ("ferdig", "done"),
        ("Gul", "started"),
        ("Påstarta", "started"),
        ("påbegynt", "started"),
        ("Starta", "started"),
        ("I gang", "started"),
        ("in progress", "started"),
        ("Raud", "not_started"),
        ("rød", "not_started"),
        ("Ikkje påstarta", "not_started"),
        ("Ikke påbegynt", "not_started"),
        ("ikkje  starta", "not_started"),
        ("Not started", "not_started"),
        ("Avslutta utan gjennomføring", "cancelled"),
        ("Ikkje realisert.", "cancelled"),
        ("Avlyst", "cancelled"),
        ("cancelled", "cancelled"),
        ("Ikkje vurdert", "unknown"),
        ("Gul – påstarta, arbeidsgruppe nedsett", "started"),
        ("Gul/grøn", None),  # disagrees with itself
        ("Sjå sak 12/25", None),
        ("", None),
        ("Gulrot", None),  # whole words only
    ],
)
def test_status_from_words(text: str, expected: str | None) -> None:
    assert status_from_words(text) == expected


# ---------------------------------------------------------------------------------------
# Round trips of the curated plan
# ---------------------------------------------------------------------------------------


def _expected(status: Callable[[Measure], str]) -> list[dict[str, Any]]:
    return [
        {
            "code": m.code,
            "written_code": m.written_code,
            "text": m.text,
            "timing": parse_timing(m.timing),
            "responsible": list(m.responsible),
            "involved": list(m.involved),
            "status": status(m),
        }
        for m in builders.measures()
    ]


def _measures(plan: ParsedPlan) -> list[dict[str, Any]]:
    return [
        {
            "code": m.code,
            "written_code": m.written_code or m.code,
            "text": m.text,
            "timing": m.timing,
            "responsible": m.responsible,
            "involved": m.involved,
            "status": m.status,
        }
        for m in plan.measures()
    ]


def assert_same_as_seed(
    plan: ParsedPlan, status: Callable[[Measure], str] = lambda m: m.status
) -> None:
    seed_areas = builders.areas()
    assert [(a.code, a.name) for a in plan.areas] == [(a["code"], a["name"]) for a in seed_areas]
    goals = [(g.code, g.text) for a in plan.areas for g in a.goals]
    assert goals == [(g["code"], g["text"]) for a in seed_areas for g in a["goals"]]
    assert len(goals) == 26
    got, want = _measures(plan), _expected(status)
    assert len(got) == 68
    for read, expected in zip(got, want, strict=True):
        assert read == expected, read["code"]


def _warned(plan: ParsedPlan, where: str, code: Code, /, **params: str | int) -> bool:
    """Whether `plan` has a warning at `where` with `code` and (at least) `params`."""
    return any(
        w.where == where and w.code == code and params.items() <= w.params.items()
        for w in plan.warnings
    )


def _numbering_warnings(plan: ParsedPlan) -> None:
    # The curated plan writes 4.5.2 as «.5.2.» and uses 5.4.1 and 6.4.1 twice.
    assert _warned(
        plan, "4.5.2", Code.CODE_COMPLETED_FROM_GOAL, written=".5.2.", code="4.5.2", goal="4.5"
    )
    assert _warned(plan, "5.4.1", Code.DUPLICATE_CODE, count=2)
    assert _warned(plan, "6.4.1", Code.DUPLICATE_CODE, count=2)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Each document built once and kept in a temporary folder for a person to open."""
    folder = tmp_path_factory.mktemp("formats")
    built = {
        "plan.docx": builders.build_docx(),
        "plan.pdf": builders.build_pdf(),
        "plan.xlsx": builders.build_xlsx(),
        "plan.csv": builders.build_csv(),
    }
    for name, data in built.items():
        (folder / name).write_bytes(data)
    return built


def test_docx_round_trip(files: dict[str, bytes]) -> None:
    plan = read_docx(files["plan.docx"], known_actors=builders.known_actors())
    assert_same_as_seed(plan)
    assert plan.title == "Regionplan for Hallingdal – status"
    _numbering_warnings(plan)
    assert _warned(plan, "1", Code.HEADING_RECASED, heading="NÆRINGSUTVIKLING OG ARBEIDSPLASSAR")


def test_pdf_round_trip(files: dict[str, bytes]) -> None:
    plan = read_pdf(files["plan.pdf"], known_actors=builders.known_actors())
    assert_same_as_seed(plan)
    _numbering_warnings(plan)


def test_pdf_round_trip_with_rows_split_over_pages() -> None:
    # pdfplumber finds no cells in the part of a row above a page break (it has no bottom
    # line); the reader cuts them out itself and joins the rest from the next page.
    data = builders.build_pdf(split_rows=True)
    plan = read_pdf(data, known_actors=builders.known_actors())
    assert_same_as_seed(plan)
    assert any(w.code == Code.ROW_CONTINUES_MEASURE for w in plan.warnings)


def test_xlsx_round_trip(files: dict[str, bytes]) -> None:
    plan = read_xlsx(files["plan.xlsx"], known_actors=builders.known_actors())
    assert_same_as_seed(plan)
    _numbering_warnings(plan)


def test_csv_round_trip(files: dict[str, bytes]) -> None:
    plan = read_csv(files["plan.csv"], known_actors=builders.known_actors())
    # A CSV has no colours: what was shown by colour alone is not known.
    assert_same_as_seed(plan, lambda m: m.status if m.mode == "words" else "unknown")
    _numbering_warnings(plan)


def test_csv_with_commas_in_windows_1252() -> None:
    data = builders.build_csv(delimiter=",", encoding="cp1252")
    plan = read_spreadsheet(data, known_actors=builders.known_actors())
    assert_same_as_seed(plan, lambda m: m.status if m.mode == "words" else "unknown")
    assert _warned(plan, DOCUMENT, Code.READ_AS_WINDOWS_1252)


def test_spreadsheet_read_tells_xlsx_from_csv(files: dict[str, bytes]) -> None:
    for name in ("plan.xlsx", "plan.csv"):
        plan = read_spreadsheet(files[name], known_actors=builders.known_actors())
        assert len(plan.measures()) == 68


def test_hand_made_bokmaal_csv_with_english_headers() -> None:
    data = (FIXTURES / "bokmaal-komma.csv").read_bytes()
    plan = read_csv(data, known_actors=["Næringsforum", "Regionrådet", "BFK"])
    assert [(a.code, a.name) for a in plan.areas] == [
        ("1", "Næringsutvikling"),
        ("2", "Kompetanse og utdanning"),
    ]
    assert [(g.code, g.text) for a in plan.areas for g in a.goals] == [
        ("1.1", "Tettere samarbeid om næringsarbeidet"),
        ("1.2", "Flere arbeidsplasser"),
        ("2.1", "Flere studieplasser"),
    ]
    first, second, third, fourth = plan.measures()
    assert first.responsible == ["Næringsforum", "Regionrådet"]
    assert first.status == "done"
    assert second.text == "Lage en digital portal med ledige næringsarealer"
    assert second.involved == ["Kommunane", "BFK"]
    assert (second.timing.start, second.timing.end, second.status) == (2025, 2026, "not_started")
    assert (third.timing.yearly, third.status) == (True, "started")
    assert fourth.status == "cancelled"


# ---------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [build_xlsx_template, build_csv_template])
def test_template_reads_back_as_its_example(build: Callable[[], bytes]) -> None:
    plan = read_spreadsheet(build(), known_actors=["Næringsforum", "Regionrådet", "Kommunane"])
    (measure,) = plan.measures()
    assert (plan.areas[0].code, plan.areas[0].name) == ("1", "Næringsutvikling og arbeidsplassar")
    assert (measure.code, measure.status, measure.timing.start) == ("1.1.1", "started", 2025)
    assert measure.involved == ["Regionrådet", "Kommunane"]
    assert plan.warnings == []


def test_xlsx_template_has_instructions_in_nynorsk() -> None:
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.load_workbook(io.BytesIO(build_xlsx_template()))
    assert workbook.sheetnames == ["Tiltak", "Rettleiing"]
    help_text = " ".join(str(c.value) for c in workbook["Rettleiing"]["A"] if c.value)
    assert "Éi rad per tiltak" in help_text
    assert build_csv_template().startswith(b"\xef\xbb\xbfInnsatsomr\xc3\xa5de;")


# ---------------------------------------------------------------------------------------
# Word details the round trip does not reach
# ---------------------------------------------------------------------------------------


def _small_docx(build: Callable[[Any], None]) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_without_status_column_reads_colour_of_measure_cells() -> None:
    def build(document: Any) -> None:
        document.add_paragraph("KLIMA OG MILJØ")
        table = document.add_table(rows=4, cols=4)
        for cell, label in zip(
            table.rows[0].cells, ("Tiltak", "Tid", "Ansvar", "Involvering"), strict=True
        ):
            cell.text = label
        table.rows[1].cells[0].text = "Mål 4.1: Lågare utslepp"
        table.rows[2].cells[0].text = "4.1.1 Kartleggje utslepp"
        table.rows[2].cells[2].text = "Regionråd Næringsforum"  # two names on one line
        builders._shade(table.rows[2].cells[0], "92D050")
        table.rows[3].cells[0].text = "4.1.2 Lage klimaplan"
        table.rows[3].cells[2].text = "Berdskaps-\nkoordinator"

    data = _small_docx(build)
    known = ["Regionråd", "Næringsforum", "Berdskaps-koordinator"]
    plan = read_docx(data, known_actors=known)
    first, second = plan.measures()
    assert (first.status, first.responsible) == ("done", ["Regionråd", "Næringsforum"])
    assert (second.status, second.responsible) == ("unknown", ["Berdskaps-koordinator"])
    assert plan.areas[0].name == "Klima og miljø"


def test_docx_status_words_win_over_colour_with_a_warning() -> None:
    def build(document: Any) -> None:
        table = document.add_table(rows=3, cols=3)
        for cell, label in zip(table.rows[0].cells, ("Tiltak", "Ansvar", "Status"), strict=True):
            cell.text = label
        table.rows[1].cells[0].text = "Mål 1.1: Eit mål"
        table.rows[2].cells[0].text = "1.1.1 Eit tiltak"
        table.rows[2].cells[2].text = "Gjennomført"
        builders._shade(table.rows[2].cells[2], "FF0000")

    plan = read_docx(_small_docx(build), known_actors=[])
    assert plan.measures()[0].status == "done"
    assert _warned(plan, "1.1.1", Code.STATUS_WORDS_AND_COLOUR_DIFFER, words="Gjennomført")
    # The area took its code from the goal, but had no heading to take a name from.
    assert not _warned(plan, "1", Code.AREA_WITHOUT_NUMBER)
    assert _warned(plan, "1", Code.AREA_WITHOUT_NAME, code="1")


def test_docx_goal_codes_in_the_code_column_and_a_measure_without_code() -> None:
    def build(document: Any) -> None:
        document.add_heading("Innsatsområde 2: Kompetanse", level=1)
        rows = [
            ("Nr", "Tiltak", "Tid", "Ansvar", "Status"),
            ("2.1", "Fleire studieplassar", "", "", ""),
            ("2.1.1", "Arbeide for studietilbod", "2025", "Regionråd", "Gul"),
            ("", "Tiltak utan kode", "årleg", "USN", "ikkje påstarta"),
            ("2.2", "Betre overgangar", "", "", ""),
            ("2.2.1", "Karriererettleiing", "Kont.", "VGS", "ok?"),
        ]
        table = document.add_table(rows=len(rows), cols=5)
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value

    plan = read_docx(_small_docx(build), known_actors=[])
    assert [(a.code, a.name) for a in plan.areas] == [("2", "Kompetanse")]
    assert [g.code for g in plan.areas[0].goals] == ["2.1", "2.2"]
    assert [(m.code, m.status) for m in plan.measures()] == [
        ("2.1.1", "started"),
        ("2.1.2", "not_started"),
        ("2.2.1", "unknown"),
    ]
    assert plan.measures()[1].timing.yearly and plan.measures()[2].timing.continuous
    assert _warned(plan, "2.1.2", Code.MEASURE_WITHOUT_CODE, text="Tiltak utan kode")
    assert _warned(plan, "2.2.1", Code.STATUS_NOT_UNDERSTOOD, words="ok?")


def test_docx_merged_responsible_highlight_and_coloured_dot() -> None:
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import RGBColor

    def build(document: Any) -> None:
        table = document.add_table(rows=5, cols=3)
        for cell, label in zip(table.rows[0].cells, ("Tiltak", "Ansvar", "Status"), strict=True):
            cell.text = label
        table.rows[1].cells[0].merge(table.rows[1].cells[2]).text = "Mål 3.1: Betre vegar"
        for row, code in zip(table.rows[2:], ("3.1.1", "3.1.2", "3.1.3"), strict=True):
            row.cells[0].text = f"{code} Tiltak {code}"
        # One responsible for two measures, written once in a vertically merged cell.
        table.rows[2].cells[1].merge(table.rows[3].cells[1]).text = "Samferdselsutval"
        table.rows[4].cells[1].text = "BFK"
        # Status by highlighting the text, and by a coloured dot.
        table.rows[2].cells[2].paragraphs[0].add_run(
            "x"
        ).font.highlight_color = WD_COLOR_INDEX.BRIGHT_GREEN
        dot = table.rows[3].cells[2].paragraphs[0].add_run("●")
        dot.font.color.rgb = RGBColor(0xFF, 0xC0, 0x00)

    plan = read_docx(_small_docx(build), known_actors=[])
    assert [(m.code, m.responsible, m.status) for m in plan.measures()] == [
        ("3.1.1", ["Samferdselsutval"], "done"),
        ("3.1.2", ["Samferdselsutval"], "started"),
        ("3.1.3", ["BFK"], "unknown"),
    ]


@pytest.mark.parametrize(
    ("written", "parent", "code", "written_code", "guessed"),
    [
        ("1.1.1", "1.1", "1.1.1", "", False),
        ("1.1.1.", "1.1", "1.1.1", "1.1.1.", False),  # a trailing dot is no guess
        (".5.2.", "4.5", "4.5.2", ".5.2.", True),
        ("2", "4.5", "4.5.2", "2", True),
        ("3.1.1", "2.1", "3.1.1", "", False),  # under the wrong goal: check_numbering warns
    ],
)
def test_read_code(written: str, parent: str, code: str, written_code: str, guessed: bool) -> None:
    reading = read_code(written, parent)
    assert (reading.code, reading.written_code, reading.warning is not None) == (
        code,
        written_code,
        guessed,
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Næringshage\nVidju", ["Næringshage Vidju"]),  # wrapped in a narrow column
        ("Regionråd Næringsforum", ["Regionråd", "Næringsforum"]),  # flattened text
        ("Regionråd og Næringsforum", ["Regionråd", "Næringsforum"]),
        ("Regionråd, Næringsforum; BFK", ["Regionråd", "Næringsforum", "BFK"]),
        ("Berdskaps-\nkoordinator", ["Berdskaps-koordinator"]),
        ("Arbeids-\nog velferdsforvaltninga", ["Arbeids- og velferdsforvaltninga"]),
        ("Regionråd\nregionråd", ["Regionråd"]),
        ("Ukjend aktør\nAnna gruppe", ["Ukjend aktør", "Anna gruppe"]),
        ("", []),
    ],
)
def test_split_actors(cell: str, expected: list[str]) -> None:
    known = [
        "Næringshage Vidju",
        "Regionråd",
        "Næringsforum",
        "Berdskaps-koordinator",
        "Arbeids- og velferdsforvaltninga",
    ]
    assert split_actors(cell, known) == expected


# ---------------------------------------------------------------------------------------
# Documents that must be refused
# ---------------------------------------------------------------------------------------


def _refused(reader: Reader, data: bytes) -> tuple[str, Params]:
    with pytest.raises(UnreadableDocument) as caught:
        reader(data, known_actors=[])
    return caught.value.code, caught.value.params


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("reader", "data", "code", "params"),
    [
        (read_docx, b"", Code.EMPTY_FILE, {}),
        (read_docx, builders.png(), Code.NOT_EXPECTED_FORMAT, {"expected": "docx"}),
        (
            read_docx,
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            Code.OLD_FORMAT_OR_PASSWORD,
            {"save_as": ".docx"},
        ),
        (read_pdf, b"", Code.EMPTY_FILE, {}),
        (read_pdf, builders.png(), Code.NOT_EXPECTED_FORMAT, {"expected": "pdf"}),
        (read_pdf, b"%PDF-1.7\n" + b"\x00garbage\xff" * 200, Code.DAMAGED_PDF, {}),
        (read_xlsx, b"", Code.EMPTY_FILE, {}),
        (read_xlsx, builders.png(), Code.NOT_EXPECTED_FORMAT, {"expected": "xlsx"}),
        (read_csv, b"", Code.EMPTY_FILE, {}),
        (read_csv, builders.png(), Code.NOT_CSV, {}),
    ],
)
def test_wrong_or_empty_files_are_refused(
    reader: Reader, data: bytes, code: Code, params: Params
) -> None:
    assert _refused(reader, data) == (code, params)


def test_truncated_docx_and_xlsx_are_refused(files: dict[str, bytes]) -> None:
    damaged = {Code.PACKAGE_DAMAGED, Code.CONTENT_DAMAGED}
    code, params = _refused(read_docx, _truncated(files["plan.docx"]))
    assert code in damaged and params == {"expected": "docx"}
    code, params = _refused(read_xlsx, _truncated(files["plan.xlsx"]))
    assert code in damaged and params == {"expected": "xlsx"}


def test_an_xlsx_given_to_the_word_reader_is_named(files: dict[str, bytes]) -> None:
    assert _refused(read_docx, files["plan.xlsx"]) == (
        Code.WRONG_PACKAGE,
        {"found": "xlsx", "expected": "docx"},
    )
    assert _refused(read_xlsx, files["plan.docx"]) == (
        Code.WRONG_PACKAGE,
        {"found": "docx", "expected": "xlsx"},
    )


def test_zip_bomb_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"\x00" * (unpack.OFFICE.entry_bytes + 1))
    assert _refused(read_docx, out.getvalue()) == (Code.UNPACKS_TOO_LARGE, {})


def test_too_large_file_is_refused() -> None:
    data = b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES
    code, params = _refused(read_pdf, data)
    assert code == Code.TOO_LARGE and params["limit_mb"] == 10


def test_encrypted_pdf_is_refused() -> None:
    data = builders.encrypted_pdf(user_password="hemmeleg")
    # The fixture is a real encrypted PDF: it opens with its password …
    with pdfplumber.open(io.BytesIO(data), password="hemmeleg") as document:
        assert "Hemmeleg plan" in (document.pages[0].extract_text() or "")
    # … and the reader, which has none, says why it cannot read it.
    assert _refused(read_pdf, data) == (Code.ENCRYPTED_PDF, {})


def test_scanned_pdf_is_refused() -> None:
    assert _refused(read_pdf, builders.image_only_pdf()) == (Code.SCANNED_PDF, {})


def test_documents_without_a_plan_are_refused() -> None:
    def minutes(document: Any) -> None:
        document.add_paragraph("Referat frå møtet i regionrådet")
        table = document.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text = "Namn"
        table.rows[0].cells[1].text = "Rolle"

    assert _refused(read_docx, _small_docx(minutes)) == (Code.NO_PLAN_TABLE, {})
    text_only = builders.render_pdf("<h1>Referat</h1><p>Ingen tabellar her.</p>")
    assert _refused(read_pdf, text_only) == (Code.NO_PLAN_TABLE, {})
    no_header = b"Namn;Rolle\nKari;Leiar\n"
    assert _refused(read_csv, no_header) == (Code.NO_HEADER_ROW, {})
    # A plan table with a header but not one measure is no plan either.
    assert _refused(read_csv, b"Tiltak;Status\n;\n") == (Code.NO_MEASURES, {})
