"""The one text decoder: bytes of a text file → str, for plans, programme pages and
indicator tables alike.

UTF-8 (with or without a byte order mark) and UTF-16 with a byte order mark are read as
they are; anything else is read as Windows-1252, which is what Notepad, older Word and
Norwegian Excel («CSV (semikolonseparert)») save as «ANSI» here, and the caller is told that
it was a guess. Binary files are refused rather than decoded into noise.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Characters beyond ASCII that Norwegian text in a single-byte encoding plausibly contains.
_NORWEGIAN_EXTRA = set("æøåÆØÅéÉèÈêóòôÓüÜäÄöÖàáíú«»–—‘’“”•…§°½¼¾€´`¨\u00a0\u00ad")
_ALLOWED_CONTROLS = set("\t\n\r\f\v")


class NotText(ValueError):
    """`reason` is "empty" (nothing but whitespace) or "binary" (not text at all)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-16" or "cp1252"
    guessed: bool  # read as Windows-1252 because it was not UTF-8


def has_utf16_bom(data: bytes) -> bool:
    return data.startswith(UTF16_BOMS)


def decode_text(data: bytes) -> Decoded:
    """The text of `data`. Raises NotText("empty") or NotText("binary")."""
    if not data.strip():
        raise NotText("empty")
    if has_utf16_bom(data):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise NotText("binary") from None
        return _checked(Decoded(text, "utf-16", False))
    if b"\x00" in data[:4096]:
        raise NotText("binary")
    try:
        return _checked(Decoded(data.decode("utf-8-sig"), "utf-8", False))
    except UnicodeDecodeError:
        pass
    # Five bytes are undefined in Windows-1252; Latin-1 reads them as control characters,
    # which the check below then counts.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return _checked(Decoded(text, "cp1252", True))


def _checked(decoded: Decoded) -> Decoded:
    text = decoded.text
    if not text.strip():
        raise NotText("empty")
    controls = sum(
        1 for c in text if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS
    )
    if controls > len(text) / 1000 or text.count("\ufffd") > len(text) / 100:
        raise NotText("binary")
    if decoded.guessed:
        # A single-byte encoding decodes anything: the result must look like Norwegian.
        odd = sum(1 for c in text if ord(c) > 127 and c not in _NORWEGIAN_EXTRA)
        if odd > len(text) / 200:
            raise NotText("binary")
    return decoded
