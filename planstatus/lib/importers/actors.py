"""Actor names in a cell: split on line breaks, commas and semicolons, with the names the
region already knows kept whole."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from planstatus.lib.vocabulary import CONJUNCTIONS

# The longest actor name the database keeps (Actor.name, MeasureActor.written_as).
MAX_ACTOR_LENGTH = 200


def normalise_name(name: str) -> str:
    """Compare actor names regardless of case, dashes and spacing (as imports.matching)."""
    name = unicodedata.normalize("NFC", name).casefold()
    name = re.sub(r"[‐-―]", "-", name)
    return re.sub(r"\s+", " ", name).strip(" .,;:")


def split_actors(text: str, known_actors: Iterable[str]) -> list[str]:
    """The names in an actor cell, split on line breaks, commas and semicolons."""
    return split_actors_checked(text, known_actors)[0]


def split_actors_checked(text: str, known_actors: Iterable[str]) -> tuple[list[str], bool]:
    """(names, uncertain): the names in an actor cell, and whether a comma split the cell
    into names the region does not all know (a name with a comma in it, perhaps).

    A name broken over two lines (narrow PDF columns wrap «Næringshage Vidju») is joined
    again when the joined form is a known actor; a line such as «Regionråd Næringsforum»
    (two names on one line, as in flattened text) is split when every part is known. A name
    with a comma in it («Kommunal- og moderniseringsdepartementet, KS») stays whole when the
    region knows it by that name.
    """
    known = {normalise_name(a) for a in known_actors}
    lines = _join_broken_lines([line.strip() for line in text.splitlines() if line.strip()], known)
    names: list[str] = []
    uncertain = False
    for line in _join_wrapped_names(lines, known):
        pieces = [p for p in re.split(r"([;,])", line)]
        # Pieces joined back where «A, B» is itself a known name.
        merged: list[tuple[str, str]] = []  # (text, separator before it)
        separator = ""
        for piece in pieces:
            if piece in (";", ","):
                separator = piece
                continue
            if merged and separator == "," and normalise_name(f"{merged[-1][0]},{piece}") in known:
                merged[-1] = (f"{merged[-1][0]},{piece}", merged[-1][1])
            else:
                merged.append((piece, separator))
            separator = ""
        cleaned = []
        for piece, before in merged:
            piece = re.sub(r"\s+", " ", piece).strip(" .:")
            if piece:
                cleaned.append((piece, before))
        # Without known actors nothing tells a name with a comma from a list of names, and
        # a warning on every list would drown the ones that matter.
        if any(before == "," for _, before in cleaned) and known:
            uncertain = uncertain or any(normalise_name(p) not in known for p, _ in cleaned)
        for piece, _ in cleaned:
            names.extend(_segment(piece, known) or [piece])
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(normalise_name(name), name)
    return list(unique.values()), uncertain


def _join_broken_lines(lines: list[str], known: set[str]) -> list[str]:
    """Join «Berdskaps-» + «koordinator»; keep the hyphen unless only the form without it
    is a known actor."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        if len(previous) > 1 and previous[-1] == "-" and previous[-2].isalpha():
            first_word = line.split()[0].casefold()
            if first_word in CONJUNCTIONS:
                out[-1] = f"{previous} {line}"
            elif normalise_name(previous[:-1] + line) in known:
                out[-1] = previous[:-1] + line
            else:
                out[-1] = previous + line
        else:
            out.append(line)
    return out


def _join_wrapped_names(lines: list[str], known: set[str]) -> list[str]:
    """Greedily join consecutive lines whose joined text is a known actor."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        end = i + 1
        for j in range(len(lines), i + 1, -1):
            if normalise_name(" ".join(lines[i:j])) in known:
                end = j
                break
        out.append(" ".join(lines[i:end]))
        i = end
    return out


def _segment(piece: str, known: set[str]) -> list[str] | None:
    """Split «Regionrådet BFK» into known names, or None if the piece is one name or unknown."""
    if normalise_name(piece) in known or not known:
        return None
    words = piece.split()
    if len(words) < 2 or len(words) > 12:
        return None
    # best[i]: a split of words[:i] into known names (conjunctions between them dropped).
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(words) + 1):
        for start in range(end):
            if start not in best:
                continue
            chunk = " ".join(words[start:end])
            if chunk.casefold() in CONJUNCTIONS and best[start]:
                best.setdefault(end, best[start])
            elif normalise_name(chunk) in known:
                best.setdefault(end, [*best[start], chunk])
    found = best.get(len(words))
    return found if found and len(found) > 1 else None
