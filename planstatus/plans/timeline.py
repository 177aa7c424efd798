"""The plan's timeline: each measure as a bar over the plan's years, by focus area.

The layout is computed here and drawn by a template as server-rendered SVG, so the page needs
no JavaScript. A measure's time comes from the plan's «Tid» column as lib/timing read it: a
span of years is one bar, a yearly measure a mark in each of its years, a continuous one a bar
that runs on past the right edge. The status is the one definition in MeasureQuerySet
(through the dashboard's fetch), never a colour alone: each bar carries its status symbol, and
the table beside the chart says everything in words.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from planstatus.core.status import status_label
from planstatus.lib.status import Status
from planstatus.plans.dashboard import Dashboard
from planstatus.plans.models import FocusArea, Measure, Milestone, Plan

# Geometry in SVG user units; the SVG scales to the page's width.
WIDTH = 800
LABEL_WIDTH = 96
RIGHT_MARGIN = 28
AXIS_HEIGHT = 28
AREA_HEIGHT = 26
ROW_HEIGHT = 22
BAR_HEIGHT = 14


class Kind:
    SPAN = "span"
    YEARLY = "yearly"
    CONTINUOUS = "continuous"
    NONE = "none"


@dataclass
class Segment:
    x: float
    width: float


@dataclass
class MilestoneMark:
    """A milestone on its measure's row: a diamond at its due date (when that falls inside
    the chart's years), its state in a symbol and, in the table, in words."""

    milestone: Milestone
    state: str  # "done", "missed" or "open"
    x: float | None

    @property
    def symbol(self) -> str:
        return {"done": "✓", "missed": "⚠"}.get(self.state, "○")

    def diamond(self, y: float) -> str:
        assert self.x is not None
        mid = y + BAR_HEIGHT / 2
        return f"{self.x},{mid - 6} {self.x + 5},{mid} {self.x},{mid + 6} {self.x - 5},{mid}"


@dataclass
class Row:
    measure: Measure
    kind: str
    y: float
    segments: list[Segment] = field(default_factory=list)
    # Where the status symbol (and the late mark) is written, after the last segment.
    mark_x: float = 0.0
    # The measure's years reach outside the plan's period.
    clipped: bool = False
    milestones: list[MilestoneMark] = field(default_factory=list)

    @property
    def drawn_milestones(self) -> list[tuple[MilestoneMark, str]]:
        return [(mark, mark.diamond(self.bar_y)) for mark in self.milestones if mark.x is not None]

    @property
    def status(self) -> Status:
        return self.measure.current_status

    @property
    def status_word(self) -> str:
        return status_label(self.status)

    @property
    def overdue(self) -> bool:
        return bool(getattr(self.measure, "overdue", False))

    @property
    def label(self) -> str:
        return self.measure.code or str(self.measure.order or "")

    @property
    def bar_y(self) -> float:
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) / 2

    @property
    def text_y(self) -> float:
        return self.y + ROW_HEIGHT / 2 + 4

    @property
    def years_text(self) -> str:
        """«2025–2027», «2026» or empty: the years as read, for the table."""
        start, end = self.measure.start_year, self.measure.end_year
        if start and end and start != end:
            return f"{start}–{end}"
        return str(end or start or "")

    @property
    def arrow(self) -> str:
        """A continuous measure's bar ends in an arrow: it runs on."""
        if self.kind != Kind.CONTINUOUS or not self.segments:
            return ""
        end = self.segments[-1].x + self.segments[-1].width
        top, mid, bottom = self.bar_y, self.bar_y + BAR_HEIGHT / 2, self.bar_y + BAR_HEIGHT
        return f"{end},{top - 2} {end + 8},{mid} {end},{bottom + 2}"


@dataclass
class AreaBlock:
    area: FocusArea
    y: float
    rows: list[Row]


@dataclass
class YearTick:
    year: int
    x: float
    width: float


