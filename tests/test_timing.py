from planstatus.lib.timing import parse_timing


def test_single_year() -> None:
    t = parse_timing("2025")
    assert (t.text, t.start, t.end, t.yearly, t.continuous) == ("2025", 2025, 2025, False, False)


def test_span_written_across_two_lines_with_dot_dash() -> None:
    t = parse_timing("2025.-\n2026")
    assert (t.text, t.start, t.end) == ("2025.-2026", 2025, 2026)


def test_span_written_as_two_years_on_two_lines() -> None:
    t = parse_timing("2025\n2026")
    assert (t.text, t.start, t.end) == ("2025 2026", 2025, 2026)


def test_span_with_en_dash_and_slash() -> None:
    assert (parse_timing("2025–2028").start, parse_timing("2025–2028").end) == (2025, 2028)
    assert (parse_timing("2025/2026").start, parse_timing("2025/2026").end) == (2025, 2026)


def test_yearly_and_continuous_words() -> None:
    assert parse_timing("årleg").yearly
    assert parse_timing("Årlig").yearly
    assert parse_timing("Kont").continuous
    assert parse_timing("kontinuerleg").continuous
    assert parse_timing("Løpande").continuous
    t = parse_timing("årleg")
    assert (t.start, t.end, t.continuous) == (None, None, False)


def test_empty_and_unrelated_text() -> None:
    assert parse_timing("") == parse_timing("   ")
    t = parse_timing("snarast")
    assert (t.start, t.end, t.yearly, t.continuous) == (None, None, False, False)


def test_numbers_that_are_not_years_are_ignored() -> None:
    assert parse_timing("600 plassar").start is None
    assert parse_timing("20255").start is None


def test_as_dict_has_the_import_shape() -> None:
    assert parse_timing("2025").as_dict() == {
        "text": "2025",
        "start": 2025,
        "end": 2025,
        "yearly": False,
        "continuous": False,
    }
