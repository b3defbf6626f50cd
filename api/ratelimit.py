"""One rate limiter for everything guessable: fixed windows counted in PostgreSQL.

    await limit("signin:ip", client_ip(request), max_hits=20, window=timedelta(minutes=15))

raises a 429 in the common error shape, with `Retry-After`, once a key exceeds `max_hits` in
the current window. Counting in the database makes limits hold across app processes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from litestar import Request

from api.clock import now
from api.errors import ApiError
from db.accounts.tables import RateLimitCounter

_UPSERT = """
INSERT INTO rate_limit_counter (key, window_start, hits) VALUES ({}, {}, 1)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limit_counter.window_start = EXCLUDED.window_start
                THEN rate_limit_counter.hits + 1 ELSE 1 END,
    window_start = EXCLUDED.window_start
RETURNING hits
"""


def client_ip(request: Request) -> str:
    """The client's address, the per-IP limits' key: the TCP peer, or what a trusted proxy forwarded
    (TRUSTED_PROXIES, api/client_address.py); never a header from anyone else."""
    return request.client.host if request.client else "unknown"


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
    rows = await RateLimitCounter.raw(_UPSERT, f"{scope}:{subject}"[:200], start)
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


async def reset(scope: str, subject: str) -> None:
    """Forget a key's hits (e.g. after a successful sign-in)."""
    await RateLimitCounter.delete().where(RateLimitCounter.key == f"{scope}:{subject}"[:200])
