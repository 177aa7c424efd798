"""What a status case says, independent of its format.

`CaseContent` is built once from the database (planstatus.cases.services.build_case_content)
and then rendered as Word, PDF or a print page; all three read the same frozen object, so
they cannot say different things. Nothing here knows Django.

The document is Nynorsk by nature, like the council's own case documents: its fixed wording
is here, in one place, for every format.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from planstatus.lib.charts import BarChart, LineChart, Series


@dataclass(frozen=True)
class Wording:
    """The document's fixed text, in Nynorsk, shared by every format."""

    background: str = "Bakgrunn"
    legend: str = "Her er alle tiltak med status. Fargane og orda betyr:"
    legend_meaning: str = "Tyding"
    legend_line: str = "{colour} merking: tiltaket er {word}."
    measure: str = "Tiltak"
    timing: str = "Tid"
    responsible: str = "Ansvar"
    involved: str = "Involvering"
    status: str = "Status"
    focus_area: str = "Innsatsområde"
    total: str = "Totalt"
    summary: str = "Samandrag"
    summary_intro: str = "Tal på tiltak per status i kvart innsatsområde og i alt."
    chart_title: str = "Tiltak per status i kvart innsatsområde"
    chart_caption: str = "Tiltak per status i kvart innsatsområde. Tala står i tabellen over."
    chart_description: str = "Liggjande stolpar, ein per innsatsområde, delte etter status."
    changes: str = "Endringar sidan førre runde"
    change: str = "Endring"
    no_earlier_round: str = "Det finst ingen tidlegare lukka rapporteringsrunde å samanlikne med."
    no_changes: str = "Ingen tiltak har endra status sidan «{round}»."
    changes_intro: str = "Desse {n} tiltaka har endra status sidan «{round}»:"
    change_intro: str = "Eitt tiltak har endra status sidan «{round}»:"
    overdue: str = "Tiltak der tida er ute"
    overdue_measure: str = "Kode og tiltak"
    no_overdue: str = "Ingen tiltak har passert tida si utan å vere gjennomførte eller avslutta."
    overdue_intro: str = (
        "Desse {n} tiltaka skulle etter planen vore ferdige før {year}, men er ikkje "
        "gjennomførte eller avslutta:"
    )
    overdue_intro_one: str = (
        "Eitt tiltak skulle etter planen vore ferdig før {year}, men er ikkje gjennomført "
        "eller avslutta:"
    )
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


@dataclass(frozen=True)
class Row:
    code: str
    text: str
    timing: str
    responsible: tuple[str, ...]
    involved: tuple[str, ...]
    status: StatusStyle


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

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Summary:
    statuses: tuple[StatusStyle, ...]
    areas: tuple[SummaryLine, ...]
    total: SummaryLine

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


@dataclass(frozen=True)
class Change:
    code: str
    text: str
    before: StatusStyle
    after: StatusStyle

    @property
    def arrow_text(self) -> str:
        return f"{self.before.text} → {self.after.text}"


@dataclass(frozen=True)
class Comparison:
    """What changed since an earlier closed round; `against` is None when there is none."""

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
