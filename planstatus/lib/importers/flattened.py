"""Reading plans from plain text, as extracted from a PDF of a plan's measure tables.

Text extraction flattens the tables: a row comes out as its code, then the lines of the
measure text, then the «Tid» cell, usually at the start of a line with the «Ansvar» and
«Involvering» cells after it on the same line and on the lines below. Cells are often
separated by a blank line, and a PDF page break can split a row anywhere. So the reader
looks at one line at a time, gives each line a kind (blank, heading, goal, code, timing, …)
and feeds it to a small state machine that knows whether it is reading a goal text, a
measure text or a measure's actors.

Nothing is silently corrected: a code read differently from how it is written keeps
`written_code`, a note and a warning, and a responsible/involved split the layout cannot
tell gets a warning too. Warnings are codes (base.Code) that the imports layer words in the
person's language. No Django here: the reader is pure Python.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum, auto

from planstatus.lib import vocabulary
from planstatus.lib.importers.base import (
    DOCUMENT,
    Code,
    ImportWarning,
    ParsedArea,
    ParsedGoal,
    ParsedMeasure,
    ParsedPlan,
)
from planstatus.lib.importers.codes import read_code
from planstatus.lib.timing import parse_timing
from planstatus.lib.vocabulary import status_from_words


def read_lines(lines: list[str], known_actors: list[str]) -> ParsedPlan:
    """A plan from the lines of a text ("" for a blank line, PAGE_BREAK for a page break);
    the plan may have no measures, which the caller decides about."""
    known = _KnownActors(known_actors)
    names = _NameSplitter(known, _place_words(lines, known))
    classified = _mark_page_furniture([_classify(line, known) for line in lines])
    plan = _Reader(classified, names).read()
    if not plan.measures():
        # A bare list of coded measures, with no heading, goal or table header before it.
        plan = _Reader(classified, names, codes_anywhere=True).read()
    return plan


PAGE_BREAK = "\f"


# ---------------------------------------------------------------------------------------
# Line kinds
# ---------------------------------------------------------------------------------------


class Kind(Enum):
    BLANK = auto()
    PAGE = auto()  # a form feed: a page break
    NOISE = auto()  # page numbers, running headers and other page furniture
    END = auto()  # «Forslag til vedtak», the signature's date: the tables are over
    HEADER = auto()  # «Tiltak Tid Ansvar Involvering»
    AREA = auto()  # «MÅL 6. INTERKOMMUNALE …», «Innsatsområde 1: Samferdsel», «1. KLIMA»
    GOAL = auto()  # «Mål 1.1.», «Delmål 2.3: …»
    CODE = auto()  # «1.1.1.», «1.2.4 Utarbeide …», «.5.2.»
    TIMING = auto()  # «2025 Næringsforum», «2025.-», «årleg Regionråd Kommunar», «Kont KRU»
    LABEL = auto()  # «Ansvar: Regionrådet», «Tid: 2025»
    BULLET = auto()  # «• Unge demente»
    CAPS = auto()  # a line in capitals: a focus area's heading, or «PÅ HALLINGDAL», «VGS USN»
    TEXT = auto()


@dataclass(frozen=True)
class Line:
    kind: Kind
    text: str  # the whole line, whitespace collapsed
    code: str = ""  # the code as written (AREA, GOAL, CODE)
    body: str = ""  # the text after the code or label, before any timing
    timing: str | None = None  # a timing on this line (TIMING, or late in a CODE/TEXT line)
    tail: str = ""  # what follows the timing: actor names
    labels: tuple[tuple[str, str], ...] = ()  # (field, value) for «Ansvar: …» and the like
    number: str = ""  # «2» of «2. Samferdsel og veg»: perhaps a focus area in sentence case


_YEAR = r"(?:19|20|21)\d\d"
_TIMING_WORD = "(?:" + "|".join(vocabulary.TIMING_CELL_WORDS) + ")"
_SEASON = "(?:(?:" + "|".join(vocabulary.SEASON_WORDS) + r")\s+)"
# «innan 2026», «frå 2025» as a whole cell; «2025/26» with the second year shortened.
_BEFORE_YEAR = "(?:(?:" + "|".join(vocabulary.BEFORE_YEAR_WORDS) + r")\s+)"
_TIMING_ATOM = rf"(?:{_SEASON}?{_BEFORE_YEAR}?{_YEAR}(?:\s*[-–/]\s*\d\d(?!\d))?\.?|{_TIMING_WORD})"
# «2025», «2025.-», «2025.-2026», «2025 – 2026», «2025 2026», «årleg», «Kont» at a line start.
_TIMING_START = re.compile(
    rf"^(?P<timing>{_TIMING_ATOM}(?:\s*(?:\.?-|[–—/,]|og)\s*{_TIMING_ATOM}|\s+{_TIMING_ATOM})*"
    r"(?:\s*\.?[-–—])?)(?=\s|$)\s*(?P<tail>.*)$",
    re.IGNORECASE,
)
# A year late in a line, as in «6.2.2. Auke styrekompetansen … 2026 Regionrådet».
_TIMING_INSIDE = re.compile(rf"(?<=\s)(?P<timing>{_YEAR}(?:\s*(?:\.?-|[–—/])\s*{_YEAR})?)(?=\s|$)")
# Words before a year that make it part of the sentence («innan 2026»), not the «Tid» cell.
_SENTENCE_BEFORE_YEAR = {
    "i", "innan", "innen", "til", "frå", "fra", "før", "etter", "sidan", "siden", "mot", "per",
    "år", "året", "og", "eller", "av", "for", "om", "med", "within", "by", "in", "from", "to",
    "until", "januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
    "september", "oktober", "november", "desember",
}  # fmt: skip

_CODE = re.compile(
    r"^(?:tiltak\s+)?(?P<code>\.?\d{1,2}(?:\.\d{1,2}){1,3}\.?)[:)]?(?=\s|$)[\s:–-]*(?P<rest>.*)$",
    re.IGNORECASE,
)
_GOAL = re.compile(
    r"^(?:delmål|mål|resultatmål|effektmål|målsetjing|målsetting)\s*"
    r"(?P<code>\d{1,2}(?:\.\d{1,2})+)\.?(?:\s*[:)–-]\s*|\s+|$)(?P<rest>.*)$",
    re.IGNORECASE,
)
_AREA_LABEL = (
    r"(?:innsatsområde|satsingsområde|satsningsområde|fokusområde|temaområde|hovudtema"
    r"|hovedtema|tema|hovudmål|hovedmål|mål)"
)
# With a number («Innsatsområde 1: Samferdsel», «MÅL 6. INTERKOMMUNALE …») or, for the
# words that cannot start a sentence about goals, with a colon («Innsatsområde: Klima»).
_AREA = re.compile(
    rf"^(?:{_AREA_LABEL}\s*(?P<code>\d{{1,2}})\.?(?:\s*[:)–-]\s*|\s+)"
    r"|(?:innsatsområde|satsingsområde|satsningsområde|fokusområde|temaområde)\s*[:–-]\s*)"
    r"(?P<rest>(?-i:[^\s\da-zæøå]).*)$",
    re.IGNORECASE,
)
# «1. SAMFERDSEL OG DIGITAL INFRASTRUKTUR»: a number before a heading in capitals.
_NUMBERED_CAPS = re.compile(r"^(?P<code>\d{1,2})\.?\s+(?P<rest>\D*)$")
# «2. Samferdsel og veg»: a number before a short name in sentence case; a focus area when
# the goals or codes that follow carry its number.
_NUMBERED_NAME = re.compile(r"^(?P<code>\d{1,2})\.?\s+(?P<rest>[A-ZÆØÅ][^\d:;]{2,80}[^\d.:;,])$")
# A table header names its columns and nothing else.
_LABELS = {
    "timing": "tid|tidsrom|tidsperiode|periode|frist|når",
    "responsible": "ansvar|ansvarleg|ansvarlig|ansvarlege|ansvarlige|hovudansvar|hovedansvar",
    "involved": (
        "involvering|involverte|involvert|medverkande|medvirkende|samarbeidspartnarar"
        "|samarbeidspartnere|samarbeidspartar|partnarar|partnere"
    ),
    "status": "status",
}
_LABEL_NAMES = "|".join(f"(?P<{name}>{words})" for name, words in _LABELS.items())
_LABEL_START = re.compile(rf"^(?:{_LABEL_NAMES})\s*:\s*", re.IGNORECASE)
# Inside a line only a capitalised label counts, so that «… på tid: …» stays text.
_LABEL_ANYWHERE = re.compile(
    "(?:^|(?<=\\s))(?:"
    + "|".join(f"(?P<{name}>{words.title()})" for name, words in _LABELS.items())
    + ")\\s*:\\s*"
)
_BULLET = re.compile(r"^(?:[•▪◦●■□➢►\uf0b7\uf0a7*]|[-–](?=\s))\s*")  # as Hallingdal's reader
_NOISE = re.compile(
    r"^(?:(?:side|sida|page)\s+\d+(?:\s*(?:av|of|/)\s*\d+)?|[-–]?\s*\d{1,3}\s*[-–]?|\d{1,3}\s*/\s*\d{1,3})$",
    re.IGNORECASE,
)
_MONTHS = "|".join(vocabulary.MONTHS)
_END = vocabulary.END_OF_PLAN
# «Hallingdal, 15. mars 2025» or «15.03.2025» alone on a line: the signature block.
_DATE_LINE = re.compile(
    rf"^(?:[\w .-]{{1,40}},\s*)?"
    rf"(?:\d{{1,2}}\.\s*(?:{_MONTHS})\s+{_YEAR}|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}})$",
    re.IGNORECASE,
)


def _classify(text: str, known: _KnownActors) -> Line:
    if text == PAGE_BREAK:
        return Line(Kind.PAGE, text)
    if not text:
        return Line(Kind.BLANK, text)
    if _NOISE.match(text) or not any(c.isalnum() for c in text):
        return Line(Kind.NOISE, text)
    if _END.match(text) or _DATE_LINE.match(text):
        return Line(Kind.END, text)
    if match := _GOAL.match(text):
        return Line(Kind.GOAL, text, code=match["code"], body=match["rest"])
    if match := _AREA.match(text):
        return Line(Kind.AREA, text, code=match["code"] or "", body=match["rest"])
    if (match := _NUMBERED_CAPS.match(text)) and _is_caps(match["rest"]):
        return Line(Kind.AREA, text, code=match["code"], body=match["rest"])
    if _is_header(text):
        return Line(Kind.HEADER, text)
    if match := _CODE.match(text):
        return _with_timing_and_labels(Kind.CODE, text, match["rest"], known, code=match["code"])
    if match := _LABEL_START.match(text):
        return Line(Kind.LABEL, text, labels=_labels(text))
    if (match := _TIMING_START.match(text)) and _starts_with_names(match["tail"], known):
        return Line(Kind.TIMING, text, timing=match["timing"], tail=match["tail"].lstrip("-– "))
    if _BULLET.match(text):
        return Line(Kind.BULLET, text, body=text)
    if _is_caps(text):
        return Line(Kind.CAPS, text, body=text)
    line = _with_timing_and_labels(Kind.TEXT, text, text, known)
    named = _NUMBERED_NAME.match(text)
    if named and line.timing is None and not line.labels and len(text.split()) <= 10:
        return Line(Kind.TEXT, text, body=text, number=named["code"])
    return line


def _mark_page_furniture(lines: list[Line]) -> list[Line]:
    """Running headers and footers («Sak 16-25 Regionplan – status» at the top of every
    page) as noise: lines of three words or more, or with a number, that occur next to two
    or more page breaks or page numbers. Left in, they would read as headings or actors."""
    meaningful = [i for i, line in enumerate(lines) if line.kind is not Kind.BLANK]
    near_breaks: dict[str, set[int]] = {}
    for position, i in enumerate(meaningful):
        if lines[i].kind not in (Kind.PAGE, Kind.NOISE):
            continue
        for j in meaningful[max(0, position - 2) : position + 3]:
            line = lines[j]
            if line.kind in (Kind.TEXT, Kind.CAPS) and (
                len(line.text.split()) >= 3 or any(c.isdigit() for c in line.text)
            ):
                near_breaks.setdefault(line.text, set()).add(j)
    furniture = {
        j for occurrences in near_breaks.values() if len(occurrences) >= 2 for j in occurrences
    }
    return [Line(Kind.NOISE, line.text) if i in furniture else line for i, line in enumerate(lines)]


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _is_header(text: str) -> bool:
    """A table header flattened to one line: column names and nothing else, among them a
    measure column and another one («Tiltak Tid Ansvar Involvering»)."""
    words = [w for w in re.split(r"[\s/|()]+", text.casefold().strip(" .:")) if w.strip(".:")]
    roles = [vocabulary.header_role(w.strip(".:")) for w in words]
    if not words or any(
        r is None and w.strip(".:") not in _HEADER_FILLERS
        for w, r in zip(words, roles, strict=True)
    ):
        return False
    return "measure" in roles and bool({"timing", "responsible", "involved", "status"} & set(roles))


# Words a flattened header may hold besides column names: «Tiltak og aktivitet».
_HEADER_FILLERS = {"og", "eller"}


def _labels(text: str) -> tuple[tuple[str, str], ...]:
    """(field, value) pairs for «Tid: 2025 Ansvar: Regionrådet Involvering: Kommunane»."""
    matches = list(_LABEL_ANYWHERE.finditer(text))
    start = _LABEL_START.match(text)
    if start and (not matches or matches[0].start() != 0):
        matches.insert(0, start)
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        name = next(name for name in _LABELS if m.group(name))
        pairs.append((name, text[m.end() : end].strip(" .;")))
    return tuple(pairs)


def _with_timing_and_labels(
    kind: Kind, text: str, body: str, known: _KnownActors, code: str = ""
) -> Line:
    """A code or text line, with a «Tid» cell or labels that may follow the measure text on
    the same line when a whole row fits on one line."""
    if label := _LABEL_ANYWHERE.search(body):
        return Line(
            kind, text, code, body[: label.start()].strip(), labels=_labels(body[label.start() :])
        )
    for match in _TIMING_INSIDE.finditer(body):
        before, tail = body[: match.start()].split(), body[match.end() :].strip()
        if not before or before[-1].casefold().strip(",") in _SENTENCE_BEFORE_YEAR:
            continue
        # A year at the very end of a line is the «Tid» cell only on the code line: in a
        # wrapped text it is more likely a sentence going on («… innan» / «2026 …»).
        if (tail and _starts_with_names(tail, known, strict=True)) or (not tail and code):
            return Line(kind, text, code, " ".join(before), match["timing"], tail)
    return Line(kind, text, code, body)


def _starts_with_names(tail: str, known: _KnownActors, *, strict: bool = False) -> bool:
    """Whether the text after a timing can be the «Ansvar» cell: nothing, a capitalised
    word, or a known actor (some are written in lower case, like «klimanettverk»)."""
    tail = tail.lstrip("-– ")
    if not tail:
        return not strict
    first = tail.split()[0]
    if _LABEL_START.match(tail):
        return True
    if re.search(r"(?:^|\s)[a-zæøå]\w*\s+[a-zæøå]\w*\s+[a-zæøå]\w*(?:\s|$)", tail):
        return False  # three lower-case words in a row: a sentence, not names
    if first[0].isupper() or (first[0].isdigit() and not strict):
        return True
    return known.starts_name(first)


# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------

_CONJUNCTIONS = vocabulary.CONJUNCTIONS
_BROKEN_WORD = re.compile(r"[^\W\d_]-$")


def join_lines(lines: list[str]) -> str:
    """One line of text, except that each bullet starts a new line; words broken with a
    hyphen at a line end are joined («støtte-»/«ordningar» → «støtteordningar»)."""
    out: list[str] = []
    for line in lines:
        line = re.sub(r"\s+", " ", line).strip()
        if not line:
            continue
        if _BULLET.match(line):
            bullet = _BULLET.match(line)
            assert bullet is not None
            mark = bullet.group().strip()
            mark = "•" if mark in ("\uf0b7", "\uf0a7", "▪", "●") else mark
            out.append(f"{mark} {line[bullet.end() :]}".strip())
        elif out:
            out[-1] = join_pair(out[-1], line)
        else:
            out.append(line)
    return "\n".join(out)


def join_pair(first: str, second: str) -> str:
    """Two lines joined: «Halling-» + «dal» → «Hallingdal», but «Bu-» + «og blilyst» keeps
    its hyphen and space, and «bør/» + «må» has no space."""
    if _BROKEN_WORD.search(first) and second[:1].islower():
        if second.split()[0] in _CONJUNCTIONS:
            return f"{first} {second}"
        return first[:-1] + second
    if re.search(r"[^\W\d_]/$", first):
        return first + second
    return f"{first} {second}"


def sentence_case(heading: str, known: _KnownActors, place_words: set[str]) -> str:
    """«BU-OG BLILYST» → «Bu- og blilyst». Abbreviations known as actors («IKT») and names
    of places seen in the text («Hallingdal») keep their capitals."""
    words = []
    for word in heading.split():
        bare = word.strip(".,:;()«»")
        if bare in known.capitals:
            words.append(word)
        elif bare.capitalize() in place_words:
            words.append(word.capitalize())
        else:
            words.append(word.lower())
    text = re.sub(r"(\w)-(og|eller)\b", r"\1- \2", " ".join(words))
    return text[:1].upper() + text[1:]


def _place_words(lines: list[str], known: _KnownActors) -> set[str]:
    """Capitalised words that the document's sentences use mid-sentence three times or more,
    such as «Hallingdal»: names of places, which also end actor names («IKT Hallingdal»)."""
    counts: Counter[str] = Counter()
    for line in lines:
        for match in re.finditer(r"(?<![\w-])[a-zæøå][\w-]*,? ([A-ZÆØÅ][a-zæøå][\w-]*)", line):
            counts[match[1].rstrip(".,:;")] += 1
    return {w for w, n in counts.items() if n >= 3 and not known.is_single_name(w)}


# ---------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------


class _KnownActors:
    """Written forms of actors the region already knows, for keeping names together."""

    def __init__(self, names: list[str]) -> None:
        forms = {tuple(_fold(w) for w in name.split()) for name in names} - {()}
        self.forms = sorted(forms, key=len, reverse=True)  # «HR forum» before «HR»
        self.by_first_word: dict[str, list[tuple[str, ...]]] = {}
        for form in self.forms:
            self.by_first_word.setdefault(form[0], []).append(form)
        self.longest = len(self.forms[0]) if self.forms else 0
        self.words = {w for form in self.forms for w in form}
        # Abbreviations such as «IKT» keep their capitals in a heading written in capitals.
        self.capitals = {w for name in names for w in name.split() if w.isupper()}

    def starts_name(self, word: str) -> bool:
        return _fold(word) in self.by_first_word

    def is_single_name(self, word: str) -> bool:
        return (_fold(word),) in self.forms

    def match(self, words: list[str]) -> int:
        """How many of `words` (from the start) form a known name; 0 if none."""
        if not words or not self.forms:
            return 0
        folded = tuple(_fold(w) for w in words[: self.longest])
        for form in self.by_first_word.get(folded[0], []):
            if folded[: len(form)] == form:
                return len(form)
        return 0


def _fold(word: str) -> str:
    return re.sub(r"[‐-―]", "-", word).strip(".,;:«»").casefold()


# Lower-case words that end a name even on a line of their own: «Hemsedal» / «kommune».
_NAME_TAILS = vocabulary.NAME_TAILS

# Small words inside names: a name never ends with one, so the next word (even on the next
# line) belongs to the same name.
_LINKING_WORDS = vocabulary.LINKING_WORDS


@dataclass
class _Token:
    text: str
    first_line: int  # a word broken over two lines belongs to both
    last_line: int


@dataclass
class _Name:
    words: list[str]
    line: int
    closed: bool = False  # a known name, or one ended by a comma

    @property
    def text(self) -> str:
        return " ".join(self.words).strip(" .,;:")


class _NameSplitter:
    """Splits the flattened text of actor cells into names, each with the line it starts on."""

    def __init__(self, known: _KnownActors, place_words: set[str]) -> None:
        self.known = known
        self.place_words = place_words

    def split(self, lines: list[str], *, listed: bool = False) -> list[_Name]:
        """`listed` is for «Ansvar: A og B» labels, where «og» always separates names."""
        tokens = self._tokens(lines)
        names: list[_Name] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            last = names[-1] if names else None
            current = last if last and not last.closed else None
            step = 1
            if self._separates(tokens, i, listed):
                if current:
                    current.closed = True
            elif current and self._continues(current, tokens, i):
                current.words.append(token.text)
            elif last and self._is_tail(tokens, i):
                last.words.append(token.text)  # known «Hemsedal», written «Hemsedal kommune»
            elif step := self._known_length(tokens, i):
                words = [t.text for t in tokens[i : i + step]]
                names.append(_Name(words, token.first_line, closed=True))
            else:
                step = 1
                names.append(_Name([token.text], token.first_line))
            if names and tokens[i + step - 1].text.endswith((",", ";")):
                names[-1].closed = True  # «Telenor, Statens vegvesen»
            i += step
        return [n for n in names if n.text]

    def _tokens(self, lines: list[str]) -> list[_Token]:
        """Words, with words broken at a line end joined («Bærekraft Hal-» / «lingdal»)."""
        tokens: list[_Token] = []
        for number, line in enumerate(lines):
            words = [w for part in line.split() for w in _split_slash(part)]
            if tokens and words and _BROKEN_WORD.search(tokens[-1].text):
                first = words[0]
                if first[:1].islower() and first not in _CONJUNCTIONS:
                    previous = tokens.pop()
                    previous.text = self._unbreak(previous.text, first)
                    previous.last_line = number
                    tokens.append(previous)
                    words = words[1:]
            tokens.extend(_Token(w, number, number) for w in words)
        return tokens

    def _unbreak(self, first: str, second: str) -> str:
        """Drop the hyphen of a broken word, unless only the form with it is known
        («Berdskaps-» + «koordinator» when «Berdskaps-koordinator» is a known form)."""
        without, with_hyphen = first[:-1] + second, first + second
        if _fold(with_hyphen) in self.known.words and _fold(without) not in self.known.words:
            return with_hyphen
        return without

    def _known_length(self, tokens: list[_Token], i: int) -> int:
        length = self.known.match([t.text for t in tokens[i : i + self.known.longest]])
        # A name must not run on past a comma: «Regionråd, Kommunane».
        for j in range(i, i + length - 1):
            if tokens[j].text.endswith((",", ";")):
                return 0
        return length

    def _continues(self, current: _Name, tokens: list[_Token], i: int) -> bool:
        """Whether token i belongs to the name being built rather than starting a new one."""
        if i == 0:
            return False
        token, previous = tokens[i], tokens[i - 1]
        if "(" in " ".join(current.words) and ")" not in " ".join(current.words):
            return True  # «Regionrådet (sekretariatet)»
        word = token.text.strip("«»()")
        if previous.text in _LINKING_WORDS:
            return True  # «Næringsforeningen i» / «Vesterålen», «Regionrådet for Valdres»
        if token.first_line != previous.last_line:
            # A new line starts a new name unless it is a tail like «kommune».
            return word[:1].islower() and word.strip(".,;") in _NAME_TAILS
        if word[:1].islower() or word[:1].isdigit():
            return True  # «HR forum», «Opplysningskontor for bustad»
        # «Bærekraft Hallingdal», «IKT Hallingdal», but not «… regionråd Nordland».
        return previous.text[:1].isupper() and word.strip(".,;") in self.place_words

    def _is_tail(self, tokens: list[_Token], i: int) -> bool:
        """«kommune» or «(sekretariatet)» after a name on the same line, even a known one."""
        previous = tokens[i - 1] if i else None
        return (
            previous is not None
            and previous.last_line == tokens[i].first_line
            and not previous.text.endswith((",", ";"))
            and (tokens[i].text in _NAME_TAILS or tokens[i].text.startswith("("))
        )

    def _separates(self, tokens: list[_Token], i: int, listed: bool) -> bool:
        """A dash or slash alone, or «og» between two names but not inside one
        («Arbeids- og velferdsetaten»)."""
        word = tokens[i].text
        if word in ("-", "–", "/"):
            return True
        if word.casefold() not in ("og", "and", "&") or i == 0 or i + 1 >= len(tokens):
            return False
        if tokens[i - 1].text.endswith("-"):
            return False
        return listed or tokens[i + 1].text[:1].isupper()


def _split_slash(word: str) -> list[str]:
    """«Regionråd/KRU» is two names; «bør/må» would be text, but this is only for actors."""
    parts = word.split("/")
    if len(parts) > 1 and all(any(c.isalpha() for c in p) for p in parts):
        return parts
    return [word]


# ---------------------------------------------------------------------------------------
# The state machine
# ---------------------------------------------------------------------------------------


class State(Enum):
    OUTSIDE = auto()  # before the tables, or after «Forslag til vedtak»
    AREA = auto()  # after a focus area's heading or a table header
    GOAL = auto()  # reading a goal's text
    MEASURE = auto()  # reading a measure's text
    ACTORS = auto()  # after a measure's timing: its actors (and late bullets)


@dataclass
class _MeasureDraft:
    written_code: str
    code: str
    text: list[str] = field(default_factory=list)
    timing: list[str] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)  # actor lines, split at blank lines
    labelled: dict[str, list[str]] = field(default_factory=dict)  # from «Ansvar: …» labels
    status: str = "unknown"
    note: str = ""
    warnings: list[ImportWarning] = field(default_factory=list)

    @property
    def bare(self) -> bool:
        return not (self.timing or self.groups or self.labelled)


@dataclass
class _GoalDraft:
    code: str
    text: list[str] = field(default_factory=list)
    measures: list[_MeasureDraft] = field(default_factory=list)


@dataclass
class _AreaDraft:
    code: str
    name: str
    goals: list[_GoalDraft] = field(default_factory=list)
    named: bool = True  # False when made up because goals came before any heading


class _Reader:
    def __init__(self, lines: list[Line], names: _NameSplitter, codes_anywhere: bool = False):
        self.lines = lines
        self.codes_anywhere = codes_anywhere
        self.ended = False  # past «Forslag til vedtak»
        self.names = names
        self.known = names.known
        self.title: str | None = None
        self.warnings: list[ImportWarning] = []
        self.areas: list[_AreaDraft] = []
        self.goal: _GoalDraft | None = None
        self.measure: _MeasureDraft | None = None
        self.state = State.OUTSIDE
        self.seen_structure = False
        self.after_blank = False  # a blank line since the last actor or bullet line
        self.late_bullet = False  # the measure's last text line is a bullet after its actors
        self.label: str | None = None  # the label whose value may go on on the next line
        self.ignored: list[str] = []  # lines in the tables that are no goal or measure

    # -- driving --------------------------------------------------------------------------

    def read(self) -> ParsedPlan:
        for i, line in enumerate(self.lines):
            self.feed(i, line)
        return self.finish()

    def feed(self, i: int, line: Line) -> None:
        if line.kind is Kind.NOISE:
            return  # page furniture is not even a blank: a cell may go on after it
        if line.kind in (Kind.BLANK, Kind.PAGE):
            self.after_blank = True
            self.label = None
            return
        if line.kind is Kind.END:
            self.state = State.OUTSIDE
            self.ended = True
            self.close_measure()
        elif self.is_area_heading(i, line):
            self.start_area(line)
        elif line.kind is Kind.GOAL:
            self.start_goal(line.code, line.body)
        elif line.kind is Kind.HEADER:
            # A header repeated at the top of a page changes nothing; a first one opens
            # the tables even without a focus area heading.
            if self.state is State.OUTSIDE:
                self.state = State.AREA
                self.seen_structure = True
        elif self.state is State.OUTSIDE and not self.takes_code(line):
            if self.title is None and not self.seen_structure:
                self.title = line.text
        elif line.kind is Kind.CODE and self.is_measure_code(line):
            self.start_measure(line)
        elif self.state is State.GOAL:
            assert self.goal is not None
            self.goal.text.append(line.text)
        elif self.state is State.MEASURE:
            self.measure_line(line)
        elif self.state is State.ACTORS:
            self.actor_line(line)
        else:
            self.ignored.append(line.text)
            self.after_blank = False
            return
        self.flush_ignored()
        self.after_blank = False

    def flush_ignored(self) -> None:
        """One warning for text between the tables that is not a goal or a measure."""
        if self.ignored:
            text = " ".join(self.ignored)
            text = text if len(text) <= 80 else text[:77] + "…"
            where = self.areas[-1].code if self.areas and self.areas[-1].code else DOCUMENT
            self.warn(where, Code.TEXT_OUTSIDE_MEASURES, text=text)
            self.ignored = []

    def next_line(self, i: int) -> tuple[int, Line | None]:
        """The next line with something on it, and its index."""
        for j in range(i + 1, len(self.lines)):
            if self.lines[j].kind not in (Kind.BLANK, Kind.PAGE, Kind.NOISE):
                return j, self.lines[j]
        return len(self.lines), None

    # -- focus areas and goals ------------------------------------------------------------

    def is_area_heading(self, i: int, line: Line) -> bool:
        """Whether a line is a focus area's heading. Labelled headings always are; a line in
        capitals or a short line is one only when what follows says so, since «PÅ HALLINGDAL»
        may end a measure text and «VGS USN» may be an actor line."""
        if line.kind is Kind.AREA:
            return True
        if line.kind not in (Kind.CAPS, Kind.TEXT) or line.timing or line.labels:
            return False
        j, following = self.next_line(i)
        if line.number and following is not None:
            # «2. Samferdsel og veg» over «Mål 2.1» or «2.1.1 …»: the area's number.
            if following.kind is Kind.HEADER:
                return True
            if following.kind in (Kind.GOAL, Kind.CODE):
                return following.code.strip(".").split(".")[0] == line.number
        if following is None or following.kind not in (Kind.HEADER, Kind.GOAL, Kind.CODE):
            return False
        words = line.text.split()
        if self.known.match(words) == len(words):
            return False
        reading_text = self.state in (State.GOAL, State.MEASURE)
        letters = sum(c.isalpha() for c in line.text)
        if following.kind is Kind.HEADER:
            if line.kind is Kind.TEXT:
                return not reading_text and self.looks_like_heading(i, words)
            # In a text, a header repeated after a page break may follow its last line.
            _, after = self.next_line(j)
            text_goes_on = after is None or after.kind not in (Kind.GOAL, Kind.CODE, Kind.AREA)
            return letters >= 4 and not (reading_text and text_goes_on)
        if line.kind is Kind.CAPS and following.kind is Kind.GOAL:
            return letters >= 4 and not reading_text
        if line.kind is Kind.CAPS and following.kind is Kind.CODE:
            # Measures straight under a heading: a new area starts where the numbering does.
            current = self.measure or self.goal
            top = following.code.strip(".").split(".")[0]
            same_number = current is not None and current.code.split(".")[0] == top
            return len(words) >= 2 and letters >= 8 and not same_number
        return False

    def looks_like_heading(self, i: int, words: list[str]) -> bool:
        """«Klima og miljø» alone before a table header, not the end of a sentence; among
        actors, one word («Kommunane») is more likely a name."""
        previous = self.lines[i - 1] if i else None
        blank_before = previous is None or previous.kind in (Kind.BLANK, Kind.PAGE, Kind.NOISE)
        enough_words = len(words) >= 2 or self.state is not State.ACTORS
        ends_sentence = words[-1].endswith((",", ".", "-"))
        return blank_before and enough_words and len(words) <= 10 and not ends_sentence

    def start_area(self, line: Line) -> None:
        name = line.body or line.text
        if line.number:
            name = _NUMBERED_NAME.match(line.text)["rest"]  # type: ignore[index]
        name = re.sub(
            r"\s*\((?:forts\.?|framhald|fortsettelse|fortsatt)\)\s*$", "", name, flags=re.I
        )
        name = name.strip(" :.–-")
        if _is_caps(name):
            name = sentence_case(name, self.known, self.names.place_words)
        code = line.code if line.kind is Kind.AREA else line.number
        if self.areas and self.areas[-1].name.casefold() == name.casefold():
            return  # repeated at the top of a page, or «(forts.)»: the same area goes on
        self.close_measure()
        self.areas.append(_AreaDraft(code, name))
        self.goal = None
        self.state = State.AREA
        self.seen_structure = True

    def area_for(self, code: str) -> _AreaDraft:
        """The current area, or one made up when goals or measures come before any heading
        (or a made-up area's numbering moves on to the next area)."""
        top = code.strip(".").split(".")[0] if code.strip(".") else ""
        area = self.areas[-1] if self.areas else None
        if area is None or (not area.named and top and area.code != top):
            area = _AreaDraft(top, f"Innsatsområde {top}".strip(), named=False)
            self.areas.append(area)
            self.warn(top or DOCUMENT, Code.AREA_HEADING_MISSING, area=top)
        return area

    def start_goal(self, code: str, text: str) -> None:
        self.close_measure()
        area = self.area_for(code)
        self.goal = _GoalDraft(code, [text] if text else [])
        area.goals.append(self.goal)
        self.state = State.GOAL
        self.seen_structure = True

    # -- measures -------------------------------------------------------------------------

    def takes_code(self, line: Line) -> bool:
        """Outside the tables a code is text, unless the document has nothing but codes."""
        return self.codes_anywhere and not self.ended and line.kind is Kind.CODE

    def is_measure_code(self, line: Line) -> bool:
        """A number at the start of a wrapped sentence («1.5 millionar …») is not a code."""
        return not (self.state is State.MEASURE and line.body[:1].islower())

    def start_measure(self, line: Line) -> None:
        previous = self.measure
        written = line.code
        if previous and previous.bare and written.strip(".").startswith(previous.code + "."):
            # «1.1 Betre vegar» followed by «1.1.1 …»: the first was a goal without «Mål».
            self.promote_to_goal(previous)
        self.close_measure()
        parent = (
            self.goal.code
            if self.goal and self.goal.code
            else (self.areas[-1].code if self.areas else "")
        )
        reading = read_code(written, parent)
        code = reading.code
        draft = _MeasureDraft(written, code)
        if reading.warning:
            # The note is saved with the measure, in the plan's own language.
            draft.note = reading.note
            draft.warnings.append(reading.warning)
        area = self.area_for(code)
        if self.goal is None or self.goal not in area.goals:
            self.goal = _GoalDraft("")  # measures straight under a focus area
            area.goals.append(self.goal)
        self.goal.measures.append(draft)
        self.measure = draft
        self.state = State.MEASURE
        self.seen_structure = True
        if line.body:
            draft.text.append(line.body)
        self.take_timing_and_labels(line)

    def promote_to_goal(self, measure: _MeasureDraft) -> None:
        assert self.goal is not None
        self.goal.measures.remove(measure)
        area = self.area_for(measure.code)
        if not self.goal.code and not self.goal.measures and self.goal in area.goals:
            area.goals.remove(self.goal)
        self.goal = _GoalDraft(measure.code, measure.text)
        area.goals.append(self.goal)
        self.measure = None

    def take_timing_and_labels(self, line: Line) -> None:
        """A timing or labels on a code or text line end the measure text."""
        assert self.measure is not None
        if line.timing is not None:
            self.state = State.ACTORS
            self.more_timing(line)
        if line.labels:
            self.take_labels(line.labels)

    def take_labels(self, labels: tuple[tuple[str, str], ...]) -> None:
        assert self.measure is not None
        for name, value in labels:
            if name == "timing":
                self.measure.timing.append(value)
            elif name == "status":
                self.measure.status = status_from_words(value) or self.measure.status
            else:
                self.measure.labelled.setdefault(name, []).append(value)
            self.label = name
        self.state = State.ACTORS

    def measure_line(self, line: Line) -> None:
        assert self.measure is not None
        if line.kind is Kind.TIMING:
            self.state = State.ACTORS
            self.more_timing(line)
        elif line.kind is Kind.LABEL:
            self.take_labels(line.labels)
        else:
            # A number starting a wrapped sentence is text, number and all.
            text = f"{line.code} {line.body}" if line.kind is Kind.CODE else line.body
            if text.strip():
                self.measure.text.append(text)
            self.take_timing_and_labels(line)

    def actor_line(self, line: Line) -> None:
        measure = self.measure
        assert measure is not None
        if line.kind is Kind.LABEL:
            self.take_labels(line.labels)
        elif self.label and not self.after_blank and line.kind in (Kind.TEXT, Kind.CAPS):
            # «Ansvar: Regionrådet,» / «Kommunane»: a labelled value goes on.
            if self.label in ("responsible", "involved"):
                values = measure.labelled[self.label]
                values[-1] = join_pair(values[-1], line.text)
        elif line.kind is Kind.BULLET:
            # A page break can put the actors in the middle of the bullets (6.3.6 in
            # Hallingdal's plan): bullets after the actors still belong to the text.
            measure.text.append(line.text)
            self.late_bullet = True
        elif self.late_bullet and self.continues_bullet(line):
            measure.text.append(line.text)
        elif line.kind is Kind.TIMING:
            self.more_timing(line)
        elif (status := _status_line(line.text, self.known)) is not None:
            measure.status = status  # a «Status» column with words: «Påbegynt»
        else:
            self.add_actor_text(line.text)

    def continues_bullet(self, line: Line) -> bool:
        assert self.measure is not None
        hyphenated = self.measure.text[-1].endswith("-")
        return line.kind in (Kind.TEXT, Kind.CAPS) and (not self.after_blank or hyphenated)

    def more_timing(self, line: Line) -> None:
        """A timing and the actors after it on its line. «2025.-» / «2026» is one timing
        cell over two lines; a timing after actors is odd and worth a warning."""
        assert self.measure is not None
        if self.measure.groups:
            self.measure.warnings.append(
                ImportWarning.at(self.measure.code, Code.EXTRA_TIMING, timing=line.timing or "")
            )
        self.measure.timing.append(line.timing or "")
        if line.tail:
            self.add_actor_text(line.tail)

    def add_actor_text(self, text: str) -> None:
        """Actor lines in groups: a blank line between two lines separates two cells."""
        assert self.measure is not None
        if self.after_blank or not self.measure.groups:
            self.measure.groups.append([])
        self.measure.groups[-1].append(text)
        self.late_bullet = False

    def close_measure(self) -> None:
        self.measure = None
        self.late_bullet = False
        self.label = None

    # -- the result -----------------------------------------------------------------------

    def warn(self, where: str, code: Code, /, **params: str | int | float) -> None:
        self.warnings.append(ImportWarning(where, code, params))

    def finish(self) -> ParsedPlan:
        self.flush_ignored()
        plan = ParsedPlan(title=self.title, warnings=list(self.warnings))
        previous_code = ""
        for area in self.areas:
            goals = [g for g in area.goals if g.code or g.text or g.measures]
            if not goals:
                continue  # a heading in capitals with nothing under it, such as a title
            code = area.code or _area_code(goals, previous_code)
            previous_code = code
            parsed = ParsedArea(code=code, name=area.name)
            for goal in goals:
                parsed_goal = ParsedGoal(code=goal.code, text=join_lines(goal.text))
                for draft in goal.measures:
                    parsed_goal.measures.append(self.finish_measure(draft, plan))
                parsed.goals.append(parsed_goal)
            plan.areas.append(parsed)
        return plan

    def finish_measure(self, draft: _MeasureDraft, plan: ParsedPlan) -> ParsedMeasure:
        responsible, involved, certain = self.split_actors(draft)
        plan.warnings.extend(draft.warnings)
        if not certain:
            plan.warn(draft.code, Code.AMBIGUOUS_ACTORS)
        return ParsedMeasure(
            code=draft.code,
            text=join_lines(draft.text),
            timing=parse_timing("\n".join(draft.timing)),
            responsible=responsible,
            involved=involved,
            status=draft.status,
            written_code=draft.written_code if draft.written_code != draft.code else "",
            note=draft.note,
        )

    def split_actors(self, draft: _MeasureDraft) -> tuple[list[str], list[str], bool]:
        """(responsible, involved, whether the layout told them apart).

        Flattened, the «Ansvar» cell comes first and «Involvering» after it, and the two
        cells are usually separated by a blank line. Names on the timing line after the
        first are in the «Involvering» column. Names stacked under a single first name
        with no blank line between could be in either column.
        """
        responsible: list[str] = []
        involved: list[str] = []
        certain = True
        split = [names for names in map(self.names.split, draft.groups) if names]
        if len(split) >= 2:
            responsible = [n.text for n in split[0]]
            involved = [n.text for names in split[1:] for n in names]
        elif split:
            names = split[0]
            on_first_line = [n for n in names if n.line == names[0].line]
            responsible = [names[0].text]
            involved = [n.text for n in names[1:]]
            certain = len(on_first_line) >= 2 or len(names) == 1
        for value in draft.labelled.get("responsible", []):
            responsible += [n.text for n in self.names.split([value], listed=True)]
        for value in draft.labelled.get("involved", []):
            involved += [n.text for n in self.names.split([value], listed=True)]
        return _unique(responsible), _unique(involved), certain


def _area_code(goals: list[_GoalDraft], previous: str) -> str:
    """A code for a focus area whose heading has no number: the first number that all its
    goals and measures share («4» for 4.1, 4.1.1, …), else the one after the previous area's."""
    codes = [g.code for g in goals] + [m.code for g in goals for m in g.measures]
    tops = {c.split(".")[0] for c in codes if c[:1].isdigit()}
    if len(tops) == 1:
        return tops.pop()
    return str(int(previous) + 1) if previous.isdigit() else "1"


def _status_line(text: str, known: _KnownActors) -> str | None:
    """The status a short line of status words gives («Påbegynt», «Ikkje starta»), else None."""
    words = text.split()
    if len(words) > 3 or known.match(words) == len(words):
        return None
    return status_from_words(text)


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
