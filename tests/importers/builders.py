"""Test documents built from the curated Hallingdal plan (planstatus/seed/hallingdal.yaml).

Each builder writes the same 68 measures in one format, with a known status per measure, so
that reading the document back must give the curated data again. The Word and PDF builders
vary the table layout from one focus area to the next, the way real plans differ: where the
code stands, which headers and merged rows are used, and whether a status is written, shown
by the status cell's colour or only by the colour of the measure's own cells.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import struct
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import docx
import openpyxl  # type: ignore[import-untyped]
import weasyprint  # type: ignore[import-untyped]
import yaml
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Cell
from openpyxl.styles import PatternFill  # type: ignore[import-untyped]
from openpyxl.styles.colors import Color  # type: ignore[import-untyped]

SEED = Path(__file__).resolve().parents[2] / "planstatus" / "seed" / "hallingdal.yaml"

# Statuses cycle by measure index. «cancelled» has no colour and is always written in words.
STATUS_CYCLE = ("not_started", "started", "done", "unknown", "cancelled")
WORDS = {
    "not_started": ("Ikkje påstarta", "Raud", "Ikke påbegynt", "Not started"),
    "started": ("Påstarta", "Gul", "I gang", "Påbegynt"),
    "done": ("Gjennomført", "Grøn", "Fullført", "Ferdig"),
    "unknown": ("Ikkje vurdert", "Ikke vurdert"),
    "cancelled": ("Avslutta utan gjennomføring", "Ikkje realisert", "Avlyst"),
}
# Word's standard colours and the pale shades people pick, per status.
COLOURS = {
    "not_started": ("FF0000", "F4CCCC", "FFC7CE", "C00000", "E6B8B7"),
    "started": ("FFFF00", "FFC000", "FFF2CC", "FFEB9C", "FFE699"),
    "done": ("00B050", "92D050", "D9EAD3", "C6EFCE", "00FF00"),
    # Not a status: white, grey or no colour at all.
    "unknown": ("FFFFFF", "D9D9D9", ""),
    "cancelled": ("D9D9D9", ""),
}


@dataclass(frozen=True)
class Measure:
    index: int  # position among all 68 measures, which decides the status
    area_code: str
    area_name: str
    goal_code: str
    goal_text: str
    code: str
    written_code: str
    text: str
    timing: str
    responsible: tuple[str, ...]
    involved: tuple[str, ...]

    @property
    def status(self) -> str:
        return STATUS_CYCLE[self.index % len(STATUS_CYCLE)]

    @property
    def mode(self) -> str:
        """How the status is shown: in words (with a matching colour), by the status cell's
        colour alone, or by the colour of the measure's code and text cells."""
        if self.status == "cancelled":
            return "words"
        return ("words", "status_colour", "row_colour")[(self.index // 5) % 3]

    def colour(self) -> str:
        palette = COLOURS[self.status]
        return palette[self.index % len(palette)]

    def word(self) -> str:
        words = WORDS[self.status]
        return words[self.index % len(words)]


@cache
def seed() -> dict[str, Any]:
    with SEED.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def regionplan() -> dict[str, Any]:
    plan: dict[str, Any] = next(p for p in seed()["plans"] if p["slug"] == "regionplan")
    return plan


def known_actors() -> list[str]:
    """Every form of every actor's name, as planstatus.imports.matching would pass them."""
    forms: list[str] = []
    for actor in seed()["actors"]:
        forms += [actor["name"], actor.get("short_name") or "", *actor.get("aliases", [])]
    return [f for f in forms if f]


def measures() -> list[Measure]:
    out: list[Measure] = []
    for area in regionplan()["focus_areas"]:
        for goal in area["goals"]:
            for m in goal["measures"]:
                out.append(
                    Measure(
                        index=len(out),
                        area_code=area["code"],
                        area_name=area["name"],
                        goal_code=goal["code"],
                        goal_text=goal["text"],
                        code=m["code"],
                        written_code=m["written_code"],
                        text=m["text"],
                        timing=m["timing"],
                        responsible=tuple(m["responsible"]),
                        involved=tuple(m["involved"]),
                    )
                )
    return out


def areas() -> list[dict[str, Any]]:
    return list(regionplan()["focus_areas"])


def _by_goal() -> dict[str, list[Measure]]:
    grouped: dict[str, list[Measure]] = {}
    for m in measures():
        grouped.setdefault(m.goal_code, []).append(m)
    return grouped


# ---------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    headers: tuple[str, ...]  # fields: code, measure, timing, responsible, involved, status
    labels: tuple[str, ...]  # the header row as written
    heading: str  # "heading" (Heading 1), "upper" (capitals), "numbered", "row" (in-table), "bold"
    goal: str  # how goal rows are written: "{code}" and "{text}" are filled in
    goal_merged: bool


_WORD_LAYOUTS = {
    # As the council's document: code first in the measure cell, goals merged across.
    "1": _Layout(
        ("measure", "timing", "responsible", "involved", "status"),
        ("Tiltak", "Tid", "Ansvar", "Involvering", "Status"),
        "upper",
        "Mål {code}: {text}",
        True,
    ),
    # Bokmål headers in another order, an extra column, goals not merged.
    "2": _Layout(
        ("measure", "responsible", "involved", "timing", "status", "extra"),
        ("Tiltak", "Ansvarlig", "Involverte", "Tidsrom", "Status", "Budsjett"),
        "numbered",
        "MÅL {code} {text}",
        False,
    ),
    # Codes in their own column.
    "3": _Layout(
        ("code", "measure", "timing", "responsible", "involved", "status"),
        ("Nr.", "Tiltak", "Tid", "Ansvar", "Involvering", "Status"),
        "heading",
        "Delmål {code}: {text}",
        True,
    ),
    # Codes in an unlabelled column.
    "4": _Layout(
        ("code", "measure", "timing", "responsible", "involved", "status"),
        ("", "Tiltak", "Tid", "Ansvar", "Involvering", "Status"),
        "heading",
        "Mål {code}. {text}",
        True,
    ),
    # The focus area as a merged row above the header, with no heading before the table.
    "5": _Layout(
        ("measure", "timing", "responsible", "involved", "status"),
        ("Tiltak", "Tid", "Ansvar", "Involvering", "Status"),
        "row",
        "Mål {code}: {text}",
        True,
    ),
    # A bold heading, and the table split in two with the header repeated.
    "6": _Layout(
        ("measure", "timing", "responsible", "involved", "status"),
        ("Tiltak", "Tid", "Ansvarleg", "Involvering", "Status"),
        "bold",
        "Mål {code}: {text}",
        True,
    ),
}


def build_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Regionplan for Hallingdal – status"
    document.add_heading("Regionplan for Hallingdal – status", level=0)
    document.add_paragraph("Her er alle tiltak med status.")
    legend = document.add_table(rows=3, cols=2)  # not a plan table: must be skipped
    for row, (word, colour) in zip(
        legend.rows, (("GRØN", "00B050"), ("GUL", "FFFF00"), ("RAUD", "FF0000")), strict=True
    ):
        row.cells[0].text = word
        _shade(row.cells[0], colour)
        row.cells[1].text = "Merking"
    grouped = _by_goal()
    for area in areas():
        layout = _WORD_LAYOUTS[area["code"]]
        _docx_heading(document, area, layout)
        goals = area["goals"]
        parts = [goals[:2], goals[2:]] if area["code"] == "6" else [goals]
        for goals_part in parts:
            table = document.add_table(rows=0, cols=len(layout.headers))
            table.style = "Table Grid"
            if layout.heading == "row":
                row = table.add_row()
                merged = row.cells[0].merge(row.cells[-1])
                merged.text = f"{area['code']}. {area['name']}"
            header = table.add_row()
            for cell, label in zip(header.cells, layout.labels, strict=True):
                cell.text = label
                _shade(cell, "D9D9D9")
            for goal in goals_part:
                _docx_goal_row(table, goal, layout)
                for measure in grouped[goal["code"]]:
                    _docx_measure_row(table, measure, layout)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_heading(document: Any, area: dict[str, Any], layout: _Layout) -> None:
    name = area["name"]
    if layout.heading == "upper":
        document.add_paragraph(name.upper())
    elif layout.heading == "numbered":
        document.add_paragraph(f"{area['code']}. {name}")
    elif layout.heading == "heading":
        document.add_heading(f"Innsatsområde {area['code']}: {name}", level=1)
    elif layout.heading == "bold":
        document.add_paragraph().add_run(name).bold = True
    # "row": no text between the previous table and this one; the area is a row inside it.


def _docx_goal_row(table: Any, goal: dict[str, Any], layout: _Layout) -> None:
    row = table.add_row()
    text = layout.goal.format(code=goal["code"], text=goal["text"])
    if layout.goal_merged:
        row.cells[0].merge(row.cells[-1]).text = text
    else:
        row.cells[0].text = text


def _docx_measure_row(table: Any, m: Measure, layout: _Layout) -> None:
    row = table.add_row()
    cells = dict(zip(layout.headers, row.cells, strict=True))
    if "code" in cells:
        cells["code"].text = m.written_code
        _write_lines(cells["measure"], m.text.split("\n"))
    else:
        # As in the council's document: «1.1.1.» on a line of its own above the text.
        _write_lines(cells["measure"], [m.written_code, *m.text.split("\n")])
    cells["timing"].text = m.timing
    _write_breaks(cells["responsible"], m.responsible)
    cells["involved"].text = ", ".join(m.involved)
    status = cells["status"]
    if m.mode == "words":
        status.text = m.word()
    if m.mode in ("words", "status_colour") and m.colour():
        _shade(status, m.colour())
    if m.mode == "row_colour" and m.colour():
        for name in ("code", "measure"):
            if name in cells:
                _shade(cells[name], m.colour())


def _write_lines(cell: _Cell, lines: list[str]) -> None:
    """One paragraph per line, as Word writes a bullet list in a cell."""
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _write_breaks(cell: _Cell, names: tuple[str, ...]) -> None:
    """Names on lines of their own within one paragraph (Shift+Enter)."""
    paragraph = cell.paragraphs[0]
    for i, name in enumerate(names):
        run = paragraph.add_run(name)
        if i < len(names) - 1:
            run.add_break(WD_BREAK.LINE)


def _shade(cell: _Cell, colour: str) -> None:
    """Real cell shading: <w:shd w:val="clear" w:color="auto" w:fill="…"/> in w:tcPr."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shd)


# ---------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------

_CSS = """
@page { size: A4 landscape; margin: 1.2cm }
body { font-family: 'DejaVu Sans', sans-serif; font-size: 8pt }
h1 { font-size: 14pt } h2 { font-size: 11pt; break-after: avoid; margin: 12pt 0 4pt }
table { border-collapse: collapse; width: 100%; table-layout: fixed }
th, td { border: 0.5pt solid #000; padding: 2pt 3pt; vertical-align: top; text-align: left }
th { background-color: #d9d9d9 }
"""
# Word lets a row break across pages unless told otherwise; the PDF builder can do either.
_KEEP_ROWS_WHOLE = "tr { break-inside: avoid }"
_PDF_WIDTHS = (52, 8, 12, 12, 16)  # narrow actor columns, so that long names wrap


def build_pdf(*, split_rows: bool = False) -> bytes:
    css = _CSS if split_rows else _CSS + _KEEP_ROWS_WHOLE
    parts = [f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>"]
    parts.append("<h1>Regionplan for Hallingdal – status</h1>")
    parts.append("<p>GRØN merking betyr at tiltaket er gjennomført, GUL at det er påstarta.</p>")
    grouped = _by_goal()
    for area in areas():
        parts.append(f"<h2>{_e(area['name'])}</h2><table><colgroup>")
        parts += [f"<col style='width:{w}%'>" for w in _PDF_WIDTHS]
        parts.append("</colgroup><thead><tr>")
        parts += [f"<th>{h}</th>" for h in ("Tiltak", "Tid", "Ansvar", "Involvering", "Status")]
        parts.append("</tr></thead><tbody>")
        for goal in area["goals"]:
            parts.append(f"<tr><td colspan='5'>Mål {goal['code']}: {_e(goal['text'])}</td></tr>")
            parts += [_pdf_measure_row(m) for m in grouped[goal["code"]]]
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    pdf: bytes = weasyprint.HTML(string="".join(parts)).write_pdf()
    return pdf


def _pdf_measure_row(m: Measure) -> str:
    background = f"background-color:#{m.colour()}" if m.colour() else ""
    status_style = background if m.mode in ("words", "status_colour") else ""
    # Row colours: on the whole row for some measures, on the measure cell for others.
    row_style = background if m.mode == "row_colour" and m.index % 2 else ""
    cell_style = background if m.mode == "row_colour" and not m.index % 2 else ""
    text = "<br>".join(_e(line) for line in m.text.split("\n"))
    return (
        f"<tr style='{row_style}'>"
        f"<td style='{cell_style}'>{_e(m.written_code)} {text}</td>"
        f"<td>{_e(m.timing)}</td>"
        f"<td>{'<br>'.join(_e(a) for a in m.responsible)}</td>"
        f"<td>{'<br>'.join(_e(a) for a in m.involved)}</td>"
        f"<td style='{status_style or 'background-color:#ffffff'}'>"
        f"{_e(m.word()) if m.mode == 'words' else ''}</td></tr>"
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_pdf(body: str) -> bytes:
    """A small PDF from an HTML body, for the bad-input tests."""
    pdf: bytes = weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    return pdf


def png(width: int = 40, height: int = 30, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A plain PNG, written by hand so that no imaging library is needed."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data)
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def image_only_pdf() -> bytes:
    """What a scanner makes: a page with a picture of text, and no text layer."""
    data = base64.b64encode(png(400, 300, (240, 240, 240))).decode()
    return render_pdf(f"<img src='data:image/png;base64,{data}' style='width:15cm'>")


# The encrypted PDF: RC4, 40-bit key (standard security handler, revision 2). pypdf is not
# installed, and these few lines of the PDF specification (algorithms 2, 3 and 4) make a
# file that really opens with its password, so the refusal is tested on the real thing.
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: str = "hemmeleg", owner_password: str = "eigar") -> bytes:
    def padded(password: str) -> bytes:
        return (password.encode("latin-1") + _PAD)[:32]

    permissions = -44
    file_id = hashlib.md5(b"planstatus-test").digest()
    owner_key = hashlib.md5(padded(owner_password)).digest()[:5]
    o_value = _rc4(owner_key, padded(user_password))
    key = hashlib.md5(
        padded(user_password) + o_value + struct.pack("<i", permissions) + file_id
    ).digest()[:5]
    u_value = _rc4(key, _PAD)

    content = b"BT /F1 18 Tf 72 720 Td (Hemmeleg plan) Tj ET"
    object_key = hashlib.md5(key + struct.pack("<I", 4)[:3] + b"\x00\x00").digest()[:10]
    stream = _rc4(object_key, content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (o_value.hex().encode(), u_value.hex().encode(), permissions),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        file_id.hex().encode(),
        file_id.hex().encode(),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# ---------------------------------------------------------------------------------------
# Spreadsheets
# ---------------------------------------------------------------------------------------

SHEET_HEADERS = (
    "Innsatsområde",
    "Mål-kode",
    "Mål",
    "Tiltak-kode",
    "Tiltak",
    "Tid",
    "Ansvar",
    "Involvering",
    "Status",
)


def sheet_rows() -> list[tuple[list[str], Measure]]:
    """One row per measure. The area and goal are written on their first row only, as with
    merged cells; statuses in words for all but the colour-only measures."""
    rows: list[tuple[list[str], Measure]] = []
    area, goal = "", ""
    for m in measures():
        new_area, new_goal = m.area_code != area, m.goal_code != goal
        area, goal = m.area_code, m.goal_code
        status = m.word() if m.mode == "words" else ""
        rows.append(
            (
                [
                    f"{m.area_code} {m.area_name}" if new_area else "",
                    m.goal_code if new_goal else "",
                    m.goal_text if new_goal else "",
                    m.written_code,
                    m.text,
                    m.timing,
                    "; ".join(m.responsible),
                    "\n".join(m.involved),
                    status,
                ],
                m,
            )
        )
    return rows


def build_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Regionplan"
    sheet.append(["Regionplan for Hallingdal"])  # a title above the header row
    sheet.append([])
    sheet.append(SHEET_HEADERS)
    for values, m in sheet_rows():
        sheet.append(values)
        row = sheet.max_row
        for column in ("D", "B"):
            sheet[f"{column}{row}"].number_format = "@"
        if m.mode != "words" and m.colour():
            target = sheet[f"I{row}"] if m.mode == "status_colour" else sheet[f"E{row}"]
            target.fill = _xlsx_fill(m)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_fill(m: Measure) -> PatternFill:
    """Mostly RGB fills; some as theme colours with a tint and some from the old indexed
    palette, which is how Excel's own colour picker stores them."""
    if m.index % 7 == 1 and m.status == "done":
        return PatternFill("solid", fgColor=Color(theme=6, tint=0.5999))  # accent 3, green
    if m.index % 7 == 2 and m.status == "started":
        return PatternFill("solid", fgColor=Color(indexed=13))  # yellow
    return PatternFill("solid", fgColor="FF" + m.colour())


def build_csv(delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """Statuses in words only (a CSV has no colours); colour-only measures stay unknown."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(SHEET_HEADERS)
    for values, _ in sheet_rows():
        writer.writerow(values)
    return out.getvalue().encode(encoding)
