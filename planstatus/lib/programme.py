"""A region's page from Byregionprogrammet, read from its text (copied out of a browser, or
the page saved as HTML). No Django.

Byregionprogrammet (2014–2018) was Norway's national programme for city regions; each region
has a page with its introduction, «Mål for …», «Innsatsområde», «Resultat», the region's
advice for cooperation, what it works on after the programme, an excerpt from its
application and a box of facts. The pages come in Nynorsk and Bokmål, and once copied out of
a browser their headings, bullets and blank lines vary; any part may be missing.

The reader classifies each line (heading, fact, bullet or text) without looking at its
neighbours, so a heading glued to the text before it is still a heading, then gathers the
lines under each heading and reads every part on its own. Nothing is guessed silently: a
missing part, an unreadable number or date and every line left unused become a warning.
Warnings and errors carry a code and parameters; the Django side words them in the person's
language (planstatus/imports/programme.py).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from planstatus.lib.documents.decoding import NotText, decode_text
from planstatus.lib.status import Status
from planstatus.lib.vocabulary import (
    MONTH_NUMBERS,
    RESULT_DONE_OPENINGS,
    correct_heading_word,
    status_from_words,
)

MAX_BYTES = 1_000_000

# Error codes: the page is refused.
EMPTY = "empty"
TOO_LARGE = "too_large"
NOT_TEXT = "not_text"
NOT_PROGRAMME_PAGE = "not_programme_page"
TOO_HEAVY = "too_heavy"  # reading needed more memory or time than allowed (lib/capped.py)

# Warning codes: the page is read, with something to look at.
MISSING_PART = "missing_part"  # params: part
EMPTY_PART = "empty_part"  # params: part, heading, line
MISSING_FACT = "missing_fact"  # params: fact
UNREADABLE_NUMBER = "unreadable_number"  # params: fact, text, line
UNREADABLE_DATE = "unreadable_date"  # params: text, line
SKIPPED_TEXT = "skipped_text"  # params: text, line
IGNORED_SECTION = "ignored_section"  # params: heading, lines, line
REPEATED_HEADING = "repeated_heading"  # params: heading, line
DECODED_AS_CP1252 = "decoded_as_cp1252"

# The parts of a page, in the order the pages have them; also the JSON keys and the
# `where` of the warnings about them.
PARTS = (
    "region",
    "intro",
    "goals",
    "focus_areas",
    "results",
    "advice",
    "follow_up",
    "application_excerpt",
    "facts",
)
FACTS = (
    "applicant_municipality",
    "partner_municipalities",
    "population",
    "population_date",
    "area_km2",
)
STATUSES = tuple(s.value for s in Status)  # the one list: planstatus/lib/status.py


class ProgrammePageError(ValueError):
    """The text cannot be read as a programme page; `code` says why (see the codes above)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class ProgrammeWarning:
    code: str
    where: str  # a part of the page (PARTS), or "document"
    params: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "where": self.where, "params": dict(self.params)}


@dataclass
class ProgrammeGoal:
    text: str
    # "main" (Hovudmål/Hovedmål), "sub" (Delmål), or "goal" when the page does not say.
    level: str = "goal"

    def as_json(self) -> dict[str, str]:
        return {"text": self.text, "level": self.level}


@dataclass
class ProgrammeResult:
    text: str
    status: str = "unknown"

    def as_json(self) -> dict[str, str]:
        return {"text": self.text, "status": self.status}


@dataclass
class ProgrammeFacts:
    applicant_municipality: str = ""
    partner_municipalities: list[str] = field(default_factory=list)
    population: int | None = None
    population_date: datetime.date | None = None
    area_km2: Decimal | None = None

    def is_empty(self) -> bool:
        return not (
            self.applicant_municipality
            or self.partner_municipalities
            or self.population is not None
            or self.population_date is not None
            or self.area_km2 is not None
        )

    def as_json(self) -> dict[str, Any]:
        area: int | float | None = None
        if self.area_km2 is not None:
            area = (
                int(self.area_km2) if self.area_km2 == int(self.area_km2) else float(self.area_km2)
            )
        return {
            "applicant_municipality": self.applicant_municipality,
            "partner_municipalities": list(self.partner_municipalities),
            "population": self.population,
            "population_date": self.population_date.isoformat() if self.population_date else None,
            "area_km2": area,
        }


