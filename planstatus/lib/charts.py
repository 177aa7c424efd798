"""Charts drawn on the server: SVG for web pages and PDFs, PNG for Word, a table for all.

A bar chart is categories × series of counts: one horizontal bar per category, split into one
segment per series (stacked) or one thin bar per series (grouped). A line chart is series of
(year, value) points, used for indicators with their target path. Every series has a
colour, a label and optionally a mark (a symbol such as ✓), and every segment wide enough
carries its number, so a chart printed in black and white can still be read; the table
alternative says everything the picture says.

SVG and PNG share one layout per kind of chart, computed here in abstract units, so both
look the same.
Nothing here knows Django; every text that goes into markup is escaped here.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html import escape
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
_FONT_FILES = ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Series:
    label: str
    colour: str  # "#rrggbb"
    values: tuple[int, ...]
    mark: str = ""  # a short symbol that tells the series apart without its colour

    @property
    def name(self) -> str:
        return f"{self.mark} {self.label}" if self.mark else self.label


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    description: str = ""
    stacked: bool = True
    total_label: str = "Sum"
    # False when the categories are the same things counted again (a plan at each round):
    # a series' sum over them means nothing, so neither the legend nor the table shows it.
    additive: bool = True

    def __post_init__(self) -> None:
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(
                    f"Series «{s.label}» has {len(s.values)} values, expected "
                    f"{len(self.categories)}."
                )
            if any(v < 0 for v in s.values):
                raise ValueError(f"Series «{s.label}» has a negative value.")
            if not _HEX_COLOUR.fullmatch(s.colour):
                raise ValueError(f"Series «{s.label}» has colour {s.colour!r}; use #rrggbb.")

    def totals(self) -> tuple[int, ...]:
        """The sum over the series for each category."""
        return tuple(sum(s.values[i] for s in self.series) for i in range(len(self.categories)))

    def series_totals(self) -> tuple[int, ...]:
        return tuple(sum(s.values) for s in self.series)


# --- Layout ---------------------------------------------------------------------------------

# Abstract units: one unit is one SVG user unit and `scale` PNG pixels.
_MARGIN = 4.0
_FONT = 13.0
_SMALL = 12.0
_LABEL_HEIGHT = 19.0
_STACK_HEIGHT = 24.0
_GROUP_BAR_HEIGHT = 13.0
_CATEGORY_GAP = 12.0
_TOTAL_ROOM = 44.0
_SWATCH = 14.0
_LEGEND_LINE = 22.0
_CHAR_WIDTH = 0.62  # of the font size: a safe average for DejaVu Sans, digits included


@dataclass(frozen=True)
class _Text:
    x: float
    y: float  # baseline
    text: str
    size: float = _FONT
    colour: str = "#1d2026"
    anchor: Literal["start", "middle", "end"] = "start"
    bold: bool = False


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    tooltip: str = ""


@dataclass
class _Layout:
    width: float
    height: float = 0.0
    rects: list[_Rect] = field(default_factory=list)
    texts: list[_Text] = field(default_factory=list)


def _text_width(text: str, size: float) -> float:
    return len(text) * size * _CHAR_WIDTH


def _ink_for(colour: str) -> str:
    """Black or white, whichever reads better on the colour (WCAG relative luminance)."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.179 else "#ffffff"


def _layout(chart: BarChart, width: float) -> _Layout:
    layout = _Layout(width=width)
    bar_left = _MARGIN
    bar_width = max(width - 2 * _MARGIN - _TOTAL_ROOM, 10.0)
    values = [v for s in chart.series for v in s.values]
    top = max(chart.totals() if chart.stacked else values, default=0) or 1
    unit = bar_width / top
    y = _MARGIN
    for index, category in enumerate(chart.categories):
        layout.texts.append(_Text(bar_left, y + _FONT, category, bold=True))
        y += _LABEL_HEIGHT
        if chart.stacked:
            x = bar_left
            for s in chart.series:
                value = s.values[index]
                if value:
                    _segment(layout, s, value, x, y, value * unit, _STACK_HEIGHT, category)
                    x += value * unit
            total = chart.totals()[index]
            layout.texts.append(
                _Text(
                    x + 6, y + _STACK_HEIGHT / 2 + _SMALL * 0.35, str(total), size=_SMALL, bold=True
                )
            )
            y += _STACK_HEIGHT
        else:
            for s in chart.series:
                value = s.values[index]
                length = value * unit
                if value:
                    _segment(
                        layout,
                        s,
                        value,
                        bar_left,
                        y,
                        length,
                        _GROUP_BAR_HEIGHT,
                        category,
                        numbered=False,
                    )
                layout.texts.append(
                    _Text(
                        bar_left + length + 4,
                        y + _GROUP_BAR_HEIGHT - 2.5,
                        f"{s.mark} {value}".strip(),
                        size=_SMALL - 1,
                    )
                )
                y += _GROUP_BAR_HEIGHT + 1
        y += _CATEGORY_GAP
    layout.height = _legend(layout, chart, y) + _MARGIN
    return layout


