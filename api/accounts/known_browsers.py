"""Known browsers (OWASP "device cookies"): a lock on an account must not lock its owner out.

Twenty wrong passwords from anywhere lock an account for strangers (api/accounts/guards.py). A
browser that signed in to the account before carries a cookie naming it (`<ref><secret>`, the
256-bit secret stored as a SHA-256, per account, HttpOnly, SameSite=Strict, Secure and `__Host-`
over https): that browser still gets in with the right password, under a limit of its own (too
many failures and it is a stranger again for the window). A cookie of another account, or a forged
one, is a stranger's. Passkey sign-in never meets the lock.

One cookie remembers up to MAX_ACCOUNTS accounts (a family computer: a parent and a student).
Checking a cookie costs the same queries whatever the identifier names: it says nothing about it.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from litestar import Request, Response

from api.auth.tokens import digest, new_secret, parse_routed_token, routed_token
from api.clock import now
from api.config import get_settings
from api.ratelimit import client_ip, limit
from db.accounts.tables import KnownBrowser

LIFETIME = timedelta(days=180)
MAX_ACCOUNTS = 4
_SEPARATOR = "."  # not in a token's alphabet (base64url)


def cookie_name() -> str:
    return "__Host-cartable_browser" if get_settings().secure_cookies else "cartable_browser"


def _tokens(request: Request) -> list[str]:
    return [token for token in request.cookies.get(cookie_name(), "").split(_SEPARATOR) if token][:MAX_ACCOUNTS]


async def _entry(token: str) -> dict | None:
    """The live entry a token names ({id, school_id, user_id}), or None."""
    parsed = parse_routed_token(token)
    if parsed is None:
        return None
    school_id, row_id, secret = parsed
    return (
        await KnownBrowser.select(KnownBrowser.id, KnownBrowser.school_id, KnownBrowser.user_id)
        .where(
            (KnownBrowser.school_id == school_id)
            & (KnownBrowser.id == row_id)
            & (KnownBrowser.token_hash == digest(secret))
            & (KnownBrowser.expires_at > now())
        )
        .first()
    )


async def recognised(request: Request, account: dict | None) -> UUID | None:
    """The id of this browser's entry for `account` ({school_id, user_id} or None), if it has one."""
    entries = [await _entry(token) for token in _tokens(request)]  # every token, whatever `account` is
    for entry in entries:
        if entry and account and _same_account(entry, account["school_id"], account["user_id"]):
            return entry["id"]
    return None


def _same_account(entry: dict, school_id: UUID, user_id: UUID) -> bool:
    return entry["school_id"] == school_id and entry["user_id"] == user_id


async def remember(request: Request, response: Response, school_id: UUID, user_id: UUID) -> None:
    """After a sign-in: this browser is known to the account for LIFETIME from now (its entry renewed,
    or a new one at the front of the cookie); the cookie keeps the other accounts' live entries."""
    live = [(token, entry) for token in _tokens(request) if (entry := await _entry(token))]
    mine = next((entry for _, entry in live if _same_account(entry, school_id, user_id)), None)
    moment = now()
    tokens = [token for token, _ in live]
    if mine is not None:
        await KnownBrowser.update(
            {KnownBrowser.last_used_at: moment, KnownBrowser.expires_at: moment + LIFETIME}
        ).where((KnownBrowser.school_id == school_id) & (KnownBrowser.id == mine["id"]))
    else:
        await KnownBrowser.delete().where(
            (KnownBrowser.school_id == school_id)
            & (KnownBrowser.user_id == user_id)
            & (KnownBrowser.expires_at <= moment)
        )
        row_id, secret = uuid4(), new_secret()
        await KnownBrowser.insert(
            KnownBrowser(
                id=row_id,
                school_id=school_id,
                user_id=user_id,
                token_hash=digest(secret),
                last_used_at=moment,
                expires_at=moment + LIFETIME,
            )
        )
        tokens = [routed_token(school_id, row_id, secret), *tokens][:MAX_ACCOUNTS]
    response.set_cookie(
        key=cookie_name(),
        value=_SEPARATOR.join(tokens),
        path="/",
        httponly=True,
        samesite="strict",
        secure=get_settings().secure_cookies,
        max_age=int(LIFETIME.total_seconds()),
    )


async def ceiling(
    scope: str, request: Request, known_browser: UUID | None, *, max_hits: int, window: timedelta
) -> None:
    """`max_hits` per window for strangers, per address: the owner's own browser (`recognised`) counts
    its own instead, so strangers behind the same address (a school's or a mobile carrier's NAT) cannot
    use up the families' steps. 429 past it (api/ratelimit.py)."""
    if known_browser is not None:
        await limit(f"{scope}:browser", str(known_browser), max_hits=max_hits, window=window)
    else:
        await limit(f"{scope}:ip", client_ip(request), max_hits=max_hits, window=window)
