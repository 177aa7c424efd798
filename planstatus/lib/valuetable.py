"""Indicator values from a spreadsheet (.xlsx) or CSV, and the template to fill in. No Django.

One row per value: `periode` (2024 or 2024-01-01), `kommunenummer` (empty for the region's
own value; any of a municipality's numbers), `verdi`, optionally `vekt` (the weight of a
share) and `kjelde`. Headers are fixed Nynorsk words, like the plan downloads'; the .xlsx
template's guidance sheet is Nynorsk too, whatever the interface language, like the case.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from planstatus.lib.documents.decoding import NotText, decode_text
from planstatus.lib.documents.package import open_workbook
from planstatus.lib.importers.base import Code, UnreadableDocument
from planstatus.lib.indicators import Method, parse_period
from planstatus.lib.opendata.xlsx import clean_text

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
UNPACKS_TOO_LARGE = "unpacks_too_large"
TOO_HEAVY = "too_heavy"  # reading needed more memory or time than allowed (lib/capped.py)


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
        workbook = open_workbook(data)
    except UnreadableDocument as error:
        code = UNPACKS_TOO_LARGE if error.code == Code.UNPACKS_TOO_LARGE else BAD_SPREADSHEET
        raise TableError(code, str(error)[:200]) from None
    except (OSError, KeyError, ValueError) as error:
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
        text = decode_text(data).text
    except NotText as error:
        if error.reason == "empty":
            raise TableError(EMPTY) from None
        raise TableError(BAD_SPREADSHEET, "binary data") from None
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


VALUE_SHEET = "Verdiar"
GUIDE_SHEET = "Rettleiing"
TEXT_FORMAT = "@"
# Always two decimals shown, up to four kept: the database keeps four.
NUMBER_FORMAT = "#,##0.00##"
WIDTHS = {"periode": 12, "kommunenummer": 17, "verdi": 14, "vekt": 14, "kjelde": 45}
# Validation and formats reach this far, for the rows people add (more years).
FORMATTED_ROWS = 2000
GUIDE_HEADINGS = {"Slik gjer du", "Kolonne", "Kommunenummer"}
REGION_VALUE = {
    None: "Blir registrert for heile regionen.",
    Method.SUM: "Summen av kommunane.",
    Method.WEIGHTED_MEAN: "Eit vekta snitt av kommunane.",
}


def template_xlsx(
    municipality_numbers: Sequence[str],
    year: int,
    *,
    method: Method | None = None,
    names: Mapping[str, str] | None = None,
    indicator: str = "",
    unit: str = "",
    weight_label: str = "",
) -> bytes:
    """An Excel file to fill in: the CSV template's rows on the sheet «Verdiar» (the one
    read_table() reads), and the sheet «Rettleiing» on what goes in each column.

    A region value computed from the municipalities (`method`) cannot be entered, so the
    region's row is left out then. Periods and municipality numbers are text, so 0615 keeps
    its zero; new rows typed in those columns are text too.
    """
    names = names or {}
    workbook = openpyxl.Workbook()
    workbook.properties.title = clean_text(indicator)[:250] or None
    workbook.properties.language = "nn-NO"
    sheet = workbook.active
    sheet.title = VALUE_SHEET
    rows = [] if method is not None else [[str(year), "", "", "", ""]]
    rows += [[str(year), number, "", "", ""] for number in municipality_numbers]
    _write_values(sheet, rows)
    _write_guide(
        workbook.create_sheet(GUIDE_SHEET),
        method=method,
        numbers=municipality_numbers,
        names=names,
        indicator=indicator,
        unit=unit,
        weight_label=weight_label,
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_values(sheet: Worksheet, rows: list[list[str]]) -> None:
    text_columns = ("periode", "kommunenummer", "kjelde")
    for column, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(column)
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = WIDTHS[header]
        # The column's format is what Excel gives the cells people type into.
        dimension.number_format = TEXT_FORMAT if header in text_columns else NUMBER_FORMAT
        for number, row in enumerate(rows, start=2):
            cell = sheet.cell(row=number, column=column)
            if row[column - 1]:
                cell.value = row[column - 1]
                cell.data_type = "s"
            cell.number_format = dimension.number_format
    sheet.freeze_panes = "A2"
    numbers = DataValidation(
        type="decimal",
        operator="between",
        formula1="-9999999999999",
        formula2="9999999999999",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="Ikkje eit tal",
        error="Skriv eit tal, til dømes 1234,5. Sjå arket «Rettleiing».",
        promptTitle="Tal",
        prompt="Eit tal, med komma eller punktum som desimalteikn.",
    )
    numbers.add(f"C2:D{FORMATTED_ROWS}")
    sheet.add_data_validation(numbers)


def _write_guide(
    sheet: Worksheet,
    *,
    method: Method | None,
    numbers: Sequence[str],
    names: Mapping[str, str],
    indicator: str,
    unit: str,
    weight_label: str,
) -> None:
    weight = f" (her: {weight_label})" if weight_label else ""
    region_value = REGION_VALUE[method]
    if method is Method.WEIGHTED_MEAN and weight_label:
        region_value = f"Eit snitt av kommunane, vekta med {weight_label}."
    if method is None:
        region = "Den første rada, utan kommunenummer, er for verdien til heile regionen."
    else:
        region = (
            "Regionverdien blir rekna ut frå kommunane, så malen har berre rader for "
            "kommunane. Eit år får regionverdi først når alle kommunane har ein verdi."
        )
    lines: list[tuple[str, ...]] = [("Rettleiing for malen",), ()]
    if indicator:
        lines += [("Indikator", indicator), ("Eining", unit or "–")]
        lines += [("Regionverdi", region_value), ()]
    lines += [
        ("Slik gjer du",),
        (
            "1.",
            "Fyll inn verdiane på arket «Verdiar», éi rad per verdi. Ikkje endre "
            "overskriftene i første rad: andre kolonnar blir ikkje lesne.",
        ),
        ("2.", region),
        (
            "3.",
            "Slett rader du ikkje har verdi for: ei rad med periode, men utan verdi, "
            "blir avvist, og då blir ingenting i fila lagra.",
        ),
        ("4.", "Fleire år eller datoar: kopier radene og skriv ein annan periode."),
        (
            "5.",
            "Last opp fila på sida «Last opp verdiar» for indikatoren. Ein verdi som alt "
            "er registrert, blir berre endra når du kryssar av for «Byt ut»; den førre verdien "
            "blir verande i historikken.",
        ),
        (),
        ("Kolonne", "Innhald"),
        (
            "periode",
            "Må fyllast ut. Året verdien gjeld (2024), eller datoen (2024-01-01) "
            "for tal som gjeld ein dag, til dømes folketalet 1. januar.",
        ),
        (
            "kommunenummer",
            "Tom for verdien til heile regionen. Elles nummeret til "
            "kommunen, skrive som tekst, så nullen først blir ståande (0615). Eit eldre "
            "nummer for kommunen (før 2020 eller 2020–2023) blir også kjent att.",
        ),
        (
            "verdi",
            "Må fyllast ut. Talet, med komma eller punktum som desimalteikn. "
            "Blir lagra med inntil fire desimalar.",
        ),
        (
            "vekt",
            "Berre når regionverdien er eit vekta snitt av kommunane: det verdien til "
            f"kommunen skal vektast med{weight}. Elles tom.",
        ),
        (
            "kjelde",
            "Kvar talet kjem frå, til dømes «SSB, tabell 07459». Valfritt. "
            "Blir ikkje vist offentleg.",
        ),
    ]
    if numbers:
        lines += [(), ("Kommunenummer", "Kommune")]
        lines += [(number, names.get(number, "")) for number in numbers]
    for number, line in enumerate(lines, start=1):
        for column, text in enumerate(line, start=1):
            cell = sheet.cell(row=number, column=column, value=clean_text(text))
            cell.data_type = "s"  # never a formula, whatever a name starts with
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line and line[0] in GUIDE_HEADINGS:
            for column in range(1, len(line) + 1):
                sheet.cell(row=number, column=column).font = Font(bold=True)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 90
