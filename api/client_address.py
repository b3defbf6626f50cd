"""Who is calling: the client's address, and whether it is this machine.

The address is the TCP peer's, unless that peer is one of the reverse proxies listed in
TRUSTED_PROXIES (addresses or CIDRs; none by default): then the client is read from the
proxy's `X-Forwarded-For`, right to left, skipping trusted proxies (uvicorn's middleware does the
parsing). `python -m api` tells uvicorn to trust no forwarded header itself, so that this app-level
decision is the only one: a forged header from anyone else changes nothing.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from litestar import Request
from litestar.middleware import DefineMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.config import get_settings
from api.ratelimit import client_ip

FORWARDING_HEADERS = ("forwarded", "x-forwarded-for")


def is_loopback(host: str) -> bool:
    """`localhost`, 127.0.0.0/8 or ::1 (a name other than localhost counts as not loopback)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def from_this_machine(request: Request) -> bool:
    """A loopback peer that no proxy forwarded (a local reverse proxy may carry anyone's request), asking
    for this machine by a loopback name or address, or by PUBLIC_URL's host: a page of another site whose
    name was made to point to 127.0.0.1 (DNS rebinding) runs in a local browser, but names its own host."""
    return (
        is_loopback(client_ip(request))
        and not any(name in request.headers for name in FORWARDING_HEADERS)
        and addressed_to_this_machine(request.headers.get("host", ""))
    )


def addressed_to_this_machine(host_header: str) -> bool:
    """Whether a Host header names this machine: a loopback name or address, or PUBLIC_URL's host."""
    try:
        host = urlsplit(f"//{host_header.strip()}").hostname or ""
    except ValueError:
        return False
    return is_loopback(host) or host == (urlsplit(get_settings().public_url).hostname or "").lower()


def proxy_headers_middleware(trusted_proxies: tuple[str, ...]) -> list[DefineMiddleware]:
    """The middleware that reads forwarded headers from `trusted_proxies`; none when there are none."""
    if not trusted_proxies:
        return []
    return [DefineMiddleware(ProxyHeadersMiddleware, trusted_hosts=list(trusted_proxies))]
