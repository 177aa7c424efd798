"""Matching actor names as a document writes them to the region's actors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from planstatus.regions.models import Actor, Region


def normalise_name(name: str) -> str:
    """Compare names regardless of case, spacing, hyphenation and dashes."""
    name = unicodedata.normalize("NFC", name).casefold()
    name = re.sub(r"[‐-―]", "-", name)
    name = re.sub(r"-\s+", "", name)
    return re.sub(r"\s+", " ", name).strip(" .,;:")


def match_actors(names: Iterable[str], region: Region) -> dict[str, Actor | None]:
    """Each written name mapped to the one actor it is a known form of, or None."""
    by_form: dict[str, Actor | None] = {}
    for actor in region.actors.all():
        for form in actor.written_forms():
            key = normalise_name(form)
            # A form shared by two actors identifies neither.
            by_form[key] = None if key in by_form and by_form[key] != actor else actor
    return {name: by_form.get(normalise_name(name)) for name in names}


def known_actor_forms(region: Region) -> list[str]:
    return [form for actor in region.actors.all() for form in actor.written_forms()]
