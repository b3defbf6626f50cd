"""Authenticates phone requests: `Authorization: DPoP <access token>` + `DPoP: <proof>`.

Registered with api.auth.principal at import time, so every handler's `principal` works for
phones. Checks run proof first, so only the holder of the device key learns a device's state.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from litestar import Request

from api.auth.principal import Principal, register_device_authenticator
from api.config import get_settings
from api.errors import ApiError
from api.pairing.dpop import verify_proof
from api.pairing.proofs import forget_expired, now, require_fresh
from api.pairing.tokens import DEVICE_LIFETIME, find_token
from db.core.tables import User
from db.devices.tables import Device

TOUCH_INTERVAL = timedelta(minutes=1)

DPOP_REQUIRED = ApiError(
    401, "dpop_required", "Preuve de l'appareil manquante.", headers={"WWW-Authenticate": 'DPoP error="invalid_token"'}
)
WRONG_KEY = ApiError(401, "wrong_key", "Cette preuve n'est pas signée par la clé de cet appareil.")
DEVICE_REVOKED = ApiError(
    401,
    "device_revoked",
    "Ce profil a été retiré de cet appareil. Ajoutez-le à nouveau depuis l'espace web (Application mobile).",
)
ACCOUNT_DISABLED = ApiError(401, "account_disabled", "Ce compte est désactivé.")
TOKEN_EXPIRED = ApiError(
    401,
    "token_expired",
    "Jeton expiré : renouvellement nécessaire.",
    headers={"WWW-Authenticate": 'DPoP error="invalid_token"'},
)


def request_urls(request: Request) -> list[str]:
    """Acceptable `htu` values: the public URL (behind a proxy) and the request's own base URL."""
    path = request.url.path
    own = str(request.base_url).rstrip("/")
    return list(dict.fromkeys([get_settings().public_url + path, own + path]))


async def load_device(school_id: UUID, device_id: UUID) -> dict:
    device = await Device.select().where((Device.school_id == school_id) & (Device.id == device_id)).first()
    if device is None:
        raise DEVICE_REVOKED
    return device


async def check_device_usable(device: dict) -> str:
    """Revoked, idle beyond its sliding lifetime, or its account disabled: the profile is gone.

    Returns the account's role."""
    if device["revoked_at"] is not None:
        raise DEVICE_REVOKED
    last_used = device["last_seen_at"] or device["created_at"]
    if last_used + DEVICE_LIFETIME < now():
        raise DEVICE_REVOKED
    user = (
        await User.select(User.disabled, User.role)
        .where((User.school_id == device["school_id"]) & (User.id == device["user_id"]))
        .first()
    )
    if user is None or user["disabled"]:
        raise ACCOUNT_DISABLED
    return user["role"]


async def verify_device_proof(request: Request, device: dict, access_token: str | None) -> None:
    proof_header = request.headers.get("dpop")
    if not proof_header:
        raise DPOP_REQUIRED
    proof = verify_proof(proof_header, method=request.method, urls=request_urls(request), access_token=access_token)
    if proof.thumbprint != device["key_thumbprint"]:
        raise WRONG_KEY
    await require_fresh(proof, table=Device, school_id=device["school_id"], subject=device)


async def touch(device: dict, *, force: bool = False) -> None:
    moment = now()
    if force or device["last_seen_at"] is None or moment - device["last_seen_at"] >= TOUCH_INTERVAL:
        await Device.update({Device.last_seen_at: moment}).where(
            (Device.school_id == device["school_id"]) & (Device.id == device["id"])
        )
        await forget_expired(device["school_id"])


async def authenticate_device(request: Request) -> Principal:
    access_token = request.headers.get("authorization", "")[len("DPoP ") :].strip()
    if not request.headers.get("dpop"):
        raise DPOP_REQUIRED
    token = await find_token(access_token, "access")
    device = await load_device(token["school_id"], token["device_id"])
    await verify_device_proof(request, device, access_token)
    role = await check_device_usable(device)
    if token["expires_at"] <= now():
        raise TOKEN_EXPIRED
    await touch(device)
    return Principal(
        user_id=device["user_id"], school_id=device["school_id"], role=role, via="device", device_id=device["id"]
    )


register_device_authenticator(authenticate_device)
