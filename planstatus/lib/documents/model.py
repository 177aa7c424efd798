"""The neutral document model every format reader produces: blocks in reading order.

A reader (one module per format) turns bytes into a `Document` and nothing else; what the
blocks mean for a plan is the interpreter's business (planstatus/lib/importers/interpret/).
Each block keeps its `Place` so that a warning can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A colour as the format gives it: hex text («FF0000», «FFC000», ARGB «FF00B050», a Word
# highlight name), or a tuple of numbers (pdfplumber: grey, RGB or CMYK on 0–1).
Colour = str | tuple[float, ...] | None


@dataclass(frozen=True)
class Place:
    """Where a block stands: its index among the document's blocks, and what a person can
    find it by (a page, a line of text, a row of a table or sheet)."""

    index: int
    page: int | None = None
    line: int | None = None
    sheet: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Block:
    place: Place


@dataclass
class Heading(Block):
    text: str
    level: int = 1  # 1 is the top; a title is 0


@dataclass
class Paragraph(Block):
    """A paragraph, or in text and PDF files one line of text."""

    text: str
    bold: bool = False  # every run of the paragraph is bold
    gap_before: bool = False  # a blank line (or more space than a line) before it
    page_break_before: bool = False
    style: str = ""  # the style's name as the document gives it


@dataclass
class ListItem(Block):
    """An item of a bulleted or numbered list. `marker` is the bullet or the number as
    shown («•», «3.», «1.2.»); `number` the number alone («3», «1.2»), "" for bullets."""

    text: str
    marker: str = "•"
    number: str = ""
    depth: int = 0
    gap_before: bool = False
    page_break_before: bool = False


@dataclass
class Cell:
    text: str
    col: int = 0  # first grid column the cell covers
    col_span: int = 1
    row_span: int = 1
    fill: Colour = None  # background colour
    ink: Colour = None  # colour of a symbol such as ● in a cell without words
    bold: bool = False
    # A cell covered by a cell merged down from a row above: it repeats that cell's text
    # and colour, because what is merged down belongs to every row it covers.
    continued: bool = False

    @property
    def end(self) -> int:
        return self.col + self.col_span


@dataclass
class Table(Block):
    rows: list[list[Cell]] = field(default_factory=list)
    # The first row of each physical row, as the source numbers it (spreadsheet row
    # numbers; 1-based table rows otherwise).
    row_numbers: list[int] = field(default_factory=list)
    name: str = ""  # a sheet's name

    @property
    def text(self) -> str:
        rows = (" | ".join(c.text.strip() for c in row if c.text.strip()) for row in self.rows)
        return "\n".join(r for r in rows if r)

    @property
    def width(self) -> int:
        return max((c.end for row in self.rows for c in row), default=0)

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if index < len(self.row_numbers) else index + 1


TextBlock = Heading | Paragraph | ListItem


def block_text(block: Block) -> str:
    """The text of any block; a table's cells row by row."""
    if isinstance(block, Heading | Paragraph | ListItem | Table):
        return block.text
    return ""


@dataclass
class Document:
    blocks: list[Block]
    format: str  # "text", "docx", "pdf", "xlsx", "csv", "odt", "ods"
    title: str | None = None
    # Warnings about the whole file: (code, params), as base.Code values.
    notes: list[tuple[str, dict[str, str | int | float]]] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
