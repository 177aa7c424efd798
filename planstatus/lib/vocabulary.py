"""Every word list the readers use, in Nynorsk and Bokmål (and English where plans use it).

One place for the words, so that a new spelling met in a real plan is added once and every
reader (plans in any format, programme pages, indicator tables) knows it: column headers,
status words, timing words, bullet markers, numbering schemes and the labels of focus areas
and goals. Pure Python, no Django.

Matching helpers live here too when they are only a way of looking words up
(`header_role`, `status_from_words`); what a word means in a plan is the interpreter's.
"""

from __future__ import annotations

import re
import unicodedata

# ---------------------------------------------------------------------------------------
# Column headers
# ---------------------------------------------------------------------------------------

# The roles a column can have. «heading» is a column whose cells head the rows below them
# (a focus area or goal written in a column of its own); «ignore» is for the person who
# maps columns by hand.
ROLES = (
    "code",
    "measure",
    "timing",
    "responsible",
    "involved",
    "status",
    "comment",
    "note",
    "area",
    "goal_code",
    "goal",
    "heading",
    "ignore",
)

# Header words per role, written as `header_key` leaves them (lower case, letters only).
# The first block of each role is the plain word; compounds and inflections follow.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "code": (
        "nr", "nummer", "kode", "id", "ref", "referanse", "løpenr", "løpenummer",
        "punkt", "vedtakspunkt", "vedtaks", "vedtaksnr", "vedtaksdato", "saksnr",
        "saksnummer", "sak", "arkivsak", "vedtakspunktogdato", "vedtaksdatopunkt",
        "tiltakskode", "tiltakkode", "tiltaksnr", "tiltaknr", "tiltaksnummer",
        "code", "no", "measurecode",
    ),
    "measure": (
        "tiltak", "tiltaket", "tiltaka", "tiltakene",
        "aktivitet", "aktiviteten", "aktivitetar", "aktiviteter", "aktivitetane", "aktivitetene",
        "tiltakaktivitet", "tiltakogaktivitet", "tiltakogaktivitetar", "tiltakogaktiviteter",
        "handling", "handlingar", "handlinger",
        "strategi", "strategiar", "strategier",
        "oppgåve", "oppgåver", "oppgave", "oppgaver", "beskriving", "beskrivelse",
        "tiltaksbeskriving", "tiltaksbeskrivelse", "skildring",
        "measure", "measures", "action", "actions", "activity", "activities",
    ),
    "timing": (
        "tid", "tidsrom", "tidsperiode", "periode", "tidspunkt", "tidsplan", "tidsfrist",
        "når", "frist", "år", "årstal", "årstall", "gjennomføring", "gjennomføringsår",
        "gjennomføringstid", "oppstart", "ferdig", "ferdigstilling", "tidfesting",
        "time", "timing", "when", "period", "deadline", "year",
    ),
    "responsible": (
        "ansvar", "ansvarleg", "ansvarlig", "ansvarlege", "ansvarlige",
        "hovudansvar", "hovedansvar", "ansvarlegeining", "ansvarligenhet",
        "ansvarsfordeling", "eigar", "eier", "tiltakseigar", "tiltakseier",
        "responsible", "responsibility", "owner",
    ),
    "involved": (
        "involvering", "involverte", "involvert", "medverkande", "medvirkende",
        "samarbeid", "samarbeidspart", "samarbeidspartar", "samarbeidspartnar",
        "samarbeidspartnarar", "samarbeidspartner", "samarbeidspartnere",
        "partnarar", "partnerar", "partnere", "partnar", "partner",
        "utførar", "utfører", "utførarar", "utførere", "aktørar", "aktører",
        "deltakarar", "deltakere", "bidragsytarar", "bidragsytere",
        "involved", "involvement", "partners", "collaborators",
    ),
    "status": (
        "status", "statusfarge", "framdrift", "fremdrift", "statusframdrift",
        "gjennomførtstatus", "progress",
    ),
    "comment": (
        "kommentar", "kommentarar", "kommentarer", "statuskommentar", "statuskommentarar",
        "statuskommentarer", "statusomtale", "statusbeskriving", "statusbeskrivelse",
        "comment", "comments",
    ),
    "note": ("merknad", "merknader", "merknadar", "note", "notes", "notat"),
    # Columns for the area and goal, as in one-row-per-measure sheets.
    "area": (
        "innsatsområde", "innsatsområder", "innsatsområda", "innsatsområdet",
        "satsingsområde", "satsingsområder", "satsingsområda", "satsningsområde",
        "fokusområde", "fokusområder", "tema", "temaområde", "hovudtema", "hovedtema",
        "focusarea", "area",
    ),
    "goal_code": ("målkode", "målnr", "målnummer", "goalcode", "goalno"),
    "goal": (
        "mål", "delmål", "målet", "effektmål", "resultatmål", "hovudmål", "hovedmål",
        "målsetjing", "målsetting", "goal", "goals", "objective",
    ),
}  # fmt: skip

