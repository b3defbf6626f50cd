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


def _key(scope: str, subject: str) -> str:
    return f"{scope}:{subject}"[:200]  # the column's length


class Hits(NamedTuple):
    """A key's hits at `moment`: in the current fixed window of `window` (from `start`) and in the one
    before, which counts for the share of it that the last `window` still covers."""

    window: timedelta
    moment: datetime
    start: datetime
    hits: int = 0
    previous_hits: int = 0

    @property
    def previous_start(self) -> datetime:
        return self.start - self.window

    @property
    def count(self) -> float:
        return self.hits + self.previous_hits * (1 - (self.moment - self.start) / self.window)

    def wait(self, max_hits: int) -> int:
        """Seconds until one more hit stays within `max_hits` (0: it does now): the previous hits sliding
        out, then the current ones once their window is the previous one. A count is weighted: 4.9 hits
        of 5 leave no room for one more."""
        allowed = max_hits - 1
        if self.count <= allowed:
            return 0
        if self.hits <= allowed:  # hits + previous_hits × weight ≤ allowed, later in this window
            moment = self.start + self.window * (1 - (allowed - self.hits) / self.previous_hits)
        else:  # hits × weight ≤ allowed, in the next window
            moment = self.start + self.window * (2 - max(allowed, 0) / self.hits)
        return max(1, math.ceil((moment - self.moment).total_seconds()))


def _now(window: timedelta) -> Hits:
    """No hits yet, now, in `window`."""
    moment = now()
    return Hits(window, moment, _window_start(window, moment))


async def limit(
    scope: str,
    subject: str,
    *,
    max_hits: int,
    window: timedelta,
    message: str = "Trop de tentatives. Réessayez dans quelques minutes.",
) -> float:
    """Count one hit for (scope, subject); raise 429 beyond `max_hits`. Returns the count in the last `window`."""
    at = _now(window)
    [row] = await RateLimitCounter.raw(_COUNT_HITS, at.start, [_key(scope, subject)], at.previous_start)
    hits = at._replace(hits=row["hits"], previous_hits=row["previous_hits"])
    if hits.count > max_hits:
        raise ApiError(429, "too_many_requests", message, headers={"Retry-After": str(hits.wait(max_hits))})
    return hits.count


async def hits_within(scope: str, subject: str, *, window: timedelta) -> Hits:
    """The hits of (scope, subject) in the last `window`, without counting one."""
    counter = RateLimitCounter
    row = (
        await counter.select(counter.window_start, counter.hits, counter.previous_hits)
        .where(counter.key == _key(scope, subject))
        .first()
    )
    at = _now(window)
    if row is not None and row["window_start"] == at.start:
        return at._replace(hits=row["hits"], previous_hits=row["previous_hits"])
    if row is not None and row["window_start"] == at.previous_start:
        return at._replace(previous_hits=row["hits"])
    return at


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
    keys = list(dict.fromkeys(_key(scope, subject) for subject in subjects))
    at = _now(window)
    rows = await RateLimitCounter.raw(_COUNT_HITS, at.start, keys, at.previous_start)
    counts = {row["key"]: at._replace(hits=row["hits"], previous_hits=row["previous_hits"]).count for row in rows}
    return [counts[_key(scope, subject)] <= max_hits for subject in subjects]


async def reset(scope: str, subject: str) -> None:
    """Forget a key's hits (e.g. after a successful sign-in)."""
    await RateLimitCounter.delete().where(RateLimitCounter.key == _key(scope, subject))
