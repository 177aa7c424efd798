"""The address of the person making a request: one answer for the login lockout
(django-axes calls this through AXES_CLIENT_IP_CALLABLE), the reporting-link log and any
rate limit, so that they all see the same person.

Served directly, it is the connection's address. Behind a reverse proxy
(PLANSTATUS_BEHIND_PROXY), every request comes from the proxy, and each proxy appends the
address it was connected from to X-Forwarded-For. Only those appended entries can be
trusted: whatever stands to their left was written by the client and may be anything. So
the header is read from the right, past our own proxies (PLANSTATUS_TRUSTED_PROXIES), and
only when the connection itself comes from one of them; a request that reaches the app
some other way is judged by its own address, whatever headers it carries.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Each entry an address or a network (10.0.0.0/8); a wrong one raises ValueError."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:192.0.2.7) is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> str | None:
    """The client's address as text, or None when the connection gives none."""
    address = _address(request.META.get("REMOTE_ADDR", ""))
    if address is None or not settings.BEHIND_PROXY:
        return str(address) if address else None
    trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))

    def is_proxy(a: Address) -> bool:
        return any(a in network for network in trusted)

    if not is_proxy(address):
        return str(address)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        seen = _address(hop)
        if seen is None:
            break  # not an address: nothing further left can be trusted
        address = seen
        if not is_proxy(seen):
            break
    return str(address)


def within_limit(key: str, limit: int, *, seconds: int) -> bool:
    """Count one request under `key` in Django's cache (shared by every app server when a
    shared cache is configured); False once more than `limit` came within `seconds`."""
    if cache.add(key, 1, seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        return True
    return count <= limit


def digest(text: str) -> str:
    """A cache key part that holds no address or e-mail in the clear."""
    return hashlib.sha256(text.encode()).hexdigest()
