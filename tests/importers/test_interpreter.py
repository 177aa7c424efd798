"""The one interpreter on small made-up documents, one or more per point of issue 18 (and
issue 17 items 7 and 8): documents built here in every format, so that each test says
which layout it is about. The corpus of real plans (tests/fixtures/plans/, scored by
bench/import_score.py) checks the same on documents from the field.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import docx
import openpyxl  # type: ignore[import-untyped]
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl.styles import PatternFill  # type: ignore[import-untyped]
from openpyxl.styles.colors import Color  # type: ignore[import-untyped]

from planstatus.lib.documents import read_document
from planstatus.lib.documents.model import ListItem
from planstatus.lib.importers import detect_format, read_plan
from planstatus.lib.importers.base import Code, ParsedPlan, TableChoice, UnreadableDocument
from planstatus.lib.programme import result_status
from planstatus.lib.vocabulary import status_from_words
from tests.importers import builders


def _docx(build: Callable[[Any], None]) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document: Any, rows: list[tuple[str, ...]]) -> Any:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    return table


def _codes(plan: ParsedPlan) -> list[str]:
    return [w.code for w in plan.warnings]


def _measures(plan: ParsedPlan) -> list[tuple[str, str]]:
    return [(m.code, m.text) for m in plan.measures()]


# ---------------------------------------------------------------------------------------
# Formats: detection, text decoding, OpenDocument
# ---------------------------------------------------------------------------------------


def test_utf16_text_is_text_not_binary() -> None:
    text = "Mål 1.1: Betre vegar\n\n1.1.1 Lage vegplan\n2025 Regionrådet\n"
    for data in (text.encode("utf-16"), text.encode("utf-16-be").join([b"\xfe\xff", b""])):
        assert detect_format(data, "plan.txt") == "text"
        plan = read_plan(data, filename="plan.txt")
        assert _measures(plan) == [("1.1.1", "Lage vegplan")]


def _odf(mimetype: str, body: str, automatic_styles: str = "") -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0">'
        f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
        f"<office:body>{body}</office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        package.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


_ODS_STYLES = (
    '<style:style style:name="raud" style:family="table-cell">'
    '<style:table-cell-properties fo:background-color="#ff0000"/></style:style>'
    '<style:style style:name="gron" style:family="table-cell">'
    '<style:table-cell-properties fo:background-color="#00b050"/></style:style>'
)


def _cells(*values: str, style: str = "") -> str:
    attribute = f' table:style-name="{style}"' if style else ""
    return "".join(
        f"<table:table-cell{attribute}><text:p>{v}</text:p></table:table-cell>" for v in values
    )


def test_ods_with_spanned_title_covered_cells_and_fills() -> None:
    body = (
        '<office:spreadsheet><table:table table:name="Tiltak">'
        '<table:table-row><table:table-cell table:number-columns-spanned="4">'
        "<text:p>Klima 2024–2027</text:p></table:table-cell>"
        '<table:covered-table-cell table:number-columns-repeated="3"/></table:table-row>'
        f"<table:table-row>{_cells('Nr', 'Tiltak', 'Ansvarleg', 'Status')}</table:table-row>"
        f"<table:table-row>{_cells('K1', 'Kartleggje utslepp', 'Regionrådet')}"
        f"{_cells('', style='gron')}</table:table-row>"
        f"<table:table-row>{_cells('K2', 'Lage klimaplan', 'Kommunane', style='raud')}"
        '<table:table-cell table:style-name="raud"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell'
        ' table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet>"
    )
    data = _odf("application/vnd.oasis.opendocument.spreadsheet", body, _ODS_STYLES)
    assert detect_format(data, "plan.ods") == "ods"
    plan = read_plan(data, filename="plan.ods")
    assert [(m.code, m.text, m.status) for m in plan.measures()] == [
        ("K1", "Kartleggje utslepp", "done"),
        ("K2", "Lage klimaplan", "not_started"),
    ]
    assert plan.areas[0].name == "Klima 2024–2027"
    # No timing column: the period in the title row holds for every measure, with a warning.
    assert {(m.timing.start, m.timing.end) for m in plan.measures()} == {(2024, 2027)}
    assert Code.TIMING_FROM_HEADING in _codes(plan)


def test_odt_with_heading_list_and_table_merged_down() -> None:
    body = (
        "<office:text>"
        '<text:h text:outline-level="1">Samferdsel</text:h>'
        "<text:p>Regionen treng betre vegar.</text:p>"
        '<table:table table:name="Tabell1">'
        f"<table:table-row>{_cells('Mål', 'Tiltak', 'Tid')}</table:table-row>"
        '<table:table-row><table:table-cell table:number-rows-spanned="2">'
        "<text:p>Tryggare vegar</text:p></table:table-cell>"
        f"{_cells('Fleire gangfelt', '2025')}</table:table-row>"
        f"<table:table-row><table:covered-table-cell/>{_cells('Betre lys', 'årleg')}"
        "</table:table-row></table:table></office:text>"
    )
    data = _odf("application/vnd.oasis.opendocument.text", body)
    assert detect_format(data, "plan.odt") == "odt"
    plan = read_plan(data, filename="plan.odt")
    (area,) = plan.areas
    (goal,) = area.goals  # the goal cell merged down belongs to both rows
    assert (area.name, goal.text) == ("Samferdsel", "Tryggare vegar")
    assert [(m.text, m.timing.text) for m in goal.measures] == [
        ("Fleire gangfelt", "2025"),
        ("Betre lys", "årleg"),
    ]


def test_odt_lists_are_list_items_with_their_numbers() -> None:
    styles = (
        '<text:list-style style:name="L1"><text:list-level-style-number text:level="1"'
        ' style:num-format="1" style:num-suffix="."/></text:list-style>'
    )
    items = "".join(
        f"<text:list-item><text:p>{t}</text:p></text:list-item>" for t in ("Éin", "To", "Tre")
    )
    body = f'<office:text><text:list text:style-name="L1">{items}</text:list></office:text>'
    document = read_document(_odf("application/vnd.oasis.opendocument.text", body, styles), "odt")
    assert [(b.marker, b.number, b.text) for b in document.blocks if isinstance(b, ListItem)] == [
        ("1.", "1", "Éin"),
        ("2.", "2", "To"),
        ("3.", "3", "Tre"),
    ]


def test_opendocument_with_an_entity_bomb_is_refused_without_expanding() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<office:document-content>&b;</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", bomb)
    with pytest.raises(Exception) as caught:
        read_plan(out.getvalue(), filename="bomb.odt")
    assert "aaaaaaaaaa" not in str(caught.value)


# ---------------------------------------------------------------------------------------
# 1, 2: headers not named «Tiltak», no header row, columns in any order, codes of any shape
# ---------------------------------------------------------------------------------------


def test_measure_column_headed_with_a_sentence_and_timing_only_in_it() -> None:
    def build(document: Any) -> None:
        document.add_heading("Klima og miljø", level=1)
        _table(
            document,
            [
                ("Ref.", "Da må vi (tiltak 2018–2019):", "Ansvarleg", "Status pr. 1.3.2025"),
                ("BA1", "Kartleggje klimagassutslepp", "Regionrådet", "Påstarta"),
                ("IKT 1", "Innføre digitale møte", "IKT Vest", "Fullført"),
                ("3a", "Lage ein handlingsplan", "Kommunane", ""),
            ],
        )

    plan = read_plan(_docx(build), filename="plan.docx")
    got = [(m.code, m.written_code or m.code, m.status) for m in plan.measures()]
    assert got == [("BA1", "BA1", "started"), ("IKT 1", "IKT 1", "done"), ("3a", "3a", "unknown")]
    assert {(m.timing.start, m.timing.end) for m in plan.measures()} == {(2018, 2019)}
    assert Code.TIMING_FROM_HEADING in _codes(plan)
    (table,) = plan.tables
    roles = {c.header: (c.role, c.confidence) for c in table.columns}
    assert roles["Da må vi (tiltak 2018–2019):"] == ("measure", 0.8)
    assert roles["Status pr. 1.3.2025"][0] == "status"
    assert roles["Ansvarleg"] == ("responsible", 1.0)


@pytest.mark.parametrize(
    ("headers", "roles"),
    [
        (
            ("Strategi", "Gjennomføring", "Ansvarlig", "Utfører"),
            ("timing", "responsible", "involved"),
        ),
        (
            ("Aktivitet", "Periode", "Ansvar", "Samarbeidspartar"),
            ("timing", "responsible", "involved"),
        ),
        (("Handling", "Frist", "Ansvarleg", "Medverkande"), ("timing", "responsible", "involved")),
        (("Tiltak/aktivitet", "Når", "Ansvar", "Partnarar"), ("timing", "responsible", "involved")),
        (
            ("Tiltak", "Tidsperiode", "Hovudansvar", "Samarbeid"),
            ("timing", "responsible", "involved"),
        ),
    ],
)
def test_header_synonyms_in_nynorsk_and_bokmal(
    headers: tuple[str, ...], roles: tuple[str, ...]
) -> None:
    data = ";".join(headers) + "\nLage plan;2025;Regionrådet;Kommunane\n"
    plan = read_plan(data.encode(), filename="plan.csv")
    (measure,) = plan.measures()
    assert (measure.text, measure.timing.start) == ("Lage plan", 2025)
    assert (measure.responsible, measure.involved) == (["Regionrådet"], ["Kommunane"])
    assert [c.role for c in plan.tables[0].columns][1:] == list(roles)


def test_table_without_header_row_with_status_first_and_ansvar_before_tid() -> None:
    def build(document: Any) -> None:
        _table(
            document,
            [
                (
                    "Påbegynt",
                    "1.1",
                    "Utarbeide ein felles næringsplan for regionen",
                    "Regionrådet",
                    "2025",
                ),
                (
                    "Ikkje starta",
                    "1.2",
                    "Greie ut eit felles innkjøpskontor for kommunane",
                    "Kommunane",
                    "2026",
                ),
                (
                    "Gjennomført",
                    "1.3",
                    "Starte eit nettverk for reiselivsbedrifter",
                    "Næringsforum",
                    "årleg",
                ),
            ],
        )

    plan = read_plan(_docx(build), filename="plan.docx")
    got = [(m.code, m.status, m.responsible, m.timing.text) for m in plan.measures()]
    assert got == [
        ("1.1", "started", ["Regionrådet"], "2025"),
        ("1.2", "not_started", ["Kommunane"], "2026"),
        ("1.3", "done", ["Næringsforum"], "årleg"),
    ]
    assert Code.COLUMNS_GUESSED in _codes(plan)
    assert [c.source for c in plan.tables[0].columns] == ["content"] * 5


def test_a_table_that_is_no_plan_is_not_guessed_into_one() -> None:
    def build(document: Any) -> None:
        _table(document, [("Kari", "Leiar"), ("Ola", "Nestleiar")])

    with pytest.raises(Exception) as caught:
        read_plan(_docx(build), filename="x.docx")
    assert getattr(caught.value, "code", "") == Code.NO_PLAN_TABLE


def test_a_comment_column_is_the_first_status_comment() -> None:
    data = (
        "Nr;Tiltak;Ansvarleg;Status;Kommentar\n"
        "1.1.1;Lage næringsplan;Regionrådet;Påbegynt;Arbeidsgruppa er sett ned.\n"
    ).encode()
    plan = read_plan(data, filename="plan.csv")
    (measure,) = plan.measures()
    assert measure.comment == "Arbeidsgruppa er sett ned."
    again = ParsedPlan.from_dict(plan.as_dict())
    assert again.measures()[0].comment == "Arbeidsgruppa er sett ned."


def test_a_measure_whose_cells_begin_with_header_words_is_no_repeated_header() -> None:
    # The status case's own tables: a comment «Avslutta: tiltaket …» or «Ferdig. …» has
    # header words in it, but only the header's own texts make a repeated header row.
    header = ("Tiltak", "Tid", "Ansvar", "Status", "Siste kommentar")

    def build(document: Any) -> None:
        _table(
            document,
            [
                header,
                ("1.1.1 Lage næringsplan", "2025", "Regionrådet", "Påstarta", "I gang."),
                (
                    "1.1.2 Felles innkjøp",
                    "2026",
                    "Kommunane",
                    "Avslutta utan gjennomføring",
                    "Avslutta: tiltaket er slått saman med 1.1.1.",
                ),
                (
                    "1.1.3 Ny portal",
                    "2025 2026",
                    "Næringshagen",
                    "Ikkje påstarta",
                    "Ferdig. Rapporten ligg på heimesida.",
                ),
                header,  # the header again, as on a new page
                ("1.1.4 Bulyst", "2025", "Regionrådet", "Gjennomført", ""),
            ],
        )

    plan = read_plan(_docx(build), filename="sak.docx")
    assert [(m.code, m.status) for m in plan.measures()] == [
        ("1.1.1", "started"),
        ("1.1.2", "cancelled"),
        ("1.1.3", "not_started"),
        ("1.1.4", "done"),
    ]
    assert plan.measures()[1].comment == "Avslutta: tiltaket er slått saman med 1.1.1."


# ---------------------------------------------------------------------------------------
# The person maps the columns
# ---------------------------------------------------------------------------------------


def test_columns_given_by_the_person_override_the_guess() -> None:
    data = (
        "Løpenr.;Kva;Kven;Kor tid;Med kven\n"
        "A-1;Lage næringsplan;Regionrådet;2025;Kommunane\n"
        "A-2;Starte nettverk;Næringsforum;årleg;\n"
    ).encode()
    columns = {"Løpenr.": "code", "Kva": "measure", "Kven": "responsible", "Kor tid": "timing"}
    columns["5"] = "involved"  # by number: the fifth column
    columns["Finst ikkje"] = "status"
    plan = read_plan(data, filename="plan.csv", columns=columns)
    got = [(m.code, m.text, m.responsible, m.timing.text, m.involved) for m in plan.measures()]
    assert got == [
        ("A-1", "Lage næringsplan", ["Regionrådet"], "2025", ["Kommunane"]),
        ("A-2", "Starte nettverk", ["Næringsforum"], "årleg", []),
    ]
    sources = {c.header: c.source for c in plan.tables[0].columns}
    assert sources["Kva"] == "person"
    assert any(
        w.code == Code.COLUMN_NOT_FOUND and w.params == {"column": "Finst ikkje"}
        for w in plan.warnings
    )


def test_a_column_can_be_ignored() -> None:
    data = "Tiltak;Tid;Ansvar\nLage plan;2025;Regionrådet\n".encode()
    plan = read_plan(data, filename="plan.csv", columns={"Tid": "ignore"})
    assert plan.measures()[0].timing.text == ""
    assert plan.measures()[0].responsible == ["Regionrådet"]


def test_one_tables_roles_chosen_by_the_person() -> None:
    """The review's pickers: one table's columns by position, its header row, every column
    of the table in the reading with what it holds."""

    def build(document: Any) -> None:
        _table(
            document,
            [
                ("Aktivitet", "Når", "Utfører", "Merknad"),
                ("Lage ein felles næringsplan for regionen", "2025", "Regionrådet", "Viktig"),
                ("Starte eit nettverk for reiselivet", "2026", "Næringsforum", ""),
            ],
        )
        document.add_paragraph("Andre tabell")
        _table(document, [("Kari", "Leiar"), ("Ola", "Nestleiar")])

    data = _docx(build)
    guessed = read_plan(data, filename="plan.docx")
    first = guessed.tables[0]
    assert [c.sample for c in first.columns][2] == ["Regionrådet", "Næringsforum"]
    roles = {0: "measure", 1: "timing", 2: "involved", 3: "comment"}
    plan = read_plan(
        data, filename="plan.docx", tables={first.block: TableChoice(roles, header_row=0)}
    )
    got = [(m.text, m.timing.text, m.involved, m.comment) for m in plan.measures()]
    assert got == [
        ("Lage ein felles næringsplan for regionen", "2025", ["Regionrådet"], "Viktig"),
        ("Starte eit nettverk for reiselivet", "2026", ["Næringsforum"], ""),
    ]
    reading = plan.tables[0]
    assert [(c.header, c.role, c.source) for c in reading.columns] == [
        ("Aktivitet", "measure", "person"),
        ("Når", "timing", "person"),
        ("Utfører", "involved", "person"),
        ("Merknad", "comment", "person"),
    ]
    assert Code.COLUMNS_GUESSED not in _codes(plan)
    # Without a header row: a row of header words is still no measure (a header repeated).
    plan = read_plan(data, filename="plan.docx", tables={first.block: TableChoice(roles)})
    assert plan.tables[0].header_row is None and len(plan.measures()) == 2
    # No measure column: the table is no part of the plan, and the plan has none left.
    none = {0: "ignore", 1: "ignore", 2: "ignore", 3: "ignore"}
    with pytest.raises(UnreadableDocument) as refused:
        read_plan(data, filename="plan.docx", tables={first.block: TableChoice(none, 0)})
    # The refusal carries the tables as read, so that the person can try other roles.
    assert [t.block for t in refused.value.tables] == [first.block, guessed.tables[1].block]
    assert [c.sample[0] for c in refused.value.tables[1].columns] == ["Kari", "Leiar"]


# ---------------------------------------------------------------------------------------
# 3: merged cells and actors with commas
# ---------------------------------------------------------------------------------------


def test_full_width_rows_and_a_strategy_merged_down() -> None:
    def build(document: Any) -> None:
        table = _table(
            document,
            [
                ("Strategi", "Tiltak", "Ansvar"),
                ("", "", ""),
                ("Betre kollektivtilbod", "Fleire bussavgangar", "Fylkeskommunen"),
                ("", "Felles billett", "Kommunal- og moderniseringsdepartementet, KS"),
                ("", "Nye pendlarparkeringar", "Statens vegvesen, Kommunane"),
            ],
        )
        table.rows[1].cells[0].merge(table.rows[1].cells[2]).text = "2 SAMFERDSEL"
        table.rows[2].cells[0].merge(table.rows[4].cells[0])

    known = ["Kommunal- og moderniseringsdepartementet, KS", "Fylkeskommunen"]
    plan = read_plan(_docx(build), filename="plan.docx", known_actors=known)
    (area,) = plan.areas
    assert (area.code, area.name) == ("2", "Samferdsel")
    (goal,) = area.goals
    assert goal.text == "Betre kollektivtilbod"
    responsible = [m.responsible for m in goal.measures]
    assert responsible == [
        ["Fylkeskommunen"],
        ["Kommunal- og moderniseringsdepartementet, KS"],  # known: one actor
        ["Statens vegvesen", "Kommunane"],  # unknown: split, with a warning
    ]
    split = [w for w in plan.warnings if w.code == Code.ACTORS_SPLIT_AT_COMMA]
    assert [w.params["text"] for w in split] == ["Statens vegvesen, Kommunane"]


# ---------------------------------------------------------------------------------------
# 4: status as colour (standard, theme with tint, Excel fills), words, or both
# ---------------------------------------------------------------------------------------


def _theme_shade(cell: Any, theme: str, tint: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:themeFill"), theme)
    shd.set(qn("w:themeFillTint"), tint)
    cell._tc.get_or_add_tcPr().append(shd)


def test_word_theme_colours_with_tints_are_resolved_from_the_theme() -> None:
    def build(document: Any) -> None:
        table = _table(
            document,
            [
                ("Tiltak", "Ansvar", "Status"),
                ("1.1.1 Grønt tiltak", "A", ""),
                ("1.1.2 Gult tiltak", "B", ""),
                ("1.1.3 Tiltak utan farge", "C", ""),
            ],
        )
        # python-docx's template has the Office 2007 theme: accent3 is the green 9BBB59,
        # accent6 the orange F79646.
        _theme_shade(table.rows[1].cells[2], "accent3", "99")  # green, lighter 40 %
        _theme_shade(table.rows[2].cells[2], "accent6", "66")  # orange, lighter 60 %

    plan = read_plan(_docx(build), filename="plan.docx")
    assert [m.status for m in plan.measures()] == ["done", "started", "unknown"]


def test_excel_fills_with_theme_and_tint_and_words_that_disagree() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tiltak-kode", "Tiltak", "Status"])
    sheet.append(["1.1.1", "Raudt tiltak", ""])
    sheet.append(["1.1.2", "Tiltak med tema-farge", ""])
    sheet.append(["1.1.3", "Ord og farge er ueinige", "Gjennomført"])
    sheet.append(["1.1.4", "Tomt", ""])
    sheet["C2"].fill = PatternFill("solid", fgColor="FFFF0000")
    # openpyxl's default theme: accent3 (index 6) is 9BBB59, a green.
    sheet["C3"].fill = PatternFill("solid", fgColor=Color(theme=6, tint=0.4))
    sheet["C4"].fill = PatternFill("solid", fgColor="FFFF0000")
    out = io.BytesIO()
    workbook.save(out)
    plan = read_plan(out.getvalue(), filename="plan.xlsx")
    assert [m.status for m in plan.measures()] == ["not_started", "done", "done", "unknown"]
    assert any(
        w.code == Code.STATUS_WORDS_AND_COLOUR_DIFFER and w.where == "1.1.3" for w in plan.warnings
    )


@pytest.mark.parametrize(
    ("words", "status"),
    [
        ("Påbegynt", "started"),
        ("Påstarta", "started"),
        ("Ikke startet", "not_started"),
        ("Ikkje starta", "not_started"),
        ("ikkje påbegynt", "not_started"),
        ("Fullført", "done"),
        ("Gjennomført", "done"),
        ("Ferdig", "done"),
        ("Løpende", "started"),
        ("Løpande", "started"),
        ("utsett", "not_started"),
        ("Utsatt", "not_started"),
        ("Avsluttet", "done"),
        ("lagt bort", "cancelled"),
        ("ikkje realisert", "cancelled"),
        # Not carried out is not stopped: not started (a programme page, written after
        # its programme ended, reads it as cancelled).
        ("Ikkje gjennomført", "not_started"),
        ("Ikke gjennomført", "not_started"),
    ],
)
def test_status_words_in_both_written_standards(words: str, status: str) -> None:
    assert status_from_words(words) == status


def test_programme_results_not_carried_out_are_cancelled() -> None:
    assert result_status("Felles tomtebank, ikkje gjennomført") == "cancelled"
    assert result_status("Felles tomtebank, er gjennomført") == "done"


# ---------------------------------------------------------------------------------------
# 5: plans without codes: headings, «Mål 1» lines, bullets, Word lists, numbered paragraphs
# ---------------------------------------------------------------------------------------


def _word_numbered_list(document: Any, items: list[str], *, bullet: bool = False) -> None:
    """Items as a Word list with its own numbering (numbering.xml), no typed numbers."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    level = OxmlElement("w:lvl")
    level.set(qn("w:ilvl"), "0")
    for tag, value in (
        ("w:start", "1"),
        ("w:numFmt", "bullet" if bullet else "decimal"),
        ("w:lvlText", "" if bullet else "%1)"),
    ):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        level.append(element)
    abstract.append(level)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    abstract_id = OxmlElement("w:abstractNumId")
    abstract_id.set(qn("w:val"), "90")
    num.append(abstract_id)
    numbering.append(num)
    for text in items:
        paragraph = document.add_paragraph(text)
        properties = paragraph._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", "0"), ("w:numId", "90")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            num_pr.append(element)
        properties.append(num_pr)


