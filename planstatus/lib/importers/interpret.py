"""The one plan interpreter: a document's blocks (lib/documents/model.py) → ParsedPlan, for
every format.

Three readings, tried in this order:

1. tables (tables.py): a table with a measure column, found by its header, by the person's
   column mapping, or from what its cells hold;
2. flattened tables (flattened.py): the lines of a text where each measure starts with its
   code («1.1.1 …») and its timing and actors follow, as text extracted from a PDF of a plan
   table comes out;
3. lists and prose (lists.py): goals as headings or «Mål 1 …» lines, measures as bullets,
   Word lists or numbered paragraphs, narrative kept as the area's description.

Of 2 and 3 the one that finds more measures wins. Nothing is dropped in silence: every
block that ends up in no area, goal or measure is named in a warning that points at it.
"""

from __future__ import annotations

import re

from planstatus.lib.documents.model import (
    Block,
    Document,
    Heading,
    ListItem,
    Paragraph,
    Table,
    block_text,
)
from planstatus.lib.importers import flattened, lists
from planstatus.lib.importers.actors import MAX_ACTOR_LENGTH
from planstatus.lib.importers.base import (
    DOCUMENT,
    Code,
    ImportWarning,
    ParsedArea,
    ParsedPlan,
    TableChoice,
    TableReading,
    UnreadableDocument,
    check_numbering,
)
from planstatus.lib.importers.codes import MAX_CODE_LENGTH
from planstatus.lib.importers.tables import (
    ColumnMap,
    Found,
    TableInput,
    TablesReader,
    find_header,
    header_from_line,
    parse_goal_heading,
    short,
)
from planstatus.lib.timing import Timing, parse_timing

# Limits of the database's fields (plans/models.py): longer values are cut, with a warning.
MAX_TITLE_LENGTH = 300  # Plan.title
MAX_AREA_NAME_LENGTH = 300  # FocusArea.name
MAX_TIMING_LENGTH = 100  # Measure.timing_text

_SHEETS = ("xlsx", "csv", "ods")
# Sheet names that say nothing about the sheet: «Ark1», «Sheet1», «Tiltak».
_DEFAULT_SHEET = re.compile(
    r"^(?:ark|sheet|blad|tabell|table|feuil)\s*\d*$|^(?:tiltak|plan|handlingsplan|data)$",
    re.IGNORECASE,
)
# Words before a year in a heading that make it the work's origin, not its period.
_ORIGIN_WORDS = {"fra", "frå", "før", "etter", "sidan", "siden", "i", "per", "pr.", "av", "til"}
_YEAR_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\s*(?:[-–—/]|til|to)\s*((?:19|20)?\d\d))?(?!\d)")


def interpret(
    document: Document,
    *,
    known_actors: list[str],
    columns: ColumnMap | None = None,
    lines: dict[int, str] | None = None,
    tables: dict[int, TableChoice] | None = None,
) -> ParsedPlan:
    readings: list[TableReading] = []
    plan, missing = _read_tables(document, known_actors, columns, tables or {}, readings)
    if plan is None:
        plan = _read_lines(document, known_actors, lines or {})
    if plan is None or not plan.measures():
        if document.format in _SHEETS:
            refusal = UnreadableDocument(Code.NO_HEADER_ROW if plan is None else Code.NO_MEASURES)
        elif document.format == "text":
            refusal = UnreadableDocument(Code.NO_MEASURES_IN_TEXT)
        else:
            refusal = UnreadableDocument(Code.NO_PLAN_TABLE)
        # The tables as read, so that the person can name their columns and try again.
        refusal.tables = [t for t in readings if t.columns]
        raise refusal
    if document.title:
        plan.title = document.title
    for column in missing:
        plan.warn(DOCUMENT, Code.COLUMN_NOT_FOUND, column=column)
    late = []
    for code, params in document.notes:
        warning = ImportWarning(DOCUMENT, code, dict(params))
        if code == Code.READ_AS_WINDOWS_1252:
            late.append(warning)  # said last, after the plan's own warnings
        else:
            plan.warnings.append(warning)
    _timing_from_heading(plan, document)
    _one_warning_for_made_up_codes(plan)
    _keep_within_limits(plan)
    check_numbering(plan)
    plan.warnings.extend(late)
    return plan


# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------


def _read_tables(
    document: Document,
    known_actors: list[str],
    columns: ColumnMap | None,
    choices: dict[int, TableChoice],
    readings: list[TableReading],
) -> tuple[ParsedPlan | None, list[str]]:
    """The plan from the document's tables (None when it has no plan table), and the
    headers the person named that no table has; `readings` gets each table's reading."""
    if not document.tables():
        return None, [k for k in columns or {} if not k.isdigit()]
    reader = TablesReader(
        known_actors, mapping=columns, sheet=document.format in _SHEETS, choices=choices
    )
    reader.plan.tables = readings  # filled as the tables are read
    pending: list[Block] = []
    unread: list[list[Block]] = []
    previous_area: ParsedArea | None = None
    for block in document.blocks:
        if not isinstance(block, Table):
            pending.append(block)
            continue
        sheet_name: Block | None = None
        if (
            reader.sheet
            and len(document.tables()) > 1
            and not _DEFAULT_SHEET.match(block.name)
            and not _is_instructions(block, document)
        ):
            # One sheet per focus area: the sheet's name is its heading.
            sheet_name = Heading(block.place, block.name, level=1)
            pending = [*pending, sheet_name]
        printed = _printed_header(pending, block, reader)
        if printed is not None:
            label, found = printed
            header_block = pending[-1]
            heading_block = _pick_heading(pending[:-1])
            heading = block_text(heading_block) if heading_block is not None else None
            item = TableInput(block, heading, block.name, found=found, label=label)
            used = reader.add_table(item)
            rest = [b for b in pending if b is not heading_block and b is not header_block]
        else:
            heading_block = _pick_heading(pending)
            heading = block_text(heading_block) if heading_block is not None else None
            area_block = None
            if heading_block is not None and _is_goal_block(heading_block):
                before = pending[: pending.index(heading_block)]
                area_block = _pick_heading([b for b in before if not _is_goal_block(b)])
            area_heading = block_text(area_block) if area_block is not None else None
            item = TableInput(block, heading, block.name, area_heading=area_heading)
            used = reader.add_table(item)
            rest = [b for b in pending if b is not heading_block and b is not area_block]
        if not used:
            rest = pending
            if _is_instructions(block, document):
                pass  # a sheet of guidance in one column, as the template's «Rettleiing»
            elif any(c.text.strip() for row in block.rows for c in row):
                reader.plan.warnings.append(_not_read(block, block.text))
        else:
            rest = _describe(rest, pending, heading_block, previous_area, reader.area)
        previous_area = reader.area if used else previous_area
        unread.append(
            [
                b
                for b in rest
                if b is not sheet_name
                and block_text(b).strip()
                and block_text(b).strip() != document.title
            ]
        )
        pending = []
    if not reader.found_table:
        return None, reader.columns_not_found()
    trailing = [b for b in pending if block_text(b).strip()]
    unread.append(_describe(trailing, trailing, None, previous_area, None))
    plan = reader.finish()
    for run in unread:
        if run:
            text = " ".join(block_text(b) for b in run)
            warning = ImportWarning(DOCUMENT, Code.TEXT_OUTSIDE_MEASURES, {"text": short(text, 80)})
            warning.place = run[0].place.as_dict() | {"block": run[0].place.index}
            plan.warnings.append(warning)
    return plan, reader.columns_not_found()


def _describe(
    rest: list[Block],
    pending: list[Block],
    heading: Block | None,
    previous: ParsedArea | None,
    current: ParsedArea | None,
) -> list[Block]:
    """Text between tables that belongs to a focus area: the paragraphs right after a
    table, until a heading, go on describing the area of that table; the paragraphs
    between a new area's heading and its table describe the new area. Returns the
    blocks left over, which the caller warns about."""
    # Blocks are compared by identity: two equal paragraphs are still two blocks, and a
    # long document's thousands of blocks made equality tests quadratic.
    split = next((i for i, b in enumerate(pending) if b is heading), len(pending))
    in_rest = {id(b) for b in rest}
    lead: list[Block] = []
    if previous is not None:
        for b in pending[:split]:
            if _looks_like_heading(b):
                break
            lead.append(b)
    after = pending[split + 1 :] if heading is not None and current is not previous else []
    for area, blocks in ((previous, lead), (current, after)):
        texts = [
            block_text(b).strip() for b in blocks if block_text(b).strip() and id(b) in in_rest
        ]
        if area is not None and texts:
            area.description = "\n".join(t for t in (area.description, *texts) if t)
    taken = {id(b) for b in lead + after} if previous is not None or after else set()
    if previous is None:
        taken = {id(b) for b in after} if current is not None else set()
    return [b for b in rest if id(b) not in taken]


