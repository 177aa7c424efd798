"""Bounds on what pdfminer unpacks from a PDF, and on the time it takes. No Django.

pdfplumber reads PDFs with pdfminer, which decodes every stream it needs (a page's content,
fonts, object streams) whole, in `PDFStream.decode`: Flate with `zlib.decompress`, and LZW,
RunLength and CCITT with functions of its own. None of them has a limit, and pdfminer has
no setting for one: a 1 MB Flate stream unpacks to 1 GB, and filters chained on one stream
multiply. So `PDFStream.decode` reaches those decoders through names in
`pdfminer.pdftypes`, and here those names point to versions that count every byte they
produce against a `Budget` and look at the clock:

    with Budget() as budget:            # the document's limits
        for page in ...:
            budget.start_page()         # the page's limits start over
            ...
        budget.check()                  # raises if a limit was passed, even if swallowed

Outside a `with Budget()` the decoders behave as pdfminer's own. A limit passed raises
`TooLarge` or `TooSlow` from inside pdfminer; pdfminer catches some errors and carries on,
so the budget remembers the first one (`exceeded`), refuses every decode after it, and
`check()` raises it again.

Image data (CCITT fax) is never decoded within a budget: reading text needs no pixels.
"""

from __future__ import annotations

import contextvars
import io
import time
import zlib
from typing import Any

from pdfminer import pdftypes
from pdfminer.lzw import LZWDecoder

CHUNK = 64 * 1024
_MB = 1024 * 1024

# A page's content stream is rarely above 1 MB; fonts embedded whole reach a few MB. What
# pdfminer decodes stays in memory until the document is closed.
PAGE_BYTES = 16 * _MB
DOCUMENT_BYTES = 64 * _MB
PAGE_SECONDS = 20.0
DOCUMENT_SECONDS = 60.0


class LimitExceeded(Exception):
    pass


class TooLarge(LimitExceeded):
    """The streams unpack to more than a page or the document may."""


class TooSlow(LimitExceeded):
    """A page or the document took longer than it may."""


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("pdf_budget", default=None)


class Budget:
    def __init__(self) -> None:
        # The module's limits as they are now, so that a test can lower them.
        self.page_bytes, self.document_bytes = PAGE_BYTES, DOCUMENT_BYTES
        self.page_seconds = PAGE_SECONDS
        now = time.monotonic()
        self._document_deadline = now + DOCUMENT_SECONDS
        self._page_deadline = now + PAGE_SECONDS
        self._page_used = self._document_used = 0
        self.exceeded: LimitExceeded | None = None
        self._token: contextvars.Token[Budget | None] | None = None

    def __enter__(self) -> Budget:
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._token is not None
        _current.reset(self._token)

    def start_page(self) -> None:
        self.check()
        self._page_used = 0
        self._page_deadline = time.monotonic() + self.page_seconds

    def check(self) -> None:
        if self.exceeded is None:
            now = time.monotonic()
            if now > self._page_deadline:
                self.exceeded = TooSlow(f"a page took more than {self.page_seconds} s")
            elif now > self._document_deadline:
                self.exceeded = TooSlow("the document took too long")
        if self.exceeded is not None:
            raise self.exceeded

    def take(self, size: int) -> None:
        """Count `size` bytes about to be kept; raise past a limit."""
        self.check()
        self._page_used += size
        self._document_used += size
        if self._page_used > self.page_bytes:
            self.exceeded = TooLarge(f"a page's streams unpack to more than {self.page_bytes}")
        elif self._document_used > self.document_bytes:
            self.exceeded = TooLarge(f"the streams unpack to more than {self.document_bytes}")
        self.check()

    def give_back(self, size: int) -> None:
        """Bytes counted by `take` and then not kept (a failed decode pdfminer retries)."""
        self._page_used -= size
        self._document_used -= size


