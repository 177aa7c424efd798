"""The case as a Word document (.docx), editable in Word and LibreOffice.

The measure tables follow the council's own layout (Tiltak | Tid | Ansvar | Involvering,
here with Status) and can be read back by planstatus.lib.documents.docx: a heading names
the focus area, a merged row names the goal, the code starts the measure's cell, and the
status cell is shaded (w:shd) and says the status in words. Header rows repeat on every
page (w:tblHeader) and no row is split across pages (w:cantSplit).

The other tables (legend, summary, changes, overdue measures) deliberately have no
«Tiltak» column header, so that the importer does not mistake them for plan tables.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from planstatus.lib import charts
from planstatus.lib.reports.content import (
    CaseContent,
    GoalGroup,
    IndicatorFigures,
    Row,
    StatusStyle,
)

LANGUAGE = "nn-NO"

# A4 with 2 cm margins leaves 17 cm for the tables.
_TEXT_WIDTH = Cm(17)
_MEASURE_COLUMNS = (Cm(6.3), Cm(1.5), Cm(2.9), Cm(2.9), Cm(3.4))
_TABLE_TEXT = Pt(9)
_INK = RGBColor(0x1D, 0x20, 0x26)
_HEADER_FILL = "E7E9EC"
_GOAL_FILL = "F3F4F6"
_MUTED = RGBColor(0x4A, 0x50, 0x5A)


def render_docx(content: CaseContent, *, now: datetime.datetime | None = None) -> bytes:
    document = docx.Document()
    _set_up(document, content, now or datetime.datetime.now(datetime.UTC))
    words = content.wording

    document.add_heading(content.heading, level=0)
    meta = document.add_paragraph(f"{content.region_name} · {content.plan_title} · {content.as_of}")
    _muted(meta)

    document.add_heading(words.background, level=1)
    for text in _paragraphs(content.details.background):
        document.add_paragraph(text)

    document.add_paragraph(words.legend).paragraph_format.keep_with_next = True
    legend = _table(document, [words.status, words.legend_meaning], [Cm(5), Cm(12)])
    for status, meaning in content.legend:
        row = _add_row(legend)
        _status_cell(row.cells[0], status, status.text)
        _write(row.cells[1], [meaning])

    for area in content.areas:
        document.add_heading(area.heading, level=1)
        if area.counts_text:
            counts = document.add_paragraph(f"{words.status}: {area.counts_text}.")
            counts.paragraph_format.keep_with_next = True
        _measure_table(document, content, area.groups)

    _summary(document, content)
    if content.annual:
        _indicators(document, content)
    _comparison(document, content)
    _overdue(document, content)

    document.add_heading(words.proposed_resolution, level=1)
    for text in _paragraphs(content.details.proposed_resolution):
        document.add_paragraph(text)
    document.add_paragraph()
    document.add_paragraph(f"{content.details.place}, {content.date_text}".strip(", "))
    document.add_paragraph()
    signature = document.add_paragraph()
    signature.add_run(content.details.signer_name).bold = True
    if content.details.signer_title:
        signature.add_run().add_break()
        signature.add_run(content.details.signer_title)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Sections -------------------------------------------------------------------------------


def _measure_table(
    document: DocxDocument, content: CaseContent, groups: Sequence[GoalGroup]
) -> None:
    words = content.wording
    headers = [words.measure, words.timing, words.responsible, words.involved, words.status]
    table = _table(document, headers, _MEASURE_COLUMNS)
    for group in groups:
        if group.heading:
            row = _add_row(table)
            cell = row.cells[0].merge(row.cells[-1])
            _write(cell, [group.heading], bold=True)
            _shade(cell, _GOAL_FILL)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True  # never a goal alone at a page end
        for measure in group.rows:
            _measure_row(table, measure)


def _measure_row(table: Table, measure: Row) -> None:
    row = _add_row(table)
    text, timing, responsible, involved, status = row.cells
    lines = measure.text.splitlines() or [""]
    if measure.code:
        # The code on a line of its own first, as in the council's documents (and as
        # the importer reads it).
        code = text.paragraphs[0].add_run(measure.code)
        code.bold, code.font.size = True, _TABLE_TEXT
        _write(text, lines, start=text.add_paragraph())
    else:
        _write(text, lines)
    _write(timing, [measure.timing])
    _write(responsible, list(measure.responsible))
    _write(involved, list(measure.involved))
    _status_cell(status, measure.status, measure.status.text)


def _summary(document: DocxDocument, content: CaseContent) -> None:
    words, summary = content.wording, content.summary
    document.add_heading(words.summary, level=1)
    document.add_paragraph(words.summary_intro).paragraph_format.keep_with_next = True
    count_width = Emu((_TEXT_WIDTH - Cm(5.5) - Cm(1.5)) // len(summary.statuses))
    widths = [Cm(5.5), *([count_width] * len(summary.statuses)), Cm(1.5)]
    table = _table(document, [words.focus_area, "", *([""] * len(summary.statuses))], widths)
    header = table.rows[0].cells
    for index, status in enumerate(summary.statuses, start=1):
        _status_cell(header[index], status, status.text)
    _write(header[-1], [words.total], bold=True)
    for line in (*summary.areas, summary.total):
        row = _add_row(table)
        bold = line is summary.total
        _write(row.cells[0], [line.label], bold=bold)
        for index, count in enumerate((*line.counts, line.total), start=1):
            _write(row.cells[index], [str(count)], bold=bold, align=WD_ALIGN_PARAGRAPH.RIGHT)
    chart = summary.chart()
    if chart.series and chart.categories:
        _chart(document, chart)


def _chart(document: DocxDocument, chart: charts.BarChart | charts.LineChart) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    if isinstance(chart, charts.LineChart):
        png, description = charts.line_to_png(chart), charts.describe_lines(chart)
    else:
        width, _height = charts.png_size(chart)
        png, description = charts.to_png(chart, width=round(width)), charts.describe(chart)
    run.add_picture(io.BytesIO(png), width=Cm(16))
    # Alt text for screen readers, where Word and LibreOffice look for it.
    for doc_pr in run._r.xpath(".//wp:docPr"):
        doc_pr.set("title", chart.title)
        doc_pr.set("descr", description)


def _indicators(document: DocxDocument, content: CaseContent) -> None:
    words = content.wording
    document.add_heading(words.indicators, level=1)
    if not content.indicators:
        document.add_paragraph(words.no_indicators)
        return
    document.add_paragraph(words.indicators_intro)
    _muted(document.add_paragraph(content.indicator_rule))
    for group in content.indicators:
        document.add_heading(group.heading, level=2)
        for figures in group.indicators:
            _indicator(document, content, figures)


def _indicator(document: DocxDocument, content: CaseContent, figures: IndicatorFigures) -> None:
    words = content.wording
    document.add_heading(figures.name, level=3)
    if figures.definition:
        document.add_paragraph(figures.definition)
    facts = [
        (words.baseline, figures.baseline or "–"),
        (words.target, "; ".join(figures.targets) or "–"),
        (words.latest, figures.latest or words.no_values),
        (words.status, figures.status_text),
        (words.region_value, figures.region_value),
    ]
    if figures.source:
        facts.append((words.source, figures.source))
    for label, text in facts:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(text).bold = label == words.status or None
    if figures.chart is None:
        return
    _chart(document, figures.chart)
    # The figures behind the chart, one row per period: the table alternative.
    header, *lines = charts.line_table_rows(figures.chart)
    columns = [words.period, *(line[0] for line in lines)]
    width = Emu((_TEXT_WIDTH - Cm(3)) // max(1, len(lines)))
    table = _table(document, columns, [Cm(3), *([width] * len(lines))])
    for index, period in enumerate(header[1:], start=1):
        row = _add_row(table)
        _write(row.cells[0], [period])
        for column, line in enumerate(lines, start=1):
            _write(row.cells[column], [line[index]], align=WD_ALIGN_PARAGRAPH.RIGHT)


def _comparison(document: DocxDocument, content: CaseContent) -> None:
    words, comparison = content.wording, content.comparison
    document.add_heading(words.changes, level=1)
    document.add_paragraph(comparison.text).paragraph_format.keep_with_next = True
    if not comparison.changes:
        return
    # «Kode og tiltak», not «Tiltak»: see the module docstring.
    table = _table(document, [words.overdue_measure, words.change], [Cm(10), Cm(7)])
    for change in comparison.changes:
        row = _add_row(table)
        _write(row.cells[0], [f"{change.code} {change.text}".strip()])
        _write(row.cells[1], [change.arrow_text])


def _overdue(document: DocxDocument, content: CaseContent) -> None:
    words = content.wording
    document.add_heading(words.overdue, level=1)
    document.add_paragraph(content.overdue_text).paragraph_format.keep_with_next = True
    if not content.overdue:
        return
    headers = [words.overdue_measure, words.timing, words.responsible, words.status]
    table = _table(document, headers, [Cm(8.2), Cm(1.5), Cm(3.9), Cm(3.4)])
    for measure in content.overdue:
        row = _add_row(table)
        _write(row.cells[0], [f"{measure.code} {measure.text}".strip()])
        _write(row.cells[1], [measure.timing])
        _write(row.cells[2], list(measure.responsible))
        _status_cell(row.cells[3], measure.status, measure.status.text)


# --- Building blocks ------------------------------------------------------------------------


def _set_up(document: DocxDocument, content: CaseContent, now: datetime.datetime) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)

    styles = document.styles
    styles["Normal"].font.size = Pt(10.5)
    # A case for the politicians: sober headings in the text colour, not the template's blue.
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = _INK
    styles["Title"].font.size = Pt(20)
    styles["Heading 1"].font.size = Pt(13)
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if r_pr is not None:
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), LANGUAGE)
            r_pr.append(lang)

    header = section.header.paragraphs[0]
    header.text = content.running_head
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _muted(header)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{content.wording.page} ")
    _field(footer, "PAGE", "1")
    footer.add_run(f" {content.wording.page_of} ")
    _field(footer, "NUMPAGES", "1")
    _muted(footer)

    properties = document.core_properties
    properties.title = content.heading
    properties.subject = content.plan_title
    properties.author = properties.last_modified_by = content.region_name
    properties.language = LANGUAGE
    properties.comments = ""
    properties.created = properties.modified = now.replace(tzinfo=None)


def _table(document: DocxDocument, headers: Sequence[str], widths: Sequence[int]) -> Table:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    row = table.rows[0]
    _row_property(row, "w:tblHeader")  # repeated at the top of every page
    _row_property(row, "w:cantSplit")
    for cell, text, width in zip(row.cells, headers, widths, strict=True):
        cell.width = width
        _write(cell, [text], bold=True)
        _shade(cell, _HEADER_FILL)
    return table


def _add_row(table: Table) -> _Row:
    row = table.add_row()
    _row_property(row, "w:cantSplit")
    for cell, column in zip(row.cells, table.columns, strict=True):
        cell.width = column.width
    return row


def _row_property(row: _Row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _write(
    cell: _Cell,
    lines: Sequence[str],
    *,
    bold: bool = False,
    align: int | None = None,
    start: Paragraph | None = None,
) -> None:
    """Write lines into a cell, one paragraph each, from `start` or the cell's first one."""
    paragraph = start or cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold or None
        run.font.size = _TABLE_TEXT
        if align is not None:
            paragraph.alignment = align


def _status_cell(cell: _Cell, status: StatusStyle, text: str) -> None:
    """A shaded cell with the status in words: readable in black and white too."""
    _shade(cell, status.fill.lstrip("#"))
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = _TABLE_TEXT
    run.font.color.rgb = RGBColor.from_string(status.ink.lstrip("#").upper())


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.upper())
    tc_pr.append(shd)


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A simple field such as PAGE, which Word and LibreOffice fill in when they lay out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _muted(paragraph: Paragraph) -> None:
    for run in paragraph.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = _MUTED


def _paragraphs(text: str) -> list[str]:
    """The text's paragraphs: blank lines separate them, single line breaks are kept."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
