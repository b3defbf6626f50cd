"""Device tokens: `<ref>.<secret>` where ref = base64url(school id ‖ row id) (api/auth/tokens.py), so
lookups stay within one school's shard; only SHA-256(secret) is stored. Presented tokens are checked
by api/pairing/device_auth.py.

Access tokens are short-lived; refresh tokens rotate (each is used once, with a grace window for
a lost answer) and last as long as the device's sliding lifetime.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from api.auth.tokens import digest, new_secret, routed_token
from api.clock import now
from api.errors import ApiError
from db.devices.tables import DeviceToken
from piccolo_conf import DB

ACCESS_LIFETIME = timedelta(minutes=10)
# Sliding: every refresh restarts it. A school year plus the summer holidays.
DEVICE_LIFETIME = timedelta(days=400)
# A shared computer's profile ends with its espace session, and after this long without a request
# (the page forgets it after less: pwa/desktop/shared-computer.js; this is the backstop for a browser
# closed or a computer left on).
SHARED_IDLE = timedelta(minutes=30)
REFRESH_GRACE = timedelta(minutes=5)
# Used refresh tokens are kept this long so that a replay is recognised (then forgotten).
USED_REFRESH_MEMORY = timedelta(days=30)

TOKEN_INVALID = ApiError(401, "token_invalid", "Jeton de l'appareil invalide. Ajoutez à nouveau ce profil.")


class TokenPair(msgspec.Struct):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "DPoP"


async def _issue(school_id: UUID, device_id: UUID, kind: str, lifetime: timedelta) -> str:
    secret = new_secret()
    row = DeviceToken(
        school_id=school_id, device_id=device_id, kind=kind, token_hash=digest(secret), expires_at=now() + lifetime
    )
    await row.save()
    return routed_token(school_id, row.id, secret)


async def issue_pair(school_id: UUID, device_id: UUID) -> TokenPair:
    access = await _issue(school_id, device_id, "access", ACCESS_LIFETIME)
    refresh = await _issue(school_id, device_id, "refresh", DEVICE_LIFETIME)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=int(ACCESS_LIFETIME.total_seconds()))


_MARK_USED = """
WITH marked AS (
    UPDATE device_token SET used_at = $3::timestamptz
    WHERE school_id = $1 AND id = $2 AND used_at IS NULL RETURNING used_at
)
SELECT coalesce((SELECT used_at FROM marked), (SELECT used_at FROM device_token WHERE school_id = $1 AND id = $2))
"""


async def mark_refresh_used(school_id: UUID, token_id: UUID) -> datetime:
    """Use a refresh token once; returns when it was first used (now, or earlier: a replay). Race-safe."""
    return await DB.pool.fetchval(_MARK_USED, school_id, token_id, now())


async def prune(school_id: UUID, device_id: UUID) -> None:
    """Forget expired access tokens and long-used refresh tokens of a device."""
    moment = now()
    mine = (DeviceToken.school_id == school_id) & (DeviceToken.device_id == device_id)
    await DeviceToken.delete().where(mine & (DeviceToken.expires_at < moment))
    await DeviceToken.delete().where(
        mine & (DeviceToken.kind == "refresh") & (DeviceToken.used_at < moment - USED_REFRESH_MEMORY)
    )


async def revoke_all(school_id: UUID, device_id: UUID) -> None:
    await DeviceToken.delete().where((DeviceToken.school_id == school_id) & (DeviceToken.device_id == device_id))
