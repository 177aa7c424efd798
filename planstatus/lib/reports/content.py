"""What a status case says, independent of its format.

`CaseContent` is built once from the database (planstatus.cases.services.build_case_content)
and then rendered as Word, PDF or a print page; all three read the same frozen object, so
they cannot say different things. Nothing here knows Django.

The document is Nynorsk by nature, like the council's own case documents: its fixed wording
is here, in one place, for every format.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from planstatus.lib.charts import BarChart, LineChart, Series


@dataclass(frozen=True)
class Wording:
    """The document's fixed text, in Nynorsk, shared by every format."""

    background: str = "Bakgrunn"
    highlights: str = "Sekretariatet vil særleg peike på:"
    legend: str = "Her er alle tiltak med status. Fargane og orda betyr:"
    legend_meaning: str = "Tyding"
    legend_line: str = "{colour} merking: tiltaket er {word}."
    measure: str = "Tiltak"
    timing: str = "Tid"
    responsible: str = "Ansvar"
    involved: str = "Involvering"
    status: str = "Status"
    code: str = "Kode"
    # Not «Tiltak» in the compact lists, so that the Word importer takes no list for a plan.
    measure_short: str = "Kort omtale"
    comment: str = "Siste kommentar"
    no_comment: str = "Ingen kommentar er rapportert."
    # Who a comment is credited to when no body reported it (never the person who typed it).
    credit_secretariat: str = "Sekretariatet"
    credit_document: str = "Plandokumentet"
    # A measure whose responsible actor is a group: each member's own status.
    members_reported: str = "{n} av {total} har rapportert."
    member_not_reported: str = "ikkje rapportert"
    focus_area: str = "Innsatsområde"
    total: str = "Totalt"
    summary: str = "Samandrag"
    summary_intro: str = "Tal på tiltak per status i kvart innsatsområde og i alt."
    summary_intro_compared: str = (
        "Tal på tiltak per status i kvart innsatsområde og i alt. Pilene viser endringa "
        "sidan {against}: ↑ fleire, ↓ færre."
    )
    forward: str = "Framover"
    forward_rule: str = (
        "Framover: frå ikkje vurdert eller ikkje påstarta til påstarta eller gjennomført, "
        "eller frå påstarta til gjennomført. Tilbake: motsett veg."
    )
    progress_none: str = "Ingen tiltak har endra status sidan {against}."
    progress: str = "Sidan {against} har {forward} gått framover og {back} gått tilbake."
    late_line: str = (
        "{n} tiltak har passert tida si og er ikkje påstarta eller berre påstarta "
        "(lista bak i saka)."
    )
    late_line_one: str = (
        "Eitt tiltak har passert tida si og er ikkje påstarta eller berre påstarta "
        "(lista bak i saka)."
    )
    chart_title: str = "Tiltak per status i kvart innsatsområde"
    chart_caption: str = "Tiltak per status i kvart innsatsområde. Tala står i tabellen over."
    chart_description: str = "Liggjande stolpar, ein per innsatsområde, delte etter status."
    changes: str = "Endringar sidan førre sak"
    change: str = "Endring"
    before: str = "Før"
    after: str = "No"
    no_earlier_round: str = (
        "Det finst ingen tidlegare sak eller lukka rapporteringsrunde å samanlikne med."
    )
    no_changes: str = "Ingen tiltak har endra status sidan {round}."
    changes_intro: str = "Desse {n} tiltaka har endra status sidan {round}:"
    change_intro: str = "Eitt tiltak har endra status sidan {round}:"
    against_case: str = "sak {number} ({date})"
    against_round: str = "rapporteringsrunden «{round}»"
    overdue: str = "Tiltak der tida er ute"
    overdue_measure: str = "Kode og tiltak"
    no_overdue: str = "Ingen påstarta eller ikkje påstarta tiltak har passert tida si."
    overdue_intro: str = (
        "Desse {n} tiltaka skulle etter planen vore ferdige før {year}, eller har ein "
        "milepæl som har passert fristen utan å vere nådd, men er ikkje påstarta eller "
        "berre påstarta:"
    )
    overdue_intro_one: str = (
        "Eitt tiltak skulle etter planen vore ferdig før {year}, eller har ein milepæl som "
        "har passert fristen utan å vere nådd, men er ikkje påstarta eller berre påstarta:"
    )
    milestones: str = "Milepælar: {done} av {n} nådde"
    unassessed: str = "{n} tiltak er ikkje vurderte, og er ikkje rekna med her: {codes}."
    unassessed_one: str = "Eitt tiltak er ikkje vurdert, og er ikkje rekna med her: {codes}."
    proposed_resolution: str = "Forslag til vedtak"
    # The annual report («årsrapport»): the status case with each goal's indicators.
    annual_title: str = "Årsrapport {year} – {plan}"
    indicators: str = "Indikatorar"
    indicators_intro: str = (
        "Måla som er talfesta, med indikatorane sine: utgangspunkt, mål, siste verdi og "
        "status mot målbana."
    )
    no_indicators: str = "Planen har ingen indikatorar enno."
    other_indicators: str = "Indikatorar knytte til tiltak"
    unit: str = "Eining"
    baseline: str = "Utgangspunkt"
    target: str = "Mål"
    latest: str = "Siste verdi"
    region_value: str = "Verdien for regionen"
    source: str = "Kjelde"
    no_values: str = "Ingen verdiar er registrerte enno."
    indicator_figures: str = "Tala i figuren"
    period: str = "Periode"
    page: str = "Side"
    page_of: str = "av"