def test_word_document_with_headings_goals_and_word_lists_gets_codes_made_up() -> None:
    def build(document: Any) -> None:
        document.add_heading("Handlingsplan 2025", level=0)
        document.add_heading("Næring", level=1)
        document.add_paragraph("Næringslivet i regionen veks, men treng fleire folk.")
        document.add_paragraph("Mål 1: Fleire arbeidsplassar")
        _word_numbered_list(document, ["Lage ein næringsplan", "Starte eit gründarnettverk"])
        document.add_heading("Kompetanse", level=1)
        document.add_paragraph("Mål 2: Fleire med fagbrev")
        document.add_paragraph("Tiltak:")
        document.add_paragraph("• Lærlingtorg kvart år")
        document.add_paragraph("• Felles rekruttering")

    plan = read_plan(_docx(build), filename="plan.docx")
    assert [a.name for a in plan.areas] == ["Næring", "Kompetanse"]
    assert plan.areas[0].description == "Næringslivet i regionen veks, men treng fleire folk."
    assert [(g.code, g.text) for a in plan.areas for g in a.goals] == [
        ("1", "Fleire arbeidsplassar"),
        ("2", "Fleire med fagbrev"),
    ]
    # The Word list's own numbers are the document's codes; bullets get codes made up.
    assert _measures(plan) == [
        ("1", "Lage ein næringsplan"),
        ("2", "Starte eit gründarnettverk"),
        ("2.1", "Lærlingtorg kvart år"),  # measures of goal 2 go on from its number
        ("2.2", "Felles rekruttering"),
    ]
    assert [m.code_generated for m in plan.measures()] == [False, False, True, True]
    assert _codes(plan).count(Code.CODES_GENERATED) == 1
    assert plan.measures()[2].as_dict()["written_code"] == ""
    # The timing stands only in the title: every measure gets it, with one warning.
    assert {m.timing.start for m in plan.measures()} == {2025}