def _printed_header(
    pending: list[Block], table: Table, reader: TablesReader
) -> tuple[str, Found] | None:
    """A header printed as the line above a table that has none of its own."""
    if not pending or not isinstance(pending[-1], Paragraph | Heading):
        return None
    if find_header(table.rows, sheet=reader.sheet, mapping=reader.mapping) is not None:
        return None
    return header_from_line(block_text(pending[-1]), table)


def _is_goal_block(block: Block) -> bool:
    found = parse_goal_heading(block_text(block))
    return found is not None and bool(found[0])


def _pick_heading(blocks: list[Block]) -> Block | None:
    """The last heading-like block before a table; else the last short one; None when no
    text stands between this table and the previous one (it goes on from it)."""
    texts = [b for b in blocks if block_text(b).strip()]
    if not texts:
        return None
    for block in reversed(texts):
        if _looks_like_heading(block):
            return block
    short_ones = [b for b in texts if len(block_text(b).strip()) <= 100]
    return short_ones[-1] if short_ones else None


def _looks_like_heading(block: Block) -> bool:
    if isinstance(block, Heading):
        return True
    text = block_text(block).strip()
    bold = isinstance(block, Paragraph) and block.bold
    capitals = text == text.upper() and sum(c.isalpha() for c in text) >= 3
    return len(text) <= 100 and (bold or capitals)


def _is_instructions(table: Table, document: Document) -> bool:
    return document.format in _SHEETS and all(
        len([c for c in row if c.text.strip()]) <= 1 for row in table.rows
    )


def _not_read(block: Block, text: str) -> ImportWarning:
    warning = ImportWarning(DOCUMENT, Code.BLOCK_NOT_READ, {"text": short(text, 80)})
    warning.place = block.place.as_dict() | {"block": block.place.index}
    return warning


# ---------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------


def _line_blocks(document: Document) -> list[Block]:
    return [b for b in document.blocks if isinstance(b, Paragraph | Heading | ListItem)]


def flat_lines(blocks: list[Block]) -> tuple[list[str], list[int | None]]:
    """The blocks as lines of text, with a blank line or page break where one stood, and
    each line's block index (None for the blank ones)."""
    out: list[str] = []
    index: list[int | None] = []
    for block in blocks:
        if isinstance(block, Paragraph | ListItem):
            if block.page_break_before:
                out.append(flattened.PAGE_BREAK)
                index.append(None)
            elif block.gap_before:
                out.append("")
                index.append(None)
        elif out:
            out.append("")
            index.append(None)
        text = f"{block.marker} {block.text}" if isinstance(block, ListItem) else block_text(block)
        for line in text.split("\n"):
            out.append(line)
            index.append(block.place.index)
    return out, index


def _read_lines(
    document: Document, known_actors: list[str], overrides: dict[int, str]
) -> ParsedPlan | None:
    blocks = _line_blocks(document)
    if not blocks:
        return None
    text_lines, _ = flat_lines(blocks)
    flat = flattened.read_lines(text_lines, known_actors) if not overrides else None
    listed = lists.read_blocks(
        blocks,
        known_actors,
        overrides,
        wrapped=document.format in ("pdf", "text"),
        title=document.title,
    )
    if (
        flat is not None
        and flat.measures()
        and (len(flat.measures()) >= len(listed.measures()) or _structured(flat))
    ):
        plan = flat  # coded measures with their timing and actors: a flattened table
    else:
        plan = listed
    for table in document.tables():
        if any(c.text.strip() for row in table.rows for c in row):
            plan.warnings.append(_not_read(table, table.text))
    return plan


