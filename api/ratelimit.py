"""One rate limiter for everything guessable: sliding windows counted in PostgreSQL.

    await limit("signin:ip", client_ip(request), max_hits=20, window=timedelta(minutes=15))

raises a 429 in the common error shape, with `Retry-After`, once a key exceeds `max_hits` within the
last `window`. Counting in the database makes limits hold across app processes.

The window slides (the approximation nginx's and Cloudflare's limiters use): a counter keeps its hits
in the current fixed window and in the one before, and the count is the current hits plus the previous
ones weighted by the share of the previous window that the last `window` still covers. A fixed window
alone forgets everything at its boundary: five guesses just before it and five just after would pass.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from litestar import Request

from api.clock import now
from api.errors import ApiError
from db.accounts.tables import RateLimitCounter

# Count one hit for each key (one statement and one shape whatever their number); a counter whose
# window has passed keeps its hits as the previous window's when that window is the one just before.
_COUNT_HITS = """
INSERT INTO rate_limit_counter (key, window_start, hits, previous_hits)
SELECT key, {}, 1, 0 FROM unnest({}::text[]) AS key
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limit_counter.window_start = EXCLUDED.window_start
                THEN rate_limit_counter.hits + 1 ELSE 1 END,
    previous_hits = CASE WHEN rate_limit_counter.window_start = EXCLUDED.window_start
                         THEN rate_limit_counter.previous_hits
                         WHEN rate_limit_counter.window_start = {} THEN rate_limit_counter.hits
                         ELSE 0 END,
    window_start = EXCLUDED.window_start
RETURNING key, hits, previous_hits
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


class _Window(NamedTuple):
    moment: datetime  # now
    start: datetime  # of the current fixed window
    previous_start: datetime
    weight: float  # the share of the previous window inside the last `window`


def _window(window: timedelta, moment: datetime) -> _Window:
    start = _window_start(window, moment)
    return _Window(moment, start, start - window, 1 - (moment - start) / window)


def _count(window: _Window, hits: int, previous_hits: int) -> float:
    return hits + previous_hits * window.weight


def _retry_after(window: timedelta, at: _Window, hits: int, previous_hits: int, max_hits: int) -> int:
    """Seconds until one more hit counts `max_hits` or fewer again (the previous hits sliding out, then
    the current ones once their window is the previous one)."""
    allowed = max_hits - 1
    if hits <= allowed:  # hits + previous_hits × weight ≤ allowed, later in this window
        moment = at.start + window * (1 - (allowed - hits) / previous_hits)
    else:  # hits × weight ≤ allowed, in the next window
        moment = at.start + window + window * (1 - max(allowed, 0) / hits)
    return max(1, math.ceil((moment - at.moment).total_seconds()))


async def limit(
    scope: str,
    subject: str,
    *,
    max_hits: int,
    window: timedelta,
    message: str = "Trop de tentatives. Réessayez dans quelques minutes.",
) -> float:
    """Count one hit for (scope, subject); raise 429 beyond `max_hits`. Returns the count in the last `window`."""
    at = _window(window, now())
    rows = await RateLimitCounter.raw(_COUNT_HITS, at.start, [f"{scope}:{subject}"[:200]], at.previous_start)
    hits, previous_hits = rows[0]["hits"], rows[0]["previous_hits"]
    count = _count(at, hits, previous_hits)
    if count > max_hits:
        retry_after = _retry_after(window, at, hits, previous_hits, max_hits)
        raise ApiError(429, "too_many_requests", message, headers={"Retry-After": str(retry_after)})
    return count


class Hits(NamedTuple):
    """A key's hits in the last window (`hits_within`): their count, and when one more fits."""

    count: float
    window: timedelta
    at: _Window
    hits: int  # in the current fixed window
    previous_hits: int  # in the one before

    def wait(self, max_hits: int) -> int:
        """Seconds until one more hit stays within `max_hits` (0: it does now). A count is weighted:
        4.9 hits of 5 leave no room for one more."""
        if self.count + 1 <= max_hits:
            return 0
        return _retry_after(self.window, self.at, self.hits, self.previous_hits, max_hits)


async def hits_within(scope: str, subject: str, *, window: timedelta) -> Hits:
    """The hits of (scope, subject) in the last `window`, without counting one."""
    counter = RateLimitCounter
    row = (
        await counter.select(counter.window_start, counter.hits, counter.previous_hits)
        .where(counter.key == f"{scope}:{subject}"[:200])
        .first()
    )
    at = _window(window, now())
    hits, previous_hits = 0, 0
    if row is not None and row["window_start"] == at.start:
        hits, previous_hits = row["hits"], row["previous_hits"]
    elif row is not None and row["window_start"] == at.previous_start:
        previous_hits = row["hits"]
    return Hits(_count(at, hits, previous_hits), window, at, hits, previous_hits)


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
    at = _window(window, now())
    rows = await RateLimitCounter.raw(_COUNT_HITS, at.start, keys, at.previous_start)
    counts = {row["key"]: _count(at, row["hits"], row["previous_hits"]) for row in rows}
    return [counts[f"{scope}:{subject}"[:200]] <= max_hits for subject in subjects]


async def reset(scope: str, subject: str) -> None:
    """Forget a key's hits (e.g. after a successful sign-in)."""
    await RateLimitCounter.delete().where(RateLimitCounter.key == f"{scope}:{subject}"[:200])