def test_numbered_and_labelled_paragraphs_are_measures() -> None:
    text = (
        "Trafikktryggingsplan\n\n"
        "Tiltak:\n"
        "1) Fleire gangfelt ved skulane\n"
        "Tiltak 2. Betre lys langs skulevegen\n"
        "Nytt punkt 41: Refleksaksjon kvar haust\n"
        "Tillegg punkt 39: Sykkelopplæring i 5. klasse\n"
    )
    plan = read_plan(text.encode(), filename="plan.txt")
    assert _measures(plan) == [
        ("1", "Fleire gangfelt ved skulane"),
        ("2", "Betre lys langs skulevegen"),
        ("41", "Refleksaksjon kvar haust"),
        ("39", "Sykkelopplæring i 5. klasse"),
    ]


def test_several_bullets_in_one_paragraph_are_several_measures() -> None:
    text = (
        "Folkehelse\n\n"
        "Viktige tiltak i år: · Turstiar i alle kommunar · Gratis trening for eldre "
        "· Kampanje mot einsemd\n"
    )
    plan = read_plan(text.encode(), filename="plan.txt")
    assert [m.text for m in plan.measures()] == [
        "Turstiar i alle kommunar",
        "Gratis trening for eldre",
        "Kampanje mot einsemd",
    ]
    assert any(
        w.code == Code.SEVERAL_BULLETS_IN_ONE_LINE and w.params == {"count": 3}
        for w in plan.warnings
    )


