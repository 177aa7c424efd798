"""Indicator values from a spreadsheet (.xlsx) or CSV, and the template to fill in. No Django.

One row per value: `periode` (2024 or 2024-01-01), `kommunenummer` (empty for the region's
own value; any of a municipality's numbers), `verdi`, optionally `vekt` (the weight of a
share) and `kjelde`. Headers are fixed Nynorsk words, like the plan downloads'.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import openpyxl  # type: ignore[import-untyped]

from planstatus.lib.importers.base import UnreadableDocument
from planstatus.lib.importers.word import check_package
from planstatus.lib.indicators import parse_period

HEADERS = ("periode", "kommunenummer", "verdi", "vekt", "kjelde")
REQUIRED = ("periode", "verdi")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000

# Error codes; the web layer words them.
EMPTY = "empty"
TOO_LARGE = "too_large"
BAD_SPREADSHEET = "bad_spreadsheet"
NO_HEADER = "no_header"
BAD_ROW = "bad_row"
TOO_MANY_ROWS = "too_many_rows"


class TableError(ValueError):
    def __init__(self, code: str, detail: str = "", row: int = 0) -> None:
        super().__init__(f"{code}: {detail} (row {row})" if row else f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.row = row


@dataclass(frozen=True)
class TableRow:
    line: int
    period: str
    municipality_number: str  # "" for the region
    value: Decimal
    weight: Decimal | None
    source_note: str


_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_number(text: str) -> Decimal | None:
    """ "1 234,5" and "1234.5" → Decimal; empty → None; anything else raises ValueError."""
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if cleaned == "":
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 13:
        raise ValueError(text)
    return number


def read_table(data: bytes) -> list[TableRow]:
    """Rows from an .xlsx or a CSV file (`;` or `,`, UTF-8 with or without BOM)."""
    if not data or not data.strip():
        raise TableError(EMPTY)
    if len(data) > MAX_BYTES:
        raise TableError(TOO_LARGE)
    cells = _xlsx_cells(data) if data.startswith(b"PK") else _csv_cells(data)
    return _rows(cells)


def _xlsx_cells(data: bytes) -> list[list[str]]:
    try:
        check_package(data, "xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (UnreadableDocument, OSError, KeyError, ValueError) as error:
        raise TableError(BAD_SPREADSHEET, str(error)[:200]) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS:
                raise TableError(TOO_MANY_ROWS)
            rows.append(["" if v is None else _cell_text(v) for v in row[:20]])
        return rows
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "year"):
        return str(value)[:10]
    return str(value)


def _csv_cells(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise TableError(BAD_SPREADSHEET, "binary data")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if len(rows) > MAX_ROWS:
                raise TableError(TOO_MANY_ROWS)
            rows.append(row[:20])
    except csv.Error as error:
        raise TableError(BAD_SPREADSHEET, str(error)) from None
    return rows


def _rows(cells: list[list[str]]) -> list[TableRow]:
    header_at = next(
        (
            i
            for i, row in enumerate(cells[:20])
            if all(h in [c.strip().lower() for c in row] for h in REQUIRED)
        ),
        None,
    )
    if header_at is None:
        raise TableError(NO_HEADER)
    header = [c.strip().lower() for c in cells[header_at]]
    column = {name: header.index(name) for name in HEADERS if name in header}
    rows = []
    for offset, row in enumerate(cells[header_at + 1 :], start=header_at + 2):

        def cell(name: str, row: list[str] = row) -> str:
            index = column.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        if not any(c.strip() for c in row):
            continue
        period = cell("periode")
        if parse_period(period) is None:
            raise TableError(BAD_ROW, period[:40], offset)
        try:
            value = parse_number(cell("verdi"))
            weight = parse_number(cell("vekt"))
        except ValueError as error:
            raise TableError(BAD_ROW, str(error)[:40], offset) from None
        if value is None:
            raise TableError(BAD_ROW, "", offset)
        rows.append(
            TableRow(
                line=offset,
                period=period,
                municipality_number=cell("kommunenummer").upper().removeprefix("K-"),
                value=value,
                weight=weight,
                source_note=cell("kjelde")[:500],
            )
        )
    if not rows:
        raise TableError(EMPTY)
    return rows


def template_csv(municipality_numbers: list[str], year: int) -> bytes:
    """A CSV to fill in: the region's row, then one per municipality, for one year."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerow([str(year), "", "", "", ""])
    for number in municipality_numbers:
        writer.writerow([str(year), number, "", "", ""])
    return ("\ufeff" + out.getvalue()).encode()
