"""Indicators: recording values (never overwriting silently), reading files, computing the
region's series, judging it against the target path, and checking stated region facts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _

from planstatus.accounts.roles import known_user
from planstatus.indicators.models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    Indicator,
    IndicatorGoal,
    IndicatorMeasure,
    IndicatorTarget,
    IndicatorValue,
    StatedFact,
)
from planstatus.lib import charts
from planstatus.lib.capped import run_capped
from planstatus.lib.indicators import (
    Aggregate,
    Assessment,
    Judgement,
    Method,
    MunicipalityNumbers,
    Point,
    aggregate,
    assess,
    parse_period,
    position,
    read_region_values,
    relative_difference,
    target_path,
    unit_kind,
    units_conflict,
)
from planstatus.lib.jsonstat import MALFORMED, TOO_HEAVY, JsonStatError
from planstatus.lib.valuetable import BAD_ROW, TableError, TableRow
from planstatus.plans.models import Goal, Measure, Plan
from planstatus.regions.models import Municipality, Region

UNKNOWN_MUNICIPALITY = "unknown_municipality"
REPEATED_ROW = "repeated_row"
FACT_TOLERANCE = Decimal("0.02")

REGION_COLOUR = "#1e2b3c"
TARGET_COLOUR = "#1a7f3c"
MUNICIPALITY_COLOURS = ("#0062ba", "#c4261d", "#b38600", "#6b3fa0", "#00838f", "#8a4b08")
MUNICIPALITY_MARKS = ("■", "▲", "◆", "▼", "★", "✚")


# --- Recording values -----------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    municipality: Municipality | None
    period: str
    value: Decimal
    weight: Decimal | None = None
    source_note: str = ""

    @property
    def key(self) -> tuple[int | None, str]:
        return (self.municipality.pk if self.municipality else None, self.period)


@dataclass
class ValueChanges:
    new: list[ValueRow] = field(default_factory=list)
    changed: list[tuple[IndicatorValue, ValueRow]] = field(default_factory=list)
    unchanged: list[ValueRow] = field(default_factory=list)


class ValuesWouldChange(Exception):
    """Saving would change values already entered, and the person did not say so."""

    def __init__(self, changes: ValueChanges) -> None:
        super().__init__(f"{len(changes.changed)} values would change")
        self.changes = changes


def compare_values(*, indicator: Indicator, rows: Sequence[ValueRow]) -> ValueChanges:
    """What saving the rows would do: new values, changed ones (with the old), unchanged."""
    keys = {r.key for r in rows}
    if len(keys) != len(rows):
        raise TableError(REPEATED_ROW)
    existing = {
        (v.municipality_id, v.period): v
        for v in indicator.values.filter(period__in={r.period for r in rows})
    }
    changes = ValueChanges()
    for row in rows:
        old = existing.get(row.key)
        if old is None:
            changes.new.append(row)
        elif old.value != row.value or old.weight != row.weight:
            changes.changed.append((old, row))
        else:
            changes.unchanged.append(row)
    return changes


@transaction.atomic
def record_values(
    *,
    indicator: Indicator,
    rows: Sequence[ValueRow],
    user: User | AnonymousUser,
    via: str,
    replace: bool = False,
) -> ValueChanges:
    """Save the rows. Changing a value already entered needs `replace=True`; the earlier
    value stays in the history either way. Raises ValuesWouldChange and saves nothing
    otherwise."""
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    changes = compare_values(indicator=indicator, rows=rows)
    if changes.changed and not replace:
        raise ValuesWouldChange(changes)
    who = known_user(user)
    for row in changes.new:
        value = IndicatorValue(
            indicator=indicator,
            municipality=row.municipality,
            period=row.period,
            value=row.value,
            weight=row.weight,
            source_note=row.source_note,
            entered_via=via,
            entered_by=who,
        )
        value._history_user = who  # type: ignore[attr-defined]
        value.save()
    for old, row in changes.changed:
        old.value, old.weight, old.source_note = row.value, row.weight, row.source_note
        old.entered_via, old.entered_by = via, who
        old.entered_at = datetime.datetime.now(tz=datetime.UTC)
        old._history_user = who  # type: ignore[attr-defined]
        old.save()
    return changes


# --- Reading files --------------------------------------------------------------------------

_PLACES = Decimal(1).scaleb(-VALUE_PLACES)
_LIMIT = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)


WRONG_UNIT = "wrong_unit"
SHARE_OUT_OF_RANGE = "share_out_of_range"


def check_units(*, indicator: Indicator, rows: Sequence[ValueRow], stated_unit: str = "") -> None:
    """Refuse values that cannot be in the indicator's unit: a file that states another kind
    of unit (people for a share), or a share outside 0–100 (a count or a fraction by mistake).
    Raises TableError with WRONG_UNIT or SHARE_OUT_OF_RANGE."""
    if units_conflict(indicator.unit, stated_unit):
        raise TableError(WRONG_UNIT, stated_unit[:40])
    if unit_kind(indicator.unit) != "share":
        return
    for row in rows:
        if not Decimal(0) <= row.value <= Decimal(100):
            where = row.municipality.name if row.municipality else indicator.plan.region.name
            raise TableError(
                SHARE_OUT_OF_RANGE, f"{row.value.normalize():f} ({where}, {row.period})"
            )


@dataclass(frozen=True)
class TargetRow:
    year: int
    value: Decimal
    note: str = ""


@transaction.atomic
def save_indicator(
    *,
    plan: Plan,
    indicator: Indicator | None,
    fields: dict[str, Any],
    goals: Sequence[Goal],
    measures: Sequence[Measure],
    targets: Sequence[TargetRow],
    user: User | AnonymousUser,
) -> Indicator:
    """Create or change an indicator with its links and targets, in one transaction.

    Links and targets are saved and deleted one row at a time, so that each change is in
    the history with who made it (a bulk delete would leave no trace)."""
    who = known_user(user)
    if indicator is None:
        indicator = Indicator(plan=plan, order=plan.indicators.count())
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator._history_user = who  # type: ignore[attr-defined]
    indicator.save()

    def sync(links: Iterable[Any], wanted: set[int], key: str, make: Any) -> None:
        have = {getattr(link, key): link for link in links}
        for pk, link in have.items():
            if pk not in wanted:
                link._history_user = who
                link.delete()
        for pk in wanted - set(have):
            link = make(pk)
            link._history_user = who
            link.save()

    sync(
        indicator.goal_links.all(),
        {g.pk for g in goals},
        "goal_id",
        lambda pk: IndicatorGoal(indicator=indicator, goal_id=pk),
    )
    sync(
        indicator.measure_links.all(),
        {m.pk for m in measures},
        "measure_id",
        lambda pk: IndicatorMeasure(indicator=indicator, measure_id=pk),
    )
    existing = {t.year: t for t in indicator.targets.all()}
    wanted = {t.year: t for t in targets}
    for year, target in existing.items():
        if year not in wanted:
            target._history_user = who  # type: ignore[attr-defined]
            target.delete()
    for year, row in wanted.items():
        target = existing.get(year) or IndicatorTarget(indicator=indicator, year=year)
        if target.pk and target.value == row.value and target.note == row.note:
            continue
        target.value, target.note = row.value, row.note
        target._history_user = who  # type: ignore[attr-defined]
        target.save()
    return indicator


@transaction.atomic
def delete_indicator(*, indicator: Indicator, user: User | AnonymousUser) -> None:
    """Delete an indicator with its values, targets and links, in one transaction.

    One row at a time, like save_indicator(), so that the change log keeps every value that
    goes with who deleted it."""
    who = known_user(user)
    rows: list[Any] = [
        *indicator.values.all(),
        *indicator.targets.all(),
        *indicator.goal_links.all(),
        *indicator.measure_links.all(),
        indicator,
    ]
    for row in rows:
        row._history_user = who
        row.delete()


def _stored(value: Decimal | None, line: int = 0) -> Decimal | None:
    """The number as the database keeps it (four decimals), or TableError if it cannot."""
    if value is None:
        return None
    rounded = value.quantize(_PLACES) if abs(value) < _LIMIT else None
    if rounded is None or abs(rounded) >= _LIMIT:
        raise TableError(BAD_ROW, f"{value:.6g}", line)
    return rounded


def region_municipalities(region: Region) -> list[Municipality]:
    return list(region.municipalities.order_by("number"))


def _numbers(m: Municipality) -> MunicipalityNumbers:
    return MunicipalityNumbers(m.number, m.number_2020_2023, m.number_before_2020)


def rows_from_table(
    *, table: Sequence[TableRow], municipalities: Sequence[Municipality]
) -> list[ValueRow]:
    """Spreadsheet rows → value rows; a municipality may be given by any of its numbers."""
    by_number = {n: m for m in municipalities for n in _numbers(m).all_numbers()}
    rows = []
    for t in table:
        municipality = None
        if t.municipality_number:
            municipality = by_number.get(t.municipality_number)
            if municipality is None:
                raise TableError(UNKNOWN_MUNICIPALITY, t.municipality_number[:10], t.line)
        value = _stored(t.value, t.line)
        assert value is not None
        rows.append(
            ValueRow(municipality, t.period, value, _stored(t.weight, t.line), t.source_note)
        )
    return rows


@dataclass
class JsonStatImport:
    rows: list[ValueRow]
    label: str
    source: str
    periods: list[str]
    skipped_periods: list[str]
    fallbacks: list[tuple[str, str, str]]
    unit: str = ""  # the content's unit as the file states it


def rows_from_jsonstat(
    *,
    data: bytes,
    municipalities: Sequence[Municipality],
    content: str = "",
    weight_content: str = "",
    source_note: str = "",
) -> JsonStatImport:
    """A JSON-stat dataset filtered to the region's municipalities, one row per value.

    Raises JsonStatError (with a code) when the file cannot be used."""
    label, source, extract = run_capped(
        read_region_values,
        data,
        municipalities=[_numbers(m) for m in municipalities],
        content=content,
        weight_content=weight_content,
        too_heavy=JsonStatError(TOO_HEAVY),
    )
    by_number = {m.number: m for m in municipalities}
    try:
        values = {key: _stored(v) or Decimal(0) for key, v in extract.values.items()}
        weights = {key: _stored(v) for key, v in extract.weights.items()}
    except TableError:
        raise JsonStatError(MALFORMED, "a value is too large") from None
    note = source_note or " – ".join(t for t in (source, label) if t)
    rows = [
        ValueRow(
            municipality=by_number[number],
            period=period,
            value=value,
            weight=weights.get((number, period)),
            source_note=note[:500],
        )
        for (number, period), value in sorted(values.items(), key=lambda i: i[0][::-1])
    ]
    return JsonStatImport(
        rows=rows,
        label=label,
        source=source,
        periods=extract.periods,
        skipped_periods=extract.skipped_periods,
        fallbacks=extract.fallbacks,
        unit=extract.content_unit,
    )


# --- The series and its status --------------------------------------------------------------


@dataclass(frozen=True)
class RegionValue:
    period: str
    value: Decimal | None
    missing: tuple[str, ...] = ()  # municipalities without a value when computed

    @property
    def label(self) -> str:
        return period_label(self.period)


@dataclass
class IndicatorSummary:
    indicator: Indicator
    targets: list[IndicatorTarget]
    region: list[RegionValue]
    municipalities: dict[Municipality, dict[str, IndicatorValue]]
    judgement: Judgement
    periods: list[str]

    @property
    def latest(self) -> RegionValue | None:
        known = [r for r in self.region if r.value is not None]
        return known[-1] if known else None

    @property
    def period_labels(self) -> list[str]:
        return [period_label(p) for p in self.periods]

    @property
    def no_common_period(self) -> tuple[str, str] | None:
        """(first, last) period in words when a computed indicator has values on several
        periods and none with every municipality (populations counted on different dates):
        why the region has no figure at all. None otherwise."""
        if not self.indicator.is_computed or len(self.periods) < 2 or self.latest is not None:
            return None
        return period_label(self.periods[0]), period_label(self.periods[-1])


def period_label(period: str) -> str:
    """A period as people read it: «2024», «1. januar 2024»."""
    parsed = parse_period(period)
    if parsed is None or parsed[1] is None:
        return period
    return date_format(parsed[1], "DATE_FORMAT")


def _period_key(period: str) -> tuple[int, str]:
    parsed = parse_period(period)
    return (parsed[0] if parsed else 0, period)


def _x(period: str) -> float:
    parsed = parse_period(period)
    assert parsed is not None
    return position(parsed[0], parsed[1])


def summarise(indicator: Indicator, municipalities: Sequence[Municipality]) -> IndicatorSummary:
    """The region's series (entered or computed), the municipalities' and the status.

    Uses `indicator.values.all()` and `indicator.targets.all()`, so prefetch them."""
    values = list(indicator.values.all())
    targets = sorted(indicator.targets.all(), key=lambda t: t.year)
    periods = sorted({v.period for v in values}, key=_period_key)
    by_municipality: dict[Municipality, dict[str, IndicatorValue]] = {m: {} for m in municipalities}
    by_pk = {m.pk: m for m in municipalities}
    direct: dict[str, Decimal] = {}
    for v in values:
        if v.municipality_id is None:
            direct[v.period] = v.value
        elif v.municipality_id in by_pk:
            by_municipality[by_pk[v.municipality_id]][v.period] = v
    region: list[RegionValue] = []
    for period in periods:
        if not indicator.is_computed:
            if period in direct:
                region.append(RegionValue(period, direct[period]))
            continue
        result = _computed(indicator, period, municipalities, by_municipality)
        region.append(RegionValue(period, result.value, result.missing))
    baseline = (
        Point(float(indicator.baseline_year), indicator.baseline_value)
        if indicator.baseline_value is not None and indicator.baseline_year
        else None
    )
    judgement = assess(
        series=[Point(_x(r.period), r.value) for r in region if r.value is not None],
        baseline=baseline,
        targets=[Point(float(t.year), t.value) for t in targets],
        higher_is_better=indicator.higher_is_better,
    )
    return IndicatorSummary(indicator, targets, region, by_municipality, judgement, periods)


def _computed(
    indicator: Indicator,
    period: str,
    municipalities: Sequence[Municipality],
    by_municipality: dict[Municipality, dict[str, IndicatorValue]],
) -> Aggregate:
    values, weights = {}, {}
    for m in municipalities:
        v = by_municipality[m].get(period)
        if v is not None:
            values[m.name] = v.value
            if v.weight is not None:
                weights[m.name] = v.weight
    method = (
        Method.SUM if indicator.aggregation == Indicator.Aggregation.SUM else Method.WEIGHTED_MEAN
    )
    return aggregate(
        values, members=[m.name for m in municipalities], method=method, weights=weights
    )


def plan_indicator_summaries(plan: Plan) -> list[IndicatorSummary]:
    """Every indicator of the plan with its status, in four queries."""
    municipalities = region_municipalities(plan.region)
    indicators = plan.indicators.prefetch_related("targets", "values")
    return [summarise(i, municipalities) for i in indicators]


def goal_indicator_summaries(goal: Goal, plan: Plan) -> list[IndicatorSummary]:
    municipalities = region_municipalities(plan.region)
    indicators = list(goal.indicators.filter(plan=plan).prefetch_related("targets", "values"))
    for i in indicators:
        i.plan = plan
    return [summarise(i, municipalities) for i in indicators]


def status_rule() -> str:
    """How an indicator's status is set, in the active language. The same msgid as the
    pages' indicators/_rule.html, so all say it from one catalogue entry."""
    return _(
        "How the status is set: Reached – the latest value meets the last target. On track – "
        "it meets the target path at its time; the path runs in a straight line from the "
        "baseline (or the first value when there is no baseline) to each target in turn. "
        "Behind – it does not. Not enough data – no value or no target yet."
    )


