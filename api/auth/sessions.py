"""Server-side browser sessions behind an HttpOnly cookie.

The cookie is `<ref>.<secret>` (api/auth/tokens.py): the session's school and id, and a 256-bit
secret of which only the SHA-256 is stored. Checking a session is one statement (`authenticate`):
the session, its user, the time-outs, and the throttled idle-clock touch as writable CTEs.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from litestar import Request, Response

from api.auth.tokens import digest, new_secret, parse_routed_token, routed_token
from api.clock import now
from api.config import get_settings
from db.accounts.tables import UserSession
from piccolo_conf import DB

IDLE_TIMEOUT = timedelta(hours=2)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Writing last_seen_at on every request would turn reads into writes; a minute is precise enough.
TOUCH_INTERVAL = timedelta(minutes=1)

# $1 school, $2 session id, $3 SHA-256 of the secret, $4 now, $5 idle time-out, $6 touch interval.
# A session past a time-out is deleted and not returned; a live one is touched at most once a minute.
# `caller`: one row for a live session, with its user and `ok` (may use the app beyond the first login).
SESSION_CTES = """
WITH found AS (
    SELECT s.id, s.user_id, s.csrf_token, s.last_seen_at, s.expires_at,
           s.expires_at > $4::timestamptz AND s.last_seen_at + $5::interval > $4::timestamptz AS live
    FROM user_session s WHERE s.school_id = $1 AND s.id = $2 AND s.token_hash = $3
), ended AS (
    DELETE FROM user_session WHERE school_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM found WHERE NOT live)
), touched AS (
    UPDATE user_session SET last_seen_at = $4 WHERE school_id = $1 AND id = $2
       AND EXISTS (SELECT 1 FROM found WHERE live AND last_seen_at <= $4::timestamptz - $6::interval)
), caller AS (
    SELECT f.id, f.user_id, f.csrf_token, u.role, coalesce(u.disabled, true) AS disabled,
           u.first_login_done_at IS NOT NULL AS first_login_done,
           NOT coalesce(u.disabled, true) AND u.first_login_done_at IS NOT NULL AS ok
    FROM found f LEFT JOIN app_user u ON u.school_id = $1 AND u.id = f.user_id
    WHERE f.live
)"""
SESSION_PARAMS = 6
_AUTHENTICATE = SESSION_CTES + "\nSELECT * FROM caller"


def cookie_name() -> str:
    # The __Host- prefix pins the cookie to this origin and path, but requires Secure (HTTPS).
    return "__Host-cartable_session" if get_settings().secure_cookies else "cartable_session"


async def open_session(*, user_id: UUID, school_id: UUID, user_agent: str = "") -> tuple[str, str]:
    """Create a session; return (cookie value, CSRF token). Call on every sign-in (new id each time)."""
    session_id, secret, csrf = uuid4(), new_secret(), new_secret()
    moment = now()
    await UserSession.insert(
        UserSession(
            id=session_id,
            school_id=school_id,
            user_id=user_id,
            token_hash=digest(secret),
            csrf_token=csrf,
            last_seen_at=moment,
            expires_at=moment + ABSOLUTE_TIMEOUT,
            user_agent=user_agent[:300],
        )
    )
    return routed_token(school_id, session_id, secret), csrf


def session_arguments(token: str) -> tuple | None:
    """The parameters of SESSION_CTES for a cookie value; None if it is malformed."""
    parsed = parse_routed_token(token)
    if parsed is None:
        return None
    school_id, session_id, secret = parsed
    return school_id, session_id, digest(secret), now(), IDLE_TIMEOUT, TOUCH_INTERVAL


async def authenticate(token: str):
    """The live session for a cookie value with its user ({id, user_id, csrf_token, role, disabled,
    first_login_done, ok}), touching its idle clock; None if malformed, unknown or expired."""
    arguments = session_arguments(token)
    return None if arguments is None else await DB.pool.fetchrow(_AUTHENTICATE, *arguments)


def school_of(token: str) -> UUID | None:
    parsed = parse_routed_token(token)
    return parsed[0] if parsed else None


async def close_session(token: str) -> None:
    parsed = parse_routed_token(token)
    if parsed is None:
        return
    school_id, session_id, secret = parsed
    await UserSession.delete().where(
        (UserSession.school_id == school_id)
        & (UserSession.id == session_id)
        & (UserSession.token_hash == digest(secret))
    )


async def close_all_sessions(school_id: UUID, user_id: UUID) -> None:
    await UserSession.delete().where((UserSession.school_id == school_id) & (UserSession.user_id == user_id))


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