WORDING = Wording()


@dataclass(frozen=True)
class StatusStyle:
    """One status as the document shows it: word, symbol and colour, never colour alone."""

    key: str  # "done", as planstatus.plans.models.Status
    word: str  # "gjennomført"
    symbol: str  # "✓"
    colour_word: str  # "grøn": what the council calls the colour in its documents
    fill: str  # "#d3f1dc": the pale cell fill that black text reads well on
    ink: str  # "#0b4d23": text on the fill
    strong: str  # "#1a7f3c": the full colour, for chart bars

    @property
    def text(self) -> str:
        """«✓ Gjennomført»: what a status cell says."""
        return f"{self.symbol} {self.word[:1].upper()}{self.word[1:]}"


@dataclass(frozen=True)
class CaseDetails:
    """The fields the secretariat fills in for a case."""

    case_number: str
    title: str
    background: str
    proposed_resolution: str
    place: str
    date: datetime.date
    signer_name: str
    signer_title: str
    # The three to five things the secretariat wants to point out, one a line.
    highlights: str = ""

    @property
    def highlight_points(self) -> tuple[str, ...]:
        return highlight_points(self.highlights)


def highlight_points(text: str) -> tuple[str, ...]:
    """The points, one a line, without any list mark («-», «•», «1.») the writer typed."""
    points = (_LIST_MARK.sub("", line).strip() for line in text.splitlines())
    return tuple(point for point in points if point)