def _segment(
    layout: _Layout,
    s: Series,
    value: int,
    x: float,
    y: float,
    length: float,
    height: float,
    category: str,
    numbered: bool = True,
) -> None:
    layout.rects.append(_Rect(x, y, length, height, s.colour, f"{category} – {s.label}: {value}"))
    label = f"{s.mark} {value}".strip()
    if numbered and _text_width(label, _SMALL) + 6 <= length:
        layout.texts.append(
            _Text(
                x + length / 2,
                y + height / 2 + _SMALL * 0.35,
                label,
                size=_SMALL,
                colour=_ink_for(s.colour),
                anchor="middle",
                bold=True,
            )
        )


def _legend(layout: _Layout, chart: BarChart, y: float) -> float:
    """Lay the legend out in lines as wide as the chart; return the y below it."""
    x, line_top = _MARGIN, y
    for s, total in zip(chart.series, chart.series_totals(), strict=True):
        text = f"{s.name} ({total})" if chart.additive else s.name
        item = _SWATCH + 6 + _text_width(text, _SMALL) + 16
        if x > _MARGIN and x + item > layout.width - _MARGIN:
            x, line_top = _MARGIN, line_top + _LEGEND_LINE
        layout.rects.append(_Rect(x, line_top + 2, _SWATCH, _SWATCH, s.colour))
        layout.texts.append(_Text(x + _SWATCH + 6, line_top + _SWATCH - 1, text, size=_SMALL))
        x += item
    return line_top + _LEGEND_LINE if chart.series else y