def _inflate(budget: Budget, decompressor: Any, data: bytes) -> bytearray:
    """Feed `data` to a zlib decompressor, taking each piece of output from the budget."""
    out = bytearray()
    try:
        while not decompressor.eof:
            piece = decompressor.decompress(data, CHUNK)
            budget.take(len(piece))
            out += piece
            data = decompressor.unconsumed_tail
            if not data and len(piece) < CHUNK:
                break  # the input is used up, and no output is pending
    except zlib.error:
        budget.give_back(len(out))
        raise
    return out


def _decompress(data: bytes, *args: Any, **kwargs: Any) -> bytes:
    budget = _current.get()
    if budget is None:
        return zlib.decompress(data, *args, **kwargs)
    decompressor = zlib.decompressobj()
    out = _inflate(budget, decompressor, data)
    if not decompressor.eof:
        budget.give_back(len(out))
        raise zlib.error("incomplete or truncated stream")  # as zlib.decompress says
    return bytes(out)


class _Zlib:
    """Stands in for the zlib module inside pdfminer.pdftypes."""

    error = zlib.error
    decompress = staticmethod(_decompress)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _decompress_corrupted(data: bytes) -> bytes:
    """A Flate stream that zlib refused, usually one cut short: keep what unpacks. Like
    pdfminer's own, it gives up on an error before the last three bytes (the checksum),
    but unpacks in chunks rather than a byte at a time (pdfminer.six issue 1163)."""
    budget = _current.get()
    if budget is None:
        return _original["decompress_corrupted"](data)
    decompressor = zlib.decompressobj()
    out = _inflate(budget, decompressor, data[:-3])
    for byte in data[-3:]:
        try:
            out += _inflate(budget, decompressor, bytes([byte]))
        except zlib.error:
            break
    return bytes(out)


def _lzwdecode(data: bytes) -> bytes:
    budget = _current.get()
    if budget is None:
        return _original["lzwdecode"](data)
    out = bytearray()
    for piece in LZWDecoder(io.BytesIO(data)).run():
        budget.take(len(piece))
        out += piece
    return bytes(out)


def _rldecode(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5): a length byte n, then n + 1 bytes as they are
    (n < 128), or one byte repeated 257 - n times (n > 128); 128 ends the data."""
    budget = _current.get()
    if budget is None:
        return _original["rldecode"](data)
    out = bytearray()
    at = 0
    while at < len(data) and data[at] != 128:
        length = data[at]
        if length < 128:
            run = data[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            run = data[at + 1 : at + 2] * (257 - length)
            at += 2
        budget.take(len(run))
        out += run
    return bytes(out)


def _ccittfaxdecode(data: bytes, params: dict[str, object]) -> bytes:
    if _current.get() is None:
        return _original["ccittfaxdecode"](data, params)
    return b""


def _apply_png_predictor(
    pred: int, colors: int, columns: int, bitspercomponent: int, data: bytes
) -> bytes:
    budget = _current.get()
    if budget is not None:
        # pdfminer starts with a list of `columns` zeros; a hostile width asks for gigabytes.
        budget.take(8 * columns)
        budget.give_back(8 * columns)
    return _original["apply_png_predictor"](pred, colors, columns, bitspercomponent, data)


_REPLACEMENTS: dict[str, Any] = {
    "zlib": _Zlib(),
    "decompress_corrupted": _decompress_corrupted,
    "lzwdecode": _lzwdecode,
    "rldecode": _rldecode,
    "ccittfaxdecode": _ccittfaxdecode,
    "apply_png_predictor": _apply_png_predictor,
}
_original: dict[str, Any] = {}


def _install() -> None:
    """Point pdfminer.pdftypes' decoders to the bounded ones, once. A pdfminer that no longer
    has one of these names fails here, at import, rather than unbounded."""
    if _original:
        return
    for name, replacement in _REPLACEMENTS.items():
        if not hasattr(pdftypes, name):
            raise ImportError(f"pdfminer.pdftypes.{name} is gone: check planstatus.lib.pdflimits")
        _original[name] = getattr(pdftypes, name)
        setattr(pdftypes, name, replacement)


_install()