# ---------------------------------------------------------------------------------------
# 6: PDFs printed from web pages: columns, running heads
# ---------------------------------------------------------------------------------------


def test_pdf_list_in_three_columns_is_read_down_each_column() -> None:
    items = "".join(f"<li>Satsing nummer {n} for regionen</li>" for n in range(1, 10))
    html = (
        "<style>ol { columns: 3; font-size: 10pt } @page { size: A4 landscape }</style>"
        "<h1>Reiselivsplan 2025–2028</h1><p>Prioriterte tiltak:</p>"
        f"<ol>{items}</ol><p>Planen vert rullert kvart år.</p>"
    )
    plan = read_plan(builders.render_pdf(html), filename="plan.pdf")
    texts = [m.text for m in plan.measures()]
    assert texts == [f"Satsing nummer {n} for regionen" for n in range(1, 10)]
    assert [m.code for m in plan.measures()] == [str(n) for n in range(1, 10)]


# ---------------------------------------------------------------------------------------
# 7: prose status reports
# ---------------------------------------------------------------------------------------


def test_annual_report_narrative_is_description_and_list_items_are_measures() -> None:
    text = (
        "Årsrapport 2024\n\n"
        "Samferdsel\n\n"
        "Året var prega av arbeidet med ny riksveg. Regionrådet har hatt mange møte med "
        "vegvesenet, og saka er no på god veg.\n\n"
        "Noen tiltak:\n"
        "• Ny gang- og sykkelveg er gjennomført\n"
        "• Arbeidet med trafikksikker kommune er i gang\n"
        "• Rassikring av fylkesvegen er utsett\n"
        "• Felles innfartsparkering\n"
    )
    plan = read_plan(text.encode(), filename="rapport.txt")
    (area,) = plan.areas
    assert area.name == "Samferdsel"
    assert "ny riksveg" in area.description
    assert [m.status for m in plan.measures()] == ["done", "started", "not_started", "unknown"]
    prose = [w for w in plan.warnings if w.code == Code.STATUS_FROM_PROSE]
    assert len(prose) == 3 and all("block" in w.place for w in prose)


