"""Indicator values from CSV and .xlsx: pure, on files the tests write."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl  # type: ignore[import-untyped]
import pytest

from planstatus.lib.valuetable import TableError, parse_number, read_table, template_csv


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


@pytest.mark.parametrize("text", ["1e999999", "NaN", "Infinity", "12abc", "99999999999999"])
def test_numbers_that_are_not(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)
