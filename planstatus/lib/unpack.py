"""Zip packages from untrusted hands, unpacked in bounded chunks. No Django.

Word (.docx) and Excel (.xlsx) files are zip packages, and so are our backups. `zipfile`
trusts the sizes a package declares, and its bzip2 and LZMA readers unpack a whole compressed
block at a time, so a 24 KB file can ask for gigabytes before any check runs. Here every
entry is unpacked from its raw bytes in chunks of at most `CHUNK` bytes, the bytes that come
out are counted whatever the headers say, and the reading stops at the first limit:

    package = Package(data)          # the central directory; refuses too many entries
    package.names()
    package.check()                  # unpacks every entry once, bounded; raises TooLarge
    for piece in package.stream(name): ...   # or package.read(name), both bounded

After `check()` a library that opens the same bytes with `zipfile` (python-docx, openpyxl)
is safe: every entry is known to unpack to exactly its declared size, within the limits,
with the right checksum, and its XML to hold a bounded number of elements (which is what a
parsed tree's memory grows with, rather than the bytes).

Stored, deflate and bzip2 entries are read; anything else (LZMA, Deflate64, encrypted
entries) is refused as damaged: no Office program writes them.
"""

from __future__ import annotations

import bz2
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.parsers import expat

CHUNK = 64 * 1024
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    entries: int
    entry_bytes: int  # unpacked, per entry
    total_bytes: int  # unpacked, all entries together
    xml_elements: int  # in all .xml and .rels entries together; 0 = not counted


# Office documents. A parsed Word document takes about 12 times its XML's size in memory
# (about 130 bytes per element), so 32 MB unpacked and 1.5 million elements keep a reader
# under 500 MB (bench/bombs.py); the longest real plans we have seen unpack to under 5 MB.
OFFICE = Limits(entries=2000, entry_bytes=24 * _MB, total_bytes=32 * _MB, xml_elements=1_500_000)


class UnpackError(ValueError):
    pass


class TooLarge(UnpackError):
    """The package unpacks to more than a limit allows (or holds too many entries)."""


class Damaged(UnpackError):
    """Not a zip package, or an entry that does not unpack to what the package says."""


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # APPNOTE 4.3.7; the last two are the name and
_LOCAL_SIGNATURE = b"PK\x03\x04"  # extra field lengths, which the entry's data follows
_ENCRYPTED = 0x1


class Package:
    """An opened zip package. `source` is the file's bytes or a seekable binary file."""

    def __init__(self, source: bytes | BinaryIO, limits: Limits = OFFICE) -> None:
        self.limits = limits
        self._file: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
        try:
            self._zip = zipfile.ZipFile(self._file)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
            raise Damaged(f"not a zip package: {e}") from e
        self._infos = self._zip.infolist()
        if len(self._infos) > limits.entries:
            raise TooLarge(f"{len(self._infos)} entries; the limit is {limits.entries}")

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        return [info.filename for info in self._infos]

    def stream(self, name: str) -> Iterator[bytes]:
        """The entry's unpacked bytes in chunks; raises TooLarge past `entry_bytes`, and
        Damaged (at the end) when the size or checksum differs from the declared ones."""
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise Damaged(f"no entry {name!r}") from None
        return self._unpack(info)

    def read(self, name: str) -> bytes:
        return b"".join(self.stream(name))

    def check(self) -> None:
        """Unpack every entry once, keeping nothing, and raise at the first limit passed."""
        total = 0
        elements = _ElementCounter(self.limits.xml_elements)
        for info in self._infos:
            count = self.limits.xml_elements and info.filename.lower().endswith((".xml", ".rels"))
            if count:
                elements.start_part()
            for piece in self._unpack(info):
                total += len(piece)
                if total > self.limits.total_bytes:
                    raise TooLarge(f"more than {self.limits.total_bytes} bytes unpacked")
                if count:
                    elements.feed(piece)

    def _unpack(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        if info.flag_bits & _ENCRYPTED:
            raise Damaged(f"{info.filename}: encrypted")
        decode = _DECODERS.get(info.compress_type)
        if decode is None:
            raise Damaged(f"{info.filename}: compression method {info.compress_type}")
        size = crc = 0
        for piece in decode(self._raw(info)):
            size += len(piece)
            if size > self.limits.entry_bytes:
                raise TooLarge(f"{info.filename}: more than {self.limits.entry_bytes} bytes")
            crc = zlib.crc32(piece, crc)
            yield piece
        if size != info.file_size or crc != info.CRC:
            raise Damaged(f"{info.filename}: size or checksum differs from the declared")

    def _raw(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The entry's compressed bytes, as the central directory places and sizes them."""
        self._file.seek(info.header_offset)
        header = self._file.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
            raise Damaged(f"{info.filename}: no local header")
        name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
        position = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
        left = info.compress_size
        while left > 0:
            # Seek each time: the caller may read another entry between two chunks.
            self._file.seek(position)
            piece = self._file.read(min(CHUNK, left))
            if not piece:
                raise Damaged(f"{info.filename}: cut short")
            position += len(piece)
            left -= len(piece)
            yield piece


def _stored(raw: Iterable[bytes]) -> Iterator[bytes]:
    yield from raw


def _deflated(raw: Iterable[bytes]) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as zip stores it
    try:
        for data in raw:
            while not decompressor.eof:
                out = decompressor.decompress(data, CHUNK)
                yield out
                data = decompressor.unconsumed_tail
                if not data and len(out) < CHUNK:
                    break  # this input is used up, and no output is pending
    except zlib.error as e:
        raise Damaged(f"deflate: {e}") from e
    if not decompressor.eof:
        raise Damaged("deflate: cut short")


def _bzip2(raw: Iterable[bytes]) -> Iterator[bytes]:
    decompressor = bz2.BZ2Decompressor()
    try:
        for data in raw:
            while not decompressor.eof:
                out = decompressor.decompress(data, CHUNK)
                yield out
                data = b""
                if decompressor.needs_input:
                    break
    except (OSError, EOFError) as e:
        raise Damaged(f"bzip2: {e}") from e
    if not decompressor.eof:
        raise Damaged("bzip2: cut short")


_DECODERS: dict[int, Callable[[Iterable[bytes]], Iterator[bytes]]] = {
    zipfile.ZIP_STORED: _stored,
    zipfile.ZIP_DEFLATED: _deflated,
    zipfile.ZIP_BZIP2: _bzip2,
}


class _ElementCounter:
    """Counts the elements of XML fed in pieces, keeping no tree: every element starts with
    «<» and a name, so the «<» not followed by «/» bound them from above (comments and
    processing instructions count too). Entity declarations (the «billion laughs») are
    refused; XML that is not well-formed is left to the reader."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self._parser: expat.XMLParserType | None = None

    def start_part(self) -> None:
        self._parser = expat.ParserCreate()
        self._parser.EntityDeclHandler = self._entity

    def feed(self, piece: bytes) -> None:
        self.count += piece.count(b"<") - piece.count(b"</")
        if self.count > self.limit:
            raise TooLarge(f"more than {self.limit} XML elements")
        if self._parser is not None:
            try:
                self._parser.Parse(piece, False)
            except expat.ExpatError:
                self._parser = None

    def _entity(self, *_: object) -> None:
        raise TooLarge("XML entity declarations")