@dataclass
class ProgrammePage:
    region: str = ""
    intro: str = ""
    goals: list[ProgrammeGoal] = field(default_factory=list)
    focus_areas: list[str] = field(default_factory=list)
    results: list[ProgrammeResult] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    follow_up: str = ""
    application_excerpt: str = ""
    facts: ProgrammeFacts = field(default_factory=ProgrammeFacts)
    warnings: list[ProgrammeWarning] = field(default_factory=list)

    def warn(self, code: str, where: str, **params: Any) -> None:
        self.warnings.append(ProgrammeWarning(code, where, {k: str(v) for k, v in params.items()}))

    def as_json(self) -> dict[str, Any]:
        """The shape of `planstatus import-programme --dry-run --json`."""
        return {
            "region": self.region,
            "intro": self.intro,
            "goals": [g.as_json() for g in self.goals],
            "focus_areas": list(self.focus_areas),
            "results": [r.as_json() for r in self.results],
            "advice": list(self.advice),
            "follow_up": self.follow_up,
            "application_excerpt": self.application_excerpt,
            "facts": self.facts.as_json(),
            "warnings": [w.as_json() for w in self.warnings],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProgrammePage:
        """The inverse of `as_json`, for a page kept for review."""
        facts = data.get("facts") or {}
        date = facts.get("population_date")
        area = facts.get("area_km2")
        return cls(
            region=str(data.get("region") or ""),
            intro=str(data.get("intro") or ""),
            goals=[
                ProgrammeGoal(str(g["text"]), str(g.get("level", "goal")))
                for g in data.get("goals") or []
            ],
            focus_areas=[str(a) for a in data.get("focus_areas") or []],
            results=[
                ProgrammeResult(str(r["text"]), str(r.get("status", "unknown")))
                for r in data.get("results") or []
            ],
            advice=[str(a) for a in data.get("advice") or []],
            follow_up=str(data.get("follow_up") or ""),
            application_excerpt=str(data.get("application_excerpt") or ""),
            facts=ProgrammeFacts(
                applicant_municipality=str(facts.get("applicant_municipality") or ""),
                partner_municipalities=[str(m) for m in facts.get("partner_municipalities") or []],
                population=facts.get("population"),
                population_date=datetime.date.fromisoformat(date) if date else None,
                area_km2=Decimal(str(area)) if area is not None else None,
            ),
            warnings=[
                ProgrammeWarning(str(w["code"]), str(w["where"]), dict(w.get("params") or {}))
                for w in data.get("warnings") or []
            ],
        )


# ---------------------------------------------------------------------------------------
# Bytes to text
# ---------------------------------------------------------------------------------------


def read_programme(data: bytes) -> ProgrammePage:
    """Decode a file's bytes and read them as a programme page."""
    text, encoding_warnings = decode_page(data)
    page = parse_programme(text)
    page.warnings[:0] = encoding_warnings
    return page


def decode_page(data: bytes) -> tuple[str, list[ProgrammeWarning]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252, which is what
    Notepad and older Word save as «ANSI» here (the one decoder, documents/decoding.py).
    Binary files are refused, not decoded."""
    if len(data) > MAX_BYTES:
        raise ProgrammePageError(TOO_LARGE)
    if not data.strip():
        raise ProgrammePageError(EMPTY)
    # PDF, zip (docx, xlsx) and images: a text reader would only produce noise from them.
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8")):
        raise ProgrammePageError(NOT_TEXT)
    try:
        decoded = decode_text(data)
    except NotText as error:
        raise ProgrammePageError(EMPTY if error.reason == "empty" else NOT_TEXT) from None
    warnings = [ProgrammeWarning(DECODED_AS_CP1252, "document")] if decoded.guessed else []
    return decoded.text, warnings


def looks_like_html(text: str) -> bool:
    start = text.lstrip()[:500].casefold()
    return start.startswith(("<!doctype html", "<html")) or "<body" in start


# Tags that start a paragraph of their own, and tags that only start a new line.
_PARAGRAPHS = {
    "p", "div", "section", "article", "main", "header", "aside", "h1", "h2", "h3", "h4", "h5",
    "h6", "table", "dl", "blockquote", "figure", "figcaption", "hr", "pre", "address",
}  # fmt: skip
_LINES = {"ul", "ol", "li", "br", "tr", "dt", "dd"}
_SKIPPED = {"script", "style", "noscript", "nav", "footer", "template", "svg", "form", "button"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "source", "area", "col", "base"}


class _HtmlText(HTMLParser):
    """A saved web page as the text a browser would show: paragraphs and headings between
    blank lines, list items as bullets (deeper lists indented), the site's menus and
    scripts left out, and only the <main> element when the page has one."""

    def __init__(self, *, main_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.main_only = main_only
        self.main_depth = 0
        self.skip_depth = 0
        self.lists: list[list[Any]] = []  # [tag, items so far] of each open list
        self.text = ""

    def _break(self, newlines: int) -> None:
        stripped = self.text.rstrip(" ")
        have = len(stripped) - len(stripped.rstrip("\n"))
        if stripped and have < newlines:
            self.text = stripped + "\n" * (newlines - have)

    def _block(self, tag: str) -> None:
        if tag in _PARAGRAPHS:
            self._break(2)
        elif tag in _LINES:
            self._break(1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.main_depth += 1
        if tag not in _VOID and (tag in _SKIPPED or self.skip_depth):
            self.skip_depth += 1
            return
        if self.skip_depth or (self.main_only and not self.main_depth):
            return
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        self._block(tag)
        if tag == "li":
            bullet = "•"
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                bullet = f"{self.lists[-1][1]}."
            self.text += "  " * max(len(self.lists) - 1, 0) + f" {bullet} "

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.main_depth = max(self.main_depth - 1, 0)
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if not (self.main_only and not self.main_depth and tag != "main"):
            self._block(tag)

    def handle_data(self, data: str) -> None:
        if self.skip_depth or (self.main_only and not self.main_depth):
            return
        data = re.sub(r"\s+", " ", data)
        if self.text.endswith(("\n", " ")):
            data = data.lstrip()
        self.text += data


def html_to_text(text: str) -> str:
    parser = _HtmlText(main_only="<main" in text.casefold())
    parser.feed(text)
    parser.close()
    return parser.text.strip() + "\n"


_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u2002\u2003\u3000"), " ")


def _clean_lines(text: str) -> list[str]:
    """Lines without control or invisible characters, with runs of spaces collapsed but the
    leading indentation kept (it tells a sub-bullet from a bullet)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n").replace("\f", "\n").replace("\v", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES).expandtabs(4)
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")
    lines = []
    for raw in text.split("\n"):
        indent = len(raw) - len(raw.lstrip(" "))
        body = re.sub(r" {2,}", " ", raw.strip())
        lines.append(" " * indent + body if body else "")
    return lines


# ---------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------

# Bullet markers, grouped by kind: a bullet of another kind than the list's first (or
# indented deeper) belongs to the bullet above it.
_BULLET = re.compile(
    r"""^(?P<indent>\ *)(?:
        (?P<dot>[•●·])\ *
      | (?P<ring>[◦○])\ *
      | (?P<square>[▪■▫□])\ *
      | (?P<arrow>[➢►▶→‣>])\ +
      | (?P<check>[✓✔])\ *
      | (?P<dash>[-–—])\ +
      | (?P<star>\*)\ +
      | (?P<ringo>o)\ +(?=\S)
      | \(?(?P<num>\d{1,2})[.)]\ *(?=[^\d\s.,])
      | \(?(?P<alpha>[a-zæøå])\)\ +
      | (?P<alpha2>[a-z])\.\ +(?=[A-ZÆØÅa-zæøå])
    )(?P<text>\S.*)$""",
    re.VERBOSE,
)


# A bullet with nothing after it (a list copied with an empty item, or a page cut off).
_BARE_BULLET = re.compile(r"[•●·◦○▪■▫□➢►▶→‣✓✔*\-–—]+|\(?\d{1,2}[.)]|\(?[a-z]\)")


@dataclass
class _Line:
    number: int  # 1-based, for warnings
    kind: str  # "blank", "heading", "fact", "bullet", "text", "skipped"
    text: str = ""
    indent: int = 0
    marker: str = ""  # bullet: its kind ("dot", "num", …)
    label: str = ""  # bullet: a number or letter as written («1.», «a)»), else «•»
    part: str = ""  # heading: the part it starts ("ignored" for page furniture)
    heading: str = ""  # heading: as written
    hint: str = ""  # heading: a region name in it («Mål for Hallingdal»)
    level: str = ""  # goals: "main" or "sub" when the line says Hovudmål or Delmål
    fact: str = ""  # fact: which one
    value: str = ""  # fact: the value as written


def _bullet(line: str) -> tuple[int, str, str, str] | None:
    """(indent, kind, label, text) of a bullet line."""
    m = _BULLET.match(line)
    if not m:
        return None
    kind = next(k for k, v in m.groupdict().items() if v and k not in {"indent", "text"})
    label = "•"
    if kind == "num":
        label = f"{m.group('num')}."
    elif kind in ("alpha", "alpha2"):
        label = f"{m.group(kind)})"
    kind = {"ringo": "ring", "alpha2": "alpha"}.get(kind, kind)
    return len(m.group("indent")), kind, label, m.group("text").strip()


# Headings. Each pattern must match the whole heading (without Markdown marks or a trailing
# colon), ignoring case; the group `hint`, when present, is a region name.
_NAME = r"(?P<hint>\S.{0,60})"
_NUMBERED = r"(?: \d{1,2}[.)]?)?"
_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    (part, re.compile(pattern, re.IGNORECASE))
    for part, pattern in [
        ("goals", rf"(?:felles |overordna |overordnet |regionens |regionen sine )?"
                  rf"(?:mål|målet|måla|målene|målsetjing(?:ar|ane)?|målsetting(?:ar|er|ene)?)"
                  rf"{_NUMBERED}(?: og (?:strategi(?:ar|er)?|delmål|tiltak|visjon))?"
                  rf"(?: for {_NAME})?"),
        ("goals", r"(?:hovud|hoved)mål og delmål|visjon og mål"),
        ("focus_areas", rf"(?:innsats|satsings|fokus|tema)(?:område|felt)(?:r|ne|a|ane|ene)?"
                        rf"{_NUMBERED}(?: for {_NAME})?"),
        ("focus_areas", r"satsingar|satsinger|prioriterte (?:tema|område|områder)"),
        ("results", r"(?:oppnådde |viktige |nokre |noen )?resultat(?:a|et|er|ene|ane)?"
                    r"(?: (?:og|av|frå|fra|i|etter|for|til) .{0,60})?"),
        ("results", r"(?:kva|hva|dette) har (?:regionen|vi) (?:oppnådd|fått til)\??"),
        ("advice", r"(?:regionens |regionen sine |(?P<hint>\S.{0,50}?)s |.{1,50} sine )?"
                   r"(?:gode |beste |våre |våre beste )?"
                   r"(?:råd|tips|erfaringar og råd|erfaringer og råd)"
                   r"(?: (?:for|til|om|frå|fra) .{0,80})?"),
        ("follow_up", r".{0,60}\better (?:programslutt|programperioden|avslutta program\w*"
                      r"|avsluttet program\w*)\b.{0,40}"),
        ("follow_up", r"(?:dette )?(?:jobbar|jobber|arbeider|arbeidar) regionen (?:med )?.{0,60}"),
        ("follow_up", r"vegen vidare|veien videre|vidare arbeid|videre arbeid"
                      r"|(?:vidareføring|videreføring|oppfølging)(?: etter .{0,50})?"),
        ("application_excerpt", rf"utdrag (?:frå|fra|av) {_NAME} sin søknad.{{0,60}}"),
        ("application_excerpt", rf"utdrag (?:frå|fra|av) {_NAME}s søknad.{{0,60}}"),
        ("application_excerpt", r"utdrag\b.{0,80}|(?:frå|fra) søknad(?:en)?\b.{0,60}"
                                r"|søknad(?:en)?(?: (?:til|om) .{0,60})?"),
        ("facts", rf"fakta(?: (?:om|for))? {_NAME}|fakta|nøkkeltal|nøkkeltall|nøkkelinformasjon"),
        # Sections of the website around the page's content: left out, with a warning.
        ("ignored", r"dokument(?:er|a|ane|ene)?|vedlegg|lenk(?:j)?er|(?:relevante|nyttige) lenk\w*"
                    r"|kontakt(?:person\w*|informasjon)?|les (?:meir|mer)\b.{0,60}"
                    r"|relatert\w*\b.{0,60}|dokumentasjon|rapport(?:ar|er)?(?: og \w+)?"
                    r"|prosjektleiar|prosjektleder|e-post|telefon"),
        # Single lines of the website (buttons, dates of the page): dropped.
        ("furniture", r"del (?:denne )?(?:sida|siden|artikkelen)|skriv ut|tilbake\b.{0,40}"
                      r"|meny|hovudmeny|hovedmeny|søk|til toppen"
                      r"|(?:publisert|sist (?:oppdatert|endra|endret))\b.{0,40}"),
    ]
]  # fmt: skip
_GOAL_MARKER = re.compile(
    r"(?P<level>(?:hovud|hoved)mål(?:et|a|ene)?|delmål(?:et|a|ene)?)(?: ?\d{1,2}[.)]?)?",
    re.IGNORECASE,
)
_FACT_KEYS: list[tuple[str, re.Pattern[str]]] = [
    ("applicant_municipality", re.compile(
        r"(?:søk(?:er|jar|jer|ar)|vert|kontakt)kommunen?\b|søkjar\b|søker\b", re.IGNORECASE)),
    ("partner_municipalities", re.compile(
        r"samarbeidskommun\w*|deltak\w* ?kommun\w*|andre kommun\w*|partn[ae]rkommun\w*"
        r"|kommun(?:ar|er|ane|ene) i (?:samarbeidet|regionen)", re.IGNORECASE)),
    ("population", re.compile(
        r"folketal+(?:et)?\b|folkemengd\w*|innbygg(?:jar|er)tal+\w*|innbyggjarar\b"
        r"|innbyggere\b|befolkning\w*", re.IGNORECASE)),
    ("area_km2", re.compile(r"areal(?:et)?\b|flatevidd\w*|landareal\w*", re.IGNORECASE)),
]  # fmt: skip
_NUMERIC_FACTS = ("population", "area_km2")


def _heading_text(text: str) -> str:
    """The heading as compared: without Markdown marks, a trailing colon or double spaces."""
    text = re.sub(r"^#+\s*", "", text.strip())
    text = text.strip("*_ ").rstrip(":").strip("*_ ")
    return re.sub(r"\s+", " ", text)


def _match_heading(text: str) -> tuple[str, str] | None:
    """(part, region name in it) when `text` is a heading: short, not a sentence, and one
    of the patterns above."""
    if len(text) > 100 or len(text.split()) > 12 or text.endswith((".", "!", ",", ";")):
        return None
    key = _heading_text(text)
    for candidate in dict.fromkeys([key, _corrected(key)]):
        for part, pattern in _HEADINGS:
            m = pattern.fullmatch(candidate)
            if m:
                return part, (m.groupdict().get("hint") or "").strip(" :*_")
    return None


def _corrected(key: str) -> str:
    """A heading with misspelt words read as the vocabulary spells them: «Resulatater» is
    «resultater», «Innsattsområde» is «innsatsområde»."""
    return re.sub(r"[^\W\d_]+", lambda m: correct_heading_word(m.group()), key)


def _match_fact(text: str, *, in_facts: bool) -> tuple[str, str] | None:
    """(fact, value) when `text` states one of the facts. Outside the facts box a fact line
    needs its colon («Søkerkommune: Hemsedal») and a number where one is due, so prose that
    begins with «Areal og transport» is left alone."""
    for fact, pattern in _FACT_KEYS:
        m = pattern.match(text)
        if not m:
            continue
        rest = text[m.end() :]
        label, colon, value = rest.partition(":")
        # «Folketal (1.1.2015): 20 566»: the date in the name belongs to the value.
        dated = re.search(r"\(([^()]*\d[^()]*)\)", label)
        if colon and dated:
            label = label.replace(dated.group(0), "")
            value = f"{value} ({dated.group(1)})"
        if colon and len(label) <= 40 and not re.search(r"\d", label):
            value = value.strip()
            if not in_facts and fact in _NUMERIC_FACTS and not re.search(r"\d", value):
                return None
            return fact, value
        if not in_facts:
            return None
        value = rest.strip(" :-–")
        if fact in _NUMERIC_FACTS:
            # «Folketall i regionen 20.566»: the number starts the value.
            digit = re.search(r"\d", value)
            if digit is None or len(value[: digit.start()].split()) > 4:
                return None
            value = value[digit.start() :]
        return fact, value
    return None


def _classify(lines: list[str]) -> list[_Line]:
    """Each line on its own: blank, heading, fact, bullet or text."""
    out: list[_Line] = []
    in_facts = False
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or _BARE_BULLET.fullmatch(text):
            out.append(_Line(number, "blank"))
            continue
        bullet = _bullet(line)
        fact = _match_fact(bullet[3] if bullet else text, in_facts=in_facts)
        if fact and (bullet is None or in_facts):
            in_facts = True
            out.append(_Line(number, "fact", text=text, fact=fact[0], value=fact[1]))
            continue
        if bullet:
            indent, kind, label, body = bullet
            out.append(_Line(number, "bullet", body, indent=indent, marker=kind, label=label))
            continue
        head, colon, rest = text.partition(":")
        rest = rest.strip(" *_")  # «**Resultat:**»
        found = _match_heading(head) if colon and rest else None
        inline = rest if found else ""
        found = found or _match_heading(text)
        if found and found[0] == "furniture":
            out.append(_Line(number, "blank"))
            continue
        if found and found[0] == "ignored" and inline:
            # «Kontaktperson: Kari Nordmann» is one line of the website, not a section.
            out.append(_Line(number, "skipped", text))
            continue
        if found:
            in_facts = found[0] == "facts"
            out.append(_Line(number, "heading", inline, part=found[0], heading=text, hint=found[1]))
            continue
        marker = _GOAL_MARKER.fullmatch(_heading_text(head if colon else text))
        if marker:
            in_facts = False
            level = "main" if marker.group("level").casefold().startswith("ho") else "sub"
            inline = rest if colon else ""
            out.append(_Line(number, "heading", inline, part="goals", heading=text, level=level))
            continue
        out.append(_Line(number, "text", text, indent=len(line) - len(line.lstrip(" "))))
    return out


# ---------------------------------------------------------------------------------------
# Parts
# ---------------------------------------------------------------------------------------


@dataclass
class _Section:
    part: str
    heading: str = ""
    line: int = 0
    inline: bool = False  # the heading's line carries an item («Innsatsområde 1: Næring»)
    hint: str = ""
    lines: list[_Line] = field(default_factory=list)

    def content(self) -> list[_Line]:
        return [line for line in self.lines if line.kind != "blank"]


def parse_programme(text: str) -> ProgrammePage:
    """Read a programme page. Raises ProgrammePageError when the text has none of the
    page's headings; any part that is missing is left empty with a warning."""
    if len(text) > MAX_BYTES:
        raise ProgrammePageError(TOO_LARGE)
    if looks_like_html(text):
        text = html_to_text(text)
    lines = _classify(_clean_lines(text))
    if all(line.kind == "blank" for line in lines):
        raise ProgrammePageError(EMPTY)

    sections = [_Section("intro")]
    skipped: list[_Line] = []
    for line in lines:
        if line.kind == "skipped":
            skipped.append(line)
        elif line.kind == "heading":
            section = _Section(
                line.part, line.heading, line.number, inline=bool(line.text), hint=line.hint
            )
            if line.level or line.text:
                # «Hovedmål: …», «Innsatsområde 1: Næring»: the heading's line has content.
                section.lines.append(_Line(line.number, "text", line.text, level=line.level))
            sections.append(section)
        elif line.kind == "fact" and sections[-1].part != "facts":
            sections.append(_Section("facts", "", line.number, lines=[line]))  # no heading
        elif _after_a_leading_facts_box(line, sections):
            # The facts box came first (a sidebar copied before the page): what follows it
            # is the page's title and introduction.
            sections.append(_Section("intro", "", line.number, lines=[line]))
        else:
            sections[-1].lines.append(line)

    found = {s.part for s in sections if s.part not in ("intro", "ignored")}
    # One heading alone could be a word in any text; with nothing else of the page, the
    # programme's name must be there too.
    if not found or (len(found) == 1 and "byregion" not in text.casefold()):
        raise ProgrammePageError(NOT_PROGRAMME_PAGE)

    page = ProgrammePage()
    for line in skipped:
        page.warn(SKIPPED_TEXT, "document", text=line.text, line=line.number)
    by_part: dict[str, list[_Section]] = {}
    for section in sections:
        by_part.setdefault(section.part, []).append(section)
        if section.part == "ignored" and section.content():
            page.warn(
                IGNORED_SECTION,
                "document",
                heading=section.heading,
                lines=len(section.content()),
                line=section.line,
            )
    for part, group in by_part.items():
        seen = [s for s in group if s.heading and not s.inline]
        if part in ("goals", "ignored"):
            continue  # «Hovudmål» and «Delmål» start goal sections of their own
        for repeated in seen[1:]:
            page.warn(REPEATED_HEADING, part, heading=repeated.heading, line=repeated.line)

    def lines_of(part: str) -> list[_Line]:
        joined: list[_Line] = []
        for section in by_part.get(part, []):
            joined.append(_Line(section.line, "blank"))
            joined.extend(section.lines)
        return joined

    page.intro = _prose(_read_title(page, lines_of("intro"), sections))
    page.goals = _read_goals(page, lines_of("goals"))
    page.focus_areas = [t for t, _ in _list_items(page, "focus_areas", lines_of("focus_areas"))]
    page.results = [
        ProgrammeResult(t, status)
        for t, status in _list_items(page, "results", lines_of("results"))
    ]
    page.advice = [t for t, _ in _list_items(page, "advice", lines_of("advice"))]
    page.follow_up = _prose(lines_of("follow_up"))
    page.application_excerpt = _prose(lines_of("application_excerpt"))
    _read_facts(page, lines_of("facts"))
    _warn_missing(page, by_part)
    return page


def _after_a_leading_facts_box(line: _Line, sections: list[_Section]) -> bool:
    section = sections[-1]
    if section.part != "facts" or line.kind not in ("text", "bullet"):
        return False
    if any(s.part not in ("intro", "facts", "ignored") for s in sections):
        return False
    facts = [ln for ln in section.lines if ln.kind == "fact"]
    # «Søkerkommune:» over «Hemsedal»: a value on the line below stays with its fact.
    return bool(facts) and bool(facts[-1].value) and section.lines[-1].kind != "text"


def _warn_missing(page: ProgrammePage, by_part: dict[str, list[_Section]]) -> None:
    missing: list[ProgrammeWarning] = []
    for part in PARTS:
        present = not page.facts.is_empty() if part == "facts" else bool(getattr(page, part))
        if present:
            continue
        headed = [s for s in by_part.get(part, []) if s.heading]
        if headed:
            params = {"heading": headed[0].heading, "line": str(headed[0].line)}
            missing.append(ProgrammeWarning(EMPTY_PART, part, params))
        else:
            missing.append(ProgrammeWarning(MISSING_PART, part))
    unreadable = {w.params.get("fact") for w in page.warnings if w.code == UNREADABLE_NUMBER}
    if any(w.code == UNREADABLE_DATE for w in page.warnings):
        unreadable.add("population_date")
    if not page.facts.is_empty():
        for fact in FACTS:
            if getattr(page.facts, fact) in (None, "", []) and fact not in unreadable:
                missing.append(ProgrammeWarning(MISSING_FACT, "facts", {"fact": fact}))
    # What is missing comes first: it is what a reader checks before the details.
    page.warnings[:0] = missing


_PROGRAMME_NAME = re.compile(r"byregion\w*(?: fase \d)?", re.IGNORECASE)


def _read_title(page: ProgrammePage, lines: list[_Line], sections: list[_Section]) -> list[_Line]:
    """Take the region's name from the first line when it is a title, else from a heading
    that names it («Mål for Hallingdal», «Fakta Hallingdal»). Returns the intro's lines."""
    content = [line for line in lines if line.kind != "blank"]
    # The programme's own name can stand above the title.
    while content and _PROGRAMME_NAME.fullmatch(content[0].text):
        content.pop(0)
    if content and content[0].kind == "text":
        # «Byregionprogrammet > Regionane > Hallingdal», «Hallingdal – Byregionprogrammet»
        title = re.split(r"\s+[>›»/|]\s+", content[0].text)[-1]
        title = re.sub(r"\s*[-–—|:]\s*byregion\w*.*$", "", title, flags=re.IGNORECASE)
        title = re.sub(r"^byregion\w*\s*[-–—|:]\s*", "", title, flags=re.IGNORECASE).strip()
        if (
            title
            and len(title) <= 80
            and len(title.split()) <= 8
            and not title.endswith((".", ":", ",", ";", "!", "?"))
        ):
            page.region = title
            rest = content[1:]
            if rest and rest[0].text.casefold() == title.casefold():
                rest = rest[1:]  # the title again under the breadcrumb trail
            return rest
    for section in sections:
        # Region names are capitalised; «Mål for regionen» names none.
        if section.hint[:1].isupper() and not _PROGRAMME_NAME.match(section.hint):
            page.region = section.hint
            break
    return content


def _is_continuation(line: _Line, previous: _Line | None) -> bool:
    """A line that goes on with the one above: no blank line between and a lowercase start
    (text wrapped by a PDF reader or a narrow window), or indented under a bullet."""
    if previous is None or previous.kind not in ("bullet", "text") or line.kind != "text":
        return False
    # Under a bullet, a line indented deeper than the bullet goes on with it too.
    return line.text[:1].islower() or (previous.kind == "bullet" and line.indent > previous.indent)


def _prose(lines: list[_Line]) -> str:
    """Paragraphs and bullets as lines of text; bullets written «•», numbers kept."""
    out: list[str] = []
    previous: _Line | None = None
    for line in lines:
        if line.kind == "blank":
            previous = None
            continue
        if _is_continuation(line, previous) and out:
            out[-1] = f"{out[-1]} {line.text}"
        elif line.kind == "bullet":
            out.append(f"{line.label} {line.text}")
        elif line.text:
            out.append(line.text)
        previous = line
    return "\n".join(out)


@dataclass
class _Item:
    text: str
    bullet: str  # the bullet's kind, "" for a paragraph
    level: str = ""
    children: list[_Item] = field(default_factory=list)


def _is_group_title(text: str) -> bool:
    """A short line over a list, naming what the list is about («Kompetanse», «Utdanning:»);
    a sentence that ends with a colon («Regionen har fått til dette:») only introduces it."""
    words = text.rstrip(":").split()
    if text.endswith(":") and len(words) > 3:
        return False
    return 0 < len(words) <= 8 and len(text) <= 80 and not text.endswith((".", "!", "?", ";", ","))


def _items(
    page: ProgrammePage, part: str, lines: list[_Line], *, groups: bool = True
) -> list[_Item]:
    """Bullets and paragraphs as items. A bullet indented deeper than its list, or of
    another kind, belongs to the bullet above it; with `groups`, a short line right over a
    list is the title the list's bullets belong to. A longer line ending with a colon over
    a list only introduces it and is no item: it is reported, not lost."""
    items: list[_Item] = []
    group: _Item | None = None  # the title the bullets now belong to
    top_kind = ""
    top_indent = 0
    previous: _Line | None = None
    for index, line in enumerate(lines):
        if line.kind == "blank":
            previous = None
            continue
        siblings = group.children if group is not None else items
        current = siblings[-1] if siblings else None
        if current is not None and _is_continuation(line, previous):
            target = current.children[-1] if current.children else current
            target.text = f"{target.text} {line.text}"
        elif line.kind == "bullet":
            item = _Item(line.text, line.marker)
            if (
                current is not None
                and current.bullet
                and top_kind
                and (line.indent > top_indent or line.marker != top_kind)
            ):
                current.children.append(item)
            else:
                if not top_kind:
                    top_kind, top_indent = line.marker, line.indent
                siblings.append(item)
        else:
            following = next((n for n in lines[index + 1 :] if n.kind != "blank"), None)
            before_list = following is not None and following.kind == "bullet"
            group = None
            if groups and before_list and _is_group_title(line.text):
                group = _Item(line.text.rstrip(": "), "")
                items.append(group)
            elif before_list and line.text.endswith(":"):
                page.warn(SKIPPED_TEXT, part, text=line.text, line=line.number)
            else:
                items.append(_Item(line.text, "", level=line.level))
            top_kind = ""
        previous = line
    return items


def _flatten(item: _Item, ancestors: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(text, status) of an item, or of each of its sub-items written «item: sub-item», so
    the nesting survives in a flat list. A sub-item without status words takes the status
    of the nearest item above it that has some."""
    text = item.text.rstrip(": ") if item.children else item.text
    if item.children:
        return [pair for child in item.children for pair in _flatten(child, (*ancestors, text))]
    status = "unknown"
    for words in (text, *reversed(ancestors)):
        status = result_status(words)
        if status != "unknown":
            break
    return [(": ".join((*ancestors, text)), status)]


def _list_items(page: ProgrammePage, part: str, lines: list[_Line]) -> list[tuple[str, str]]:
    return [pair for item in _items(page, part, lines) for pair in _flatten(item)]


def _read_goals(page: ProgrammePage, lines: list[_Line]) -> list[ProgrammeGoal]:
    """Goals as bullets or paragraphs. «Hovudmål»/«Hovedmål» and «Delmål» set the level of
    what follows them, also when written at the start of a bullet («• Delmål 2: …»)."""
    goals: list[ProgrammeGoal] = []
    level = "goal"
    for item in _items(page, "goals", lines, groups=False):
        if item.level:
            level = item.level
        parent = item.text.rstrip(": ")
        texts = [f"{parent}: {c.text}" if parent else c.text for c in item.children] or [parent]
        for text in texts:
            head, colon, rest = text.partition(":")
            marker = _GOAL_MARKER.fullmatch(_heading_text(head)) if colon else None
            if marker and rest.strip():
                sub = not marker.group("level").casefold().startswith("ho")
                goals.append(ProgrammeGoal(rest.strip(), "sub" if sub else "main"))
            elif text:
                goals.append(ProgrammeGoal(text, level))
    return goals


# ---------------------------------------------------------------------------------------
# Status from words
# ---------------------------------------------------------------------------------------


def result_status(text: str) -> str:
    """The status a result line states in words (vocabulary.status_from_words, read as
    prose), or done when it opens with a verb in the past (vocabulary.RESULT_DONE_OPENINGS);
    "unknown" when it states none.

    A programme page tells what came of a programme that has ended, so a result «not
    carried out» («ikkje gjennomført», «ikke startet») was not realised: cancelled.
    """
    status = status_from_words(text, prose=True)
    if status is None:
        first = re.match(r"\W*(\w+)", unicodedata.normalize("NFC", text).casefold())
        status = "done" if first and first.group(1) in RESULT_DONE_OPENINGS else "unknown"
    return "cancelled" if status == "not_started" else status


# ---------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\d.,])(?P<int>\d{1,3}(?:[. ]\d{3})+|\d+)(?:,(?P<frac>\d+))?(?![\d]|[.,]\d)"
)
_MONTHS = MONTH_NUMBERS
_DATE_WORDS = re.compile(
    r"(?P<day>\d{1,2})\.?\s*(?P<month>[a-zæøå]+)\.?\s*(?P<year>\d{4})", re.IGNORECASE
)
_DATE_NUMBERS = re.compile(r"(?P<day>\d{1,2})\.\s*(?P<month>\d{1,2})\.\s*(?P<year>\d{4})")
_AREA_UNIT = re.compile(r"km\s*²|km\s*2|kvadratkilometer|kvkm|km\^2", re.IGNORECASE)
_OTHER_UNIT = re.compile(r"\b(?:daa|dekar|mål|ha|hektar|m²|m2|kvm)\b", re.IGNORECASE)


def parse_date(text: str) -> datetime.date | None:
    """«1.jan 2015», «1. jan. 2015», «1. januar 2015», «01.01.2015» → a date."""
    text = text.strip()
    m = _DATE_NUMBERS.search(text)
    month: int | None = None
    if m:
        month = int(m.group("month"))
    else:
        m = _DATE_WORDS.search(text)
        if m:
            month = _MONTHS.get(m.group("month").casefold())
    if m is None or month is None:
        return None
    try:
        return datetime.date(int(m.group("year")), month, int(m.group("day")))
    except ValueError:
        return None


def parse_number(text: str) -> Decimal | None:
    """The one number in `text`, with «.» or a space between thousands and «,» before
    decimals: «20.566» → 20566, «5 406,5» → 5406.5. None when there is none or several."""
    found = list(_NUMBER.finditer(text))
    if len(found) != 1:
        return None
    m = found[0]
    digits = re.sub(r"[. ]", "", m.group("int"))
    return Decimal(f"{digits}.{m.group('frac')}" if m.group("frac") else digits)


def _split_date(value: str) -> tuple[str, str]:
    """(the number's text, the date's text): «20.566 (1.jan 2015)», «20 566 per 1.1.2015»."""
    m = re.search(r"\(([^)]*)\)", value)
    if m:
        return (value[: m.start()] + value[m.end() :]).strip(), m.group(1).strip()
    m = re.search(r"\b(?:per|pr\.?|pr|den|i|frå|fra)\s+(?=\d)", value, re.IGNORECASE)
    if m:
        return value[: m.start()].strip(), value[m.end() :].strip()
    return value.strip(), ""


# Municipalities whose name has «og» in it, which elsewhere joins the last two of a list.
_NAMES_WITH_OG = ("Nore og Uvdal",)


def _municipalities(value: str) -> list[str]:
    """«Flå, Gol, Hol, Nes og Ål» → the five names."""
    for name in _NAMES_WITH_OG:
        value = re.sub(re.escape(name), name.replace(" og ", "\x00"), value, flags=re.IGNORECASE)
    parts = re.split(r"\s*(?:,|;|\bog\b|&|\n)\s*", value)
    names = [p.replace("\x00", " og ").strip(" .•-–") for p in parts]
    return [n for n in names if n]


def _read_facts(page: ProgrammePage, lines: list[_Line]) -> None:
    facts = page.facts
    # A fact whose value is on the lines below it («Søkerkommune:» over «Hemsedal», as a
    # table or a definition list copies): partners gather every line, others take one.
    waiting = ""
    for line in lines:
        if line.kind == "blank":
            continue
        fact: tuple[str, str] | None
        if line.kind == "fact":
            fact = (line.fact, line.value)
        else:
            fact = _match_fact(line.text, in_facts=True)
        if fact is None and waiting:
            fact = (waiting, line.text)
        elif fact is None:
            page.warn(SKIPPED_TEXT, "facts", text=line.text, line=line.number)
            continue
        name, value = fact
        if name != "partner_municipalities" or not waiting:
            waiting = "" if value else name
        if not value:
            continue
        if name == "applicant_municipality":
            facts.applicant_municipality = value.strip(" .")
        elif name == "partner_municipalities":
            facts.partner_municipalities.extend(_municipalities(value))
        elif name == "population":
            number_text, date_text = _split_date(value)
            number = parse_number(number_text)
            if number is None or number != int(number) or not 0 < number < 100_000_000:
                page.warn(
                    UNREADABLE_NUMBER, "facts", fact="population", text=value, line=line.number
                )
            else:
                facts.population = int(number)
            if date_text:
                date = parse_date(date_text)
                if date is None:
                    page.warn(UNREADABLE_DATE, "facts", text=date_text, line=line.number)
                facts.population_date = date
        elif name == "area_km2":
            # A year or date beside the area says when it was measured; it is not kept.
            number_text = _AREA_UNIT.sub("", re.sub(r"\([^()]*\)", "", value))
            number = None if _OTHER_UNIT.search(number_text) else parse_number(number_text)
            if number is None or not 0 < number < 1_000_000:
                page.warn(UNREADABLE_NUMBER, "facts", fact="area_km2", text=value, line=line.number)
            else:
                facts.area_km2 = number
