"""What an uploaded attachment is, told by its content, never by its name: a PDF, a PNG, a
JPEG or a Word document (.docx). No Django.

A .docx is a zip package; it is unpacked once within lib/unpack's Office limits (so a
decompression bomb is refused in bounded memory and time) and must hold a Word document's
parts. Anything else, or anything of 10 MB or more, is refused with a Problem.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from planstatus.lib.unpack import OFFICE, Package, UnpackError

MAX_BYTES = 10 * 1024 * 1024  # «under 10 MB»: a file of exactly 10 MB is refused


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str


PDF = Kind("pdf", "application/pdf")
PNG = Kind("png", "image/png")
JPEG = Kind("jpg", "image/jpeg")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
KINDS = (PDF, PNG, JPEG, DOCX)


class Problem(enum.Enum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNKNOWN = "unknown"  # none of the four kinds
    DAMAGED = "damaged"  # says it is a Word document, but is not a sound one


class AttachmentError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def check_size(size: int) -> None:
    """Before reading: refuse an empty or too large file by its size alone."""
    if size <= 0:
        raise AttachmentError(Problem.EMPTY)
    if size >= MAX_BYTES:
        raise AttachmentError(Problem.TOO_LARGE)


def identify(data: bytes) -> Kind:
    """The kind of the file these bytes are, or AttachmentError."""
    check_size(len(data))
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            package = Package(data, OFFICE)
            names = set(package.names())
            package.check()
        except UnpackError as e:
            raise AttachmentError(Problem.DAMAGED) from e
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        # A spreadsheet, a presentation or another zip: not one of the four.
    raise AttachmentError(Problem.UNKNOWN)


def download_name(written: str, kind: Kind) -> str:
    """The name to offer the file under: the uploader's, cut to a sane length, with the
    extension of what the file is («rapport.exe» that is a PDF → «rapport.exe.pdf»)."""
    base = "".join(c for c in written.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] if c.isprintable())
    base = base.strip().strip(".") or "vedlegg"
    stem, dot, extension = base.rpartition(".")
    if dot and extension.lower() in (kind.extension, "jpeg" if kind is JPEG else kind.extension):
        base = stem
    return f"{base[:120]}.{kind.extension}"