# --- SVG ------------------------------------------------------------------------------------


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def to_svg(chart: BarChart, *, width: int = 640, id_prefix: str = "chart") -> str:
    """The chart as an inline SVG element, titled and described for screen readers."""
    layout = _layout(chart, float(width))
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {_fmt(layout.width)} {_fmt(layout.height)}" '
        f'width="{_fmt(layout.width)}" height="{_fmt(layout.height)}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'font-family="{FONT_FAMILY}">',
        f'<title id="{escape(title_id)}">{escape(chart.title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(describe(chart))}</desc>',
    ]
    for r in layout.rects:
        tooltip = f"<title>{escape(r.tooltip)}</title>" if r.tooltip else ""
        parts.append(
            f'<rect x="{_fmt(r.x)}" y="{_fmt(r.y)}" width="{_fmt(r.width)}" '
            f'height="{_fmt(r.height)}" fill="{r.colour}" stroke="#ffffff" '
            f'stroke-width="1">{tooltip}</rect>'
        )
    for t in layout.texts:
        weight = ' font-weight="bold"' if t.bold else ""
        parts.append(
            f'<text x="{_fmt(t.x)}" y="{_fmt(t.y)}" font-size="{_fmt(t.size)}" '
            f'fill="{t.colour}" text-anchor="{t.anchor}"{weight}>{escape(t.text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def describe(chart: BarChart) -> str:
    """The chart in one sentence per category, for <desc> and image alt texts."""
    lines = [chart.description] if chart.description else []
    for category, total, values in _rows(chart):
        counts = ", ".join(f"{s.label} {v}" for s, v in zip(chart.series, values, strict=True))
        lines.append(f"{category}: {counts} ({chart.total_label.lower()} {total}).")
    return " ".join(lines)


def _rows(chart: BarChart) -> Iterator[tuple[str, int, tuple[int, ...]]]:
    for index, category in enumerate(chart.categories):
        values = tuple(s.values[index] for s in chart.series)
        yield category, sum(values), values


# --- The table alternative ------------------------------------------------------------------


def table_rows(chart: BarChart) -> list[list[str]]:
    """Header, one row per category and a row of totals, as text."""
    rows = [["", *(s.name for s in chart.series), chart.total_label]]
    for category, total, values in _rows(chart):
        rows.append([category, *(str(v) for v in values), str(total)])
    if chart.additive:
        totals = chart.series_totals()
        rows.append([chart.total_label, *(str(v) for v in totals), str(sum(totals))])
    return rows


def to_table_html(chart: BarChart, *, caption: str = "", css_class: str = "chart-table") -> str:
    """The chart's numbers as an HTML table: the text alternative to the picture."""
    header, *body = table_rows(chart)
    out = [f'<table class="{escape(css_class)}">']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    out.append(f"<thead><tr>{cells}</tr></thead><tbody>")
    for index, row in enumerate(body):
        last = chart.additive and index == len(body) - 1
        tag = ' class="chart-table__total"' if last else ""
        numbers = "".join(f"<td>{escape(v)}</td>" for v in row[1:])
        out.append(f'<tr{tag}><th scope="row">{escape(row[0])}</th>{numbers}</tr>')
    out.append("</tbody></table>")
    return "".join(out)


# --- PNG ------------------------------------------------------------------------------------


@cache
def _font(pixels: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    names = [n.replace("Sans.ttf", "Sans-Bold.ttf") for n in _FONT_FILES] if bold else []
    for name in [*names, *_FONT_FILES]:
        try:
            return ImageFont.truetype(name, pixels)
        except OSError:
            continue
    # Pillow's own font, when DejaVu (Debian's fonts-dejavu-core) is missing; it lacks the
    # status symbols, but numbers and labels still come out.
    return ImageFont.load_default(pixels)


def to_png(chart: BarChart, *, width: int = 640, scale: float = 2.5) -> bytes:
    """The chart as PNG bytes, `width × scale` pixels wide, for documents that take images."""
    layout = _layout(chart, float(width))
    size = (round(layout.width * scale), round(layout.height * scale))
    image = Image.new("RGB", size, "#ffffff")
    draw = ImageDraw.Draw(image)
    for r in layout.rects:
        box = (r.x * scale, r.y * scale, (r.x + r.width) * scale - 1, (r.y + r.height) * scale - 1)
        draw.rectangle(box, fill=r.colour, outline="#ffffff", width=max(1, round(scale / 2)))
    return _finish_png(image, draw, layout.texts, scale)


def _finish_png(
    image: Image.Image, draw: ImageDraw.ImageDraw, texts: Iterable[_Text], scale: float
) -> bytes:
    """Draw the texts over the shapes and give the image as PNG bytes (both kinds of chart)."""
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for t in texts:
        font = _font(round(t.size * scale), t.bold)
        draw.text(
            (t.x * scale, t.y * scale), t.text, fill=t.colour, font=font, anchor=anchors[t.anchor]
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def png_size(chart: BarChart, *, width: int = 640) -> tuple[float, float]:
    """The chart's size in layout units (points in print), to place the PNG at."""
    layout = _layout(chart, float(width))
    return layout.width, layout.height


# --- Line charts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineSeries:
    """One line: points (x, value) in order of x. x is a year, with the day as a fraction."""

    label: str
    colour: str  # "#rrggbb"
    points: tuple[tuple[float, float], ...]
    dashed: bool = False
    mark: str = ""  # drawn at every point, so lines differ without their colour
    width: float = 2.0


@dataclass(frozen=True)
class LineChart:
    title: str
    series: tuple[LineSeries, ...]
    unit: str = ""
    description: str = ""
    x_labels: dict[float, str] = field(default_factory=dict)  # the table's column labels
    # Norwegian by default (20 566 and 40,5); English pages pass "." and ",".
    decimal_mark: str = ","
    group_mark: str = "\u00a0"

    def number(self, value: float) -> str:
        return format_number(value, decimal_mark=self.decimal_mark, group_mark=self.group_mark)

    def __post_init__(self) -> None:
        for s in self.series:
            if not _HEX_COLOUR.fullmatch(s.colour):
                raise ValueError(f"Series «{s.label}» has colour {s.colour!r}; use #rrggbb.")

    def xs(self) -> tuple[float, ...]:
        return tuple(sorted({x for s in self.series for x, _ in s.points}))

    def label_x(self, x: float) -> str:
        return self.x_labels.get(x) or _fmt(x)


_PLOT_LEFT = 64.0
_PLOT_TOP = 12.0
_PLOT_HEIGHT = 220.0
_AXIS_ROOM = 28.0


def format_number(value: float, *, decimal_mark: str = ",", group_mark: str = "\u00a0") -> str:
    """Up to two decimals, Norwegian style by default: 20 566 and 40,5."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", decimal_mark).replace("\0", group_mark)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = (low // step) * step
    ticks = []
    value = start
    while value <= high + step * 0.001:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


@dataclass(frozen=True)
class _Polyline:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float
    dashed: bool = False
    tooltip: str = ""


@dataclass(frozen=True)
class _Mark:
    text: _Text
    tooltip: str


@dataclass
class _LineLayout:
    width: float
    height: float
    lines: list[_Polyline] = field(default_factory=list)  # grid, series and legend swatches
    texts: list[_Text] = field(default_factory=list)
    marks: list[_Mark] = field(default_factory=list)  # the symbol at each point of a series


def _line_layout(chart: LineChart, width: float) -> _LineLayout:
    """Where everything of a line chart goes, in the same units as the bar charts."""
    xs = chart.xs()
    values = [v for s in chart.series for _, v in s.points]
    # The axis starts at zero unless the values differ, but within a sixth of the largest of
    # them (as spreadsheets decide): a population of 20 566 that grows by a few hundred would
    # otherwise be a flat line. A line that is flat stays at its height above zero. The lowest
    # tick says where the axis starts.
    spread = max(values, default=0.0) - min(values, default=0.0)
    close = 0 < spread < max(values, default=0.0) / 6
    from_zero = bool(values) and min(values) >= 0 and not close
    lows = [*values, 0.0] if from_zero else values
    ticks = _nice_ticks(min(lows, default=0.0), max(values, default=1.0))
    low, high = ticks[0], ticks[-1]
    plot_width = width - _PLOT_LEFT - 16
    x_low, x_high = (xs[0], xs[-1]) if xs else (0.0, 1.0)
    if x_high == x_low:
        x_low, x_high = x_low - 1, x_high + 1

    def px(x: float) -> float:
        return _PLOT_LEFT + (x - x_low) / (x_high - x_low) * plot_width

    def py(v: float) -> float:
        return _PLOT_TOP + (high - v) / (high - low) * _PLOT_HEIGHT

    legend_top = _PLOT_TOP + _PLOT_HEIGHT + _AXIS_ROOM
    layout = _LineLayout(width, legend_top + _LEGEND_LINE * len(chart.series) + _MARGIN)
    for tick in ticks:
        y = py(tick)
        layout.lines.append(
            _Polyline(((_PLOT_LEFT, y), (_PLOT_LEFT + plot_width, y)), "#d0d4da", 1)
        )
        layout.texts.append(
            _Text(_PLOT_LEFT - 6, y + 4, chart.number(tick), size=_SMALL, anchor="end")
        )
    step = max(1, len(xs) // 8)
    for x in xs[::step]:
        layout.texts.append(
            _Text(px(x), _PLOT_TOP + _PLOT_HEIGHT + 18, chart.label_x(x), _SMALL, anchor="middle")
        )
    for s in chart.series:
        if not s.points:
            continue
        points = tuple((px(x), py(v)) for x, v in s.points)
        layout.lines.append(_Polyline(points, s.colour, s.width, s.dashed, s.label))
        if s.mark:
            for x, v in s.points:
                tip = f"{s.label}, {chart.label_x(x)}: {chart.number(v)} {chart.unit}".strip()
                mark = _Text(px(x), py(v) + 4, s.mark, _SMALL, s.colour, "middle", bold=True)
                layout.marks.append(_Mark(mark, tip))
    for index, s in enumerate(chart.series):
        y = legend_top + index * _LEGEND_LINE
        swatch = ((_MARGIN, y + 8), (_MARGIN + 28, y + 8))
        layout.lines.append(_Polyline(swatch, s.colour, s.width, s.dashed))
        layout.texts.append(_Text(_MARGIN + 36, y + 12, f"{s.mark} {s.label}".strip(), _SMALL))
    return layout


def line_to_svg(chart: LineChart, *, width: int = 640, id_prefix: str = "chart") -> str:
    """The line chart as an inline SVG element with a <title> and a <desc>."""
    layout = _line_layout(chart, float(width))
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {_fmt(layout.height)}" width="{width}" '
        f'height="{_fmt(layout.height)}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" font-family="{FONT_FAMILY}">',
        f'<title id="{escape(title_id)}">{escape(chart.title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(describe_lines(chart))}</desc>',
    ]
    for line in layout.lines:
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        if not line.tooltip:  # grid lines and legend swatches
            (x1, y1), (x2, y2) = line.points
            parts.append(
                f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
                f'stroke="{line.colour}" stroke-width="{_fmt(line.width)}"{dash}/>'
            )
            continue
        coordinates = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in line.points)
        tooltip = f"<title>{escape(line.tooltip)}</title>" if line.tooltip else ""
        parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{line.colour}" '
            f'stroke-width="{_fmt(line.width)}"{dash}>{tooltip}</polyline>'
        )
    for t in layout.texts:
        parts.append(_svg_text(t))
    for mark in layout.marks:
        parts.append(_svg_text(mark.text, tooltip=mark.tooltip))
    parts.append("</svg>")
    return "\n".join(parts)


def _svg_text(t: _Text, *, tooltip: str = "") -> str:
    weight = ' font-weight="bold"' if t.bold else ""
    title = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return (
        f'<text x="{_fmt(t.x)}" y="{_fmt(t.y)}" font-size="{_fmt(t.size)}" fill="{t.colour}" '
        f'text-anchor="{t.anchor}"{weight}>{title}{escape(t.text)}</text>'
    )


def line_to_png(chart: LineChart, *, width: int = 640, scale: float = 2.5) -> bytes:
    """The line chart as PNG bytes, for Word: the same layout as the SVG."""
    layout = _line_layout(chart, float(width))
    image = Image.new("RGB", (round(layout.width * scale), round(layout.height * scale)), "#fff")
    draw = ImageDraw.Draw(image)
    for line in layout.lines:
        points = [(x * scale, y * scale) for x, y in line.points]
        pixels = max(1, round(line.width * scale))
        if line.dashed:
            for dash in _dashes(points, on=6 * scale, off=4 * scale):
                draw.line(dash, fill=line.colour, width=pixels)
        else:
            draw.line(points, fill=line.colour, width=pixels, joint="curve")
    return _finish_png(image, draw, [*layout.texts, *(m.text for m in layout.marks)], scale)


def line_png_size(chart: LineChart, *, width: int = 640) -> tuple[float, float]:
    layout = _line_layout(chart, float(width))
    return layout.width, layout.height


def _dashes(
    points: list[tuple[float, float]], *, on: float, off: float
) -> Iterator[list[tuple[float, float]]]:
    """The pieces of a dashed polyline, as PIL draws no dashes itself."""
    drawing, left = True, on
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        length = math.hypot(x2 - x1, y2 - y1)
        done = 0.0
        while done < length:
            step = min(left, length - done)
            a, b = done / length, (done + step) / length
            if drawing:
                yield [
                    (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a),
                    (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b),
                ]
            done += step
            left -= step
            if left <= 1e-9:
                drawing = not drawing
                left = on if drawing else off


def describe_lines(chart: LineChart) -> str:
    """Every line's values in words, for <desc> and alt texts."""
    lines = [chart.description] if chart.description else []
    for s in chart.series:
        points = "; ".join(f"{chart.label_x(x)}: {chart.number(v)}" for x, v in s.points)
        lines.append(
            f"{s.label} ({chart.unit}): {points}." if chart.unit else f"{s.label}: {points}."
        )
    return " ".join(lines)


def line_table_rows(chart: LineChart) -> list[list[str]]:
    """Header (the periods), then one row per line; "–" where a line has no value."""
    xs = chart.xs()
    rows = [["", *(chart.label_x(x) for x in xs)]]
    for s in chart.series:
        by_x = dict(s.points)
        rows.append([s.label, *(chart.number(by_x[x]) if x in by_x else "–" for x in xs)])
    return rows


def line_to_table_html(
    chart: LineChart, *, caption: str = "", css_class: str = "chart-table"
) -> str:
    header, *body = line_table_rows(chart)
    out = [f'<table class="{escape(css_class)}">']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    out.append(f"<thead><tr>{cells}</tr></thead><tbody>")
    for row in body:
        numbers = "".join(f'<td class="num">{escape(v)}</td>' for v in row[1:])
        out.append(f'<tr><th scope="row">{escape(row[0])}</th>{numbers}</tr>')
    out.append("</tbody></table>")
    return "".join(out)
