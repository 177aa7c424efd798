"""Hostile and heavy uploads built on the spot, never stored: for tests/test_upload_bombs.py
and bench/bombs.py. No Django.

- `zip_bomb`: a real .docx or .xlsx with one entry swapped for zeros that unpack to
  `unpacked` bytes, compressed with bzip2 or deflate, its headers declaring `declared` bytes
  (the truth when None).
- `pdf_bomb`: a one-page PDF whose content stream is `unpacked` zero bytes behind a chain of
  filters (Flate, Flate twice, RunLength).
- `large_docx`: a harmless Word plan whose document.xml is ordinary text of about `size`
  bytes after its table of measures.
"""

from __future__ import annotations

import bz2
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from functools import cache

import docx
import openpyxl  # type: ignore[import-untyped]

_PIECE = 16 * 1024 * 1024
_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"


@cache
def office_package(kind: str) -> bytes:
    """A small, valid .docx or .xlsx with a plan table, as Word or Excel would save it."""
    out = io.BytesIO()
    if kind == "docx":
        document = docx.Document()
        document.add_paragraph("1. NÆRING OG ARBEID")
        table = document.add_table(rows=2, cols=4)
        for cell, text in zip(table.rows[0].cells, ("Nr", "Tiltak", "Tid", "Ansvar"), strict=True):
            cell.text = text
        for cell, text in zip(
            table.rows[1].cells,
            ("1.1.1", "Lage ein næringsplan", "2025", "Regionrådet"),
            strict=True,
        ):
            cell.text = text
        document.save(out)
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Innsatsområde", "Mål", "Tiltak-kode", "Tiltak", "Tid", "Ansvar"])
        sheet.append(
            ["1 Næring", "1.1 Meir næring", "1.1.1", "Lage ein næringsplan", "2025", "Rådet"]
        )
        workbook.save(out)
    return out.getvalue()


def _zeros(size: int) -> Iterator[bytes]:
    while size > 0:
        yield bytes(min(_PIECE, size))
        size -= _PIECE


@cache
def _compressed_zeros(size: int, method: int) -> bytes:
    compressor = (
        bz2.BZ2Compressor(9) if method == zipfile.ZIP_BZIP2 else zlib.compressobj(9, wbits=-15)
    )
    return b"".join(compressor.compress(piece) for piece in _zeros(size)) + compressor.flush()


def zip_bomb(
    kind: str,
    *,
    part: str,
    unpacked: int,
    method: int = zipfile.ZIP_BZIP2,
    declared: int | None = None,
) -> bytes:
    """`office_package(kind)` with `part` replaced by (or added as) `unpacked` zero bytes."""
    raw = _compressed_zeros(unpacked, method)
    source = zipfile.ZipFile(io.BytesIO(office_package(kind)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            if info.filename != part:
                package.writestr(info, source.read(info.filename))
        # Written stored, so its bytes are the compressed stream; the headers are set after.
        package.writestr(zipfile.ZipInfo(part), raw, compress_type=zipfile.ZIP_STORED)
    size = unpacked if declared is None else declared
    crc = zlib.crc32(bytes(size)) if size <= _PIECE else _crc_of_zeros(size)
    return _set_headers(out.getvalue(), part, method=method, size=size, crc=crc)


def _crc_of_zeros(size: int) -> int:
    crc = 0
    for piece in _zeros(size):
        crc = zlib.crc32(piece, crc)
    return crc


def _set_headers(data: bytes, part: str, *, method: int, size: int, crc: int) -> bytes:
    """Set an entry's compression method, checksum and unpacked size in its local and its
    central header (APPNOTE 4.3.7 and 4.3.12); the compressed size stays as written."""
    patched = bytearray(data)
    name = part.encode()
    for signature, (method_at, crc_at, size_at, name_length_at, name_at) in (
        (_LOCAL, (8, 14, 22, 26, 30)),
        (_CENTRAL, (10, 16, 24, 28, 46)),
    ):
        at = patched.find(signature)
        while at >= 0:
            (length,) = struct.unpack_from("<H", patched, at + name_length_at)
            if patched[at + name_at : at + name_at + length] == name:
                struct.pack_into("<H", patched, at + method_at, method)
                struct.pack_into("<L", patched, at + crc_at, crc)
                struct.pack_into("<L", patched, at + size_at, size)
                break
            at = patched.find(signature, at + 4)
    return bytes(patched)


def pdf_bomb(unpacked: int, *, filters: str = "flate") -> bytes:
    """A one-page PDF whose content stream unpacks to `unpacked` zero bytes (whitespace to a
    PDF): "flate", "flate-twice" (the Flate stream of a Flate stream) or "runlength"."""
    if filters == "runlength":
        names, stream = ["/RunLengthDecode"], bytes([129, 0]) * (unpacked // 128) + b"\x80"
    else:
        stream = _compressed_zeros_zlib(unpacked)
        names = ["/FlateDecode"]
        if filters == "flate-twice":
            stream, names = zlib.compress(stream, 9), ["/FlateDecode", "/FlateDecode"]
    return pdf_with_content(stream, names)


@cache
def _compressed_zeros_zlib(size: int) -> bytes:
    compressor = zlib.compressobj(9)
    return b"".join(compressor.compress(piece) for piece in _zeros(size)) + compressor.flush()


def pdf_with_content(stream: bytes, filters: list[str]) -> bytes:
    """A one-page A4 PDF with Helvetica and this content stream, filters as named."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter [%s] >>\nstream\n" % (len(stream), " ".join(filters).encode())
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_text_bomb(characters: int) -> bytes:
    """A page that shows `characters` letters: little to unpack, much for a layout to hold."""
    line = b"(" + b"a" * 1000 + b") Tj\n"
    content = b"BT /F1 1 Tf 0 0 Td\n" + line * (characters // 1000) + b"ET\n"
    return pdf_with_content(zlib.compress(content, 9), ["/FlateDecode"])


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def large_docx(size: int) -> bytes:
    """A harmless .docx: a heading, a table of two measures, then about `size` bytes of
    ordinary formatted paragraphs, as a long plan document would have."""

    def cell(text: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    def row(*texts: str) -> str:
        return "<w:tr>" + "".join(cell(t) for t in texts) + "</w:tr>"

    run = (
        '<w:r><w:rPr><w:rFonts w:ascii="Calibri"/><w:sz w:val="22"/></w:rPr>'
        '<w:t xml:space="preserve">Regionen skal arbeide vidare med samferdsel. </w:t></w:r>'
    )
    paragraph = '<w:p><w:pPr><w:spacing w:after="120"/></w:pPr>' + run * 40 + "</w:p>"
    head = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'
        "<w:p><w:r><w:t>1. NÆRING OG ARBEID</w:t></w:r></w:p><w:tbl>"
        + row("Nr", "Tiltak", "Tid", "Ansvar")
        + row("1.1.1", "Lage ein næringsplan", "2025", "Regionrådet")
        + row("1.1.2", "Kartleggje næringsareal", "2026", "Regionrådet")
        + "</w:tbl>"
    )
    count = max(0, size - len(head)) // len(paragraph.encode())
    xml = head + paragraph * count + "<w:sectPr/></w:body></w:document>"
    source = zipfile.ZipFile(io.BytesIO(office_package("docx")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            content = xml.encode() if info.filename == "word/document.xml" else None
            package.writestr(info, content or source.read(info.filename))
    return out.getvalue()