# Phrases that name a column although the header is a sentence: «Da må vi (tiltak
# 2018–2019):», «Dette gjer vi», «Slik gjer vi det». Matched on the header folded by
# `fold`, anywhere; each phrase says which role.
HEADER_PHRASES: dict[str, tuple[str, ...]] = {
    "measure": (
        "da må vi",
        "då må vi",
        "dette gjer vi",
        "dette gjør vi",
        "slik gjer vi",
        "slik gjør vi",
        "vi skal",
        "korleis",
        "hvordan",
    ),
    "timing": ("når skal", "kva tid", "hva tid", "innan når", "innen når"),
    "responsible": ("kven har ansvar", "hvem har ansvar", "kven", "hvem"),
    "status": ("status pr", "status per", "status for", "status ved"),
}

_HEADER_LOOKUP = {word: role for role, words in HEADER_WORDS.items() for word in words}


def header_key(text: str) -> str:
    """«Tiltak-kode» → «tiltakkode», «Tid (år)» → «tid»."""
    text = re.sub(r"\(.*?\)", " ", text).casefold()
    return re.sub(r"[\W\d_]", "", text)


def header_role(text: str) -> str | None:
    """The role a column header names exactly, or None. «Ansvar/ansvarleg» counts as
    «Ansvar»; a header that is a sentence is left to `header_role_guess`."""
    for alternative in re.split(r"[/|]", text):
        role = _HEADER_LOOKUP.get(header_key(alternative))
        if role:
            return role
    return None


def header_role_guess(text: str) -> tuple[str, float] | None:
    """(role, confidence) for a header, also one that is a sentence or a compound: 1.0 for
    a header word, 0.8 for a header phrase («Da må vi (tiltak 2018–2019):»), 0.6 for a
    header word inside a longer header («Tiltak/aktivitet», «Status pr. 1.3.2025»,
    «Ansvarleg eining»)."""
    role = header_role(text)
    if role:
        return role, 1.0
    folded = fold(text)
    for role, phrases in HEADER_PHRASES.items():
        if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", folded) for p in phrases):
            return role, 0.8
    words = [header_key(w) for w in re.split(r"[\s/|,:;()–-]+", text) if header_key(w)]
    for word in words[:4]:
        if word in _HEADER_LOOKUP:
            return _HEADER_LOOKUP[word], 0.6
    return None


# ---------------------------------------------------------------------------------------
# Status words
# ---------------------------------------------------------------------------------------

