"""Indicator arithmetic, no Django: which municipality number a statistic uses, picking a
region's municipalities out of a JSON-stat dataset, adding them up to the region, and
judging a series against its target path.

Municipality numbers changed with the county reforms: Buskerud's 06xx became Viken's 30xx in
2020 and 33xx in 2024. Statistics use the number valid in their own year, and a table that
spans the reforms may carry a municipality under two numbers (one of them empty). For each
municipality and period we take the number valid in that year, and fall back to its other
numbers only when that one has no value.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from planstatus.lib.jsonstat import Dataset, JsonStatError, read_dataset

# Error codes (see jsonstat.JsonStatError); the web layer words them.
NO_MUNICIPALITY_DIMENSION = "no_municipality_dimension"
NO_TIME_DIMENSION = "no_time_dimension"
CHOOSE_CONTENT = "choose_content"
UNKNOWN_CONTENT = "unknown_content"
SEVERAL_CATEGORIES = "several_categories"
NO_REGION_DATA = "no_region_data"

_YEAR = re.compile(r"\d{4}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class MunicipalityNumbers:
    number: str  # from 2024
    number_2020_2023: str = ""
    number_before_2020: str = ""

    def for_year(self, year: int) -> str:
        """The number statistics for that year use (the current one when the older is unknown)."""
        if year < 2020 and self.number_before_2020:
            return self.number_before_2020
        if year < 2024 and self.number_2020_2023:
            return self.number_2020_2023
        return self.number

    def all_numbers(self) -> tuple[str, ...]:
        numbers = (self.number, self.number_2020_2023, self.number_before_2020)
        return tuple(dict.fromkeys(n for n in numbers if n))


def parse_period(text: str) -> tuple[int, datetime.date | None] | None:
    """ "2015" → (2015, None); "2015-01-01" → (2015, date); anything else → None."""
    text = text.strip()
    if _YEAR.fullmatch(text):
        return int(text), None
    if _DATE.fullmatch(text):
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            return None
        return day.year, day
    return None


def _municipality_code(code: str) -> str:
    # SSB writes municipalities "3320" in most tables and "K-3320" in some.
    return code[2:] if code.upper().startswith("K-") else code


@dataclass
class Extract:
    """What a dataset holds for the region: {(municipality number, period): value}."""

    values: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    weights: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    skipped_periods: list[str] = field(default_factory=list)
    content_label: str = ""
    content_unit: str = ""  # as the dataset states it, "" when it does not
    # (municipality number, period, the code the value was found under) when it was not the
    # number valid in that year: shown, so nobody wonders.
    fallbacks: list[tuple[str, str, str]] = field(default_factory=list)


def read_region_values(
    data: bytes,
    *,
    municipalities: Sequence[MunicipalityNumbers],
    content: str = "",
    weight_content: str = "",
) -> tuple[str, str, Extract]:
    """A JSON-stat file's label, source and what it holds for the region. The step of an
    upload that reads the file, so that it can run capped (lib/capped.py) and hand back the
    region's values only, not the whole table."""
    dataset = read_dataset(data)
    extract = extract_region(
        dataset, municipalities=municipalities, content=content, weight_content=weight_content
    )
    return dataset.label, dataset.source, extract


def extract_region(
    dataset: Dataset,
    *,
    municipalities: Sequence[MunicipalityNumbers],
    content: str = "",
    weight_content: str = "",
) -> Extract:
    """The region's municipalities' values per period, with weights if asked for."""
    geo = dataset.find_dimension("geo", ("Region", "Kommune", "KOKkommuneregion0000"))
    if geo is None:
        raise JsonStatError(NO_MUNICIPALITY_DIMENSION)
    time = dataset.find_dimension("time", ("Tid", "Time", "Year", "Ar", "År"))
    if time is None:
        raise JsonStatError(NO_TIME_DIMENSION)
    metric = dataset.find_dimension("metric", ("ContentsCode",))
    if metric is not None and metric.id in (geo.id, time.id):
        metric = None
    wanted = [c for c in (content, weight_content) if c]
    if metric is not None:
        for code in wanted:
            if code not in metric.codes:
                raise JsonStatError(UNKNOWN_CONTENT, code)
        if not content and len(metric.codes) > 1:
            raise JsonStatError(CHOOSE_CONTENT, ", ".join(metric.codes))
        content = content or metric.codes[0]
    elif wanted:
        raise JsonStatError(UNKNOWN_CONTENT, wanted[0])
    for d in dataset.dimensions:
        if d not in (geo, time, metric) and len(d.codes) > 1:
            raise JsonStatError(SEVERAL_CATEGORIES, d.label or d.id)

    by_code: dict[tuple[str, str, str], Decimal] = {}
    for coordinates, value in dataset.cells():
        kind = coordinates[metric.id] if metric is not None else ""
        by_code[(kind, _municipality_code(coordinates[geo.id]), coordinates[time.id])] = value

    extract = Extract(
        content_label=metric.label_of(content) if metric is not None else "",
        content_unit=metric.units.get(content, "") if metric is not None else "",
    )
    for period in time.codes:
        parsed = parse_period(period)
        if parsed is None:
            extract.skipped_periods.append(period)
            continue
        year, _ = parsed
        found = False
        wanted_kinds = [(content, extract.values)]
        if weight_content:
            wanted_kinds.append((weight_content, extract.weights))
        for m in municipalities:
            valid = m.for_year(year)
            order = (valid, *(n for n in m.all_numbers() if n != valid))
            for kind, target in wanted_kinds:
                for code in order:
                    found_value = by_code.get((kind if metric is not None else "", code, period))
                    if found_value is None:
                        continue
                    target[(m.number, period)] = found_value
                    found = True
                    if code != valid and target is extract.values:
                        extract.fallbacks.append((m.number, period, code))
                    break
        if found:
            extract.periods.append(period)
    if not extract.values:
        raise JsonStatError(NO_REGION_DATA)
    return extract


