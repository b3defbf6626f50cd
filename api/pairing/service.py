"""Pairing a phone: the desktop creates a QR (secret) + ephemeral code, the phone claims it.

The QR never carries the code or any credential; the code is checked online, at most
MAX_ATTEMPTS times per pairing. See docs/pairing.md for the threats this answers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta
from uuid import UUID

import segno
from litestar import Request

from api.auth.principal import Principal
from api.auth.tokens import decode_ref, digest, encode_ref, new_secret, same
from api.clock import now
from api.config import get_settings
from api.errors import ApiError
from api.pairing.device_auth import DPOP_REQUIRED, request_urls
from api.pairing.dpop import verify_proof
from api.pairing.profiles import build_profile
from api.pairing.proofs import require_fresh
from api.pairing.structs import Claimed, ClaimPairing, PairingCreated, PairingStatus
from api.pairing.tokens import issue_pair
from api.ratelimit import client_ip, limit
from db.core.tables import User
from db.devices.tables import Device, Pairing
from piccolo_conf import DB

PAIRING_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
CODE_FORMAT = re.compile(r"^[A-Z0-9]{4}$")

NOT_FOUND = ApiError(
    404,
    "pairing_not_found",
    "Ce QR code ou ce lien n'est pas reconnu. Générez-en un nouveau depuis l'espace web (Application mobile).",
)
GONE = {
    "used": ApiError(410, "pairing_used", "Ce QR code a déjà été utilisé. Générez-en un nouveau."),
    "superseded": ApiError(410, "pairing_replaced", "Un QR code plus récent a été généré : utilisez celui-ci."),
    "dead": ApiError(
        410, "pairing_dead", "Trop de codes erronés : ce QR code n'est plus valable. Générez-en un nouveau."
    ),
    "expired": ApiError(410, "pairing_expired", "Ce QR code a expiré (10 minutes). Générez-en un nouveau."),
}


def normalise_code(code: str) -> str:
    return code.strip().upper()


def is_trivial(code: str) -> bool:
    """Codes a bystander would guess first: AAAA, 1234, ABCD, 4321, 1212, ABAB."""
    if len(set(code)) == 1 or (code[0] == code[2] and code[1] == code[3]):
        return True
    steps = {ord(b) - ord(a) for a, b in zip(code, code[1:])}
    same_kind = code.isdigit() or code.isalpha()
    return same_kind and steps in ({1}, {-1})


def code_digest(secret: str, code: str) -> str:
    # Keyed by the QR secret: a database dump alone cannot brute-force the 4-character code.
    return hmac.new(secret.encode(), code.encode(), hashlib.sha256).hexdigest()


def pairing_link(school_id: UUID, pairing_id: UUID, secret: str) -> str:
    # In the fragment: browsers never send it to a server, so it stays out of every access log.
    return f"{get_settings().public_url}/#/ajouter-profil?p={encode_ref(school_id, pairing_id)}&s={secret}"


def effective_status(pairing: dict) -> str:
    if pairing["status"] == "pending" and pairing["expires_at"] <= now():
        return "expired"
    return pairing["status"]


async def create_pairing(principal: Principal, code: str) -> PairingCreated:
    code = normalise_code(code)
    if not CODE_FORMAT.match(code):
        raise ApiError(400, "invalid_code", "Le code doit comporter exactement 4 lettres ou chiffres.")
    if is_trivial(code):
        raise ApiError(
            400,
            "code_too_simple",
            "Ce code est trop simple à deviner (comme 0000, 1234 ou AAAA). Choisissez-en un autre.",
        )
    await limit("pairing:create", str(principal.user_id), max_hits=30, window=timedelta(hours=1))
    secret = new_secret()
    moment = now()
    async with DB.transaction():
        # A new QR kills the previous one: only the last QR shown on screen can be claimed.
        await Pairing.update({Pairing.status: "superseded"}).where(
            (Pairing.school_id == principal.school_id)
            & (Pairing.user_id == principal.user_id)
            & (Pairing.status == "pending")
            & (Pairing.kind == "qr")
        )
        pairing = Pairing(
            school_id=principal.school_id,
            user_id=principal.user_id,
            secret_hash=digest(secret),
            code_hash=code_digest(secret, code),
            expires_at=moment + PAIRING_LIFETIME,
        )
        await pairing.save()
    link = pairing_link(principal.school_id, pairing.id, secret)
    qr_svg = segno.make(link, error="m").svg_inline(
        scale=5, light="#fff", omitsize=True, title="QR code de configuration de l'application mobile"
    )
    return PairingCreated(
        id=pairing.id,
        link=link,
        qr_svg=qr_svg,
        expires_at=pairing.expires_at,
        expires_in=int(PAIRING_LIFETIME.total_seconds()),
    )


async def pairing_status(principal: Principal, pairing_id: UUID) -> PairingStatus:
    pairing = (
        await Pairing.select()
        .where(
            (Pairing.school_id == principal.school_id)
            & (Pairing.user_id == principal.user_id)
            & (Pairing.id == pairing_id)
        )
        .first()
    )
    if pairing is None:
        raise ApiError(404, "not_found", "QR code introuvable.")
    left = max(0, int((pairing["expires_at"] - now()).total_seconds()))
    return PairingStatus(
        id=pairing["id"],
        status=effective_status(pairing),
        device_name=pairing["device_name"],
        attempts_left=max(0, MAX_ATTEMPTS - pairing["failed_attempts"]),
        expires_in=left,
    )


async def _reserve_attempt(pairing: dict) -> int:
    """Count an attempt before comparing, so parallel guesses can never exceed MAX_ATTEMPTS."""
    rows = await Pairing.raw(
        "UPDATE pairing SET failed_attempts = failed_attempts + 1 WHERE school_id = {} AND id = {} "
        "AND status = 'pending' AND failed_attempts < {} AND expires_at > {} RETURNING failed_attempts",
        pairing["school_id"],
        pairing["id"],
        MAX_ATTEMPTS,
        now(),
    )
    if not rows:
        fresh = (
            await Pairing.select()
            .where((Pairing.school_id == pairing["school_id"]) & (Pairing.id == pairing["id"]))
            .first()
        )
        raise GONE.get(effective_status(fresh), GONE["dead"])
    return rows[0]["failed_attempts"]


async def _retry_after_lost_answer(pairing: dict, thumbprint: str) -> Claimed | None:
    """The phone claimed, but never got the answer: the same key may fetch tokens again."""
    if pairing["device_id"] is None or pairing["expires_at"] <= now():
        return None
    device = (
        await Device.select()
        .where((Device.school_id == pairing["school_id"]) & (Device.id == pairing["device_id"]))
        .first()
    )
    if device is None or device["revoked_at"] is not None or device["key_thumbprint"] != thumbprint:
        return None
    tokens = await issue_pair(device["school_id"], device["id"])
    profile = await build_profile(device["school_id"], device["user_id"])
    return Claimed(
        device_id=device["id"],
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        profile=profile,
    )


async def claim_pairing(request: Request, body: ClaimPairing) -> Claimed:
    # Generous: families pair together behind one school Wi-Fi or carrier NAT; the real guard against
    # guessing is the 256-bit secret plus 5 attempts per pairing. This only slows down floods.
    await limit("pairing:claim:ip", client_ip(request), max_hits=60, window=timedelta(minutes=10))
    ids = decode_ref(body.pairing)
    if ids is None:
        raise NOT_FOUND
    school_id, pairing_id = ids
    pairing = await Pairing.select().where((Pairing.school_id == school_id) & (Pairing.id == pairing_id)).first()
    # A `session` pairing (this browser, from the espace: api/pairing/desktop.py) has no secret to claim.
    if pairing is None or pairing["kind"] != "qr" or not same(digest(body.secret), pairing["secret_hash"]):
        raise NOT_FOUND
    proof_header = request.headers.get("dpop")
    if not proof_header:
        raise DPOP_REQUIRED
    proof = verify_proof(proof_header, method="POST", urls=request_urls(request), access_token=None)
    await require_fresh(proof, table=Pairing, school_id=school_id, subject=pairing)
    status = effective_status(pairing)
    if status == "used":
        retried = await _retry_after_lost_answer(pairing, proof.thumbprint)
        if retried is not None:
            return retried
    if status != "pending":
        raise GONE[status]
    owner = (
        await User.select(User.disabled).where((User.school_id == school_id) & (User.id == pairing["user_id"])).first()
    )
    if owner is None or owner["disabled"]:
        raise ApiError(403, "account_disabled", "Ce compte est désactivé.")
    code = normalise_code(body.code)
    if not CODE_FORMAT.match(code):
        raise ApiError(400, "invalid_code", "Le code doit comporter exactement 4 lettres ou chiffres.")
    attempts = await _reserve_attempt(pairing)
    if not same(code_digest(body.secret, code), pairing["code_hash"]):
        left = MAX_ATTEMPTS - attempts
        if left == 0:
            await Pairing.update({Pairing.status: "dead"}).where(
                (Pairing.school_id == school_id) & (Pairing.id == pairing_id) & (Pairing.status == "pending")
            )
            message = "Code incorrect. Ce QR code n'est plus valable : générez-en un nouveau."
        else:
            message = f"Code incorrect. Il vous reste {left} essai{'s' if left > 1 else ''}."
        raise ApiError(400, "wrong_code", message, details={"attempts_left": left})
    device_name = " ".join(body.device_name.split())[:80] or "Téléphone"
    async with DB.transaction():
        device = Device(
            school_id=school_id,
            user_id=pairing["user_id"],
            name=device_name,
            key_thumbprint=proof.thumbprint,
            last_seen_at=now(),
        )
        await device.save()
        consumed = await Pairing.raw(
            "UPDATE pairing SET status = 'used', failed_attempts = failed_attempts - 1, device_id = {}, "
            "device_name = {} WHERE school_id = {} AND id = {} AND status = 'pending' RETURNING id",
            device.id,
            device_name,
            school_id,
            pairing_id,
        )
        if not consumed:
            raise GONE["used"]
        tokens = await issue_pair(school_id, device.id)
    profile = await build_profile(school_id, pairing["user_id"])
    return Claimed(
        device_id=device.id,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        profile=profile,
    )
