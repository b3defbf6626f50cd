"""A paired device's life: refresh (rotation, grace, reuse detection), listing, revoking, unpairing."""

from __future__ import annotations

from uuid import UUID

from litestar import Request

from api.auth.principal import Principal
from api.auth.tokens import parse_routed_token
from api.clock import now
from api.errors import ApiError
from api.pairing.device_auth import DEVICE_REVOKED, authenticate_token
from api.pairing.profiles import profile_label
from api.pairing.structs import LinkedDevice
from api.pairing.tokens import REFRESH_GRACE, TokenPair, issue_pair, mark_refresh_used, prune
from api.push.subscriptions import forget_device
from db.core.tables import User
from db.devices.tables import Device


async def revoke(school_id: UUID, device_id: UUID, reason: str) -> None:
    # The row stays (revoked_at set) so that the phone is told `device_revoked` and wipes the profile;
    # nothing is pushed to it any more.
    await Device.update({Device.revoked_at: now(), Device.revoked_reason: reason}).where(
        (Device.school_id == school_id) & (Device.id == device_id) & Device.revoked_at.is_null()
    )
    await forget_device(school_id, device_id)


async def refresh(request: Request, refresh_token: str) -> TokenPair:
    # Proof, device and account checked (and the device's sliding lifetime restarted) in one statement.
    school_id, device = await authenticate_token(request, refresh_token, "refresh", None)
    _, token_id, _ = parse_routed_token(refresh_token)
    used_at = await mark_refresh_used(school_id, token_id)
    if now() - used_at > REFRESH_GRACE:
        # An old refresh token came back: someone kept a copy. End this device's pairing.
        await revoke(school_id, device["device_id"], "refresh_reuse")
        raise DEVICE_REVOKED
    pair = await issue_pair(school_id, device["device_id"])
    await prune(school_id, device["device_id"])
    return pair


async def list_devices(principal: Principal) -> list[LinkedDevice]:
    user = (
        await User.select(User.role, User.first_name, User.last_name)
        .where((User.school_id == principal.school_id) & (User.id == principal.user_id))
        .first()
    )
    rows = (
        await Device.select()
        .where(
            (Device.school_id == principal.school_id)
            & (Device.user_id == principal.user_id)
            & Device.revoked_at.is_null()
        )
        .order_by(Device.created_at, ascending=False)
    )
    label = profile_label(user["role"], user["first_name"], user["last_name"])
    return [
        LinkedDevice(
            id=row["id"],
            name=row["name"],
            profile=label,
            created_at=row["created_at"],
            last_seen_at=row["last_seen_at"],
            lock_available=row["webauthn_credential_id"] is not None,
        )
        for row in rows
    ]


async def revoke_from_desktop(principal: Principal, device_id: UUID) -> None:
    exists = await Device.exists().where(
        (Device.school_id == principal.school_id) & (Device.user_id == principal.user_id) & (Device.id == device_id)
    )
    if not exists:
        raise ApiError(404, "not_found", "Appareil introuvable.")
    await revoke(principal.school_id, device_id, "desktop")
