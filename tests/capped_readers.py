"""Readers that misbehave, for tests of planstatus.lib.capped. No Django: they run in the
capped child, which imports this module as it is."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from planstatus.lib.importers.base import Code, UnreadableDocument


def echo(data: bytes, **kwargs: Any) -> tuple[bytes, dict[str, Any]]:
    return data, kwargs


def refuse(data: bytes) -> None:
    raise UnreadableDocument(Code.TOO_LARGE, size_mb=12.5, limit_mb=10)


def hoard(data: bytes) -> int:
    """Keeps allocating 10 MB more until something stops it."""
    kept = []
    while True:
        kept.append(bytearray(10 * 1024 * 1024))


def hoard_and_call_it_damaged(data: bytes) -> None:
    """A reader whose `except Exception` turns running out of memory into «damaged»."""
    try:
        hoard(data)
    except Exception as error:
        raise UnreadableDocument(Code.CONTENT_DAMAGED, expected="docx") from error


def spin(data: bytes) -> None:
    while True:
        pass


def spin_and_swallow(data: bytes) -> None:
    """Loops, catching everything a reader usually catches."""
    while True:
        try:
            while True:
                pass
        except Exception:
            pass


def sleep(data: bytes) -> None:
    time.sleep(60)


def die(data: bytes) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def divide(data: bytes) -> float:
    return 1 / len(data)


def environment(data: bytes) -> dict[str, str]:
    return dict(os.environ)


def a_function(data: bytes) -> Any:
    return os.system