@dataclass
class Timeline:
    first: int
    last: int
    years: list[YearTick]
    areas: list[AreaBlock]
    height: float
    today_x: float | None
    today: datetime.date
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def rows(self) -> list[Row]:
        return [row for block in self.areas for row in block.rows]

    @property
    def plot_right(self) -> float:
        return WIDTH - RIGHT_MARGIN


def plan_years(plan: Plan, measures: list[Measure]) -> tuple[int, int] | None:
    """The years the chart spans: the plan's period, else the measures' years."""
    years = [y for m in measures for y in (m.start_year, m.end_year) if y is not None]
    first = plan.period_start or (min(years) if years else None)
    last = plan.period_end or (max(years) if years else None)
    if first is None or last is None:
        return None
    return (first, last) if first <= last else (last, first)


def _kind(m: Measure) -> str:
    if m.continuous:
        return Kind.CONTINUOUS
    if m.yearly:
        return Kind.YEARLY
    if m.start_year is None and m.end_year is None:
        return Kind.NONE
    return Kind.SPAN


def build_timeline(*, plan: Plan, board: Dashboard, today: datetime.date) -> Timeline | None:
    """Lay out the dashboard's shown measures (filters applied, `overdue` set) by area."""
    span = plan_years(plan, board.everything)
    if span is None:
        return None
    first, last = span
    plot_left, plot_right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN
    year_width = (plot_right - plot_left) / (last - first + 1)

    def x_of(year: float) -> float:
        return plot_left + (year - first) * year_width

    def x_of_day(day: datetime.date) -> float:
        year_start = datetime.date(day.year, 1, 1)
        days = (datetime.date(day.year + 1, 1, 1) - year_start).days
        return x_of(day.year + (day - year_start).days / days)

    def mark(milestone: Milestone) -> MilestoneMark:
        state = (
            "done"
            if milestone.is_done_on(today)
            else "missed"
            if milestone.is_missed(today)
            else "open"
        )
        inside = first <= milestone.due_on.year <= last
        return MilestoneMark(milestone, state, x_of_day(milestone.due_on) if inside else None)

    def clamp(year: int) -> int:
        return min(max(year, first), last)

    ticks = [YearTick(y, x_of(y), year_width) for y in range(first, last + 1)]
    y = float(AXIS_HEIGHT)
    blocks: list[AreaBlock] = []
    for summary in board.areas:
        if not summary.measures:
            continue
        block = AreaBlock(area=summary.area, y=y, rows=[])
        y += AREA_HEIGHT
        for m in summary.measures:
            row = Row(measure=m, kind=_kind(m), y=y)
            row.milestones = [mark(milestone) for milestone in m.milestone_list]
            start = m.start_year or m.end_year
            end = m.end_year or m.start_year
            if row.kind == Kind.SPAN and start is not None and end is not None:
                row.clipped = start < first or end > last
                a, b = clamp(start), clamp(end)
                row.segments = [Segment(x_of(a), x_of(b + 1) - x_of(a))]
            elif row.kind == Kind.YEARLY:
                a, b = clamp(start or first), clamp(end or last)
                # One mark per year, with a gap between, so it reads as "each year".
                row.segments = [
                    Segment(x_of(year) + year_width * 0.2, year_width * 0.6)
                    for year in range(a, b + 1)
                ]
            elif row.kind == Kind.CONTINUOUS:
                a, b = clamp(start or first), clamp(end or last)
                row.segments = [Segment(x_of(a), x_of(b + 1) - x_of(a) - 8)]
            last_segment = row.segments[-1] if row.segments else None
            row.mark_x = (
                last_segment.x + last_segment.width + (12 if row.arrow else 4)
                if last_segment
                else plot_left + 4
            )
            # Keep the marks inside the drawing when a bar reaches the right edge.
            row.mark_x = min(row.mark_x, WIDTH - 26)
            block.rows.append(row)
            y += ROW_HEIGHT
        blocks.append(block)
    today_x = x_of_day(today) if first <= today.year <= last else None
    return Timeline(
        first=first,
        last=last,
        years=ticks,
        areas=blocks,
        height=y + 8,
        today_x=today_x,
        today=today,
    )