# ---------------------------------------------------------------------------------------
# 9 and issue 17 items 7, 8: nothing dropped in silence; values that do not fit
# ---------------------------------------------------------------------------------------


_SENTENCE_CASE = """Handlingsprogram for Nordfjord

1. Næring og kompetanse

Tiltak Tid Ansvar Involvering

Mål 1.1: Fleire arbeidsplassar

1.1.1 Lage ein felles næringsplan
2025 Regionrådet Kommunane

2. Samferdsel og veg

Mål 2.1: Betre vegar

2.1.1 Arbeide for ny bru over fjorden
2026 Regionrådet Fylkeskommunen

Sjå også vedlegg 3 om bruprosjektet.

2.1.2 Kartleggje rasutsette strekningar
årleg Vegvesenet
"""


@pytest.mark.parametrize("first", [False, True], ids=["second-area", "first-area"])
def test_every_line_ends_in_the_plan_or_a_warning_and_areas_are_right(first: bool) -> None:
    text = _SENTENCE_CASE
    if first:  # the sentence-case heading is the document's first area
        text = text[text.index("2. Samferdsel") :]
    plan = read_plan(text.encode(), filename="plan.txt")
    where = {m.code: a.name for a in plan.areas for g in a.goals for m in g.measures}
    expected = {"2.1.1": "Samferdsel og veg", "2.1.2": "Samferdsel og veg"}
    if not first:
        expected["1.1.1"] = "Næring og kompetanse"
    assert where == expected
    read = " ".join(
        [plan.title or ""]
        + [f"{a.code}. {a.name} {a.description}" for a in plan.areas]
        + [f"Mål {g.code}: {g.text}" for a in plan.areas for g in a.goals]
        + [
            " ".join([m.code, m.text, m.timing.text, *m.responsible, *m.involved])
            for m in plan.measures()
        ]
        + [" ".join(str(v) for v in w.params.values()) for w in plan.warnings]
    )
    header = "Tiltak Tid Ansvar Involvering"
    for line in text.splitlines():
        if line.strip() and line.strip() != header:
            assert all(word in read for word in re.findall(r"\w+", line)), line