# Phrases per status; longer phrases are matched before the shorter words they contain
# («ikkje påstarta» before «påstarta»).
#
# «ikkje gjennomført» / «ikke gjennomført» is *not started*: the words say the measure has
# not been carried out, nothing more. Whether it was stopped is another statement
# («avslutta utan gjennomføring», «ikkje realisert», «lagt bort»), which is *cancelled*. A
# reader that knows from context that the work is over (a programme page written after
# the programme ended) may read «not carried out» as cancelled; programme.py does.
#
# «utsett» / «utsatt» (postponed) is *not started*: the measure waits, it has not been
# given up. «Løpande»/«Løpende» in a status column says the work goes on: *started*.
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "cancelled": (
        "avslutta utan gjennomføring", "avslutta uten gjennomføring",
        "avsluttet uten gjennomføring", "ikkje realisert", "ikke realisert",
        "ikkje blitt realisert", "ikke blitt realisert", "ikkje vorte realisert",
        "ikkje gjennomførast", "ikke gjennomføres", "ikkje vidareført", "ikke videreført",
        "lagt bort", "lagd bort", "lagt på is", "avlyst", "avlyse", "kansellert",
        "skrinlagt", "utgått", "utgår", "avbrote", "avbrutt", "trekt", "trukket",
        "cancelled", "canceled", "dropped",
    ),
    "unknown": (
        "ikkje vurdert", "ikke vurdert", "ukjend", "ukjent", "unknown", "not assessed",
    ),
    "not_started": (
        "ikkje påstarta", "ikkje påstartet", "ikke påstartet", "ikke påstarta",
        "ikkje påbegynt", "ikke påbegynt", "ikkje starta", "ikkje starta opp",
        "ikke startet", "ikke starta", "ikkje starta enno", "ikke startet ennå",
        "ikkje i gang", "ikke i gang", "ikkje sett i gang", "ikke satt i gang",
        "ikkje gjennomført", "ikke gjennomført", "ikkje oppstarta", "ikke oppstartet",
        "ikkje begynt", "ikke begynt", "ikkje igangsett", "ikke igangsatt",
        "utsett", "utsatt", "planlagt", "ikkje prioritert", "ikke prioritert",
        "not started", "postponed", "raud", "rød", "red",
    ),
    "started": (
        "ikkje avslutta", "ikke avsluttet", "ikkje ferdig", "ikke ferdig",
        "ikkje ferdigstilt", "ikke ferdigstilt", "ikkje fullført", "ikke fullført",
        "delvis gjennomført", "delvis fullført", "delvis", "påstarta", "påstartet",
        "påbegynt", "starta", "startet", "oppstarta", "oppstartet", "i gang", "er i gang",
        "sett i gang", "satt i gang", "igangsett", "igangsatt", "pågår", "pågåande",
        "pågående", "under arbeid", "under utarbeiding", "under utarbeidelse",
        "under etablering", "i arbeid", "i prosess", "prosess", "prosessen",
        "started", "in progress", "ongoing", "gul", "yellow", "oransje", "orange",
    ),
    "done": (
        "gjennomført", "gjennomførte", "fullført", "ferdig", "ferdigstilt", "utført",
        "avslutta", "avsluttet", "levert", "realisert", "etablert", "etablerte",
        "vedteke", "vedteken", "vedtekne", "vedtatt", "vedtatte", "innført",
        "done", "completed", "complete", "finished", "grøn", "grønn", "green",
    ),
}  # fmt: skip

# A programme page's results are written after the programme ended: a result line that
# opens with a verb in the past («Utvikla eit koordinert næringsapparat», «Oppretta
# næringsfond») states something done. Nynorsk's a-infinitive is spelt like the past
# («å utvikla»), so this holds only for the first word of a line in a results list, never
# in a status cell or in a plan's measures, which are written as things to do.
RESULT_DONE_OPENINGS = frozenset(
    {
        "utvikla", "utviklet", "oppretta", "opprettet", "etablert", "etablerte", "laga",
        "laget", "lagd", "bygd", "bygt", "bygget", "innført", "innførte", "lansert",
        "lanserte", "utarbeidd", "utarbeida", "utarbeidet", "gjennomført", "gjennomførte",
        "vedteke", "vedteken", "vedtatt", "stifta", "stiftet", "skipa", "opna", "åpnet",
        "fullført", "ferdigstilt", "realisert", "levert", "gjennomførd",
    }
)  # fmt: skip

# Words that are a status only in a status cell, not inside a sentence: colours, and words
# that in prose usually mean something else («planlagt», «etablert» of a name).
CELL_ONLY_STATUS_WORDS = frozenset(
    {
        "raud", "rød", "red", "gul", "yellow", "oransje", "orange", "grøn", "grønn", "green",
        "planlagt", "løpande", "løpende", "kontinuerleg", "kontinuerlig", "trekt",
        "trukket", "utgår", "prosessen",
    }
)  # fmt: skip
# Continuous work in a status column: the work goes on.
STATUS_WORDS_CELL_EXTRA = {"started": ("løpande", "løpende", "kontinuerleg", "kontinuerlig")}