def assessment_label(assessment: Assessment) -> str:
    return {
        Assessment.REACHED: _("reached"),
        Assessment.ON_TRACK: _("on track"),
        Assessment.BEHIND: _("behind"),
        Assessment.UNKNOWN: _("not enough data"),
    }[assessment]


def assessment_symbol(assessment: Assessment) -> str:
    return {
        Assessment.REACHED: "✓",
        Assessment.ON_TRACK: "↗",
        Assessment.BEHIND: "!",
        Assessment.UNKNOWN: "?",
    }[assessment]


def indicator_chart(summary: IndicatorSummary, *, with_municipalities: bool) -> charts.LineChart:
    """The region's series, the target path and, if asked for, every municipality."""
    indicator = summary.indicator
    labels: dict[float, str] = {}
    region_points = []
    for r in summary.region:
        if r.value is not None:
            labels[_x(r.period)] = r.period
            region_points.append((_x(r.period), float(r.value)))
    series = [
        charts.LineSeries(
            _("%(region)s (region)") % {"region": indicator.plan.region.name},
            REGION_COLOUR,
            tuple(region_points),
            mark="●",
            width=3.0,
        )
    ]
    first = Point(region_points[0][0], Decimal(str(region_points[0][1]))) if region_points else None
    baseline = (
        Point(float(indicator.baseline_year), indicator.baseline_value)
        if indicator.baseline_value is not None and indicator.baseline_year
        else first
    )
    path = target_path(baseline, [Point(float(t.year), t.value) for t in summary.targets])
    if summary.targets:
        for p in path:
            labels.setdefault(p.x, str(int(p.x)) if p.x.is_integer() else str(p.x))
        series.append(
            charts.LineSeries(
                _("Target path"),
                TARGET_COLOUR,
                tuple((p.x, float(p.value)) for p in path),
                dashed=True,
                mark="◎",
            )
        )
    if with_municipalities:
        for index, (m, by_period) in enumerate(summary.municipalities.items()):
            points = tuple(
                (_x(p), float(v.value))
                for p, v in sorted(by_period.items(), key=lambda i: _period_key(i[0]))
            )
            for period in by_period:
                labels.setdefault(_x(period), period)
            series.append(
                charts.LineSeries(
                    m.name,
                    MUNICIPALITY_COLOURS[index % len(MUNICIPALITY_COLOURS)],
                    points,
                    mark=MUNICIPALITY_MARKS[index % len(MUNICIPALITY_MARKS)],
                    width=1.5,
                )
            )
    return charts.LineChart(
        title=indicator.name,
        series=tuple(series),
        unit=indicator.unit,
        description=str(indicator.definition)[:300],
        x_labels=labels,
        decimal_mark=str(get_format("DECIMAL_SEPARATOR")),
        group_mark=str(get_format("THOUSAND_SEPARATOR")),
    )


