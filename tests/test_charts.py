"""planstatus.lib.charts: pure, no database."""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from planstatus.lib.charts import (
    BarChart,
    Series,
    describe,
    table_rows,
    to_png,
    to_svg,
    to_table_html,
)

SVG = "{http://www.w3.org/2000/svg}"


def chart(**kwargs: object) -> BarChart:
    options: dict = {
        "title": "Tiltak per status",
        "description": "Ein stolpe per område.",
        "categories": ("Næring", "Klima"),
        "series": (
            Series("gjennomført", "#1a7f3c", (3, 0), "✓"),
            Series("påstarta", "#b38600", (2, 4), "◐"),
            Series("ikkje påstarta", "#c4261d", (0, 1), "○"),
        ),
        "total_label": "Totalt",
    }
    options.update(kwargs)
    return BarChart(**options)


def test_totals_per_category_and_per_series() -> None:
    c = chart()
    assert c.totals() == (5, 5)
    assert c.series_totals() == (3, 6, 1)


def test_svg_is_well_formed_titled_and_described() -> None:
    svg = to_svg(chart(), id_prefix="x")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "x-title x-desc"
    assert root.findtext(f"{SVG}title") == "Tiltak per status"
    desc = root.findtext(f"{SVG}desc") or ""
    assert "Ein stolpe per område." in desc
    assert "Næring: gjennomført 3, påstarta 2, ikkje påstarta 0 (totalt 5)." in desc


def test_stacked_segments_are_proportional_and_numbered() -> None:
    root = ET.fromstring(to_svg(chart(), width=600))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    # Næring: 3 + 2 (a zero draws nothing); Klima: 4 + 1.
    assert [r.findtext(f"{SVG}title") for r in bars] == [
        "Næring – gjennomført: 3",
        "Næring – påstarta: 2",
        "Klima – påstarta: 4",
        "Klima – ikkje påstarta: 1",
    ]
    widths = [float(r.get("width", 0)) for r in bars]
    assert widths[0] / widths[1] == pytest.approx(3 / 2)
    assert widths[0] + widths[1] == pytest.approx(widths[2] + widths[3])
    texts = [t.text for t in root.iter(f"{SVG}text")]
    # Each segment says its symbol and number, so the colour is not needed to read it.
    assert "✓ 3" in texts and "◐ 4" in texts
    assert "✓ gjennomført (3)" in texts  # the legend, with totals


def test_a_chart_of_the_same_things_over_time_sums_nothing_across_bars() -> None:
    # The dashboard's «Utvikling over tid» once said «ikkje vurdert (89)» for 68 measures.
    over_time = dataclasses.replace(chart(), additive=False)
    root = ET.fromstring(to_svg(over_time))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "✓ gjennomført" in texts and "✓ gjennomført (3)" not in texts
    assert "✓ 3" in texts  # the counts stay, per bar
    rows = table_rows(over_time)
    assert len(rows) == 1 + len(over_time.categories)  # no row of sums over the bars


def test_grouped_chart_draws_one_bar_per_series() -> None:
    root = ET.fromstring(to_svg(chart(stacked=False)))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 4  # the non-zero values
    assert len({r.get("x") for r in bars}) == 1  # all from the same baseline


def test_text_is_escaped_everywhere() -> None:
    hostile = "<script>alert('x')</script> & «sitat»"
    c = chart(title=hostile, categories=(hostile, "Klima"))
    svg = to_svg(c)
    ET.fromstring(svg)  # still well-formed
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    table = to_table_html(c, caption=hostile)
    assert "<script>" not in table and "&lt;script&gt;" in table


def test_table_alternative_has_every_number_and_totals() -> None:
    assert table_rows(chart()) == [
        ["", "✓ gjennomført", "◐ påstarta", "○ ikkje påstarta", "Totalt"],
        ["Næring", "3", "2", "0", "5"],
        ["Klima", "0", "4", "1", "5"],
        ["Totalt", "3", "6", "1", "10"],
    ]
    html = to_table_html(chart(), caption="Tal")
    assert html.startswith('<table class="chart-table"><caption>Tal</caption>')
    assert '<th scope="row">Klima</th><td>0</td><td>4</td><td>1</td><td>5</td>' in html


def test_png_has_the_layout_size_and_the_series_colours() -> None:
    data = to_png(chart(), width=400, scale=2)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.width == 800
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1_000_000) or []}
    for hex_colour in ("#1a7f3c", "#b38600", "#c4261d"):
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, hex_colour


