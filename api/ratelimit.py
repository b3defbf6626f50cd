"""One rate limiter for everything guessable: fixed windows counted in PostgreSQL.

    await limit("signin:ip", client_ip(request), max_hits=20, window=timedelta(minutes=15))

raises a 429 in the common error shape, with `Retry-After`, once a key exceeds `max_hits` in
the current window. Counting in the database makes limits hold across app processes.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta, timezone

from litestar import Request

from api.clock import now
from api.errors import ApiError
from db.accounts.tables import RateLimitCounter

# Count one hit for each key (one statement and one shape whatever their number).
_COUNT_HITS = """
INSERT INTO rate_limit_counter (key, window_start, hits) SELECT key, {}, 1 FROM unnest({}::text[]) AS key
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limit_counter.window_start = EXCLUDED.window_start
                THEN rate_limit_counter.hits + 1 ELSE 1 END,
    window_start = EXCLUDED.window_start
RETURNING key, hits
"""
# IPv6 hands each subscriber a /64 (RFC 6177): one network, one client for the per-address limits.
IPV6_CLIENT_PREFIX = 64


def client_ip(request: Request) -> str:
    """The client's address, the per-IP limits' key: the TCP peer, or what a trusted proxy forwarded
    (TRUSTED_PROXIES, api/client_address.py); never a header from anyone else. An IPv6 client is
    its /64 (`address_group`)."""
    return address_group(request.client.host if request.client else "unknown")


def address_group(host: str) -> str:
    """What one client is for a per-address limit: an IPv4 address as is; an IPv6 address's /64
    ("2001:db8:1:2::/64"), since any subscriber may use every address in it (one per request);
    an IPv4-mapped IPv6 address as its IPv4; ::1 as is (this machine, api/client_address.py)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if not isinstance(address, ipaddress.IPv6Address) or address.is_loopback:
        return host
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network((address, IPV6_CLIENT_PREFIX), strict=False))


def _window_start(window: timedelta, moment: datetime) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=timezone.utc)


async def limit(
    scope: str,
    subject: str,
    *,
    max_hits: int,
    window: timedelta,
    message: str = "Trop de tentatives. Réessayez dans quelques minutes.",
) -> int:
    """Count one hit for (scope, subject); raise 429 beyond `max_hits`. Returns the hit count."""
    moment = now()
    start = _window_start(window, moment)
    rows = await RateLimitCounter.raw(_COUNT_HITS, start, [f"{scope}:{subject}"[:200]])
    hits = rows[0]["hits"]
    if hits > max_hits:
        retry_after = int((start + window - moment).total_seconds()) + 1
        raise ApiError(429, "too_many_requests", message, headers={"Retry-After": str(retry_after)})
    return hits


async def within(scope: str, subject: str, *, max_hits: int, window: timedelta) -> bool:
    """Count one hit like `limit`, but answer False beyond `max_hits` instead of raising: for limits
    that must stay silent (a 429 there would tell a real account from a made-up one)."""
    try:
        await limit(scope, subject, max_hits=max_hits, window=window)
    except ApiError:
        return False
    return True


async def within_each(scope: str, subjects: list[str], *, max_hits: int, window: timedelta) -> list[bool]:
    """`within` for several subjects, in one statement whatever their number: whether each one (in
    order) is still within `max_hits`."""
    keys = list(dict.fromkeys(f"{scope}:{subject}"[:200] for subject in subjects))
    rows = await RateLimitCounter.raw(_COUNT_HITS, _window_start(window, now()), keys)
    hits = {row["key"]: row["hits"] for row in rows}
    return [hits[f"{scope}:{subject}"[:200]] <= max_hits for subject in subjects]


async def reset(scope: str, subject: str) -> None:
    """Forget a key's hits (e.g. after a successful sign-in)."""
    await RateLimitCounter.delete().where(RateLimitCounter.key == f"{scope}:{subject}"[:200])