# --- Stated facts against the municipalities ------------------------------------------------


@dataclass(frozen=True)
class FactCheck:
    fact: StatedFact
    computed: Decimal | None
    computed_note: str
    difference: Decimal | None  # relative, 0.078 = 7.8 %

    @property
    def flagged(self) -> bool:
        return self.difference is not None and self.difference > FACT_TOLERANCE

    @property
    def difference_percent(self) -> Decimal | None:
        return None if self.difference is None else (self.difference * 100).quantize(Decimal("0.1"))


def check_region_facts(region: Region, municipalities: Iterable[Municipality]) -> list[FactCheck]:
    """Each stated figure beside the sum of the municipalities, where that can be computed.

    Area: the sum of the areas. Population: the sum for the stated date, only when every
    municipality has a figure for that date; figures from other dates are not added up
    as if they were one."""
    municipalities = list(municipalities)  # with populations prefetched
    checks = []
    for fact in region.stated_facts.all():
        computed: Decimal | None = None
        note = ""
        if fact.kind == StatedFact.Kind.AREA:
            areas = [m.area_km2 for m in municipalities]
            if areas and all(a is not None for a in areas):
                computed = sum((a for a in areas if a is not None), Decimal(0))
                note = _("sum of the municipalities' areas")
            else:
                note = _("some municipality has no area")
        else:
            counts = [
                next((p.count for p in m.populations.all() if p.date == fact.date), None)
                for m in municipalities
            ]
            if counts and all(c is not None for c in counts):
                computed = Decimal(sum(c for c in counts if c is not None))
                note = _("sum of the municipalities' populations on the same date")
            else:
                note = _(
                    "the municipalities' populations for that date are not all known, "
                    "so nothing is compared"
                )
        difference = relative_difference(fact.value, computed) if computed is not None else None
        checks.append(FactCheck(fact, computed, note, difference))
    return checks


