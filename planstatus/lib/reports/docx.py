"""The case as a Word document (.docx), editable in Word and LibreOffice.

The same sections, in the same order and with the same page margins, as the PDF (so the
two come out at about the same length): the summary first, then the background, the
legend, a table per focus area, the changes, the late measures and the resolution.

The measure tables follow the council's own layout (Tiltak | Tid | Ansvar | Involvering,
here with Status and the body's latest comment) and can be read back by
planstatus.lib.documents.docx: a heading names the focus area, a merged row names the goal,
the code starts the measure's cell, and the status cell is shaded (w:shd) and says the
status in words; «Siste kommentar» is no column the importer knows, so comments never
become plan text. Header rows repeat on every page (w:tblHeader), no row is split across
pages (w:cantSplit), and every table has a fixed layout (w:tblLayout w:type="fixed") with
its width and column widths set, so Word and LibreOffice lay it out as written instead of
reflowing it from the text.

The other tables (legend, summary, changes, late measures) deliberately have no «Tiltak»
column header, so that the importer does not mistake them for plan tables.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from planstatus.lib import charts
from planstatus.lib.reports.content import (
    CaseContent,
    GoalGroup,
    IndicatorFigures,
    Row,
    StatusStyle,
    Wording,
)

LANGUAGE = "nn-NO"

# A4 with the PDF's margins (planstatus/cases/static/cases/case.css: 16 mm at the sides)
# leaves 17.8 cm for the tables; the columns take the PDF's shares of it.
_MARGIN_SIDE, _MARGIN_TOP, _MARGIN_BOTTOM = Mm(16), Mm(20), Mm(18)
_TEXT_WIDTH = Mm(178)


def _shares(*percent: float) -> tuple[int, ...]:
    widths = [int(_TEXT_WIDTH * p / 100) for p in percent]
    widths[0] += _TEXT_WIDTH - sum(widths)  # rounding: the columns add up to the width
    return tuple(widths)


_MEASURE_COLUMNS = _shares(29.5, 6, 11, 11, 13.5, 29)
_CHANGE_COLUMNS = _shares(49, 7, 22, 22)  # text first: code, text, before, after below
_OVERDUE_COLUMNS = _shares(47, 9, 9, 15, 20)
_TABLE_TEXT = Pt(8)
_HEADER_TEXT = Pt(7.5)
FONT = "Arial"
_SMALL_TEXT = Pt(7)
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

    _summary(document, content)

    document.add_heading(words.background, level=1)
    for text in _paragraphs(content.details.background):
        document.add_paragraph(text)

    document.add_paragraph(words.legend).paragraph_format.keep_with_next = True
    legend = _table(document, [words.status, words.legend_meaning], _shares(68, 32)[::-1])
    for status, meaning in content.legend:
        row = _add_row(legend)
        _status_cell(row.cells[0], status, status.text)
        _write(row.cells[1], [meaning])

    for area in content.areas:
        document.add_heading(area.heading, level=1)
        if area.counts_text:
            counts = document.add_paragraph(f"{words.status}: {area.counts_text}.")
            _muted(counts)
            counts.paragraph_format.keep_with_next = True
        _measure_table(document, content, area.groups)

    _comparison(document, content)
    _overdue(document, content)
    if content.annual:
        _indicators(document, content)

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
    headers = [
        words.measure,
        words.timing,
        words.responsible,
        words.involved,
        words.status,
        words.comment,
    ]
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
            _measure_row(table, measure, words)


def _measure_row(table: Table, measure: Row, words: Wording) -> None:
    row = _add_row(table)
    text, timing, responsible, involved, status, comment = row.cells
    lines = measure.text.splitlines() or [""]
    if measure.code:
        # The code starts the measure's cell, as in the council's documents (and as the
        # importer reads it), on the text's first line to keep the rows short.
        code = text.paragraphs[0].add_run(f"{measure.code} ")
        code.bold, code.font.size = True, _TABLE_TEXT
    _write(text, lines)
    _write(
        timing, [measure.timing, measure.milestone_text] if measure.milestones else [measure.timing]
    )
    _write(responsible, list(measure.responsible))
    _write(involved, list(measure.involved))
    _status_cell(status, measure.status, measure.status.text, size=_HEADER_TEXT)
    paragraph = comment.paragraphs[0]
    if measure.comment is None:
        none = paragraph.add_run(words.no_comment)
        none.italic, none.font.size, none.font.color.rgb = True, _TABLE_TEXT, _MUTED
        return
    for index, line in enumerate(measure.comment.text.splitlines() or [""]):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(line).font.size = _TABLE_TEXT
    if measure.comment.credit:
        credit = paragraph.add_run(f" – {measure.comment.credit}")
        credit.font.size, credit.font.color.rgb = _SMALL_TEXT, _MUTED


def _summary(document: DocxDocument, content: CaseContent) -> None:
    words, summary = content.wording, content.summary
    document.add_heading(words.summary, level=1)
    points = content.details.highlight_points
    if points:
        document.add_paragraph(words.highlights).paragraph_format.keep_with_next = True
        for point in points:
            document.add_paragraph(point, style="List Bullet")
    document.add_paragraph(summary.intro).paragraph_format.keep_with_next = True
    # Each focus area's name in a row of its own above its figures, as goals stand above
    # their measures: a table of names beside counts would be read back as a plan table
    # of measures (a long text column and code-like columns) by the Word importer.
    headers = [*([""] * len(summary.statuses)), words.total]
    if summary.compared:
        headers.append(words.forward)
    width = Emu(_TEXT_WIDTH // len(headers))
    table = _table(document, headers, [width] * len(headers))
    header = table.rows[0].cells
    for index, status in enumerate(summary.statuses):
        _status_cell(header[index], status, status.text, size=_HEADER_TEXT)
    for line in (*summary.areas, summary.total):
        bold = line is summary.total
        label = _add_row(table)
        cell = label.cells[0].merge(label.cells[-1])
        _write(cell, [line.label], bold=True)
        _shade(cell, _GOAL_FILL)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
        row = _add_row(table)
        figures = [f"{n} {change}".strip() for n, change in line.cells] + [str(line.total)]
        if summary.compared:
            figures.append(str(line.forward))
        for index, figure in enumerate(figures):
            _write(row.cells[index], [figure], bold=bold, align=WD_ALIGN_PARAGRAPH.RIGHT)
    progress = document.add_paragraph(summary.progress_text)
    if summary.moved:
        _muted_run(progress.add_run(f" {words.forward_rule}"))
    document.add_paragraph(content.late_text)
    chart = summary.chart()
    if chart.series and chart.categories:
        _chart(document, chart, size=Cm(13))  # as in the PDF: smaller, to stay on page 1


def _chart(
    document: DocxDocument, chart: charts.BarChart | charts.LineChart, *, size: int = Cm(16)
) -> None:
    """The chart as a picture `size` wide, with its description as alt text."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    if isinstance(chart, charts.LineChart):
        png, description = charts.line_to_png(chart), charts.describe_lines(chart)
    else:
        width, _height = charts.png_size(chart)
        png, description = charts.to_png(chart, width=round(width)), charts.describe(chart)
    run.add_picture(io.BytesIO(png), width=size)
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
    # «Kort om tiltaket», not «Tiltak»: see the module docstring.
    headers = [words.code, words.measure_short, words.before, words.after]
    columns = (_CHANGE_COLUMNS[1], _CHANGE_COLUMNS[0], *_CHANGE_COLUMNS[2:])
    table = _table(document, headers, columns, size=_SMALL_TEXT)
    for change in comparison.changes:
        row = _add_row(table)
        _write(row.cells[0], [change.code], bold=True, size=_SMALL_TEXT)
        _write(row.cells[1], [change.short_text], size=_SMALL_TEXT)
        _status_cell(row.cells[2], change.before, change.before.text, size=_SMALL_TEXT)
        after = f"{change.direction_mark} {change.after.text}".strip()
        _status_cell(row.cells[3], change.after, after, size=_SMALL_TEXT)


