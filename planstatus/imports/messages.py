"""The importers' warnings and refusals in the person's language.

planstatus/lib knows no Django, so its readers give a `Code` and parameters; this is the one
place that words them. Every importer message shown to people (the upload form, the review
page, `import-plan`) goes through `warning_text()`, `where_text()` or `refusal_text()`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planstatus.lib.importers.base import DOCUMENT, Code, ImportWarning, UnreadableDocument

# The quotes around what the document wrote are in the msgids; Nynorsk and Bokmål use «».
MESSAGES: dict[str, Promise] = {
    # Refusals
    Code.EMPTY_FILE: gettext_lazy("The file is empty."),
    Code.TOO_LARGE: gettext_lazy(
        "The file is too large (%(size_mb)s MB). The limit is %(limit_mb)s MB."
    ),
    Code.UNKNOWN_FORMAT: gettext_lazy(
        "The file is not text, Word, PDF or a spreadsheet. Choose a .docx, .odt, .pdf, .xlsx, "
        ".ods, .csv or .txt file."
    ),
    # Translators: %(format)s is PNG, JPEG or GIF.
    Code.IMAGE_FILE: gettext_lazy("The file is a %(format)s image, not a plan."),
    Code.OLD_OFFICE_FILE: gettext_lazy(
        "The file is an old Office file (.doc or .xls). Save it as .docx or .xlsx."
    ),
    Code.RTF_FILE: gettext_lazy("The file is an RTF file, not a plan. Save it as .docx."),
    Code.DAMAGED_OFFICE_FILE: gettext_lazy(
        "The file looks like a Word or Excel document, but is damaged."
    ),
    Code.ZIP_NOT_OFFICE: gettext_lazy(
        "The file is a ZIP archive, but not a Word, Excel or OpenDocument file."
    ),
    # Translators: %(expected)s and %(found)s are the names of formats below, such as
    # “a Word document (.docx)”.
    Code.NOT_EXPECTED_FORMAT: gettext_lazy("The file is not %(expected)s."),
    Code.WRONG_PACKAGE: gettext_lazy("The file is %(found)s, not %(expected)s."),
    Code.OLD_FORMAT_OR_PASSWORD: gettext_lazy(
        "The file is in an old format or protected by a password. Open it, save it as "
        "%(save_as)s without a password, and try again."
    ),
    Code.PACKAGE_DAMAGED: gettext_lazy(
        "The file is damaged or incomplete and cannot be read as %(expected)s."
    ),
    Code.CONTENT_DAMAGED: gettext_lazy("The file is damaged and cannot be read as %(expected)s."),
    Code.UNPACKS_TOO_LARGE: gettext_lazy("The file unpacks to far too much data."),
    Code.TOO_HEAVY: gettext_lazy(
        "The file needs too much memory or time to be read. Check that it is the right file, "
        "save it again from the program it was made in, or split it into smaller files."
    ),
    Code.NOT_TEXT: gettext_lazy(
        "The file is not readable text. Save the text as UTF-8, or upload the plan as a PDF, "
        "a Word document or a spreadsheet."
    ),
    Code.NOT_CSV: gettext_lazy(
        "The file is not a CSV file (text with semicolons or commas between the columns)."
    ),
    Code.ENCRYPTED_PDF: gettext_lazy(
        "The document is encrypted and needs a password. Save or export it again without a "
        "password, and try again."
    ),
    Code.SCANNED_PDF: gettext_lazy(
        "The document has no text, only images – probably scanned. Upload the original file "
        "(Word, Excel or a PDF with text), or run text recognition (OCR) on the PDF first."
    ),
    Code.NO_TEXT: gettext_lazy("The document has no text that can be read."),
    Code.DAMAGED_PDF: gettext_lazy("The PDF file is damaged and cannot be read."),
    # Translators: the column names are the Norwegian headers the reader looks for.
    Code.NO_PLAN_TABLE: gettext_lazy(
        "Found no table of measures in the document. The table must have a header row with "
        "“Tiltak” and at least one of the columns “Tid”, “Ansvar”, “Involvering” or “Status”."
    ),
    Code.NO_HEADER_ROW: gettext_lazy(
        "Found no header row with “Tiltak” in the spreadsheet. The first row of the table "
        "must have columns such as “Innsatsområde”, “Mål”, “Tiltak-kode”, “Tiltak”, “Tid”, "
        "“Ansvar”, “Involvering” and “Status”. Download the template to see how."
    ),
    Code.NO_MEASURES: gettext_lazy("Found no measures in the document. Is this a plan?"),
    Code.NO_MEASURES_IN_TEXT: gettext_lazy(
        "Found no measures in the text. Measures must have a code such as “1.1.1” at the "
        "start of the line, under a heading for the focus area or the goal."
    ),
    # Warnings about the whole document
    Code.PAGES_TRUNCATED: gettext_lazy("Only the first %(pages)s pages are read."),
    Code.ROWS_TRUNCATED: gettext_lazy("Only the first %(rows)s rows are read."),
    Code.READ_AS_WINDOWS_1252: gettext_lazy(
        "The file was not UTF-8 and is read as Windows-1252. Check that æ, ø and å are right."
    ),
    Code.TEXT_OUTSIDE_MEASURES: gettext_lazy(
        "The text “%(text)s” stands outside the measures and is not included."
    ),
    # Numbering
    Code.DUPLICATE_CODE: gettext_lazy(
        "Code %(code)s is used for %(count)s measures. All are included."
    ),
    Code.MEASURE_UNDER_OTHER_GOAL: gettext_lazy("Measure %(code)s stands under goal %(goal)s."),
    # Translators: %(missing)s is one code or several, separated by commas.
    Code.NUMBERING_GAP: gettext_lazy("No measure with code %(missing)s."),
    # Focus areas and goals
    Code.AREA_HEADING_MISSING: gettext_lazy(
        "Found no heading for focus area %(area)s; write in its name."
    ),
    Code.AREA_WITHOUT_NUMBER: gettext_lazy(
        "The focus area “%(name)s” has no number; set to %(code)s."
    ),
    Code.AREA_ON_ROW_WITHOUT_NUMBER: gettext_lazy(
        "The focus area on row %(row)s has no number; set to %(code)s."
    ),
    Code.AREA_WITHOUT_NAME: gettext_lazy("Found no name for focus area %(code)s."),
    Code.HEADING_RECASED: gettext_lazy("The heading “%(heading)s” is read as “%(name)s”."),
    Code.AREA_NAME_RECASED: gettext_lazy("The focus area “%(text)s” is read as “%(name)s”."),
    Code.GOAL_WITHOUT_CODE: gettext_lazy("The goal “%(text)s” has no code; set to %(code)s."),
    Code.GOAL_WITHOUT_TEXT: gettext_lazy("Goal %(code)s has no text."),
    Code.MEASURES_WITHOUT_GOAL: gettext_lazy(
        "Measures stand without a goal above them; they are gathered under a goal without "
        "code or text."
    ),
    # Measures
    Code.CODE_COMPLETED: gettext_lazy(
        "The code “%(written)s” is incomplete and is read as %(code)s."
    ),
    Code.CODE_COMPLETED_FROM_GOAL: gettext_lazy(
        "The code “%(written)s” is incomplete and is read as %(code)s because the measure "
        "stands under goal %(goal)s. Check that this is right."
    ),
    Code.CODE_COMPLETED_FROM_AREA: gettext_lazy(
        "The code “%(written)s” is incomplete and is read as %(code)s because the measure "
        "stands under focus area %(area)s. Check that this is right."
    ),
    Code.CODE_INCOMPLETE: gettext_lazy(
        "The code “%(written)s” is incomplete; it is included as %(code)s. Check it."
    ),
    Code.MEASURE_WITHOUT_CODE: gettext_lazy("The measure “%(text)s” has no code; set to %(code)s."),
    Code.MEASURE_ON_ROW_WITHOUT_CODE: gettext_lazy(
        "The measure on row %(row)s has no code; set to %(code)s."
    ),
    Code.ROW_CONTINUES_MEASURE: gettext_lazy(
        "A row without a code is read as the continuation of measure %(code)s."
    ),
    Code.EXTRA_TIMING: gettext_lazy(
        "Found an extra timing (“%(timing)s”) after the actors; it is added to the time."
    ),
    Code.AMBIGUOUS_ACTORS: gettext_lazy(
        "Cannot tell responsible from involved; the first actor is set as responsible."
    ),
    Code.STATUS_WORDS_AND_COLOUR_DIFFER: gettext_lazy(
        "The status text “%(words)s” and the colour disagree; the text is used."
    ),
    Code.STATUS_NOT_UNDERSTOOD: gettext_lazy(
        "Did not understand the status “%(words)s”; set to unknown."
    ),
    # Translators: %(columns)s lists column numbers and roles, such as “1=code, 2=measure”.
    Code.COLUMNS_GUESSED: gettext_lazy(
        "The table has no header row; its columns are read from what they hold "
        "(%(columns)s). Check them."
    ),
    Code.TIMING_FROM_HEADING: gettext_lazy(
        "No measure has a time of its own; all are given %(timing)s from “%(text)s”."
    ),
    Code.CODES_GENERATED: gettext_lazy(
        "The document has no codes; %(count)s measures are given codes by their place "
        "(focus area.goal.measure)."
    ),
    Code.STATUS_FROM_PROSE: gettext_lazy(
        "The status is read from the words “%(words)s” in the text. Check it."
    ),
    Code.ACTORS_SPLIT_AT_COMMA: gettext_lazy(
        "“%(text)s” is read as several actors, split at the commas. If it is one name, correct it."
    ),
    Code.VALUE_TOO_LONG: gettext_lazy(
        "“%(text)s” is longer than the %(limit)s characters that can be kept. Shorten it "
        "before the plan is saved."
    ),
    Code.BLOCK_NOT_READ: gettext_lazy(
        "“%(text)s” is not read as part of the plan. Check whether something is missing."
    ),
    Code.COLUMN_NOT_FOUND: gettext_lazy("Found no column “%(column)s” in the document."),
    Code.COLUMNS_NOT_READ: gettext_lazy(
        "The columns “%(columns)s” are not read. If they belong in the plan, say what they hold."
    ),
    Code.TIMING_NOT_UNDERSTOOD: gettext_lazy(
        "Could not read the time “%(timing)s” as a year, “yearly” or “continuous”. It is kept "
        "as written, but the measure is left out of the due-year filter and the timeline "
        "until the time is corrected."
    ),
    Code.SEVERAL_BULLETS_IN_ONE_LINE: gettext_lazy(
        "One line holds %(count)s bullets; each is read as a measure of its own."
    ),
}

# The formats that `expected` and `found` name, each with its article so that the
# sentences above need none.
FORMAT_NAMES: dict[str, Promise] = {
    "docx": gettext_lazy("a Word document (.docx)"),
    "xlsx": gettext_lazy("an Excel file (.xlsx)"),
    "pptx": gettext_lazy("a PowerPoint presentation"),
    "pdf": gettext_lazy("a PDF file"),
}
_FORMAT_PARAMS = ("expected", "found")


def message_text(code: str, params: Mapping[str, object], *, refusal: bool = False) -> str:
    """The message for `code` in the active language. A code without a message (from a
    newer or older version of the readers) or parameters that do not fit give a general
    message with the code, never an error."""
    template = MESSAGES.get(code)
    if template is not None:
        try:
            return str(template) % _localised(params)
        except (KeyError, TypeError, ValueError):
            pass
    if refusal:
        return _("The file cannot be read as a plan (message %(code)s).") % {"code": code}
    return _("Check this part of the document (message %(code)s).") % {"code": code}


def _localised(params: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in params.items():
        if name in _FORMAT_PARAMS and isinstance(value, str) and value in FORMAT_NAMES:
            out[name] = str(FORMAT_NAMES[value])
        elif isinstance(value, float):
            out[name] = formats.number_format(value, decimal_pos=1)  # 10,5 in Norwegian
        else:
            out[name] = value
    return out


def warning_text(warning: ImportWarning) -> str:
    if not warning.code and warning.message:
        return warning.message  # stored before warnings had codes: Nynorsk, as it was
    return message_text(warning.code, warning.params)


def where_text(where: str) -> str:
    """What a warning is about: a code as written, or the whole document."""
    if where in (DOCUMENT, "dokument", ""):  # «dokument» in reviews stored before codes
        return _("document")
    return where


def refusal_text(error: UnreadableDocument) -> str:
    return message_text(error.code, error.params, refusal=True)


def warning_dict(warning: ImportWarning) -> dict[str, object]:
    """A warning as JSON for people and scripts: the stored shape plus its message."""
    return {**warning.as_dict(), "message": warning_text(warning)}
