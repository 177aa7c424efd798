"""The JSON-stat 2.0 reader and the indicator arithmetic: pure, on files the tests write."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from planstatus.lib import jsonstat
from planstatus.lib.indicators import (
    Assessment,
    Method,
    MunicipalityNumbers,
    Point,
    aggregate,
    assess,
    extract_region,
    parse_period,
    path_value,
    position,
    relative_difference,
    target_path,
)
from planstatus.lib.jsonstat import JsonStatError, read_dataset, write_dataset

FLA = MunicipalityNumbers("3320", "3039", "0615")
GOL = MunicipalityNumbers("3324", "3041", "0617")
HALLINGDAL = [FLA, GOL]


def ssb_file(tmp_path: Path) -> Path:
    """A table like SSB's 07459 (population): old and new numbers, a neighbour, three years."""
    regions = ["0615", "0617", "3039", "3041", "3320", "3324", "0301"]
    years = ["2019", "2020", "2024"]
    cells = {
        ("0615", "2019"): 1050,
        ("0617", "2019"): 4600,
        ("3039", "2020"): 1060,
        ("3041", "2020"): 4650,
        ("3320", "2024"): 1057,
        ("3324", "2024"): 4986,
        ("0301", "2019"): 680000,
        ("0301", "2020"): 690000,
        ("0301", "2024"): 710000,
    }
    values = [cells.get((r, y)) for r in regions for y in years]
    data = write_dataset(
        label="Folkemengd",
        source="Statistisk sentralbyrå",
        dimensions=[
            ("Region", regions, {"0615": "Flå (-2019)", "0301": "Oslo"}),
            ("ContentsCode", ["Personer1"], {"Personer1": "Personar"}),
            ("Tid", years, {}),
        ],
        values=[v for r in regions for v in [cells.get((r, y)) for y in years]],
        roles={"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]},
    )
    assert len(values) == 21
    path = tmp_path / "07459.json"
    path.write_bytes(data)
    return path


def test_reads_a_dataset_and_its_cells(tmp_path: Path) -> None:
    dataset = read_dataset(ssb_file(tmp_path).read_bytes())
    assert dataset.label == "Folkemengd"
    assert [d.id for d in dataset.dimensions] == ["Region", "ContentsCode", "Tid"]
    cells = list(dataset.cells())
    assert len(cells) == 9  # empty cells are left out
    assert ({"Region": "0615", "ContentsCode": "Personer1", "Tid": "2019"}, 1050) in cells
    assert dataset.dimension("Region").label_of("0301") == "Oslo"


def test_sparse_values_and_index_as_list() -> None:
    document = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Tid"],
        "size": [2, 2],
        "dimension": {
            "Region": {"category": {"index": ["3320", "3324"]}},
            "Tid": {"category": {"index": ["2023", "2024"]}},
        },
        "value": {"1": 12.5, "2": "7,5", "3": ".."},
    }
    dataset = read_dataset(json.dumps(document).encode())
    assert dataset.values == {1: Decimal("12.5"), 2: Decimal("7.5")}


def test_filters_to_the_region_by_every_number_generation(tmp_path: Path) -> None:
    extract = extract_region(
        read_dataset(ssb_file(tmp_path).read_bytes()), municipalities=HALLINGDAL
    )
    assert extract.periods == ["2019", "2020", "2024"]
    assert extract.values == {
        ("3320", "2019"): 1050,
        ("3324", "2019"): 4600,
        ("3320", "2020"): 1060,
        ("3324", "2020"): 4650,
        ("3320", "2024"): 1057,
        ("3324", "2024"): 4986,
    }
    assert extract.fallbacks == []
    assert extract.content_label == "Personar"


def test_falls_back_to_another_number_and_says_so() -> None:
    # A table re-numbered to today's numbers for every year.
    data = write_dataset(
        label="x",
        dimensions=[("Region", ["K-3320", "K-3324"], {}), ("Tid", ["2015"], {})],
        values=[10, 20],
    )
    extract = extract_region(read_dataset(data), municipalities=HALLINGDAL)
    assert extract.values == {("3320", "2015"): 10, ("3324", "2015"): 20}
    assert extract.fallbacks == [("3320", "2015", "3320"), ("3324", "2015", "3324")]


