"""Sign-in and out: POST/GET/DELETE /api/session (cookie session, CSRF token in the body)."""

from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.accounts import known_browsers
from api.accounts.codes import NOBODY
from api.accounts.guards import before_password_attempt, clear_failures, record_failure, require_same_origin
from api.accounts.identifiers import locate, normalise
from api.accounts.session_body import session_body
from api.accounts.structs import SessionBody, SignIn
from api.auth import sessions
from api.auth.passwords import hash_password, needs_rehash, verify_password
from api.auth.principal import Principal
from api.errors import ApiError
from api.ratelimit import client_ip
from db.accounts.tables import UserSession
from db.core.tables import User

PROFILE_ROLES = {"famille": ("student", "parent"), "personnel": ("teacher", "staff", "admin")}
# One message whatever was wrong (unknown identifier, wrong password, wrong profile, not activated).
WRONG_CREDENTIALS = ApiError(401, "wrong_credentials", "Identifiant ou mot de passe incorrect.")


async def start_session(request: Request, school_id, user_id) -> Response[SessionBody]:
    """A fresh session (new id at every sign-in; the previous one of this browser is closed), and
    this browser known to the account from now on (api/accounts/known_browsers.py)."""
    previous = sessions.session_token(request)
    if previous:
        await sessions.close_session(previous)
    token, csrf = await sessions.open_session(
        user_id=user_id, school_id=school_id, user_agent=request.headers.get("user-agent", "")
    )
    response = Response(await session_body(school_id, user_id, csrf))
    sessions.set_session_cookie(response, token)
    await known_browsers.remember(request, response, school_id, user_id)
    return response


class SessionController(Controller):
    path = "/api/session"
    tags = ["accounts"]

    @post("/", summary="Sign in with identifier and password", status_code=200)
    async def sign_in(self, request: Request, data: JSONBody[SignIn]) -> Response[SessionBody]:
        require_same_origin(request)
        identifier, ip = normalise(data.identifier), client_ip(request)
        found = await locate(identifier)
        # A browser that signed in to this account before passes its locks (its own limit instead).
        known_browser = await before_password_attempt(identifier, ip, await known_browsers.recognised(request, found))
        # An unknown identifier reads an account too (one that cannot exist): the same statements.
        school_id, user_id = (found["school_id"], found["user_id"]) if found else NOBODY
        user = await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()
        # Always verify (against a dummy hash when there is no account): same cost, no timing oracle.
        password_ok = verify_password(user["password_hash"] if user else None, data.password)
        if not password_ok or user is None or user["disabled"] or user["role"] not in PROFILE_ROLES[data.profile]:
            await record_failure(identifier, ip, known_browser)
            raise WRONG_CREDENTIALS
        await clear_failures(identifier, ip, known_browser)
        if needs_rehash(user["password_hash"]):
            await User.update({User.password_hash: hash_password(data.password)}).where(
                (User.school_id == user["school_id"]) & (User.id == user["id"])
            )
        return await start_session(request, user["school_id"], user["id"])

    @get("/", summary="The signed-in user, their CSRF token, a parent's children")
    async def current(self, principal: NamedDependency[Principal]) -> SessionBody:
        csrf = ""
        if principal.via == "session" and principal.session_id:
            row = (
                await UserSession.select(UserSession.csrf_token)
                .where((UserSession.school_id == principal.school_id) & (UserSession.id == principal.session_id))
                .first()
            )
            csrf = row["csrf_token"] if row else ""
        return await session_body(principal.school_id, principal.user_id, csrf)

    @delete("/", summary="Sign out (closes the session server-side)", status_code=204)
    async def sign_out(self, request: Request, principal: NamedDependency[Principal]) -> Response[None]:
        token = sessions.session_token(request)
        if token:
            await sessions.close_session(token)
        response = Response(None, status_code=204)
        sessions.clear_session_cookie(response)
        return response


ROUTES = [SessionController]
