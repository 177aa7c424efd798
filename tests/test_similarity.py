"""The text similarity that ranks suggested continuations: Norwegian folding and ranking."""

from planstatus.lib.similarity import (
    fold_word,
    normalise,
    rank_continuations,
    similarity,
    stems,
)


def test_normalise_drops_case_and_punctuation() -> None:
    assert normalise("Hallingdal 2020, profilering (attraktivitet)!") == (
        "hallingdal 2020 profilering attraktivitet"
    )
    assert normalise("«Næringsvenleg region» – FRE 16") == "næringsvenleg region fre 16"
    assert normalise("Vidareutvikling/nye arbeidsplassar") == "vidareutvikling nye arbeidsplassar"


def test_nynorsk_and_bokmal_forms_meet() -> None:
    for nynorsk, bokmal in [
        ("kommunane", "kommunene"),
        ("kommunar", "kommuner"),
        ("høgare", "høyere"),
        ("tenestene", "tjenestene"),
        ("vidareføre", "videreføre"),
        ("høgskule", "høyskole"),
        ("ikkje", "ikke"),
        ("tilbod", "tilbud"),
    ]:
        assert fold_word(nynorsk) == fold_word(bokmal), (nynorsk, bokmal)
    assert similarity(
        "Kommunane samarbeider om tenestene", "Kommunene samarbeider om tjenestene"
    ) == (1.0)


def test_stopwords_are_left_out_and_repeats_counted_once() -> None:
    assert stems("Hallingdal og Hallingdal i Hallingdal") == ["hallingdal"]
    assert stems("") == []


def test_a_word_that_starts_a_compound_counts_as_shared() -> None:
    with_compound = similarity("profilering av regionen", "ein profileringskanal for regionen")
    without = similarity("marknadsføring av regionen", "ein profileringskanal for regionen")
    assert with_compound > without


def test_unrelated_texts_score_low_and_empty_text_zero() -> None:
    assert similarity("Fagskule reiseliv", "Innføre klimaråd i kommunane") < 0.1
    assert similarity("", "Innføre klimaråd") == 0.0
    assert similarity("!!!", "???") == 0.0


def test_ranking_finds_the_continued_item_first() -> None:
    later = [
        ("1.1.2", "Utvikle Hallingdal som ein meir «næringsvenleg region»"),
        ("4.1.1", "Innføre klimaråd i kommunane"),
    ]
    earlier = [
        ("3.2", "Starta prosess Næringsvenleg region (etter modell pilot Fosen)"),
        ("3.3", "Hallingdal Innovasjon"),
        ("4.2", "Fagskule reiseliv, prosess, mål oppstart 2019"),
    ]
    matches = rank_continuations(later, earlier, threshold=0.2)
    assert (matches[0].later, matches[0].earlier) == ("1.1.2", "3.2")
    assert 0.2 <= matches[0].score <= 1.0
    # Nothing is suggested for a text that shares no content word.
    assert all(m.later == "1.1.2" and m.earlier != "4.2" for m in matches)


def test_threshold_and_items_per_later_item() -> None:
    later = [("a", "bustad for unge i kommunane")]
    earlier = [
        ("x", "bustad for unge"),
        ("y", "bustad i kommunane"),
        ("z", "unge i kommunane"),
        ("w", "heilt anna tema"),
    ]
    two = rank_continuations(later, earlier, threshold=0.0, per_item=2)
    assert len(two) == 2
    assert two[0].score >= two[1].score
    everything = rank_continuations(later, earlier, threshold=0.0, per_item=10)
    assert {m.earlier for m in everything} == {"x", "y", "z", "w"}
    assert rank_continuations(later, earlier, threshold=1.01) == []


def test_ranking_is_best_first_across_items_and_stable() -> None:
    later = [("a", "breiband til alle bustader"), ("b", "klimabudsjett i kommunane")]
    earlier = [("x", "klimabudsjett og klimarekneskap i kommunane"), ("y", "breiband")]
    first = rank_continuations(later, earlier, threshold=0.1)
    assert first == rank_continuations(later, earlier, threshold=0.1)
    assert [m.score for m in first] == sorted((m.score for m in first), reverse=True)
    assert {(m.later, m.earlier) for m in first} >= {("a", "y"), ("b", "x")}


def test_words_every_item_uses_weigh_less() -> None:
    # "Hallingdal" is in every text; the rarer word decides which earlier item is closer.
    later = [("l", "Hallingdal merkevare")]
    earlier = [
        ("e1", "Hallingdal Innovasjon"),
        ("e2", "Merkevare for Hallingdal"),
        ("e3", "Hallingdal 2020"),
    ]
    [best, *_] = rank_continuations(later, earlier, threshold=0.0)
    assert best.earlier == "e2"
