"""The one auth dependency: who is calling, whatever the credential.

Handlers declare `principal: Principal` and get it; a controller narrows the roles it accepts by
overriding the dependency with `Provide(principal_with_roles("teacher", "staff"))`.

Credentials:
- a browser session cookie (desktop web space); unsafe methods must also carry the session's
  CSRF token in `X-CSRF-Token` (synchroniser token: a cookie alone never authorises a write);
- a device-bound access token (`Authorization: DPoP …` + a `DPoP` proof), see `api/pairing`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

import msgspec
from litestar import Request

from api.auth import sessions
from api.auth.tokens import same
from api.errors import ApiError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ROLES = ("student", "parent", "teacher", "staff", "admin")


class Principal(msgspec.Struct, frozen=True):
    user_id: UUID
    school_id: UUID
    role: str
    via: str  # "session" | "device"
    session_id: UUID | None = None
    device_id: UUID | None = None

    @property
    def is_family(self) -> bool:
        return self.role in ("student", "parent")


# The pairing package registers its verifier here at import time (no import cycle, one dependency).
DeviceAuthenticator = Callable[[Request], Awaitable[Principal]]
_device_authenticator: DeviceAuthenticator | None = None


def register_device_authenticator(authenticator: DeviceAuthenticator) -> None:
    global _device_authenticator
    _device_authenticator = authenticator


# Until a user has completed their first login (new password, charter…), their session may only
# reach these paths: the first-login steps themselves, reading the session, and signing out.
FIRST_LOGIN_PATHS = ("/api/session", "/api/accounts/first-login")
FIRST_LOGIN_REQUIRED = ApiError(403, "first_login_required", "Terminez d'abord votre première connexion.")


def _first_login_path(path: str) -> bool:
    path = path.rstrip("/")
    return path == FIRST_LOGIN_PATHS[0] or path.startswith(FIRST_LOGIN_PATHS[1] + "/") or path == FIRST_LOGIN_PATHS[1]


NOT_SIGNED_IN = ApiError(401, "not_authenticated", "Vous devez vous connecter.")


SESSION_EXPIRED = ApiError(401, "session_expired", "Votre session a expiré. Reconnectez-vous.")


async def _from_session(request: Request, token: str) -> Principal:
    row = await sessions.authenticate(token)  # one statement: session, user, time-outs, idle touch
    check_session(request, row)
    return Principal(
        user_id=row["user_id"],
        school_id=sessions.school_of(token),
        role=row["role"],
        via="session",
        session_id=row["id"],
    )


def check_session(request: Request, row) -> None:
    """Refuse a request whose session row (`sessions.SESSION_CTES`' caller) does not allow it."""
    if row is None:
        raise SESSION_EXPIRED
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token", "")
        if not sent or not same(sent, row["csrf_token"]):
            raise ApiError(403, "csrf", "Requête refusée (jeton de sécurité manquant ou invalide). Rechargez la page.")
    if row["disabled"]:
        raise ApiError(401, "account_disabled", "Ce compte est désactivé.")
    if not row["first_login_done"] and not _first_login_path(request.url.path):
        raise FIRST_LOGIN_REQUIRED


async def current_principal(request: Request) -> Principal:
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("DPoP "):
        if _device_authenticator is None:
            raise NOT_SIGNED_IN
        return await _device_authenticator(request)
    token = sessions.session_token(request)
    if token:
        return await _from_session(request, token)
    raise NOT_SIGNED_IN


def principal_with_roles(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if principal.role not in roles:
            raise ApiError(403, "forbidden", "Cette fonction n'est pas disponible pour votre profil.")
        return principal

    return dependency