_LIST_MARK = re.compile(r"^\s*(?:[-–•*]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class BodyComment:
    """What a responsible body last wrote publicly about a measure, credited to the body
    (an actor), never to the person who typed it."""

    text: str
    actor: str
    date_text: str  # «3. mars 2025»

    @property
    def credit(self) -> str:
        return f"{self.actor}, {self.date_text}" if self.actor else self.date_text


@dataclass(frozen=True)
class Row:
    code: str
    text: str
    timing: str
    responsible: tuple[str, ...]
    involved: tuple[str, ...]
    status: StatusStyle
    comment: BodyComment | None = None
    milestones: int = 0
    milestones_done: int = 0  # by the day the case speaks of

    @property
    def short_text(self) -> str:
        return shorten(self.text)

    @property
    def milestone_text(self) -> str:
        """«Milepælar: 1 av 3 nådde», or "" for a measure without milestones."""
        if not self.milestones:
            return ""
        return WORDING.milestones.format(done=self.milestones_done, n=self.milestones)


def shorten(text: str, length: int = 110) -> str:
    """The text on one line, cut at a word near `length` characters: for the compact lists,
    which name a measure the full table has shown in full."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(" ,.;:–-") + " …"


@dataclass(frozen=True)
class GoalGroup:
    code: str  # "" for measures that sit straight under the focus area
    text: str
    rows: tuple[Row, ...]

    @property
    def heading(self) -> str:
        if not self.code and not self.text:
            return ""
        return f"Mål {self.code}: {self.text}" if self.code else self.text


@dataclass(frozen=True)
class StatusCount:
    status: StatusStyle
    count: int


@dataclass(frozen=True)
class AreaTable:
    code: str
    name: str
    groups: tuple[GoalGroup, ...]
    counts: tuple[StatusCount, ...]

    @property
    def heading(self) -> str:
        return f"{self.code}. {self.name}" if self.code else self.name

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def counts_text(self) -> str:
        """«2 gjennomført, 3 påstarta»: the statuses present, in the legend's order."""
        return ", ".join(f"{c.count} {c.status.word}" for c in self.counts if c.count)


@dataclass(frozen=True)
class SummaryLine:
    label: str
    counts: tuple[int, ...]  # in the order of CaseContent.statuses
    # Per status, how many more (+) or fewer (−) than in the case compared with; empty when
    # there is nothing to compare with.
    deltas: tuple[int, ...] = ()
    forward: int = 0  # measures that moved forward since then (WORDING.forward_rule)
    back: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def cells(self) -> tuple[tuple[int, str], ...]:
        """Each status's count with its change as an arrow: (14, "↑2"), (3, "")."""
        deltas = self.deltas or (0,) * len(self.counts)
        return tuple((n, arrow(d)) for n, d in zip(self.counts, deltas, strict=True))


def arrow(delta: int) -> str:
    """«↑2», «↓1» or "": a change in a count, readable without colour."""
    if delta > 0:
        return f"↑{delta}"
    if delta < 0:
        return f"↓{-delta}"
    return ""


@dataclass(frozen=True)
class Summary:
    statuses: tuple[StatusStyle, ...]
    areas: tuple[SummaryLine, ...]
    total: SummaryLine
    # «sak 16-25 (15. mars 2025)»: what the arrows compare with; "" when nothing.
    against: str = ""

    @property
    def compared(self) -> bool:
        return bool(self.against)

    @property
    def moved(self) -> bool:
        """Whether any measure moved forward or back: then the rule for it is stated."""
        return bool(self.total.forward or self.total.back)

    @property
    def intro(self) -> str:
        if self.against:
            return WORDING.summary_intro_compared.format(against=self.against)
        return WORDING.summary_intro

    @property
    def progress_text(self) -> str:
        """«Sidan sak 16-25 (…) har 9 tiltak gått framover og 1 tiltak gått tilbake.»"""
        if not self.against:
            return WORDING.no_earlier_round
        forward, back = self.total.forward, self.total.back
        if not forward and not back:
            return WORDING.progress_none.format(against=self.against)
        return WORDING.progress.format(
            against=self.against, forward=_measures(forward), back=_measures(back)
        )

    def chart(self) -> BarChart:
        """Measures per status per focus area, as a stacked bar chart.

        Statuses no measure has are left out of the chart; the table keeps them all.
        """
        present = [i for i, _ in enumerate(self.statuses) if self.total.counts[i]]
        return BarChart(
            title=WORDING.chart_title,
            description=WORDING.chart_description,
            categories=tuple(line.label for line in self.areas),
            series=tuple(
                Series(
                    label=self.statuses[i].word,
                    colour=self.statuses[i].strong,
                    mark=self.statuses[i].symbol,
                    values=tuple(line.counts[i] for line in self.areas),
                )
                for i in present
            ),
            total_label=WORDING.total,
        )


def _measures(n: int) -> str:
    return "eitt tiltak" if n == 1 else f"{n} tiltak"


@dataclass(frozen=True)
class Change:
    code: str
    text: str
    before: StatusStyle
    after: StatusStyle

    # +1 forward, -1 back, 0 neither (to or from «avslutta»): WORDING.forward_rule.
    direction: int = 0

    @property
    def arrow_text(self) -> str:
        return f"{self.before.text} → {self.after.text}"

    @property
    def short_text(self) -> str:
        return shorten(self.text, 60)

    @property
    def direction_mark(self) -> str:
        return {1: "↑", -1: "↓"}.get(self.direction, "")


@dataclass(frozen=True)
class Comparison:
    """What changed since the previous case (or, before any was sent, the previous closed
    round); `against` names it («sak 16-25 (15. mars 2025)»), None when there is none."""

    against: str | None
    changes: tuple[Change, ...] = ()

    @property
    def text(self) -> str:
        if self.against is None:
            return WORDING.no_earlier_round
        if not self.changes:
            return WORDING.no_changes.format(round=self.against)
        if len(self.changes) == 1:
            return WORDING.change_intro.format(round=self.against)
        return WORDING.changes_intro.format(round=self.against, n=len(self.changes))


@dataclass(frozen=True)
class IndicatorFigures:
    """One indicator as the annual report shows it; the texts are ready-made Nynorsk."""

    name: str
    unit: str
    definition: str
    source: str
    baseline: str  # «20 566 (2015)», or ""
    targets: tuple[str, ...]  # «600 innan 2025 (note)»
    latest: str  # «21 000 (2024)», or ""
    assessment: str  # «i rute»
    symbol: str  # «↗»: the status is never carried by colour alone
    region_value: str  # «summen av kommunane»
    chart: LineChart | None  # None when there is nothing to draw

    @property
    def status_text(self) -> str:
        return f"{self.symbol} {self.assessment[:1].upper()}{self.assessment[1:]}"


@dataclass(frozen=True)
class GoalIndicators:
    code: str  # "" for the indicators tied only to measures
    text: str
    indicators: tuple[IndicatorFigures, ...]

    @property
    def heading(self) -> str:
        if not self.code:
            return self.text or WORDING.other_indicators
        return f"Mål {self.code}: {self.text}"


@dataclass(frozen=True)
class CaseContent:
    details: CaseDetails
    date_text: str  # «15. mars 2025»
    region_name: str
    plan_title: str
    as_of: str  # «Status ved rapporteringsrunden «Vår 2025», lukka 3. mars 2025»
    statuses: tuple[StatusStyle, ...]  # the legend, in the order used everywhere
    areas: tuple[AreaTable, ...]
    summary: Summary
    comparison: Comparison
    overdue: tuple[Row, ...]
    overdue_as_of: str  # «2025»: the year the timing is compared with
    # The codes of the measures nobody has assessed: one line, never counted as late.
    unassessed: tuple[str, ...] = ()
    # The annual report variant: the same case, with each goal's indicators added.
    annual: bool = False
    indicators: tuple[GoalIndicators, ...] = ()
    indicator_rule: str = ""  # how an indicator's status is set, as the web pages say it

    @property
    def wording(self) -> Wording:
        return WORDING

    @property
    def heading(self) -> str:
        return f"Sak {self.details.case_number} {self.details.title}".strip()

    @property
    def indicator_count(self) -> int:
        return sum(len(group.indicators) for group in self.indicators)

    @property
    def running_head(self) -> str:
        return f"Sak {self.details.case_number}" if self.details.case_number else self.plan_title

    @property
    def legend(self) -> tuple[tuple[StatusStyle, str], ...]:
        """Each status with its meaning: «Grøn merking: tiltaket er gjennomført.»"""
        return tuple(
            (s, WORDING.legend_line.format(colour=s.colour_word.capitalize(), word=s.word))
            for s in self.statuses
        )

    @property
    def measure_count(self) -> int:
        return sum(len(area.rows) for area in self.areas)

    @property
    def overdue_text(self) -> str:
        if not self.overdue:
            return WORDING.no_overdue
        if len(self.overdue) == 1:
            return WORDING.overdue_intro_one.format(year=self.overdue_as_of)
        return WORDING.overdue_intro.format(n=len(self.overdue), year=self.overdue_as_of)

    @property
    def unassessed_text(self) -> str:
        """«3 tiltak er ikkje vurderte, …: 1.1.2, 2.1.1, 4.3.1.», or "" when all are."""
        if not self.unassessed:
            return ""
        codes = ", ".join(code or "–" for code in self.unassessed)
        if len(self.unassessed) == 1:
            return WORDING.unassessed_one.format(codes=codes)
        return WORDING.unassessed.format(n=len(self.unassessed), codes=codes)

    @property
    def late_text(self) -> str:
        """The summary's line on late measures: «7 tiltak har passert tida si …»."""
        if not self.overdue:
            return WORDING.no_overdue
        if len(self.overdue) == 1:
            return WORDING.late_line_one
        return WORDING.late_line.format(n=len(self.overdue))