def test_over_long_values_are_kept_with_a_warning() -> None:
    name = "Regionrådet for " + "svært " * 60 + "lange namn"
    heading = "Innsatsområde 1: " + "Samferdsel " * 40
    data = (
        f"Innsatsområde;Tiltak-kode;Tiltak;Tid;Ansvar\n"
        f"{heading};1.1.1;Lage plan;{'2025 ' * 30};{name}\n"
    ).encode()
    plan = read_plan(data, filename="plan.csv")
    (measure,) = plan.measures()
    # Kept as written: the review shows them, and nothing is saved until they are shortened.
    assert measure.responsible == [name]
    assert plan.areas[0].name == heading.removeprefix("Innsatsområde 1: ").strip()
    cut = [w for w in plan.warnings if w.code == Code.VALUE_TOO_LONG]
    assert {w.params["limit"] for w in cut} == {100, 200, 300}


def test_a_line_can_be_told_to_be_a_goal_or_ignored() -> None:
    text = "Plan\n\nNæring\n\n• Lage næringsplan\n• Sjå også vedlegg\n• Starte nettverk\n"
    plan = read_plan(text.encode(), filename="plan.txt")
    lines = {line["text"]: line["block"] for line in plan.lines}
    overrides = {lines["Sjå også vedlegg"]: "ignore", lines["Næring"]: "goal"}
    again = read_plan(text.encode(), filename="plan.txt", lines=overrides)
    assert [m.text for m in again.measures()] == ["Lage næringsplan", "Starte nettverk"]
    assert [g.text for a in again.areas for g in a.goals] == ["Næring"]
    assert {line["as"] for line in again.lines if line["text"] == "Sjå også vedlegg"} == {"ignored"}