def load_stated_facts(*, region: Region, facts: Iterable[dict[str, Any]]) -> None:
    for f in facts:
        StatedFact.objects.create(
            region=region,
            kind=f["kind"],
            value=Decimal(str(f["value"])),
            date=datetime.date.fromisoformat(str(f["date"])) if f.get("date") else None,
            source=f.get("source") or "",
        )


def load_indicators(*, plan: Plan, indicators: Iterable[dict[str, Any]]) -> None:
    """Indicators from curated data, linked to goals and measures by code."""
    goals = {g.code: g for g in plan.goals.all()}
    measures = {m.code: m for m in plan.measures()}
    for order, data in enumerate(indicators):
        indicator = Indicator.objects.create(
            plan=plan,
            name=data["name"],
            unit=data.get("unit", ""),
            direction=data.get("direction", Indicator.Direction.HIGHER),
            aggregation=data.get("aggregation", Indicator.Aggregation.DIRECT),
            weight_label=data.get("weight_label", ""),
            baseline_value=(
                Decimal(str(data["baseline_value"])) if "baseline_value" in data else None
            ),
            baseline_year=data.get("baseline_year"),
            source=data.get("source", ""),
            definition=data.get("definition", ""),
            order=order,
        )
        indicator.goals.set([goals[c] for c in data.get("goals", [])])
        indicator.measures.set([measures[c] for c in data.get("measures", [])])
        for target in data.get("targets", []):
            IndicatorTarget.objects.create(
                indicator=indicator,
                year=int(target["year"]),
                value=Decimal(str(target["value"])),
                note=target.get("note", ""),
            )
        _load_values(indicator=indicator, data=data)


