"""Device tokens: `<ref>.<secret>` where ref = base64url(school id ‖ row id), so lookups stay
within one school's shard; only SHA-256(secret) is stored.

Access tokens are short-lived; refresh tokens rotate (each is used once, with a grace window for
a lost answer) and last as long as the device's sliding lifetime.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import msgspec

from api.auth.tokens import digest, new_secret, same
from api.errors import ApiError
from api.pairing.dpop import b64url, b64url_decode
from api.pairing.proofs import now
from db.devices.tables import DeviceToken

ACCESS_LIFETIME = timedelta(minutes=10)
# Sliding: every refresh restarts it. A school year plus the summer holidays.
DEVICE_LIFETIME = timedelta(days=400)
REFRESH_GRACE = timedelta(minutes=5)
# Used refresh tokens are kept this long so that a replay is recognised (then forgotten).
USED_REFRESH_MEMORY = timedelta(days=30)

TOKEN_INVALID = ApiError(401, "token_invalid", "Jeton de l'appareil invalide. Ajoutez à nouveau ce profil.")


class TokenPair(msgspec.Struct):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "DPoP"


def encode_ref(school_id: UUID, row_id: UUID) -> str:
    return b64url(school_id.bytes + row_id.bytes)


def decode_ref(text: str) -> tuple[UUID, UUID] | None:
    try:
        raw = b64url_decode(text)
    except ValueError:
        return None
    if len(raw) != 32 or len(text) != 43:
        return None
    return UUID(bytes=raw[:16]), UUID(bytes=raw[16:])


async def _issue(school_id: UUID, device_id: UUID, kind: str, lifetime: timedelta) -> str:
    secret = new_secret()
    row = DeviceToken(
        school_id=school_id, device_id=device_id, kind=kind, token_hash=digest(secret), expires_at=now() + lifetime
    )
    await row.save()
    return f"{encode_ref(school_id, row.id)}.{secret}"


async def issue_pair(school_id: UUID, device_id: UUID) -> TokenPair:
    access = await _issue(school_id, device_id, "access", ACCESS_LIFETIME)
    refresh = await _issue(school_id, device_id, "refresh", DEVICE_LIFETIME)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=int(ACCESS_LIFETIME.total_seconds()))


async def find_token(token: str, kind: str) -> dict:
    """The token row for a presented token (any state); 401 token_invalid if unknown."""
    ref, _, secret = token.partition(".")
    ids = decode_ref(ref)
    if ids is None or not secret or len(token) > 200:
        raise TOKEN_INVALID
    school_id, row_id = ids
    row = (
        await DeviceToken.select()
        .where((DeviceToken.school_id == school_id) & (DeviceToken.id == row_id) & (DeviceToken.kind == kind))
        .first()
    )
    if row is None or not same(digest(secret), row["token_hash"]):
        raise TOKEN_INVALID
    return row


async def mark_refresh_used(row: dict) -> dict:
    """Use a refresh token once; returns the row as it is after the attempt (race-safe)."""
    if row["used_at"] is None:
        await DeviceToken.update({DeviceToken.used_at: now()}).where(
            (DeviceToken.school_id == row["school_id"]) & (DeviceToken.id == row["id"]) & DeviceToken.used_at.is_null()
        )
        row = (
            await DeviceToken.select()
            .where((DeviceToken.school_id == row["school_id"]) & (DeviceToken.id == row["id"]))
            .first()
        )
    return row


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