def test_describe_lists_each_category() -> None:
    assert describe(chart(description="")) == (
        "Næring: gjennomført 3, påstarta 2, ikkje påstarta 0 (totalt 5). "
        "Klima: gjennomført 0, påstarta 4, ikkje påstarta 1 (totalt 5)."
    )


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ((Series("a", "#000000", (1,)),), "expected 2"),
        ((Series("a", "#000000", (1, -1)),), "negative"),
        ((Series("a", "red", (1, 1)),), "#rrggbb"),
    ],
)
def test_bad_specs_are_refused(series: tuple[Series, ...], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        chart(series=series)


def test_empty_chart_still_renders() -> None:
    c = chart(categories=(), series=())
    ET.fromstring(to_svg(c))
    assert Image.open(io.BytesIO(to_png(c))).width > 0


def test_line_chart_draws_series_target_and_table() -> None:
    from planstatus.lib.charts import (
        LineChart,
        LineSeries,
        line_table_rows,
        line_to_svg,
        line_to_table_html,
    )

    chart = LineChart(
        title="Studieplassar <i>",
        unit="plassar",
        series=(
            LineSeries("Hallingdal", "#1e2b3c", ((2020.0, 300.0), (2024.0, 420.5)), mark="●"),
            LineSeries("Målbane", "#1a7f3c", ((2020.0, 300.0), (2030.0, 600.0)), dashed=True),
        ),
    )
    svg = line_to_svg(chart, id_prefix="ind-1")
    assert '<title id="ind-1-title">Studieplassar &lt;i&gt;</title>' in svg
    assert "Hallingdal (plassar): 2020: 300; 2024: 420,5." in svg
    assert svg.count("<polyline") == 2 and 'stroke-dasharray="6 4"' in svg
    assert line_table_rows(chart) == [
        ["", "2020", "2024", "2030"],
        ["Hallingdal", "300", "420,5", "–"],
        ["Målbane", "300", "–", "600"],
    ]
    assert "<caption>Tal</caption>" in line_to_table_html(chart, caption="Tal")


def test_line_chart_with_one_point_or_none() -> None:
    from planstatus.lib.charts import LineChart, LineSeries, line_to_svg

    assert "<svg" in line_to_svg(LineChart(title="x", series=()))
    one = LineChart(title="x", series=(LineSeries("a", "#000000", ((2024.0, 5.0),)),))
    assert "<polyline" in line_to_svg(one)


def test_line_chart_as_png_has_the_svgs_size_and_draws_the_lines() -> None:
    from planstatus.lib.charts import LineChart, LineSeries, line_png_size, line_to_png

    chart = LineChart(
        title="Folketal",
        series=(
            LineSeries("Hallingdal", "#1e2b3c", ((2015.0, 20566.0), (2024.0, 21000.0)), mark="●"),
            LineSeries("Målbane", "#1a7f3c", ((2015.0, 20566.0), (2030.0, 22000.0)), dashed=True),
        ),
    )
    image = Image.open(io.BytesIO(line_to_png(chart, width=640, scale=2)))
    width, height = line_png_size(chart, width=640)
    assert image.size == (round(width * 2), round(height * 2))
    colours = {colour for _, colour in image.getcolors(maxcolors=100_000) or []}
    # The region's line and the dashed target path are both drawn, not only the axes.
    assert (0x1E, 0x2B, 0x3C) in colours and (0x1A, 0x7F, 0x3C) in colours


def test_line_chart_axis_starts_at_zero_unless_the_values_lie_close_together() -> None:
    from planstatus.lib.charts import LineChart, LineSeries, line_to_svg

    def tick_labels(*points: tuple[float, float]) -> list[str]:
        svg = line_to_svg(LineChart(title="x", series=(LineSeries("a", "#000000", points),)))
        return re.findall(r'text-anchor="end"[^>]*>([^<]*)<', svg)

    # A population growing by a few hundred: the axis starts just below it, not at 0.
    population = tick_labels((2015.0, 20566.0), (2024.0, 21000.0), (2030.0, 22000.0))
    assert population[0] == "20\u00a0500" and "0" not in population
    # Study places from 300 to 600: from 0, so the growth is not overstated.
    assert tick_labels((2020.0, 300.0), (2030.0, 600.0))[0] == "0"
    # A flat line (a target of holding the population): from 0 too, not ±1 in tenths.
    flat = tick_labels((2015.0, 20566.0), (2027.0, 20566.0))
    assert flat[0] == "0" and not any("," in label for label in flat)


def test_the_legend_sums_parts_of_a_whole_but_not_moments() -> None:
    def legend(c: BarChart) -> list[str]:
        texts = [t.text or "" for t in ET.fromstring(to_svg(c)).iter(f"{SVG}text")]
        # The legend's items: symbol and name (a segment's label is symbol and number).
        return [t for t in texts if t[:1] in "✓◐○" and not t[2:].isdigit()]

    # Focus areas add up to the plan: the legend gives each status's sum.
    assert legend(chart()) == ["✓ gjennomført (3)", "◐ påstarta (6)", "○ ikkje påstarta (1)"]
    # Rounds do not (issue 21: «ikkje vurdert (89)» for a 68-measure plan): names only.
    rounds = chart(categories=("Vår 2025", "Haust 2025"), additive=False)
    assert legend(rounds) == ["✓ gjennomført", "◐ påstarta", "○ ikkje påstarta"]