def test_weights_from_a_second_content_and_the_weighted_mean() -> None:
    data = write_dataset(
        label="Kvinner blant nyetablerarar",
        dimensions=[
            ("Region", ["3320", "3324"], {}),
            ("ContentsCode", ["Andel", "Etablerarar"], {"Andel": "Del kvinner (%)"}),
            ("Tid", ["2024"], {}),
        ],
        values=[50, 10, 25, 30],
        roles={"metric": ["ContentsCode"]},
    )
    dataset = read_dataset(data)
    with pytest.raises(JsonStatError) as error:
        extract_region(dataset, municipalities=HALLINGDAL)
    assert error.value.code == "choose_content"
    extract = extract_region(
        dataset, municipalities=HALLINGDAL, content="Andel", weight_content="Etablerarar"
    )
    values = {m: v for (m, _), v in extract.values.items()}
    weights = {m: v for (m, _), v in extract.weights.items()}
    region = aggregate(
        values, members=["3320", "3324"], method=Method.WEIGHTED_MEAN, weights=weights
    )
    assert region.value == Decimal("31.25")  # (50·10 + 25·30) / 40
    assert aggregate(values, members=["3320", "3324"], method=Method.SUM).value == 75


def test_a_missing_municipality_gives_no_region_value() -> None:
    result = aggregate({"3320": Decimal(1)}, members=["3320", "3324"], method=Method.SUM)
    assert result.value is None and result.missing == ("3324",)
    result = aggregate(
        {"3320": Decimal(1)}, members=["3320"], method=Method.WEIGHTED_MEAN, weights={}
    )
    assert result.value is None and result.missing == ("3320",)


def test_nothing_for_the_region() -> None:
    data = write_dataset(
        label="x", dimensions=[("Region", ["0301"], {}), ("Tid", ["2015"], {})], values=[1]
    )
    with pytest.raises(JsonStatError) as error:
        extract_region(read_dataset(data), municipalities=HALLINGDAL)
    assert error.value.code == "no_region_data"


def test_another_dimension_with_several_categories_is_refused() -> None:
    data = write_dataset(
        label="x",
        dimensions=[("Region", ["3320"], {}), ("Kjonn", ["1", "2"], {}), ("Tid", ["2015"], {})],
        values=[1, 2],
    )
    with pytest.raises(JsonStatError) as error:
        extract_region(read_dataset(data), municipalities=HALLINGDAL)
    assert error.value.code == "several_categories"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe not utf-8", "not_json"),
        (b"{not json", "not_json"),
        (b"[1, 2, 3]", "not_dataset"),
        (b'{"class": "collection", "link": {}}', "not_dataset"),
        (
            b'{"class": "dataset", "id": ["a"], "size": [1], "dimension": {}, "value": [1]}',
            "malformed",
        ),
        (
            b'{"class": "dataset", "id": ["a"], "size": [2], "value": [1],'
            b' "dimension": {"a": {"category": {"index": ["x", "y"]}}}}',
            "malformed",
        ),
        (
            b'{"class": "dataset", "id": ["a"], "size": [1], "value": {"9": 1},'
            b' "dimension": {"a": {"category": {"index": ["x"]}}}}',
            "malformed",
        ),
        (
            b'{"class": "dataset", "id": ["a", "b"], "size": [100000, 100000], "value": [],'
            b' "dimension": {}}',
            "malformed",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "not_json"),
        (b" " * (jsonstat.MAX_BYTES + 1) + b"{}", "too_large"),
    ],
)
def test_wrong_input_is_refused_with_a_code(data: bytes, code: str) -> None:
    with pytest.raises(JsonStatError) as error:
        read_dataset(data)
    assert error.value.code == code


def test_too_many_cells_is_refused() -> None:
    codes = [str(i) for i in range(2000)]
    document = {
        "class": "dataset",
        "id": ["a", "b"],
        "size": [2000, 2000],
        "dimension": {"a": {"category": {"index": codes}}, "b": {"category": {"index": codes}}},
        "value": {},
    }
    with pytest.raises(JsonStatError) as error:
        read_dataset(json.dumps(document).encode())
    assert error.value.code == "too_large"