def test_nested_list_items_are_goals_with_their_measures() -> None:
    def build(document: Any) -> None:
        document.add_heading("Klima", level=1)
        document.add_paragraph("Tiltak:")
        document.add_paragraph("Mindre utslepp frå transport", style="List Bullet")
        document.add_paragraph("Fleire ladestasjonar", style="List Bullet 2")
        document.add_paragraph("Meir kollektivtrafikk", style="List Bullet 2")
        document.add_paragraph("Mindre avfall", style="List Bullet")
        document.add_paragraph("Felles kompostering", style="List Bullet 2")

    plan = read_plan(_docx(build), filename="plan.docx")
    goals = [(g.text, [m.text for m in g.measures]) for a in plan.areas for g in a.goals]
    assert goals == [
        ("Mindre utslepp frå transport", ["Fleire ladestasjonar", "Meir kollektivtrafikk"]),
        ("Mindre avfall", ["Felles kompostering"]),
    ]


def test_goal_headings_over_tables_are_goals_not_areas() -> None:
    def build(document: Any) -> None:
        document.add_heading("1 Næring", level=1)
        document.add_heading("Mål 1.1 Fleire arbeidsplassar", level=2)
        _table(document, [("Tiltak", "Ansvar"), ("1.1.1 Lage næringsplan", "Regionrådet")])
        document.add_heading("Mål 1.2 Fleire gründarar", level=2)
        _table(document, [("Tiltak", "Ansvar"), ("1.2.1 Gründarnettverk", "Næringsforum")])

    plan = read_plan(_docx(build), filename="plan.docx")
    assert [(a.code, a.name) for a in plan.areas] == [("1", "Næring")]
    assert [(g.code, g.text) for g in plan.areas[0].goals] == [
        ("1.1", "Fleire arbeidsplassar"),
        ("1.2", "Fleire gründarar"),
    ]


