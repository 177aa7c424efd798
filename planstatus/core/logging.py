"""Log lines without personal links' tokens.

A reporting link's token is a password in the address (/r/<token>/). Whatever logs a
request's path — the development server's access log, Django's warnings for 4xx answers,
gunicorn's access log under `serve --production` — logs it through these, so no log file
holds a working link.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger  # type: ignore[import-untyped]

# /r/side/<id>/ is the token-free page; anything else after /r/ is a token.
_TOKEN_IN_PATH = re.compile(r"/r/(?!side/)[^/\s?#\"']+")
REDACTED = "/r/[lenkje]"


def redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub(REDACTED, text)


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactLinkTokens(logging.Filter):
    """For Django's log handlers (settings.LOGGING): tokens out of the message and its
    arguments, before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_redacted(a) for a in record.args)
        return True


class GunicornAccessLog(GunicornLogger):
    """gunicorn's logger with the request line, path and Referer redacted in the access log
    (`serve --production` names it with --logger-class)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            atoms[key] = _redacted(atoms.get(key))
        return atoms
