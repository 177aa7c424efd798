"""Plain text (pasted, or extracted from a PDF) → blocks: one block per non-blank line.

Text extraction flattens a document's layout, so the reader keeps what the layout left:
each line on its own (a table row comes out as several lines), whether a blank line or a
page break (form feed) stood before it, and bullets as list items. What the lines mean is
the interpreter's business.
"""

from __future__ import annotations

import re
import unicodedata

from planstatus.lib.documents.decoding import NotText, decode_text
from planstatus.lib.documents.model import Block, Document, ListItem, Paragraph, Place
from planstatus.lib.importers.base import Code, UnreadableDocument
from planstatus.lib.vocabulary import BULLET

PAGE_BREAK = "\f"


def read(data: bytes) -> Document:
    try:
        decoded = decode_text(data)
    except NotText as error:
        raise UnreadableDocument(
            Code.EMPTY_FILE if error.reason == "empty" else Code.NOT_TEXT
        ) from None
    document = Document(text_blocks(decoded.text), "text")
    if decoded.guessed:
        document.notes.append((Code.READ_AS_WINDOWS_1252, {}))
    return document


def split_lines(text: str) -> list[tuple[str, int]]:
    """(line, indent) with runs of whitespace collapsed; a form feed is a line of its own."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    lines = []
    for line in text.split("\n"):
        if line == PAGE_BREAK:
            lines.append((line, 0))
            continue
        line = line.replace("\u00a0", " ").replace("\ufeff", "")
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        line = line.strip()
        # A soft hyphen shows only where the line breaks; there it is a hyphenation.
        line = re.sub("\u00ad$", "-", line).replace("\u00ad", "")
        lines.append((re.sub(r"\s+", " ", line), indent))
    return lines


def text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    gap = page_break = False
    page = 1
    for number, (line, indent) in enumerate(split_lines(text), start=1):
        if line == PAGE_BREAK:
            page += 1
            page_break = True
            continue
        if not line:
            gap = True
            continue
        place = Place(len(blocks), page=page, line=number)
        bullet = BULLET.match(line)
        if bullet and line[bullet.end() :]:
            blocks.append(
                ListItem(
                    place,
                    line[bullet.end() :],
                    marker=bullet.group().strip(),
                    depth=min(indent // 2, 6),
                    gap_before=gap or page_break,
                    page_break_before=page_break,
                )
            )
        else:
            blocks.append(
                Paragraph(place, line, gap_before=gap or page_break, page_break_before=page_break)
            )
        gap = page_break = False
    return blocks