# --- Units ---------------------------------------------------------------------------------

# Words for units that cannot be mixed with each other or with counts. Anything else (people,
# study places, dwellings) is a count. SSB writes units in Norwegian ("prosent", "kr").
_UNIT_KINDS = {
    "share": ("%", "prosent", "percent", "per cent", "andel", "del"),
    "money": ("kr", "kroner", "nok", "1000 kr", "1 000 kr", "kroner (1000)"),
    "area": ("km²", "km2", "kvadratkilometer", "dekar", "daa", "hektar"),
    "rate": ("promille", "‰", "per 1000", "per 1 000", "per 100 000"),
}


def unit_kind(unit: str) -> str:
    """ "share", "money", "area", "rate", or "count" for anything else."""
    text = " ".join(unit.lower().split())
    for kind, words in _UNIT_KINDS.items():
        if text in words or any(text.startswith(f"{w} ") for w in words if len(w) > 2):
            return kind
    return "count"


def units_conflict(indicator_unit: str, stated_unit: str) -> bool:
    """Whether values stated in one unit cannot be an indicator's values in the other."""
    if not stated_unit.strip() or not indicator_unit.strip():
        return False
    return unit_kind(indicator_unit) != unit_kind(stated_unit)


# --- From the municipalities to the region --------------------------------------------------


class Method(StrEnum):
    SUM = "sum"
    WEIGHTED_MEAN = "weighted_mean"


@dataclass(frozen=True)
class Aggregate:
    value: Decimal | None
    missing: tuple[str, ...]  # members without a value (or weight): no region value then


def aggregate(
    values: Mapping[str, Decimal],
    *,
    members: Sequence[str],
    method: Method,
    weights: Mapping[str, Decimal] | None = None,
) -> Aggregate:
    """The region's value from every member's: a sum, or a mean weighted by `weights`.

    A region value from some of its municipalities would be wrong without saying so, so
    any missing member (or missing weight for a weighted mean) gives no value.
    """
    weights = weights or {}
    needs_weight = method is Method.WEIGHTED_MEAN
    missing = tuple(
        m for m in members if m not in values or (needs_weight and weights.get(m) is None)
    )
    if missing or not members:
        return Aggregate(None, missing)
    if method is Method.SUM:
        return Aggregate(sum((values[m] for m in members), Decimal(0)), ())
    total_weight = sum((weights[m] for m in members), Decimal(0))
    if total_weight <= 0:
        return Aggregate(None, ())
    weighted = sum((values[m] * weights[m] for m in members), Decimal(0))
    return Aggregate(weighted / total_weight, ())


# --- Status against the target path ---------------------------------------------------------


class Assessment(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Point:
    x: float  # a year, with the day as a fraction: 2025-07-02 ≈ 2025.5
    value: Decimal


def position(year: int, day: datetime.date | None = None) -> float:
    if day is None:
        return float(year)
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def target_path(start: Point | None, targets: Sequence[Point]) -> list[Point]:
    """The path from the start (baseline, or else the first value) through every target."""
    points = sorted(targets, key=lambda p: p.x)
    if start is not None and (not points or start.x < points[0].x):
        points.insert(0, start)
    return points


def path_value(path: Sequence[Point], x: float) -> Decimal | None:
    """Straight lines between the path's points; flat before the first and after the last."""
    if not path:
        return None
    if x <= path[0].x:
        return path[0].value
    for a, b in pairwise(path):
        if x <= b.x:
            share = Decimal(str((x - a.x) / (b.x - a.x))) if b.x != a.x else Decimal(1)
            return a.value + (b.value - a.value) * share
    return path[-1].value


@dataclass(frozen=True)
class Judgement:
    assessment: Assessment
    latest: Point | None = None
    expected: Decimal | None = None  # on the path at the latest value's time
    final_target: Point | None = None


def assess(
    *,
    series: Sequence[Point],
    baseline: Point | None,
    targets: Sequence[Point],
    higher_is_better: bool,
) -> Judgement:
    """Reached: the latest value meets the last target. On track: it meets the path at its
    time. Behind: it does not. Unknown: no value or no target."""
    if not series or not targets:
        return Judgement(Assessment.UNKNOWN)
    ordered = sorted(series, key=lambda p: p.x)
    latest = ordered[-1]
    final = max(targets, key=lambda p: p.x)

    def meets(value: Decimal, goal: Decimal) -> bool:
        return value >= goal if higher_is_better else value <= goal

    path = target_path(baseline or ordered[0], targets)
    expected = path_value(path, latest.x)
    if meets(latest.value, final.value):
        return Judgement(Assessment.REACHED, latest, expected, final)
    assert expected is not None
    verdict = Assessment.ON_TRACK if meets(latest.value, expected) else Assessment.BEHIND
    return Judgement(verdict, latest, expected, final)


# --- Stated facts against the municipalities ------------------------------------------------


def relative_difference(stated: Decimal, computed: Decimal) -> Decimal | None:
    """|computed − stated| / stated, or None when stated is 0."""
    if stated == 0:
        return None
    return abs(computed - stated) / abs(stated)
