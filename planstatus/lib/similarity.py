"""Text similarity for Norwegian plan items, to suggest what a later item continues.

No Django here. Plans are written in Nynorsk or Bokmål, often both in one region over the
years, and in compound words ("profilering" / "profileringskanal"), so texts are compared
after cheap folding: lower case, punctuation gone, common Nynorsk forms turned into their
Bokmål twins, inflection endings cut off, and a word counted as shared when one is the
start of the other. Words every item uses (the region's name) weigh little (idf).

The score (0–1) is mostly the weighted share of shared words (Dice), plus a little of the
character-trigram overlap, which catches what the word rules miss. A score is a hint for
a person, never a decision.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

# Words that say nothing about the content, in both written standards.
_STOPWORD_TEXT = """
    og i for av til med på som det den dei de er var vere være vera ein eit ei en et å at
    frå fra om eller men så ved etter under over mot mellom hjå hos seg sin si sitt sine
    me vi vil skal kan har ha blir vert vart ikkje ikke også meir mer mest
    the of and to in dette denne desse disse slik
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Whole words that differ between Nynorsk and Bokmål; the key is folded to the value.
WORD_FOLDS = {
    "ikkje": "ikke",
    "korleis": "hvordan",
    "kva": "hva",
    "kvar": "hver",
    "berre": "bare",
    "saman": "sammen",
    "mogleg": "mulig",
    "moglegheit": "mulighet",
    "moglegheiter": "muligheter",
    "mogelegheiter": "muligheter",
    "tilbod": "tilbud",
    "høve": "anledning",
    "auke": "øke",
    "auka": "økt",
    "eigen": "egen",
    "eige": "eget",
    "heile": "hele",
    "fleire": "flere",
    "nye": "ny",
    "nytt": "ny",
}

# Pieces of words that differ, replaced anywhere in a word (compounds included).
PIECE_FOLDS = (
    ("vidare", "videre"),
    ("skule", "skole"),
    ("høg", "høy"),
    ("heit", "het"),  # moglegheit, tilhøyrigheit → -het
    ("løysing", "løsning"),
    ("tenest", "tjenest"),
    ("verksemd", "virksomhet"),
    ("utanfor", "utenfor"),
    ("innanfor", "innenfor"),
)

# Inflection endings, longest first; a stem keeps at least MIN_STEM letters.
SUFFIXES = (
    "ingane",
    "ingene",
    "ingar",
    "inger",
    "ande",
    "ende",
    "ere",
    "ane",
    "ene",
    "ar",
    "er",
    "en",
    "et",
    "a",
    "e",
)
MIN_STEM = 4
# A shorter word that starts a longer one counts as the same word when it is this long.
MIN_PREFIX = 5

WORD_WEIGHT = 0.7
TRIGRAM_WEIGHT = 0.3

_NOT_WORD = re.compile(r"[^\w]+|_+")


def normalise(text: str) -> str:
    """Lower case, composed letters, every run of punctuation or space one space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def fold_word(word: str) -> str:
    """One word folded to a shared Nynorsk/Bokmål stem."""
    word = WORD_FOLDS.get(word, word)
    for nynorsk, bokmal in PIECE_FOLDS:
        word = word.replace(nynorsk, bokmal)
    if word.endswith("are"):  # Nynorsk comparatives (høgare) as Bokmål's (høyere)
        word = word[:-3] + "ere"
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> list[str]:
    """The text's content words, folded, in order (repeats kept once)."""
    words = (w for w in normalise(text).split() if w not in STOPWORDS)
    return list(dict.fromkeys(fold_word(w) for w in words))


def _trigrams(words: Sequence[str]) -> set[str]:
    grams: set[str] = set()
    for word in words:
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= MIN_PREFIX and long.startswith(short)


@dataclass(frozen=True)
class _Prepared:
    words: tuple[str, ...]
    trigrams: frozenset[str]


def _prepare(text: str) -> _Prepared:
    words = stems(text)
    return _Prepared(tuple(words), frozenset(_trigrams(words)))


def _score(a: _Prepared, b: _Prepared, weight: dict[str, float]) -> float:
    if not a.words or not b.words:
        return 0.0
    matched_a = sum(weight[w] for w in a.words if any(_same_word(w, v) for v in b.words))
    matched_b = sum(weight[w] for w in b.words if any(_same_word(w, v) for v in a.words))
    total = sum(weight[w] for w in a.words) + sum(weight[w] for w in b.words)
    dice = (matched_a + matched_b) / total if total else 0.0
    union = a.trigrams | b.trigrams
    jaccard = len(a.trigrams & b.trigrams) / len(union) if union else 0.0
    return WORD_WEIGHT * dice + TRIGRAM_WEIGHT * jaccard


def _weights(texts: Sequence[_Prepared]) -> dict[str, float]:
    """Inverse document frequency over all the texts compared: rare words weigh more."""
    frequency: Counter[str] = Counter()
    for t in texts:
        frequency.update(set(t.words))
    n = len(texts)
    return {word: math.log(1 + n / count) for word, count in frequency.items()}


def similarity(a: str, b: str) -> float:
    """The score of two texts on their own (every word weighs the same)."""
    pa, pb = _prepare(a), _prepare(b)
    weights = {w: 1.0 for w in (*pa.words, *pb.words)}
    return round(_score(pa, pb, weights), 3)


@dataclass(frozen=True)
class Match(Generic[K]):
    later: K
    earlier: K
    score: float


def rank_continuations(
    later: Sequence[tuple[K, str]],
    earlier: Sequence[tuple[K, str]],
    *,
    threshold: float = 0.25,
    per_item: int = 3,
) -> list[Match[K]]:
    """For each later item, the earlier items it most likely continues.

    Items are (key, text). At most `per_item` matches per later item, each scoring at
    least `threshold`; all of them best first (ties in the order the items were given).
    """
    prepared_later = [(key, _prepare(text)) for key, text in later]
    prepared_earlier = [(key, _prepare(text)) for key, text in earlier]
    weights = _weights([p for _, p in prepared_later] + [p for _, p in prepared_earlier])
    matches: list[Match[K]] = []
    for later_key, lp in prepared_later:
        scored = [
            Match(later_key, earlier_key, round(_score(lp, ep, weights), 3))
            for earlier_key, ep in prepared_earlier
        ]
        scored = [m for m in scored if m.score >= threshold]
        scored.sort(key=lambda m: -m.score)
        matches.extend(scored[:per_item])
    matches.sort(key=lambda m: -m.score)
    return matches