def test_nan_and_infinity_are_no_values() -> None:
    data = (
        b'{"class": "dataset", "id": ["Region", "Tid"], "size": [1, 2], "value": [NaN, 1e999],'
        b' "dimension": {"Region": {"category": {"index": ["3320"]}},'
        b' "Tid": {"category": {"index": ["2015", "2016"]}}}}'
    )
    assert read_dataset(data).values == {}


def test_periods() -> None:
    assert parse_period("2015") == (2015, None)
    assert parse_period("2015-01-01") == (2015, datetime.date(2015, 1, 1))
    assert parse_period("2015K1") is None
    assert parse_period("2015-02-30") is None
    assert FLA.for_year(2019) == "0615"
    assert FLA.for_year(2023) == "3039"
    assert FLA.for_year(2024) == "3320"
    assert MunicipalityNumbers("3320").for_year(2010) == "3320"


def test_target_path_and_status() -> None:
    baseline = Point(2020.0, Decimal(300))
    targets = [Point(2030.0, Decimal(600))]
    path = target_path(baseline, targets)
    assert path_value(path, 2025.0) == Decimal(450)
    assert path_value(path, 2019.0) == Decimal(300)
    assert path_value(path, 2035.0) == Decimal(600)

    def judge(value: int, year: int = 2025, higher: bool = True) -> Assessment:
        series = [Point(position(year), Decimal(value))]
        return assess(
            series=series, baseline=baseline, targets=targets, higher_is_better=higher
        ).assessment

    assert judge(450) is Assessment.ON_TRACK
    assert judge(449) is Assessment.BEHIND
    assert judge(600) is Assessment.REACHED
    # Lower is better: from 40 down to 20 by 2030.
    down = assess(
        series=[Point(2025.0, Decimal(31))],
        baseline=Point(2020.0, Decimal(40)),
        targets=[Point(2030.0, Decimal(20))],
        higher_is_better=False,
    )
    assert down.expected == Decimal(30) and down.assessment is Assessment.BEHIND
    assert (
        assess(series=[], baseline=baseline, targets=targets, higher_is_better=True).assessment
        is Assessment.UNKNOWN
    )
    # Without a baseline the path starts at the first value.
    series = [Point(2020.0, Decimal(100)), Point(2025.0, Decimal(340))]
    judgement = assess(series=series, baseline=None, targets=targets, higher_is_better=True)
    assert judgement.expected == Decimal(350) and judgement.assessment is Assessment.BEHIND


def test_relative_difference() -> None:
    difference = relative_difference(Decimal(5406), Decimal("5829.65"))
    assert difference is not None and difference > Decimal("0.07")
    assert relative_difference(Decimal(0), Decimal(1)) is None


def test_units_of_a_content_are_read_and_compared() -> None:
    from planstatus.lib.indicators import unit_kind, units_conflict

    data = write_dataset(
        label="Folkemengd",
        dimensions=[
            ("Region", ["3320"], {}),
            ("ContentsCode", ["Personer1", "Andel"], {}),
            ("Tid", ["2024"], {}),
        ],
        values=[1070, 12],
        roles={"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]},
        units={"ContentsCode": {"Personer1": "personer", "Andel": "prosent"}},
    )
    dataset = read_dataset(data)
    extract = extract_region(dataset, municipalities=[FLA], content="Andel")
    assert extract.content_unit == "prosent"
    assert extract_region(dataset, municipalities=[FLA], content="Personer1").content_unit == (
        "personer"
    )
    assert [unit_kind(u) for u in ("%", "Prosent", "kr", "km²", "innbyggjarar", "")] == [
        "share",
        "share",
        "money",
        "area",
        "count",
        "count",
    ]
    assert units_conflict("%", "personer")
    assert units_conflict("studieplassar", "prosent")
    assert not units_conflict("innbyggjarar", "personer")
    assert not units_conflict("%", "")  # a file without units is not refused for it
