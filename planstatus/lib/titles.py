"""A plan's suggested title and address, cleaned of what a case document puts around it.

A status case is headed «Sak 16-25 REGIONPLAN - STATUS»: the case number is the council's
filing, not the plan's name, and the capitals are the heading's style. The person edits the
suggestion in the review; these only make a better first guess."""

from __future__ import annotations

import re

# «Sak 16-25», «Sak 16/25», «PS 12/2024», «Saksnr. 2024/123» at the start of a heading.
_CASE_NUMBER = re.compile(
    r"^\s*(?:sak(?:snr\.?|snummer)?|ps|ks|rs)\s*(?:nr\.?\s*)?\d+\s*[-/.]\s*\d+\s*[:.–—-]?\s*",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s+[-–—]\s+")


def clean_title(title: str) -> str:
    """The heading without its case number, in sentence case when it was all capitals."""
    text = " ".join(title.split())
    text = _CASE_NUMBER.sub("", text) or text
    text = _SEPARATOR.sub(" – ", text)
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        text = text.lower()
    # Words written all in capitals within a mixed title (REGIONPLAN) are lowered too, but
    # short ones are kept: they are often abbreviations (KS, NAV, IKT).
    text = re.sub(r"\b[A-ZÆØÅ]{5,}\b", lambda m: m.group(0).lower(), text)
    return text[:1].upper() + text[1:]


def slug_within(slug: str, limit: int) -> str:
    """The slug cut to at most `limit` characters at a word boundary, never inside a word."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    # A first word longer than the limit: there is no boundary to cut at; keep it whole-ish.
    return cut if cut and len(cut) <= limit else slug[:limit].strip("-")