def _overdue(document: DocxDocument, content: CaseContent) -> None:
    words = content.wording
    document.add_heading(words.overdue, level=1)
    document.add_paragraph(content.overdue_text).paragraph_format.keep_with_next = True
    if content.overdue:
        headers = [words.code, words.measure_short, words.timing, words.status, words.responsible]
        columns = (_OVERDUE_COLUMNS[1], _OVERDUE_COLUMNS[0], *_OVERDUE_COLUMNS[2:])
        table = _table(document, headers, columns, size=_SMALL_TEXT)
        for measure in content.overdue:
            row = _add_row(table)
            _write(row.cells[0], [measure.code], bold=True, size=_SMALL_TEXT)
            _write(row.cells[1], [measure.short_text], size=_SMALL_TEXT)
            _write(row.cells[2], [measure.timing], size=_SMALL_TEXT)
            _status_cell(row.cells[3], measure.status, measure.status.text, size=_SMALL_TEXT)
            _write(row.cells[4], [", ".join(measure.responsible)], size=_SMALL_TEXT)
    if content.unassessed:
        document.add_paragraph(content.unassessed_text)


# --- Building blocks ------------------------------------------------------------------------


def _set_up(document: DocxDocument, content: CaseContent, now: datetime.datetime) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = _MARGIN_SIDE
    section.top_margin, section.bottom_margin = _MARGIN_TOP, _MARGIN_BOTTOM
    section.header_distance = section.footer_distance = Mm(8)

    styles = document.styles
    # A font every Word has, named outright (the template's theme font is Calibri, which
    # LibreOffice without it replaces by a serif): sans-serif, like the PDF.
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"):
        _font(styles[name], FONT)
    styles["Normal"].font.size = Pt(9.5)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    # A case for the politicians: sober headings in the text colour, not the template's blue.
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = _INK
    styles["Title"].font.size = Pt(16)
    styles["Heading 1"].font.size = Pt(12.5)
    styles["Heading 1"].paragraph_format.space_before = Pt(12)
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

    # Word (and LibreOffice with a Norwegian dictionary) hyphenates the narrow columns' long
    # words, as the PDF does; w:autoHyphenation comes right after w:defaultTabStop.
    settings = document.settings.element
    hyphenation = OxmlElement("w:autoHyphenation")
    hyphenation.set(qn("w:val"), "true")
    tab_stop = settings.find(qn("w:defaultTabStop"))
    if tab_stop is not None:
        tab_stop.addnext(hyphenation)

    properties = document.core_properties
    properties.title = content.heading
    properties.subject = content.plan_title
    properties.author = properties.last_modified_by = content.region_name
    properties.language = LANGUAGE
    properties.comments = ""
    properties.created = properties.modified = now.replace(tzinfo=None)


