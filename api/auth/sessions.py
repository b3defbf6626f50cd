"""Server-side browser sessions behind an HttpOnly cookie."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

from litestar import Request, Response

from api.auth.tokens import digest, new_secret
from api.config import get_settings
from db.accounts.tables import UserSession

IDLE_TIMEOUT = timedelta(hours=2)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Writing last_seen_at on every request would turn reads into writes; a minute is precise enough.
TOUCH_INTERVAL = timedelta(minutes=1)


def cookie_name() -> str:
    # The __Host- prefix pins the cookie to this origin and path, but requires Secure (HTTPS).
    return "__Host-cartable_session" if get_settings().secure_cookies else "cartable_session"


def now() -> datetime:
    return datetime.now(timezone.utc)


async def open_session(*, user_id: UUID, school_id: UUID, user_agent: str = "") -> tuple[str, str]:
    """Create a session; return (cookie value, CSRF token). Call on every sign-in (new id each time)."""
    token, csrf = new_secret(), new_secret()
    moment = now()
    await UserSession.insert(
        UserSession(
            school_id=school_id,
            user_id=user_id,
            token_hash=digest(token),
            csrf_token=csrf,
            last_seen_at=moment,
            expires_at=moment + ABSOLUTE_TIMEOUT,
            user_agent=user_agent[:300],
        )
    )
    return token, csrf


async def find_session(token: str) -> dict | None:
    """The live session row for a cookie value, touching its idle clock; None if unknown or expired."""
    row = await UserSession.select().where(UserSession.token_hash == digest(token)).first()
    if row is None:
        return None
    moment = now()
    if row["expires_at"] <= moment or row["last_seen_at"] + IDLE_TIMEOUT <= moment:
        await UserSession.delete().where(UserSession.id == row["id"])
        return None
    if moment - row["last_seen_at"] >= TOUCH_INTERVAL:
        await UserSession.update({UserSession.last_seen_at: moment}).where(UserSession.id == row["id"])
    return row


async def close_session(token: str) -> None:
    await UserSession.delete().where(UserSession.token_hash == digest(token))


async def close_all_sessions(user_id: UUID) -> None:
    await UserSession.delete().where(UserSession.user_id == user_id)


def set_session_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        key=cookie_name(),
        value=token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=int(ABSOLUTE_TIMEOUT.total_seconds()),
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(key=cookie_name(), path="/")


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name())
