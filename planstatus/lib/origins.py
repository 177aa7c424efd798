"""Web origins (scheme, host and port) as a Content-Security-Policy source names them: the
sites the secretariat lets frame the embed. Only the origin itself is accepted — no path,
query, user name or wildcard — so a listed site can frame the embed and nothing more."""

from __future__ import annotations

import enum
import re
from urllib.parse import urlsplit

MAX_LENGTH = 200
# A host name in ASCII (an international name is turned into it first), or an IPv4 address.
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


class Problem(enum.Enum):
    TOO_LONG = "too_long"
    SCHEME = "scheme"  # not http:// or https://
    HOST = "host"  # no host, or not a host name
    CREDENTIALS = "credentials"  # user:password@
    PORT = "port"
    PATH = "path"  # a path, query or fragment after the host


class OriginError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def normalise_origin(text: str) -> str:
    """«HTTPS://Gol.Kommune.no/» → «https://gol.kommune.no»; OriginError if it is not an
    origin of its own."""
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise OriginError(Problem.TOO_LONG)
    if any(c.isspace() for c in text) or "*" in text:
        raise OriginError(Problem.HOST)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not text.lower().startswith(
        f"{parts.scheme.lower()}://"
    ):
        raise OriginError(Problem.SCHEME)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise OriginError(Problem.CREDENTIALS)
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in text or "#" in text:
        raise OriginError(Problem.PATH)
    try:
        port = parts.port
    except ValueError as e:
        raise OriginError(Problem.PORT) from e
    if parts.netloc.endswith(":") or port == 0:
        raise OriginError(Problem.PORT)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as e:
        raise OriginError(Problem.HOST) from e
    if host.startswith("[") or ":" in host:
        raise OriginError(Problem.HOST)  # IPv6: the embed's users are web sites with names
    if not _HOST.match(host):
        raise OriginError(Problem.HOST)
    origin = f"{parts.scheme.lower()}://{host}"
    return f"{origin}:{port}" if port is not None else origin