# A negation just before a done-word that has no phrase of its own («ikkje etablert»):
# the words say it was not done, which tells no status, so nothing is read.
_NEGATION_BEFORE = re.compile(r"(?:ikkje|ikke|not)\s+(?:blitt\s+|vorte\s+|vore\s+|vært\s+)?$")


def _phrase_patterns(*, cell: bool) -> list[tuple[re.Pattern[str], str, str]]:
    phrases: list[tuple[str, str]] = []
    for status, words in STATUS_WORDS.items():
        phrases += [(w, status) for w in words if cell or w not in CELL_ONLY_STATUS_WORDS]
    if cell:
        phrases += [(w, s) for s, words in STATUS_WORDS_CELL_EXTRA.items() for w in words]
    phrases.sort(key=lambda item: -len(item[0]))
    return [
        (re.compile(r"(?<!\w)" + re.escape(p).replace(r"\ ", r"\s+") + r"(?!\w)"), p, s)
        for p, s in phrases
    ]


_CELL_PATTERNS = _phrase_patterns(cell=True)
_PROSE_PATTERNS = _phrase_patterns(cell=False)


def status_phrases(text: str, *, prose: bool = False) -> list[tuple[str, str]]:
    """(status, phrase) for every status phrase in `text`, longest phrases first, each
    part of the text counted once («påstarta» in «ikkje påstarta» is not seen again)."""
    text = unicodedata.normalize("NFC", text).casefold()
    found: list[tuple[str, str]] = []
    for pattern, phrase, status in _PROSE_PATTERNS if prose else _CELL_PATTERNS:
        for match in pattern.finditer(text):
            if status == "done" and _NEGATION_BEFORE.search(text[: match.start()]):
                continue  # «ikkje etablert»: not done, and no other status said
            found.append((status, phrase))
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return found


def status_from_words(text: str, *, prose: bool = False) -> str | None:
    """The status that words give, or None when they give none.

    In a status cell (the default) every status phrase must agree: «Gul/grøn» gives None.
    In prose (`prose=True`: a result line, a sentence in a report) the words that say most
    about where the work stands win: stopped (cancelled) over going on (started); done and
    not started together say the work is part way (started). Colour words count only in a
    cell. «Ikkje vurdert» gives "unknown": the document says so, which is not the same as
    saying nothing (None).
    """
    statuses = {status for status, _ in status_phrases(text, prose=prose)}
    if len(statuses) == 1:
        return statuses.pop()
    if not prose or not statuses:
        return None
    for status in ("cancelled", "started"):
        if status in statuses:
            return status
    if {"done", "not_started"} <= statuses:
        return "started"
    return next(iter(sorted(statuses - {"unknown"})), None)


# ---------------------------------------------------------------------------------------
# Timing words
# ---------------------------------------------------------------------------------------

# Matched on word starts, so that «Kont», «kont.» and «kontinuerleg» all count.
YEARLY_WORDS = ("årleg", "årlig", "kvart år", "hvert år", "annual", "yearly", "annually")
CONTINUOUS_WORDS = (
    "kont", "løpande", "løpende", "fortløpande", "fortløpende", "heile perioden",
    "hele perioden", "heile planperioden", "hele planperioden", "kontinuerleg",
    "kontinuerlig", "continuous", "ongoing", "permanent", "varig",
)  # fmt: skip
# Whole-cell timing words for the flattened-text reader, which must tell a «Tid» cell from
# a sentence at the start of a line. Regular expressions, longest first.
TIMING_CELL_WORDS = (
    r"årleg", r"årlig", r"kvart\s+år", r"hvert\s+år", r"kontinuerleg", r"kontinuerlig",
    r"kont\.?", r"løpande", r"løpende", r"fortløpande", r"fortløpende",
    r"(?:i\s+)?heile\s+(?:plan)?perioden", r"(?:i\s+)?hele\s+(?:plan)?perioden",
    r"planperioden", r"ongoing", r"continuous", r"annually", r"annual", r"yearly",
)  # fmt: skip
SEASON_WORDS = (
    r"våren", r"vår", r"hausten", r"haust", r"høsten", r"høst", r"sommar", r"sommer",
    r"vinter", r"Q[1-4]", r"[1-4]\.\s*kvartal", r"[12]\.\s*halvår",
)  # fmt: skip
BEFORE_YEAR_WORDS = ("innan", "innen", "før", "frå", "fra", "til", "from", "by")
MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "desember",
)  # fmt: skip
MONTH_NUMBERS = {
    "jan": 1, "januar": 1, "feb": 2, "febr": 2, "februar": 2, "mar": 3, "mars": 3,
    "apr": 4, "april": 4, "mai": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10,
    "nov": 11, "november": 11, "des": 12, "desember": 12,
}  # fmt: skip


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len)[::-1])


