"""Pairing this browser from a signed-in espace session: "Ouvrir sur cet ordinateur" (issue #14).

The session already proves who is asking, so there is no QR and no code. The browser makes the same
non-extractable P-256 key as a phone, sends its public JWK in the header of a DPoP proof (the proof
of possession), and gets the same device-bound tokens; the device is listed and revoked like a phone.

A `session` pairing row carries the client's id, so a retry whose answer was lost gets the same
device (with fresh tokens) instead of a second one, and the DPoP nonce of a browser whose clock is
off. A shared computer's device keeps its espace session: signing out, or the session expiring, ends
it, and so does a short idle time (`device_ended` in device_auth.py). See docs/pairing.md.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from litestar import Request

from api.auth.principal import Principal
from api.clock import now
from api.errors import ApiError
from api.pairing.device_auth import DPOP_REQUIRED, request_urls
from api.pairing.dpop import verify_proof
from api.pairing.profiles import build_profile
from api.pairing.proofs import require_fresh
from api.pairing.structs import OpenedHere, OpenHere
from api.pairing.tokens import SHARED_IDLE, issue_pair
from api.ratelimit import limit
from db.devices.tables import Device, Pairing
from piccolo_conf import DB

# Enough for a family opening Cartable on a few computers and retrying; nothing a script would enjoy.
MAX_PER_HOUR = 20
# How long the row answers the nonce of a browser whose clock is off (then a retry still finds it).
SESSION_PAIRING_LIFETIME = timedelta(minutes=10)

SHARED_COMPUTER = ApiError(409, "shared_computer", "Les notifications ne sont pas proposées sur un ordinateur partagé.")
CLIENT_ID_REUSED = ApiError(
    409,
    "client_id_reused",
    "Cette demande a déjà servi à ajouter un autre navigateur, ou cet accès a été retiré. "
    "Rechargez la page puis réessayez.",
)

# Find or create the pairing of this client id ($1 school, $2 user, $3 client id, $4 new id, $5 expiry).
_MAKE_PAIRING = """
INSERT INTO pairing (id, school_id, user_id, kind, client_id, secret_hash, code_hash, expires_at, status,
                     failed_attempts, device_name)
VALUES ($4, $1, $2, 'session', $3, '', '', $5, 'pending', 0, '')
ON CONFLICT (school_id, user_id, client_id) WHERE client_id <> '' DO NOTHING
RETURNING id, dpop_nonce, dpop_nonce_expires_at
"""
_FIND_PAIRING = """
SELECT id, dpop_nonce, dpop_nonce_expires_at FROM pairing
WHERE school_id = $1 AND user_id = $2 AND client_id = $3 AND kind = 'session'
"""

_LOCK = "SELECT device_id FROM pairing WHERE school_id = {} AND id = {} FOR UPDATE"
_CONSUME = "UPDATE pairing SET status = 'used', device_id = {}, device_name = {} WHERE school_id = {} AND id = {}"


async def shared_computer(school_id, device_id) -> bool:
    """A shared computer's device: nothing may outlive its session there (no push subscription)."""
    return await Device.exists().where(
        (Device.school_id == school_id) & (Device.id == device_id) & Device.shared_session_id.is_not_null()
    )


def device_name(requested: str, shared: bool) -> str:
    name = " ".join(requested.split())[:60] or "Ordinateur"
    return f"{name} (partagé)" if shared else name


async def _session_pairing(principal: Principal, client_id: str) -> dict:
    arguments = (principal.school_id, principal.user_id, client_id)
    row = await DB.pool.fetchrow(_MAKE_PAIRING, *arguments, uuid4(), now() + SESSION_PAIRING_LIFETIME)
    # Already there (a retry); read again, in a statement that sees a concurrent twin's row.
    row = row or await DB.pool.fetchrow(_FIND_PAIRING, *arguments)
    if row is None:  # deleted in between (the account went): nothing to pair
        raise CLIENT_ID_REUSED
    return dict(row)


async def _existing_device(principal: Principal, device_id, thumbprint: str) -> dict:
    """The device an earlier request with this client id made: the same key, still usable, and (on a
    shared computer) in this very session."""
    school_id = principal.school_id
    device = (
        await Device.select(Device.id, Device.key_thumbprint, Device.revoked_at, Device.shared_session_id)
        .where((Device.school_id == school_id) & (Device.id == device_id))
        .first()
    )
    if device is None or device["revoked_at"] is not None or device["key_thumbprint"] != thumbprint:
        raise CLIENT_ID_REUSED
    if device["shared_session_id"] not in (None, principal.session_id):
        raise CLIENT_ID_REUSED
    return device


async def open_here(request: Request, principal: Principal, body: OpenHere) -> OpenedHere:
    await limit("pairing:desktop", str(principal.user_id), max_hits=MAX_PER_HOUR, window=timedelta(hours=1))
    proof_header = request.headers.get("dpop")
    if not proof_header:
        raise DPOP_REQUIRED
    proof = verify_proof(proof_header, method="POST", urls=request_urls(request), access_token=None)
    school_id = principal.school_id
    pairing = await _session_pairing(principal, body.client_id)
    await require_fresh(proof, table=Pairing, school_id=school_id, subject=pairing)
    async with DB.transaction():
        locked = await Pairing.raw(_LOCK, school_id, pairing["id"])
        if locked[0]["device_id"] is not None:
            device = await _existing_device(principal, locked[0]["device_id"], proof.thumbprint)
        else:
            device = Device(
                school_id=school_id,
                user_id=principal.user_id,
                name=device_name(body.device_name, body.shared),
                key_thumbprint=proof.thumbprint,
                last_seen_at=now(),
                shared_session_id=principal.session_id if body.shared else None,
            )
            await device.save()
            await Pairing.raw(_CONSUME, device.id, device.name, school_id, pairing["id"])
            device = {"id": device.id, "shared_session_id": device.shared_session_id}
        tokens = await issue_pair(school_id, device["id"])
    shared = device["shared_session_id"] is not None
    return OpenedHere(
        device_id=device["id"],
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        profile=await build_profile(school_id, principal.user_id),
        shared=shared,
        idle_timeout=int(SHARED_IDLE.total_seconds()) if shared else None,
    )