def _load_values(*, indicator: Indicator, data: dict[str, Any]) -> None:
    """The values curated data gives: a list (`values`: municipality by name, or none for
    the region; period; value; weight), or `values_from: municipality_populations`, which
    takes each municipality's populations as values dated as they are, so that the figures
    stand once in the data (the municipalities') and the indicator shows the same."""
    municipalities = {m.name: m for m in indicator.plan.region.municipalities.all()}
    note = str(data.get("values_source_note") or "")
    rows: list[IndicatorValue] = []
    if data.get("values_from") == "municipality_populations":
        for m in municipalities.values():
            rows += [
                IndicatorValue(
                    indicator=indicator,
                    municipality=m,
                    period=p.date.isoformat(),
                    value=Decimal(p.count),
                    source_note=note,
                )
                for p in m.populations.all()
            ]
    for v in data.get("values", []):
        name = v.get("municipality")
        if name and name not in municipalities:
            raise ValueError(f"Unknown municipality in the indicator's values: {name}")
        rows.append(
            IndicatorValue(
                indicator=indicator,
                municipality=municipalities[name] if name else None,
                period=str(v["period"]),
                value=Decimal(str(v["value"])),
                weight=Decimal(str(v["weight"])) if v.get("weight") is not None else None,
                source_note=str(v.get("source_note") or note),
            )
        )
    for row in rows:
        row.save()  # save() derives the year from the period; the history records each
