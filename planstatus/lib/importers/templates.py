"""Downloadable templates for plans kept in a spreadsheet (.xlsx and .csv), as spreadsheet.py
reads them."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.formatting.rule import CellIsRule  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

HEADERS = (
    "Innsatsområde",
    "Mål-kode",
    "Mål",
    "Tiltak-kode",
    "Tiltak",
    "Tid",
    "Ansvar",
    "Involvering",
    "Status",
    "Merknad",
)
EXAMPLE = (
    "1 Næringsutvikling og arbeidsplassar",
    "1.1",
    "Hallingdal har etablert eit tettare og meir formalisert samarbeid rundt det regionale "
    "næringsarbeidet.",
    "1.1.1",
    "Utarbeide ein felles plattform for næringsutvikling i Hallingdal.",
    "2025",
    "Næringsforum",
    "Regionrådet; Kommunane",
    "Påstarta",
    "",
)
# The words the reader knows, offered as a drop-down list, and the pale fills that go with
# them (the same shades spreadsheet users pick by hand).
STATUS_WORDS = {
    "Ikkje påstarta": "FFC7CE",
    "Påstarta": "FFEB9C",
    "Gjennomført": "C6EFCE",
    "Avslutta utan gjennomføring": "D9D9D9",
    "Ikkje vurdert": "FFFFFF",
}
_WIDTHS = (28, 10, 40, 12, 50, 12, 22, 22, 18, 30)
_CODE_COLUMNS = ("B", "D")  # kept as text, so that Excel does not turn «1.10» into 1.1
_INSTRUCTIONS = (
    "Slik fyller du ut malen",
    "",
    "• Éi rad per tiltak. Ikkje endre overskriftene i første rad på arket «Tiltak».",
    "• Innsatsområde: nummer og namn, til dømes «1 Næringsutvikling og arbeidsplassar».",
    "• Mål-kode og Mål: koden (1.1) og teksten til målet tiltaket høyrer til.",
    "• Tom celle for innsatsområde eller mål betyr det same som i rada over.",
    "• Tiltak-kode: 1.1.1, 1.1.2 … Koden må byrje med koden til målet.",
    "• Tid: årstal (2025), periode (2025–2026), «årleg» eller «kontinuerleg».",
    "• Ansvar og Involvering: éin eller fleire aktørar, skilde med semikolon, komma eller "
    "linjeskift (Alt+Enter).",
    "• Status: vel frå lista (Ikkje påstarta, Påstarta, Gjennomført, Avslutta utan "
    "gjennomføring, Ikkje vurdert), eller fargelegg cella raud, gul eller grøn.",
    "• Merknad er valfri.",
    "",
    "Lagre som .xlsx, eller som CSV UTF-8 med semikolon mellom kolonnane.",
)


def build_xlsx_template() -> bytes:
    """A workbook with the header row, one example row and an instruction sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tiltak"
    sheet.append(HEADERS)
    sheet.append(EXAMPLE)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for letter, width in zip("ABCDEFGHIJ", _WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
        for cell in sheet[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter in _CODE_COLUMNS:
        for row in range(2, 501):
            sheet[f"{letter}{row}"].number_format = "@"
    sheet["I2"].fill = PatternFill("solid", fgColor=STATUS_WORDS["Påstarta"])
    sheet.freeze_panes = "A2"
    _add_status_choices(sheet)
    help_sheet = workbook.create_sheet("Rettleiing")
    for line in _INSTRUCTIONS:
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.column_dimensions["A"].width = 110
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _add_status_choices(sheet: Any) -> None:
    # A list to pick from, not a rule: other words and plain colours are read too.
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_WORDS) + '"',
        allow_blank=True,
        showErrorMessage=False,
    )
    choices.add("I2:I500")
    sheet.add_data_validation(choices)
    for word, colour in STATUS_WORDS.items():
        rule = CellIsRule(
            operator="equal", formula=[f'"{word}"'], fill=PatternFill("solid", bgColor=colour)
        )
        sheet.conditional_formatting.add("I2:I500", rule)


def build_csv_template() -> bytes:
    """The header row and the example row, semicolon-separated UTF-8 with a byte order
    mark: the form Norwegian Excel opens with æ, ø and å intact."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerow(EXAMPLE)
    return out.getvalue().encode("utf-8-sig")
