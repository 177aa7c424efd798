"""Short names for addresses, made from a title as a person would shorten it: Norwegian
letters spelt out («Ål» → «al», «Sør» → «sor»), a year range kept as one («2025–2028» →
«2025-2028»), and cut only between words."""

from __future__ import annotations

import re
import unicodedata

_SPELT_OUT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212/]")


def slug_from(title: str, *, max_length: int = 40) -> str:
    text = _DASHES.sub("-", title.translate(_SPELT_OUT))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    # One word longer than the limit is cut, as there is no boundary to cut at.
    return slug or (words[0][:max_length] if words else "")


# A case number before the title, as councils' case documents have it: «Sak 16-25»,
# «PS 12/24», «Sak nr. 7/2025».
_CASE_NUMBER = re.compile(
    r"^\s*(?:sak|ps|saksnr\.?)\s*(?:nr\.?\s*)?\d+\s*[-/–]\s*\d+\s*[:.–-]?\s*", re.I
)

# Short words that are words, not abbreviations like KS or NAV, when a title is in capitals.
_SMALL_WORDS = {
    *("og", "for", "i", "på", "av", "til", "med", "om", "ved", "fra", "frå", "mot", "ny"),
    *("en", "ei", "et", "ein", "eit", "den", "det", "dei", "de", "som", "nye", "ut"),
}


def suggested_title(title: str) -> str:
    """A plan title as a person would write it, from a document's heading: no case number
    before it, capitals only where a word is an abbreviation, a spaced hyphen as a dash."""
    text = _CASE_NUMBER.sub("", title).strip() or title.strip()
    text = re.sub(r"\s+-\s+", " – ", text)
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        # SHOUTED: sentence case, keeping short words that are abbreviations (KS, NAV).
        words = [
            w if len(w) <= 3 and w.isalpha() and w.lower() not in _SMALL_WORDS else w.lower()
            for w in text.split()
        ]
        text = " ".join(words)
        text = text[:1].upper() + text[1:]
    return text
