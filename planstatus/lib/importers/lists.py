"""Plans written as lists and prose (placeholder)."""

from __future__ import annotations

from planstatus.lib.documents.model import Block
from planstatus.lib.importers.base import ParsedPlan


def read_blocks(
    blocks: list[Block], known_actors: list[str], overrides: dict[int, str]
) -> ParsedPlan:
    return ParsedPlan(title=None)
