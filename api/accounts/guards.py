"""Checks shared by the account endpoints: brute-force control and same-origin posts."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta
from uuid import UUID

from litestar import Request

from api.config import get_settings
from api.errors import ApiError
from api.ratelimit import hits_within, limit, reset
from db.accounts.tables import RateLimitCounter

FAILURE_WINDOW = timedelta(minutes=15)
# Per (account, IP): the attacker's own attempts on one account. Per account, from anywhere: a higher
# ceiling so a distributed guess is also stopped. Per IP, every attempt: a ceiling for one address.
# The locks are temporary (the window), never applied to passkey sign-in, cleared by a password reset,
# and all three are passed by a browser that signed in to the account before
# (api/accounts/known_browsers.py), which has its own limit instead: an attacker cannot keep the owner
# out, from anywhere or from the owner's own address (a school or a family behind one NAT).
MAX_FAILURES_PER_ACCOUNT_AND_IP = 5
MAX_FAILURES_PER_ACCOUNT = 20
MAX_FAILURES_PER_KNOWN_BROWSER = 10
MAX_ATTEMPTS_PER_IP = 300  # a school network may put many families behind one address
DELAY_STEP = 0.5  # seconds added to each answer after the second failure in a row


def locked(wait: int) -> ApiError:
    """The account is locked for this caller for `wait` more seconds (said in minutes, rounded up)."""
    minutes = math.ceil(wait / 60)
    return ApiError(
        429,
        "account_locked",
        f"Trop de tentatives de connexion pour ce compte. Réessayez dans {minutes} minute{'s' if minutes > 1 else ''}, "
        "ou utilisez « Mot de passe perdu ».",
        headers={"Retry-After": str(wait)},
    )


async def before_password_attempt(identifier: str, ip: str, known_browser: UUID | None) -> UUID | None:
    """Refuse while locked; otherwise slow down progressively after a few failures.

    `known_browser`: this browser's entry for the account, if it has one. It passes the account's
    locks and the address's ceiling while under its own limit; returned then (failures count against
    it), else None."""
    if known_browser is not None:
        failures = await hits_within("signin:browser", str(known_browser), window=FAILURE_WINDOW)
        if not failures.wait(MAX_FAILURES_PER_KNOWN_BROWSER):
            await _slow_down(failures.count)
            return known_browser
    await limit("signin:ip", ip, max_hits=MAX_ATTEMPTS_PER_IP, window=FAILURE_WINDOW)
    pair = await hits_within("signin:pair", f"{identifier}|{ip}", window=FAILURE_WINDOW)
    account = await hits_within("signin:account", identifier, window=FAILURE_WINDOW)
    wait = max(pair.wait(MAX_FAILURES_PER_ACCOUNT_AND_IP), account.wait(MAX_FAILURES_PER_ACCOUNT))
    if wait:
        raise locked(wait)
    await _slow_down(pair.count)
    return None


async def _slow_down(failures: float) -> None:
    if failures >= 2:
        # Progressive delay: 0.5 s, 1 s, 1.5 s… before answering (a human barely notices).
        await asyncio.sleep(DELAY_STEP * (failures - 1))


async def record_failure(identifier: str, ip: str, known_browser: UUID | None) -> None:
    big = 1_000_000  # only counting here; the check above decides
    if known_browser is not None:
        await limit("signin:browser", str(known_browser), max_hits=big, window=FAILURE_WINDOW)
        return
    await limit("signin:pair", f"{identifier}|{ip}", max_hits=big, window=FAILURE_WINDOW)
    await limit("signin:account", identifier, max_hits=big, window=FAILURE_WINDOW)


async def clear_failures(identifier: str, ip: str | None = None, known_browser: UUID | None = None) -> None:
    """After a sign-in from `ip` (and `known_browser`), forget their failures on the account. The
    account-wide count runs on (its owner is not held by it): only a password reset (no ip) clears
    it, with every address's."""
    if ip is not None:
        await reset("signin:pair", f"{identifier}|{ip}")
        if known_browser is not None:
            await reset("signin:browser", str(known_browser))
        return
    prefix = f"signin:pair:{identifier}|"
    await RateLimitCounter.raw("DELETE FROM rate_limit_counter WHERE left(key, {}) = {}", len(prefix), prefix)
    await reset("signin:account", identifier)


def require_same_origin(request: Request) -> None:
    """Pre-session posts (sign-in, activation, recovery) carry no CSRF token yet: refuse cross-site ones.

    Browsers send Origin on every cross-origin POST; JSON bodies already need a CORS preflight, which
    this app never grants. An absent Origin (non-browser clients) is allowed. With PUBLIC_URL set, its
    origin is the only one: the Host header is anyone's to write. Without it (development), also the
    origin the request was addressed to."""
    origin = request.headers.get("origin")
    if not origin:
        return
    allowed = {get_settings().public_origin}
    if not get_settings().public_url_pinned:
        host = request.headers.get("host", "")
        allowed |= {get_settings().public_url, f"http://{host}", f"https://{host}"}
    if origin.rstrip("/") not in allowed:
        raise ApiError(403, "csrf", "Requête refusée (origine inconnue). Rechargez la page.")
