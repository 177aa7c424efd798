"""A plan as an Excel workbook: measures, status history, and what the file is.

Status cells are filled with the status colour and hold the status word, so the status
reads without colour too (and prints in black and white). Every text is written as text:
openpyxl would store a string starting with «=» as a formula.
"""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from planstatus.lib.opendata.model import PlanDocument, StatusValue
from planstatus.lib.opendata.tables import (
    Cell,
    Table,
    about_rows,
    history_table,
    measure_table,
    milestone_table,
)

MEASURE_SHEET = "Tiltak"
HISTORY_SHEET = "Statushistorikk"
MILESTONE_SHEET = "Milepælar"
ABOUT_SHEET = "Om fila"

# The status colours of the web pages (planstatus.css): pale fills with dark text keep the
# word readable. The plan importer reads these fills back as the same statuses.
STATUS_FILLS = {
    "grey": ("ECEEF1", "30343B"),
    "red": ("FBD9D7", "7A1410"),
    "yellow": ("FFF1B8", "4D3B00"),
    "green": ("D3F1DC", "0B4D23"),
    "dark": ("3A3F47", "FFFFFF"),
}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Widths in characters for long-text columns; the rest fit their header.
WIDE_COLUMNS = {"Tiltak": 60, "Tiltakstekst": 60, "Mål": 40, "Innsatsområde": 30}


def clean_text(text: str) -> str:
    """Text without the control characters the xlsx format cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _excel_time(value: datetime.datetime) -> datetime.datetime:
    # Excel has no time zones: the local time the service gave is written as it reads.
    return value.replace(tzinfo=None)


def _write_cell(ws: Worksheet, row: int, column: int, value: Cell) -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, StatusValue):
        fill, font = STATUS_FILLS.get(value.colour, STATUS_FILLS["grey"])
        cell.value = clean_text(value.word)
        cell.data_type = "s"
        cell.fill = PatternFill(fill_type="solid", start_color=fill, end_color=fill)
        cell.font = Font(color=font, bold=True)
    elif isinstance(value, datetime.datetime):
        cell.value = _excel_time(value)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
    else:
        cell.value = value


def _write_table(ws: Worksheet, table: Table) -> None:
    for column, header in enumerate(table.headers, start=1):
        _write_cell(ws, 1, column, header)
        ws.cell(row=1, column=column).font = Font(bold=True)
        width = WIDE_COLUMNS.get(header, max(len(header) + 2, 12))
        ws.column_dimensions[get_column_letter(column)].width = width
    for number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            _write_cell(ws, number, column, value)
            if table.headers[column - 1] in WIDE_COLUMNS:
                ws.cell(row=number, column=column).alignment = Alignment(wrap_text=True)
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = ws.dimensions


def build_xlsx(doc: PlanDocument) -> bytes:
    wb = Workbook()
    measures = wb.active
    assert measures is not None  # a new workbook always has one sheet
    measures.title = MEASURE_SHEET
    _write_table(measures, measure_table(doc))
    _write_table(wb.create_sheet(HISTORY_SHEET), history_table(doc))
    _write_table(wb.create_sheet(MILESTONE_SHEET), milestone_table(doc))

    about = wb.create_sheet(ABOUT_SHEET)
    for number, (key, value) in enumerate(about_rows(doc), start=1):
        _write_cell(about, number, 1, key)
        about.cell(row=number, column=1).font = Font(bold=True)
        _write_cell(about, number, 2, value)
    legend = len(about_rows(doc)) + 2
    _write_cell(about, legend, 1, "Statusar")
    about.cell(row=legend, column=1).font = Font(bold=True)
    for offset, status in enumerate(doc.statuses, start=1):
        _write_cell(about, legend + offset, 1, status)
        _write_cell(about, legend + offset, 2, status.code)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 80

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
