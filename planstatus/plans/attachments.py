"""The attachments' files on disk: written once, 0600, under a random name in a 0700 folder
outside anything the web server serves (settings.ATTACHMENT_DIR). Only this module touches
the folder; views serve the bytes after their own permission check."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings


def folder() -> Path:
    path = Path(settings.ATTACHMENT_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # mkdir's mode yields to the umask, and an existing folder keeps its own
    return path


def _path(stored_name: str) -> Path:
    if not stored_name or not all(c in "0123456789abcdef" for c in stored_name):
        raise ValueError("not a stored attachment name")
    return folder() / stored_name


def write_file(data: bytes, stored_name: str | None = None) -> str:
    """Write the bytes as a new file and return its name. A name is given only when a
    backup is restored; a new upload gets a random one. Never overwrites a file."""
    name = stored_name or secrets.token_hex(16)
    fd = os.open(_path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except BaseException:
        _path(name).unlink(missing_ok=True)
        raise
    return name


def read_file(stored_name: str) -> bytes:
    return _path(stored_name).read_bytes()


def open_file(stored_name: str) -> object:
    return _path(stored_name).open("rb")


def delete_file(stored_name: str) -> None:
    _path(stored_name).unlink(missing_ok=True)