def _structured(plan: ParsedPlan) -> bool:
    """Whether most measures have a timing or actors of their own, as rows of a table do
    (bullets in a measure's text would otherwise count as more measures for the lists
    reading)."""
    measures = plan.measures()
    rich = sum(1 for m in measures if m.timing.text or m.responsible or m.involved)
    return rich >= len(measures) / 2


# ---------------------------------------------------------------------------------------
# After reading
# ---------------------------------------------------------------------------------------


def _timing_from_heading(plan: ParsedPlan, document: Document) -> None:
    """Measures without a timing of their own take the period their area's heading names
    («Årsmelding 2021»), else the one of the measure column's header or the title («Da må
    vi (tiltak 2018–2019):», «Handlingsprogram 2024–2025») — only when no measure of the
    plan has a timing of its own, and each such reading with a warning."""
    measures = plan.measures()
    if not measures or any(m.timing.text for m in measures):
        return
    sources = [c.header for t in plan.tables for c in t.columns if c.role == "measure"]
    sources += [plan.title or ""]
    sources += [
        block_text(b)
        for b in document.blocks[:3]
        if isinstance(b, Heading) or (isinstance(b, Paragraph) and len(b.text) <= 120)
    ]
    plan_wide = next((found for text in sources if (found := _period(text))), None)
    for area in plan.areas:
        found = _period(area.name) or plan_wide
        if found is None:
            continue
        timing, text = found
        for goal in area.goals:
            for m in goal.measures:
                m.timing = timing
        plan.warn(
            area.code or DOCUMENT,
            Code.TIMING_FROM_HEADING,
            timing=timing.text,
            text=short(text, 80),
        )


def _period(text: str) -> tuple[Timing, str] | None:
    """The period a heading names: «2018–2019», «2024-27», «2021»."""
    match = _YEAR_SPAN.search(text or "")
    if not match:
        return None
    before = text[: match.start()].split()
    if before and before[-1].casefold() in _ORIGIN_WORDS:
        return None  # «Oppgaver fra 2006»: when the work came, not when it is due
    written = match.group(0)
    timing = parse_timing(written)
    if timing.start is None:
        return None
    end = match.group(2)
    if end and len(end) == 2:
        timing = Timing(written, timing.start, int(str(timing.start)[:2] + end))
    return timing, text


def _one_warning_for_made_up_codes(plan: ParsedPlan) -> None:
    """A document without any codes gets its codes made up: one warning says so, not one
    per measure."""
    measures = plan.measures()
    if not measures or not all(m.code_generated for m in measures):
        return
    per_measure = {Code.MEASURE_WITHOUT_CODE, Code.MEASURE_ON_ROW_WITHOUT_CODE}
    plan.warnings = [w for w in plan.warnings if w.code not in per_measure]
    if not any(w.code == Code.CODES_GENERATED for w in plan.warnings):
        plan.warn(DOCUMENT, Code.CODES_GENERATED, count=len(measures))


def _keep_within_limits(plan: ParsedPlan) -> None:
    """Values longer than the database keeps are warned about where they stand, and kept as
    written: the review shows them with the field's limit, and nothing is saved until the
    person has shortened them (imports.services refuses it), so no text is lost unseen."""

    def check(value: str, limit: int, what: str, where: str) -> None:
        if len(value) > limit:
            plan.warn(where, Code.VALUE_TOO_LONG, what=what, text=short(value, 60), limit=limit)

    if plan.title:
        check(plan.title, MAX_TITLE_LENGTH, "title", DOCUMENT)
    for area in plan.areas:
        check(area.name, MAX_AREA_NAME_LENGTH, "area", area.code or DOCUMENT)
        check(area.code, MAX_CODE_LENGTH, "code", DOCUMENT)
        for goal in area.goals:
            check(goal.code, MAX_CODE_LENGTH, "code", area.code or DOCUMENT)
            for m in goal.measures:
                check(m.code, MAX_CODE_LENGTH, "code", DOCUMENT)
                check(m.written_code, MAX_CODE_LENGTH, "code", m.code)
                check(m.timing.text, MAX_TIMING_LENGTH, "timing", m.code)
                for name in [*m.responsible, *m.involved]:
                    check(name, MAX_ACTOR_LENGTH, "actor", m.code)
