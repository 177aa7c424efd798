"""Indicator values from CSV and .xlsx: pure, on files the tests write."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl  # type: ignore[import-untyped]
import pytest

from planstatus.lib.indicators import Method
from planstatus.lib.valuetable import (
    HEADERS,
    TableError,
    parse_number,
    read_table,
    template_csv,
    template_xlsx,
)


def test_csv_with_comma_decimals_spaces_and_a_blank_row() -> None:
    data = (
        "\ufeffperiode;kommunenummer;verdi;vekt\r\n"
        "2024;3320;1 234,5;\r\n;;;\r\n2024-01-01;;40,25;3\r\n"
    )
    rows = read_table(data.encode())
    assert [(r.period, r.municipality_number, r.value, r.weight) for r in rows] == [
        ("2024", "3320", Decimal("1234.5"), None),
        ("2024-01-01", "", Decimal("40.25"), Decimal(3)),
    ]


def test_xlsx_like_the_template() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Studieplassar i Hallingdal"])
    sheet.append(["periode", "kommunenummer", "verdi"])
    sheet.append([2023, "0615", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_table(buffer.getvalue())
    assert [(r.line, r.period, r.municipality_number, r.value) for r in rows] == [
        (3, "2023", "0615", Decimal(12))
    ]


def test_template_reads_back_as_header_only() -> None:
    with pytest.raises(TableError) as error:
        read_table(template_csv(["3320", "3324"], 2024))
    assert error.value.code == "bad_row"  # the template's values are still empty
    assert error.value.row == 2


def fill(data: bytes, values: list[tuple[object, object]]) -> bytes:
    """The template with verdi and vekt filled in, row by row, as a person would."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Verdiar"]
    for row, (value, weight) in enumerate(values, start=2):
        sheet.cell(row=row, column=3, value=value)
        sheet.cell(row=row, column=4, value=weight)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_template_has_the_csv_templates_rows_as_text() -> None:
    data = template_xlsx(["0615", "3324"], 2024, names={"0615": "Flå", "3324": "Gol"})
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Verdiar", "Rettleiing"]
    sheet = workbook["Verdiar"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        list(HEADERS),
        ["2024", None, None, None, None],
        ["2024", "0615", None, None, None],
        ["2024", "3324", None, None, None],
    ]
    assert sheet["B3"].data_type == "s"  # 0615 keeps its zero
    assert sheet.freeze_panes == "A2"
    assert all(sheet.cell(row=1, column=c).font.b for c in range(1, 6))
    assert sheet.column_dimensions["B"].number_format == "@"  # rows typed in stay text
    assert sheet["C3"].number_format == sheet["D4"].number_format == "#,##0.00##"
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["A"].width
    (validation,) = sheet.data_validations.dataValidation
    assert (validation.type, str(validation.sqref)) == ("decimal", "C2:D2000")
    guide = [c for row in workbook["Rettleiing"].iter_rows(values_only=True) for c in row if c]
    for header in HEADERS:
        assert header in guide
    assert "Flå" in guide
    assert "Den første rada, utan kommunenummer, er for verdien til heile regionen." in guide
    # Unfilled it reads like the CSV template: the empty values are refused.
    with pytest.raises(TableError) as error:
        read_table(data)
    assert (error.value.code, error.value.row) == ("bad_row", 2)


def test_xlsx_template_filled_in_reads_back() -> None:
    data = template_xlsx(["0615", "3324"], 2024)
    rows = read_table(fill(data, [(12.5, None), (3, 2), ("1 000,25", None)]))
    assert [(r.line, r.period, r.municipality_number, r.value, r.weight) for r in rows] == [
        (2, "2024", "", Decimal("12.5"), None),
        (3, "2024", "0615", Decimal(3), Decimal(2)),
        (4, "2024", "3324", Decimal("1000.25"), None),
    ]


def test_xlsx_template_of_a_computed_indicator_has_no_region_row() -> None:
    data = template_xlsx(
        ["3320"],
        2023,
        method=Method.WEIGHTED_MEAN,
        indicator="=Del kvinner",
        unit="%",
        weight_label="talet på gründarar",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert [r[:2] for r in workbook["Verdiar"].iter_rows(min_row=2, values_only=True)] == [
        ("2023", "3320")
    ]
    guide = workbook["Rettleiing"]
    texts = [c for row in guide.iter_rows(values_only=True) for c in row if c]
    assert "=Del kvinner" in texts  # a name, not a formula
    assert all(c.data_type == "s" for row in guide.iter_rows() for c in row if c.value)
    assert "Eit snitt av kommunane, vekta med talet på gründarar." in texts
    assert workbook.properties.title == "=Del kvinner"
    rows = read_table(fill(data, [(40, 10)]))
    assert [(r.municipality_number, r.value, r.weight) for r in rows] == [
        ("3320", Decimal(40), Decimal(10))
    ]


@pytest.mark.parametrize("text", ["1e999999", "NaN", "Infinity", "12abc", "99999999999999"])
def test_numbers_that_are_not(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)
