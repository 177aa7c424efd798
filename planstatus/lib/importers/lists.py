"""Plans written as headings, lists and prose: strategies under «Mål 1 …», bullets under a
«Tiltak» heading, Word lists, numbered paragraphs, annual reports with narrative and
«Noen tiltak:» lists.

Each block becomes a unit (wrapped lines of a PDF or text joined, several bullets or numbered
items run together in one paragraph split apart), and each unit is read as one of: an area
heading, a goal (a «Mål 1: …» line, a sub-heading or bold sentence over a list, the text under
«Hovudmål»), a measure (a list item where the plan has its measures), the area's description
(narrative, and lists that are neither), or the title. Which lists hold the measures is
decided per area: those under a measure heading («Tiltak», «Strategiar», «Hvordan vi gjør
det:»), else those under a goal, else all of them; a list of goals followed by a list of
measures stays goals. Codes the document gives are kept; the others are made up as
area.goal.measure, said in one warning. Every unit is accounted for in `ParsedPlan.lines`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planstatus.lib.documents.model import Block, Heading, ListItem, Paragraph
from planstatus.lib.importers.base import (
    DOCUMENT,
    Code,
    ImportWarning,
    ParsedArea,
    ParsedGoal,
    ParsedMeasure,
    ParsedPlan,
)
from planstatus.lib.importers.tables import parse_area_heading, short
from planstatus.lib.vocabulary import (
    BULLET,
    CONTINUED,
    DOTTED_CODE,
    LABELLED_ITEM,
    LETTER_CODE,
    MEASURE_LIST_INTRO,
    status_from_words,
)

# Headings that name a part of the plan rather than a focus area.
_GOAL_SECTION = re.compile(
    r"^(?:overordna\s+|overordnede?\s+|felles\s+|våre\s+)?"
    r"(?:mål|måla|målene|målet|hovudmål|hovedmål|hovudmålet|hovedmålet|delmål|delmåla"
    r"|delmålene|målsetjing(?:ar|ane)?|målsetting(?:er|ene)?|effektmål|resultatmål"
    r"|samfunnsmål|visjon(?:\s+og\s+mål)?)$",
    re.IGNORECASE,
)
_SUB_GOALS = re.compile(r"^(?:delmål|delmåla|delmålene|resultatmål)$", re.IGNORECASE)
_MEASURE_SECTION = re.compile(
    r"^(?:(?:delmål|mål)\s+og\s+)?(?:tiltak|tiltaka|tiltakene|strategi|strategiar|strategier"
    r"|strategiane|strategiene|aktivitetar|aktiviteter|handlingar|handlinger|innsats"
    r"|verkemiddel|virkemidler|tiltak\s+og\s+aktivitetar|tiltak\s+og\s+aktiviteter"
    r"|strategiar\s+og\s+tiltak|strategier\s+og\s+tiltak|strategier\s+og\s+virkemidler"
    r"|strategiar\s+og\s+verkemiddel|handlingsplan|handlingsprogram|tiltaksplan"
    r"|prioriterte\s+tiltak|prioriterte\s+oppgåver|prioriterte\s+oppgaver)$",
    re.IGNORECASE,
)
# «Mål 1: …», «Mål 1 …», «Delmål 2.1: …», «Hovudmål: …», «Delmål: …».
_GOAL_LINE = re.compile(
    r"^(?P<label>mål|delmål|hovudmål|hovedmål|effektmål|resultatmål|målsetjing|målsetting)"
    r"(?:\s+(?P<code>\d{1,2}(?:\.\d{1,2})*|[A-ZÆØÅ]))?\s*(?:[:.)–-]\s*|\s+(?=\S)|$)(?P<text>.*)$",
    re.IGNORECASE,
)
_ITEM_CODE = re.compile(
    rf"^(?P<code>{DOTTED_CODE}|{LETTER_CODE}|\d{{1,3}})(?:[.:)]\s*|\s+)(?=\S)(?P<text>.*)$",
    re.DOTALL,
)
_NUMBERED_PARAGRAPH = re.compile(r"^\(?(?P<code>\d{1,3}|[a-zæøå])[.)]\s+(?=\S)(?P<text>.*)$")
_INLINE_BULLETS = re.compile(r"\s[·•▪●]\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?»”)])\s+(?=[A-ZÆØÅ«])")
_PAGE_FURNITURE = re.compile(
    r"^(?:(?:side|sida|page)\s+\d+(?:\s*(?:av|of|/)\s*\d+)?|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})$",
    re.IGNORECASE,
)
_RESPONSIBILITY = re.compile(
    r"\b(?:ansvar\w*|oppdrag\w*|gjennomfør\w*|utfør\w*|følgje opp|følge opp|leiar|leder)\b",
    re.IGNORECASE,
)
_REPORT = re.compile(
    r"årsrapport|årsmelding|årsmelding|rapport|status|oppsummering|oppfølging|resultat",
    re.IGNORECASE,
)
# Past tense as an annual report writes what was done: «vart», «ble», «har lagt fram»,
# «er redusert», «arrangerte».
_PAST = re.compile(
    r"\b(?:vart|ble|blei|vorte|blitt|var)\b"
    r"|\b(?:har|hadde|er)\s+(?:\w+\s+){0,2}?\w{3,}(?:t|tt|et|a|d|dd)\b"
    r"|\b\w{3,}(?:erte|ørte|ærte|dde|gte|kte|lte|nte|ste)\b",
    re.IGNORECASE,
)


@dataclass
class _Unit:
    block: int  # the block's index in the document
    kind: str  # "heading", "label", "goal", "item", "intro", "text", "furniture"
    text: str
    level: int = 0  # headings
    code: str = ""  # goals and items: the code as written
    bold: bool = False
    role: str = ""  # what the unit was read as, for ParsedPlan.lines
    from_heading: bool = False  # a Heading block (not a bold paragraph)
    gap: bool = False  # a blank line stood before it
    colon: bool = False  # a label written with a colon after it
    depth: int = 0  # list items: how deep in a nested list
    note: str = ""  # a status read from the unit's words, and how


def read_blocks(
    blocks: list[Block],
    known_actors: list[str],
    overrides: dict[int, str],
    *,
    wrapped: bool = False,
    title: str | None = None,
) -> ParsedPlan:
    """A plan from text blocks. `wrapped`: the blocks are lines of a page (PDF, text), so a
    line that goes on from the one above is joined to it."""
    units = _units(blocks, wrapped)
    reader = _Reader(units, overrides, title)
    reader.wrapped = wrapped
    reader.known_actors = known_actors
    return reader.read()


# ---------------------------------------------------------------------------------------
# Blocks to units
# ---------------------------------------------------------------------------------------


def _units(blocks: list[Block], wrapped: bool) -> list[_Unit]:
    units: list[_Unit] = []
    previous: Block | None = None
    for block in blocks:
        text = getattr(block, "text", "").strip()
        if not text:
            continue
        index = block.place.index
        if _PAGE_FURNITURE.match(text):
            units.append(_Unit(index, "furniture", text, role="furniture"))
            continue
        if wrapped and previous is not None and _goes_on(previous, block, units):
            last = units[-1]
            last.text = _join(last.text, text)
            previous = block
            continue
        previous = block
        if isinstance(block, Heading):
            goal = _GOAL_LINE.match(text)
            if goal and goal["code"] and goal["text"].strip():
                units.append(_Unit(index, "goal", goal["text"].strip(), code=goal["code"]))
                continue
            units.append(_Unit(index, "heading", text, level=block.level, from_heading=True))
            continue
        if isinstance(block, ListItem):
            goal = _GOAL_LINE.match(text)
            if goal and goal["code"] and goal["text"].strip():
                units.append(_Unit(index, "goal", goal["text"].strip(), code=goal["code"]))
                continue
            code = block.number
            body = text
            if not code:
                match = _ITEM_CODE.match(text)
                if match and _plausible_code(match["code"]):
                    code, body = match["code"].rstrip("."), match["text"]
            units.append(
                _Unit(index, "item", body, code=code, gap=block.gap_before, depth=block.depth)
            )
            continue
        bold = isinstance(block, Paragraph) and block.bold
        unit = _classify(index, text, bold)
        unit.gap = isinstance(block, Paragraph) and block.gap_before
        units.append(unit)
    # Split only now, when lines broken by the page are whole again.
    return _label_runs([part for unit in units for part in _split_inline(unit)])


def _label_runs(units: list[_Unit]) -> list[_Unit]:
    """Short lines right under a label that ends with a colon («Politisk arbeid:») are its
    items, though they have no bullets (a web page's list printed without its bullets):
    the first line after the label, then the lines that follow it without a blank line."""
    for i, unit in enumerate(units):
        if unit.kind != "label" or not unit.colon:
            continue
        run = []
        for j, following in enumerate(units[i + 1 :]):
            short_line = following.kind == "text" and len(following.text) <= 100
            if not short_line or following.text.endswith((".", ":")) or (j and following.gap):
                break
            run.append(following)
        if len(run) >= 2:
            for following in run:
                following.kind = "item"
    return units


def _goes_on(previous: Block, block: Block, units: list[_Unit]) -> bool:
    """Whether a line of a page goes on from the line above: no blank line between, and it
    starts in lower case, or the line above is long and does not end a sentence."""
    if not units or units[-1].kind == "furniture":
        return False
    if not isinstance(block, Paragraph) or block.gap_before or block.page_break_before:
        return False
    if isinstance(previous, Heading) or units[-1].kind == "heading":
        return False
    text = block.text.strip()
    above = units[-1].text
    number = re.match(r"(\d{1,2})\.\s", text)
    if number and units[-1].kind == "text" and int(number[1]) > 1:
        # «… 1. Integrere … skole.» / «2. Få …»: numbered items run together in a paragraph
        # go on over the line break.
        return bool(re.search(rf"(?:^|\s){int(number[1]) - 1}\.\s", above))
    if BULLET.match(text) or _GOAL_LINE.match(text) or _NUMBERED_PARAGRAPH.match(text):
        return False
    if isinstance(previous, Paragraph) and previous.bold != block.bold:
        return False
    if text[:1].islower() or text[:1] in '(«"”':
        return True
    ends_sentence = previous_line(previous).rstrip().endswith((".", ":", "!", "?"))
    return len(previous_line(previous)) >= 60 and not ends_sentence


def _same_title(heading: str, title: str) -> bool:
    """«Årsmelding» under the title «Årsmelding – Sunnmøre regionråd»: the same title."""
    a, b = heading.casefold().strip(), title.casefold().strip()
    return bool(a) and (a in b or b in a)


def previous_line(block: Block) -> str:
    return getattr(block, "text", "")


def _join(first: str, second: str) -> str:
    if re.search(r"[^\W\d_]-$", first) and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}"


def _plausible_code(code: str) -> bool:
    """A code at the start of a bullet, not a year or a number in a sentence."""
    bare = code.rstrip(".")
    return not re.fullmatch(r"(?:19|20)\d\d", bare) and len(bare) <= 12


def _classify(index: int, text: str, bold: bool) -> _Unit:
    goal = _GOAL_LINE.match(text)
    if goal and (goal["code"] or goal["text"].strip()):
        return _Unit(index, "goal", goal["text"].strip(), code=goal["code"] or "", bold=bold)
    if MEASURE_LIST_INTRO.match(text):
        return _Unit(index, "intro", text, bold=bold)
    labelled = LABELLED_ITEM.match(text)
    if labelled:
        return _Unit(index, "item", text[labelled.end() :], code=labelled["number"], bold=bold)
    numbered = _NUMBERED_PARAGRAPH.match(text)
    if numbered and len(text) > 3:
        return _Unit(index, "item", numbered["text"], code=numbered["code"], bold=bold)
    bare = text.rstrip(":").strip()
    if _GOAL_SECTION.match(bare) or _MEASURE_SECTION.match(bare):
        return _Unit(index, "heading", text, level=9, bold=bold)
    if text.endswith(":") and len(text) <= 100:
        return _Unit(index, "label", text.rstrip(": "), bold=bold, colon=True)
    if bold and len(text) <= 250:
        return _Unit(index, "label", text, bold=True)
    return _Unit(index, "text", text, bold=bold)


def _split_inline(unit: _Unit) -> list[_Unit]:
    """Several «·» bullets, or items numbered 1, 2, 3 (or 1.1, 1.2 …), run together in one
    paragraph: one unit each, the text before them as a label."""
    if unit.kind not in ("text", "item", "label"):
        return [unit]
    parts = _INLINE_BULLETS.split(f" {unit.text}")
    if len(parts) >= 3 or (len(parts) == 2 and unit.text.lstrip()[:1] in "·•▪●"):
        intro = parts[0].strip()
        out = [_Unit(unit.block, "label", intro.rstrip(": "))] if intro else []
        bullets = [p.strip() for p in parts[1:] if p.strip()]
        out += [_Unit(unit.block, "item", p, note="inline-bullets") for p in bullets]
        return out
    found = _numbered_run(unit.text)
    if found is None:
        return [unit]
    intro, numbered, rest = found
    out = [_Unit(unit.block, "label", intro.rstrip(": "))] if intro else []
    out += [_Unit(unit.block, "item", text, code=code) for code, text in numbered]
    if rest:
        out.append(_Unit(unit.block, "text", rest))
    return out


def _numbered_run(text: str) -> tuple[str, list[tuple[str, str]], str] | None:
    """(intro, [(code, text)], rest) for «… 1. A. 2. B. 3. C.» or «… 1.1 A. 1.2 B.»: numbers
    in sequence, each before a capital letter; None without at least two."""
    pattern = re.compile(r"(?:(?<=^)|(?<=[\s:]))(\d{1,2}(?:\.\d{1,2})?)\.?\s+(?=[A-ZÆØÅ«\"”])")
    matches = list(pattern.finditer(text))
    run: list[re.Match[str]] = []
    for match in matches:
        number = match.group(1)
        if not run:
            if number.split(".")[-1] == "1":
                run = [match]
            continue
        before = run[-1].group(1).split(".")
        now = number.split(".")
        if (
            len(now) == len(before)
            and now[:-1] == before[:-1]
            and int(now[-1]) == int(before[-1]) + 1
        ):
            run.append(match)
    if len(run) < 2:
        return None
    intro = text[: run[0].start()].strip()
    items = []
    for i, match in enumerate(run):
        end = run[i + 1].start() if i + 1 < len(run) else len(text)
        items.append((match.group(1), text[match.end() : end].strip()))
    rest = ""
    # The last item ends with its sentence when the others are one sentence each: what
    # follows it is the paragraph going on.
    if all(len(_SENTENCE_END.split(t)) == 1 for _, t in items[:-1]):
        sentences = _SENTENCE_END.split(items[-1][1], maxsplit=1)
        if len(sentences) == 2:
            items[-1] = (items[-1][0], sentences[0])
            rest = sentences[1]
    return intro, items, rest


# ---------------------------------------------------------------------------------------
# Units to a plan
# ---------------------------------------------------------------------------------------


@dataclass
class _Section:
    """What a run of items under a heading is: measures, goals, or description."""

    kind: str  # "measures", "goals", "sub_goals", "auto"


@dataclass
class _AreaDraft:
    name: str
    code: str = ""
    block: int | None = None
    description: list[str] = field(default_factory=list)
    goals: list[ParsedGoal] = field(default_factory=list)


class _Reader:
    def __init__(self, units: list[_Unit], overrides: dict[int, str], title: str | None) -> None:
        self.units = units
        self.overrides = overrides
        self.title = title
        self.warnings: list[ImportWarning] = []
        self.areas: list[_AreaDraft] = []
        self.goal: ParsedGoal | None = None
        self.section = "auto"
        self.generated = 0
        self.report = False
        self.initial: dict[int, str] = {}
        self.just_started = False
        self.last_role = ""
        self.previous_role = ""
        self.wrapped = False
        self.nested_notes = False
        self.known_actors: list[str] = []
        self.run: list[ParsedMeasure] = []  # the measures of the list just read

    # -- the outline ----------------------------------------------------------------------

    def area_level(self) -> int | None:
        """The heading level of focus areas: the highest level with two or more headings
        that are not parts of the plan («Mål», «Tiltak»); a lone top heading over several
        below it is the title."""
        levels: dict[int, list[_Unit]] = {}
        for unit in self.units:
            if unit.kind == "heading" and unit.from_heading and unit.level < 9:
                bare = unit.text.rstrip(":").strip()
                if not (_GOAL_SECTION.match(bare) or _MEASURE_SECTION.match(bare)):
                    levels.setdefault(unit.level, []).append(unit)
        if not levels:
            return 1 if self.wrapped and self.text_headings() else None
        ordered = sorted(levels)
        top = ordered[0]
        if len(levels[top]) == 1 and len(ordered) > 1 and len(levels[ordered[1]]) >= 2:
            lone = levels[top][0]
            if self.title is None or _same_title(lone.text, self.title):
                # A lone top heading over several below it is the document's title …
                self.title = self.title or lone.text
                lone.role = "title"
                return ordered[1]
            return top  # … unless the document has a title of its own: then its one area
        if len(levels[top]) == 1 and top == 0 and len(ordered) > 1:
            return ordered[1]
        return top

    def text_headings(self) -> bool:
        """In plain text, a short line standing alone (a blank line before and after it)
        is a focus area's heading when what stands under it holds measures: a measure
        heading, a «Noen tiltak:» line or a goal. Marks them as headings; False if none."""
        candidates = []
        for i, unit in enumerate(self.units):
            following = self.next_unit(i)
            if (
                unit.kind in ("text", "label")
                and not unit.colon
                and (unit.gap or i == 0)
                and len(unit.text) <= 60
                and len(unit.text.split()) <= 8
                and not unit.text.endswith((".", ",", ";", "!", "?"))
                and following is not None
                and following.gap
            ):
                candidates.append(i)
        found = []
        for n, i in enumerate(candidates):
            end = candidates[n + 1] if n + 1 < len(candidates) else len(self.units)
            section = self.units[i + 1 : end]
            if any(u.kind in ("intro", "goal") or self.opens_measures(u) for u in section):
                found.append(i)
        if len(found) < 1 or (len(found) == 1 and found[0] == 0):
            return False
        for i in found:
            unit = self.units[i]
            unit.kind, unit.level, unit.from_heading = "heading", 1, True
        return True

    def sub_items_are_notes(self) -> bool:
        """Whether the document's nested lists hold one sub-item under each item (how it is
        measured, a comment): then they are notes of their items, not measures of goals."""
        counts: list[int] = []
        for unit in self.units:
            if unit.kind != "item":
                continue
            if unit.depth == 0:
                counts.append(0)
            elif counts:
                counts[-1] += 1
        with_subs = [c for c in counts if c]
        return bool(with_subs) and max(with_subs) == 1 and len(with_subs) >= 2

    def read(self) -> ParsedPlan:
        self.nested_notes = self.sub_items_are_notes()
        first = next((u for u in self.units if u.kind != "furniture"), None)
        if (
            self.title is None
            and first is not None
            and first.kind in ("text", "label")
            and len(first.text) <= 120
        ):
            self.title = first.text  # a title line above the first heading
            first.role = "title"
        level = self.area_level()
        first = next((u for u in self.units if u.kind not in ("furniture",)), None)
        if (
            self.title is None
            and first is not None
            and first.kind in ("text", "label", "heading")
            and len(first.text) <= 120
            and (level is None or first.kind != "heading")
        ):
            self.title = first.text
            first.role = "title"
        self.report = bool(_REPORT.search(self.title or ""))
        sections = self.plan_sections(level)
        for i, unit in enumerate(self.units):
            if unit.role == "title":
                if level is None and not self.areas:
                    self.start_area(unit, name=unit.text)
                if i in self.initial:
                    self.section = self.initial[i]
                continue
            override = self.overrides.get(unit.block)
            if override:
                self.apply_override(unit, override)
                continue
            self.feed(i, unit, level, sections)
        return self.finish()

    def plan_sections(self, level: int | None) -> dict[int, str]:
        """For each unit index that opens a section: what its items are. Decided per area,
        with what follows in view."""
        sections: dict[int, str] = {}
        self.initial = {}  # the first unit of each area → its first section
        areas: list[list[int]] = [[]]
        for i, unit in enumerate(self.units):
            if self.is_area_heading(unit, level):
                areas.append([])
            areas[-1].append(i)
        for indices in areas:
            has_measures = any(self.opens_measures(self.units[i]) for i in indices)
            has_goals = any(self.units[i].kind == "goal" for i in indices) or any(
                self.opens_goal_section(self.units[i]) for i in indices
            )
            for position, i in enumerate(indices):
                unit = self.units[i]
                later = [self.units[j] for j in indices[position + 1 :]]
                if self.opens_measures(unit):
                    sections[i] = "measures"
                elif self.opens_goal_section(unit):
                    measures_follow = any(self.opens_measures(u) for u in later)
                    sub = bool(_SUB_GOALS.match(unit.text.rstrip(":").strip()))
                    if measures_follow:
                        sections[i] = "goals"
                    elif sub:
                        sections[i] = "measures"
                    else:
                        sections[i] = "goal_text"
                elif unit.kind == "heading" or unit.kind == "label":
                    sections[i] = "under_goal" if (has_goals or has_measures) else "auto"
            if indices:
                # Before the area's first goal or measure heading, lists describe it.
                self.initial[indices[0]] = "description" if has_goals or has_measures else "auto"
            if not has_measures and not has_goals:
                for i in indices:
                    if i not in sections and self.units[i].kind == "heading":
                        sections[i] = "auto"
        return sections

    def opens_measures(self, unit: _Unit) -> bool:
        bare = unit.text.rstrip(":").strip()
        return unit.kind == "intro" or (
            unit.kind in ("heading", "label") and bool(_MEASURE_SECTION.match(bare))
        )

    def opens_goal_section(self, unit: _Unit) -> bool:
        bare = unit.text.rstrip(":").strip()
        return unit.kind in ("heading", "label") and bool(_GOAL_SECTION.match(bare))

    def is_area_heading(self, unit: _Unit, level: int | None) -> bool:
        if unit.kind != "heading" or not unit.from_heading or level is None or unit.role:
            return False
        bare = unit.text.rstrip(":").strip()
        if _GOAL_SECTION.match(bare) or _MEASURE_SECTION.match(bare):
            return False
        return unit.level == level

    # -- reading --------------------------------------------------------------------------

    def feed(self, i: int, unit: _Unit, level: int | None, sections: dict[int, str]) -> None:
        if unit.kind == "furniture":
            return
        self.previous_role = self.last_role
        self.just_started = self.last_role == "goal"
        self.last_role = ""
        self.read_unit(i, unit, level, sections)
        self.last_role = unit.role

    def read_unit(self, i: int, unit: _Unit, level: int | None, sections: dict[int, str]) -> None:
        if i in self.initial:
            self.section = self.initial[i]
        if self.is_area_heading(unit, level):
            self.start_area(unit)
            return
        area = self.area()
        if unit.kind == "goal":
            self.start_goal(unit.code, unit.text, unit)
            self.section = "measures" if sections.get(i) != "goals" else "goals"
            return
        if i in sections:
            section = sections[i]
            following = self.next_unit(i)
            if section == "under_goal" and unit.kind in ("heading", "label"):
                if self.goal is not None and not self.goal.measures and self.just_started:
                    # «Strategi mål 1:» right under «Mål 1»: it introduces the goal's list.
                    self.describe(area, unit)
                    self.section = "measures"
                    return
                if following is not None and following.kind == "item":
                    # A sub-heading or bold sentence over a list names the goal the list
                    # serves.
                    self.start_goal("", unit.text.rstrip(": "), unit)
                    self.section = "measures"
                    return
                if unit.from_heading and level is not None and unit.level > level:
                    self.start_goal("", unit.text.rstrip(": "), unit)
                    self.section = "measures"
                    return
                self.describe(area, unit)
                self.section = "description"
                return
            if section == "auto" and unit.kind in ("heading", "label"):
                if following is not None and following.kind == "item":
                    self.start_goal("", unit.text.rstrip(": "), unit)
                else:
                    self.describe(area, unit)
                self.section = "auto"
                return
            self.section = section
            unit.role = "heading"
            return
        if unit.kind == "item":
            self.item(unit, area, self.next_unit(i))
            return
        if self.section == "goal_text" and unit.kind == "text":
            self.start_goal("", unit.text, unit)
            self.section = "auto_after_goal"
            return
        if unit.kind == "text" and self.run:
            self.responsible_from_sentence(unit.text)
        self.describe(area, unit)

    def responsible_from_sentence(self, text: str) -> None:
        """«Statens vegvesen, Akershus og Trygg Trafikk, Akershus fikk i oppdrag å
        gjennomføre …» right after a list: the known actors the sentence names are
        responsible for the list's measures."""
        if not _RESPONSIBILITY.search(text):
            self.run = []
            return
        taken: list[tuple[int, int, str]] = []
        for name in sorted(self.known_actors, key=len, reverse=True):
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
                if not any(a < match.end() and match.start() < b for a, b, _ in taken):
                    taken.append((match.start(), match.end(), name))
        names = [name for _, _, name in sorted(taken)]
        if names:
            for measure in self.run:
                measure.responsible = list(dict.fromkeys(names))
        self.run = []

    def next_unit(self, i: int) -> _Unit | None:
        for unit in self.units[i + 1 :]:
            if unit.kind != "furniture":
                return unit
        return None

    def item(self, unit: _Unit, area: _AreaDraft, following: _Unit | None = None) -> None:
        section = self.section
        if unit.depth > 0 and self.nested_notes and self.goal and self.goal.measures:
            # One sub-item under each item says how the item is followed up: its note.
            measure = self.goal.measures[-1]
            measure.note = f"{measure.note}\n{unit.text}".strip()
            unit.role = "measure"
            return
        if (
            following is not None
            and following.kind == "item"
            and following.depth > unit.depth
            and section != "description"
            and not self.nested_notes
        ):
            # An item with a list under it: the goal its sub-items serve.
            self.start_goal(unit.code, unit.text, unit)
            self.section = "measures"
            return
        if section == "goals":
            self.start_goal(unit.code, unit.text, unit)
            self.section = "goals"
            return
        if section in ("description", "goal_text") or (
            section == "under_goal" and self.goal is None
        ):
            self.describe(area, unit)
            return
        if section == "auto_after_goal":
            self.section = "measures"
        self.add_measure(unit, area)

    def area(self) -> _AreaDraft:
        if not self.areas:
            name = self.title or ""
            self.areas.append(_AreaDraft(name=name))
        return self.areas[-1]

    def start_area(self, unit: _Unit, name: str | None = None) -> None:
        code, text, _recased = parse_area_heading(CONTINUED.sub("", name or unit.text))
        if name is not None:
            code, text = "", name
        if self.areas and self.areas[-1].name == text and not self.areas[-1].goals:
            unit.role = unit.role or "area"
            return
        self.areas.append(_AreaDraft(name=text or unit.text, code=code, block=unit.block))
        self.goal = None
        unit.role = unit.role or "area"

    def start_goal(self, code: str, text: str, unit: _Unit) -> None:
        area = self.area()
        if code and not text:
            existing = next((g for g in area.goals if g.code == code), None)
            if existing is not None:  # «Mål 1» over the strategies of goal 1
                self.goal = existing
                unit.role = "goal"
                return
        if code:
            existing = next((g for g in area.goals if g.code == code), None)
            if existing is not None and not existing.measures and not existing.text:
                existing.text = text
                self.goal = existing
                unit.role = "goal"
                return
        self.goal = ParsedGoal(code=code, text=text)
        area.goals.append(self.goal)
        unit.role = "goal"

    def describe(self, area: _AreaDraft, unit: _Unit) -> None:
        area.description.append(unit.text)
        unit.role = "description"

    def add_measure(self, unit: _Unit, area: _AreaDraft) -> None:
        if self.goal is None or self.goal not in area.goals:
            self.goal = ParsedGoal(code="", text="")
            area.goals.append(self.goal)
        text = unit.text.strip()
        status = status_from_words(text, prose=True) or "unknown"
        if status != "unknown":
            self.warn(Code.STATUS_FROM_PROSE, unit, words=short(text, 60))
        elif self.report and _PAST.search(" ".join(text.split()[:10])):
            status = "done"  # a report's list says what was done in its year
            self.warn(Code.STATUS_FROM_PROSE, unit, words=short(text, 60))
        measure = ParsedMeasure(code=unit.code, text=text, status=status)
        if self.previous_role != "measure":
            self.run = []
        self.run.append(measure)
        self.goal.measures.append(measure)
        unit.role = "measure"

    def apply_override(self, unit: _Unit, role: str) -> None:
        area = self.area()
        if role in ("area", "heading"):
            self.start_area(unit)
        elif role == "goal":
            self.start_goal(unit.code, unit.text, unit)
            self.section = "measures"
        elif role == "measure":
            self.add_measure(unit, area)
        elif role == "description":
            self.describe(area, unit)
        else:
            unit.role = "ignored"

    def warn(self, code: Code, unit: _Unit, **params: str | int) -> None:
        warning = ImportWarning(DOCUMENT, code, dict(params))
        warning.place = {"block": unit.block}
        self.warnings.append(warning)

    # -- the result -----------------------------------------------------------------------

    def finish(self) -> ParsedPlan:
        plan = ParsedPlan(title=self.title, warnings=list(self.warnings))
        inline = {u.block for u in self.units if u.note == "inline-bullets"}
        for block in sorted(inline):
            count = sum(1 for u in self.units if u.block == block and u.note == "inline-bullets")
            warning = ImportWarning(DOCUMENT, Code.SEVERAL_BULLETS_IN_ONE_LINE, {"count": count})
            warning.place = {"block": block}
            plan.warnings.append(warning)
        used_codes = {a.code for a in self.areas if a.code}
        number = 0
        generated = 0
        for draft in self.areas:
            goals = [g for g in draft.goals if g.measures or g.text]
            if not goals and not draft.description:
                continue
            number += 1
            code = draft.code or (str(number) if str(number) not in used_codes else f"{number}?")
            area = ParsedArea(code=code, name=draft.name, description="\n".join(draft.description))
            for g_number, goal in enumerate(goals, start=1):
                # Under a goal the document numbers («Mål 2»), the measures go on from
                # its number; else area.goal.measure.
                prefix = goal.code.strip(".") if goal.code else f"{code}.{g_number}"
                for m_number, measure in enumerate(goal.measures, start=1):
                    if not measure.code:
                        measure.code = f"{prefix}.{m_number}"
                        measure.code_generated = True
                        generated += 1
                area.goals.append(goal)
            plan.areas.append(area)
        if generated:
            plan.warn(DOCUMENT, Code.CODES_GENERATED, count=generated)
        plan.lines = [
            {"block": u.block, "text": short(u.text, 80), "as": u.role or "ignored"}
            for u in self.units
        ]
        for unit in self.units:
            if not unit.role and unit.kind != "furniture":
                self.warn_unread(plan, unit)
        return plan

    def warn_unread(self, plan: ParsedPlan, unit: _Unit) -> None:
        warning = ImportWarning(DOCUMENT, Code.BLOCK_NOT_READ, {"text": short(unit.text, 80)})
        warning.place = {"block": unit.block}
        plan.warnings.append(warning)
