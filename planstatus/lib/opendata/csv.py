"""A plan as CSV: one row per measure, for spreadsheets and scripts.

Semicolon-separated, UTF-8 with a byte order mark: Excel set up for Norwegian (where the
comma is the decimal sign) opens it in columns and reads æ, ø and å right; csv readers that
are told the delimiter read it as any other file. No cell can become a formula.
"""

from __future__ import annotations

import csv
import datetime
import io

from planstatus.lib.opendata.model import PlanDocument, StatusValue
from planstatus.lib.opendata.tables import Cell, measure_table

DELIMITER = ";"
BOM = "\ufeff"
# A spreadsheet reads a cell starting with one of these as a formula (tab and carriage
# return too, after some programs strip them). OWASP's advice: make it text with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """The text, made safe from being run as a spreadsheet formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, StatusValue):
        return value.word
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return inert(value)


def build_csv(doc: PlanDocument) -> bytes:
    table = measure_table(doc)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([cell_text(v) for v in row] for row in table.rows)
    return (BOM + out.getvalue()).encode("utf-8")