def test_one_sheet_per_focus_area_and_no_codes_is_one_warning() -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Næring"
    first.append(["Tiltak", "Ansvar", "Tid"])
    first.append(["Lage næringsplan", "Regionrådet", "2025"])
    second = workbook.create_sheet("Samferdsel")
    second.append(["Tiltak", "Ansvar", "Tid"])
    second.append(["Betre vegar", "Fylket", "2026"])
    second.append(["Fleire bussar", "Fylket", "årleg"])
    out = io.BytesIO()
    workbook.save(out)
    plan = read_plan(out.getvalue(), filename="plan.xlsx")
    assert [a.name for a in plan.areas] == ["Næring", "Samferdsel"]
    assert all(m.code_generated for m in plan.measures())
    assert _codes(plan).count(Code.CODES_GENERATED) == 1
    assert Code.MEASURE_ON_ROW_WITHOUT_CODE not in _codes(plan)


def test_columns_without_a_role_are_named_in_one_warning_and_shown_for_mapping() -> None:
    data = "Tiltak;Ansvar;Kostnad;Prioritet\nLage plan;Regionrådet;200 000;Høg\n".encode()
    plan = read_plan(data, filename="plan.csv")
    (warning,) = [w for w in plan.warnings if w.code == Code.COLUMNS_NOT_READ]
    assert warning.params == {"columns": "Kostnad, Prioritet"}
    unplaced = [(c.header, c.role, c.confidence) for c in plan.tables[0].columns][2:]
    assert unplaced == [("Kostnad", "ignore", 0.0), ("Prioritet", "ignore", 0.0)]
    # Mapped by the person, the column is read.
    again = read_plan(data, filename="plan.csv", columns={"Prioritet": "comment"})
    assert again.measures()[0].comment == "Høg"