YEARLY = re.compile(rf"\b(?:{_alternation(YEARLY_WORDS)})", re.IGNORECASE)
CONTINUOUS = re.compile(rf"\b(?:{_alternation(CONTINUOUS_WORDS)})", re.IGNORECASE)

# ---------------------------------------------------------------------------------------
# Bullets and numbering
# ---------------------------------------------------------------------------------------

# Bullet characters as documents and text extraction give them («\uf0b7» is Word's
# Symbol-font bullet as pdfminer reads it).
BULLETS = "•·●○◦▪■□▫➢►▶→‣✓✔❖◆◇➤*\uf0b7\uf0a7\uf076\uf0d8"
# Dashes and «o» are bullets only when a space follows.
DASH_BULLETS = ("-", "–", "—", "o")
BULLET = re.compile(rf"^(?:[{re.escape(BULLETS)}]|[-–—](?=\s)|o(?=\s+\S))\s*")

# Numbering schemes of items and codes, as written at the start of a line or cell.
# «1.1.1», «1.1.1.», «.5.2.»: dotted numbers (measure and goal codes).
DOTTED_CODE = r"\.?\d{1,3}(?:\.\d{1,3})+\.?"
# «BA1», «IKT 1», «IKT-1.2», «A.2», «3a», «T12»: letters and numbers.
LETTER_CODE = (
    r"(?:[A-ZÆØÅ]{1,5}[ -]?\d{1,3}(?:\.\d{1,3})*[a-z]?"
    r"|[A-ZÆØÅ]\.\d{1,3}(?:\.\d{1,3})*|\d{1,3}[a-z])"
)
# «1.», «1)», «(1)», «a)»: a list number.
LIST_NUMBER = r"(?:\(?\d{1,3}[.)]|\(?[a-zæøå]\))"
# Labelled items: «Tiltak 3.», «Tiltak 3:», «Nytt punkt 41:», «Tillegg punkt 39:», «Punkt 4».
ITEM_LABELS = (
    "tiltak", "nytt tiltak", "aktivitet", "punkt", "nytt punkt", "tillegg punkt",
    "tilleggspunkt", "handling", "oppgåve", "oppgave",
)  # fmt: skip
LABELLED_ITEM = re.compile(
    rf"^(?P<label>{_alternation(ITEM_LABELS)})\s+(?P<number>\d{{1,3}}(?:\.\d{{1,3}})*[a-z]?)"
    r"\s*[.:)–-]?\s+(?=\S)",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------
# Focus areas and goals
# ---------------------------------------------------------------------------------------

AREA_WORDS = (
    "innsatsområde", "satsingsområde", "satsningsområde", "fokusområde", "temaområde",
    "hovudtema", "hovedtema", "tema", "hovudområde", "hovedområde", "område",
)  # fmt: skip
GOAL_WORDS = (
    "delmål", "mål", "resultatmål", "effektmål", "målsetjing", "målsetting", "hovudmål",
    "hovedmål", "samfunnsmål",
)  # fmt: skip
# «(forts.)» after a heading repeated over a page break.
CONTINUED = re.compile(
    r"\s*\((?:forts\.?|framhald|fortsettelse|fortsatt|cont\.?)\)\s*$", re.IGNORECASE
)
# Lines that introduce a list of measures in a prose report: «Noen tiltak:», «Viktige
# tiltak i år:», «Tiltak:», «Dette er gjort:», «Aktivitetar i 2024:».
MEASURE_LIST_INTRO = re.compile(
    r"^(?:(?:nokre|noen|nokon|viktige|sentrale|aktuelle|andre|nye|planlagde|planlagte"
    r"|gjennomførte|prioriterte|våre|følgjande|følgende|konkrete)\s+)*"
    r"(?:tiltak|aktivitetar|aktiviteter|handlingar|handlinger|oppgåver|oppgaver)"
    r"(?:\s+(?:i\s+år|i\s+\d{4}|for\s+\d{4}(?:\s*[-–]\s*\d{2,4})?|\d{4}(?:\s*[-–]\s*\d{2,4})?"
    r"|i\s+perioden|framover|fremover|vidare|videre))?\s*:$"
    r"|^(?:dette\s+(?:er|blir|vert|skal\s+(?:vi|gjerast|gjøres)))\b.*:$"
    r"|^(?:vi\s+(?:skal|vil|har))\b.{0,60}:$",
    re.IGNORECASE,
)

# Lines that end the plan's tables in a case document: «Forslag til vedtak», «Vedtak:».
END_OF_PLAN = re.compile(
    r"^(?:(?:forslag|framlegg|innstilling|tilråding)\s+til\s+(?:vedtak|innstilling)"
    r"|(?:vedtak|innstilling|tilråding)\s*:"
    r"|med\s+(?:venleg\s+|vennlig\s+)?(?:helsing|hilsen))",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------
# Programme pages: the words their section headings are made of
# ---------------------------------------------------------------------------------------

# Misspelt in a heading («Resulatater», «Innsattsområde»), a word is read as the one of
# these it is one slip away from (a letter added, dropped, changed or two swapped).
PROGRAMME_HEADING_WORDS = (
    "resultat", "resultata", "resultatet", "resultater", "resultatene", "resultatane",
    "oppnådde", "viktige", "innsatsområde", "innsatsområder", "innsatsområda",
    "innsatsområdet", "innsatsfelt", "satsingsområde", "satsingsområder", "satsingsområda",
    "fokusområde", "fokusområder", "temaområde", "satsingar", "satsinger", "prioriterte",
    "målsetjing", "målsetjingar", "målsetting", "målsettinger", "hovudmål", "hovedmål",
    "delmål", "strategiar", "strategier", "visjon", "erfaringar", "erfaringer", "regionens",
    "fakta", "nøkkeltal", "nøkkeltall", "nøkkelinformasjon", "utdrag", "søknad",
    "søknaden", "programslutt", "programperioden", "vidareføring", "videreføring",
    "oppfølging", "regionen", "jobbar", "jobber", "arbeider", "dokumenter", "dokument",
    "vedlegg", "kontaktperson", "kontaktinformasjon", "dokumentasjon", "rapportar",
    "rapporter",
)  # fmt: skip


def one_slip_apart(a: str, b: str) -> bool:
    """Whether two words differ by one letter added, dropped or changed, or two
    neighbouring letters swapped (Damerau–Levenshtein distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        i = diff[0] if diff else 0
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def correct_heading_word(word: str) -> str:
    """A heading word as the vocabulary spells it, when it is one slip from one of the
    programme heading words; the word itself otherwise (and always when short)."""
    folded = word.casefold()
    if len(folded) < 5 or folded in PROGRAMME_HEADING_WORDS:
        return word
    found = [w for w in PROGRAMME_HEADING_WORDS if one_slip_apart(folded, w)]
    return found[0] if len(found) == 1 else word


# ---------------------------------------------------------------------------------------
# Actor names
# ---------------------------------------------------------------------------------------

CONJUNCTIONS = frozenset({"og", "eller", "and", "or", "samt", "&"})
# Lower-case words that end a name even on a line of their own: «Hemsedal» / «kommune».
NAME_TAILS = frozenset(
    {
        "kommune", "kommunen", "fylkeskommune", "fylkeskommunen", "regionråd", "regionrådet",
        "vegvesen", "vegvesenet", "universitet", "høgskule", "høgskole", "helseføretak",
        "helseforetak", "iks", "as", "sa",
    }
)  # fmt: skip
# Small words inside names: a name never ends with one.
LINKING_WORDS = frozenset({"i", "for", "på", "til", "av", "ved", "under", "frå", "fra", "de", "of"})


def fold(text: str) -> str:
    """Text as compared: NFC, case folded, runs of space as one."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold()).strip()