def _table(
    document: DocxDocument,
    headers: Sequence[str],
    widths: Sequence[int],
    *,
    size: Pt = _TABLE_TEXT,
) -> Table:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_layout(table, sum(widths))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    row = table.rows[0]
    _row_property(row, "w:tblHeader")  # repeated at the top of every page
    _row_property(row, "w:cantSplit")
    for cell, text, width in zip(row.cells, headers, widths, strict=True):
        cell.width = width
        _write(cell, [text], bold=True, size=min(size, _HEADER_TEXT))
        _shade(cell, _HEADER_FILL)
    return table


def _fixed_layout(table: Table, width: int) -> None:
    """w:tblLayout fixed with the table's width in twentieths of a point: Word and
    LibreOffice then keep the column widths instead of fitting them to the text."""
    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_w = OxmlElement("w:tblW")
    tbl_w.set(qn("w:w"), str(round(width / 635)))  # EMU → twips
    tbl_w.set(qn("w:type"), "dxa")
    # CT_TblPr orders its children; tblW comes right after tblStyle and tblpPr/tblOverlap.
    style = tbl_pr.find(qn("w:tblStyle"))
    if style is not None:
        style.addnext(tbl_w)
    else:
        tbl_pr.insert(0, tbl_w)
    # The PDF's cell padding (2.5 pt at the sides, 1.5 pt above and below) instead of Word's
    # 0.19 cm, which left a year no room in the «Tid» column. tblCellMar follows tblLayout.
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 30), ("left", 50), ("bottom", 30), ("right", 50)):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    layout = tbl_pr.find(qn("w:tblLayout"))
    assert layout is not None
    layout.addnext(margins)


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
    size: Pt = _TABLE_TEXT,
) -> None:
    """Write lines into a cell, one paragraph each, from the cell's first one on."""
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold or None
        run.font.size = size
        if align is not None:
            paragraph.alignment = align


def _status_cell(cell: _Cell, status: StatusStyle, text: str, *, size: Pt = _TABLE_TEXT) -> None:
    """A shaded cell with the status in words: readable in black and white too."""
    _shade(cell, status.fill.lstrip("#"))
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = size
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


def _font(style: Any, name: str) -> None:
    """The style's font for every script, theme fonts overridden."""
    style.font.name = name
    r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        r_fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        r_fonts.attrib.pop(qn(attribute), None)


def _muted(paragraph: Paragraph) -> None:
    for run in paragraph.runs:
        _muted_run(run)


def _muted_run(run: Run) -> None:
    run.font.size = Pt(8.5)
    run.font.color.rgb = _MUTED


def _paragraphs(text: str) -> list[str]:
    """The text's paragraphs: blank lines separate them, single line breaks are kept."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
