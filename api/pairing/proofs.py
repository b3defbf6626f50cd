"""Freshness of DPoP proofs: time window or server nonce, and the one-time `jti` guard.

A phone with a wrong clock is not refused for good: it gets a server nonce (`use_dpop_nonce`)
and a proof carrying a valid nonce is fresh whatever its `iat`. Nonces live on the subject row
(the device, or the pairing during a claim).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from piccolo.table import Table

from api.auth.tokens import b64url, new_secret, same
from api.clock import now
from api.errors import ApiError
from api.pairing.dpop import Proof
from db.devices.tables import ProofJtiWrite

IAT_WINDOW = timedelta(seconds=60)
NONCE_LIFETIME = timedelta(minutes=5)
# App servers' clocks differ a little: a stored jti outlives its proof by this much on any of them.
CLOCK_MARGIN = timedelta(seconds=30)

_REMEMBER_JTI = """
INSERT INTO proof_jti_write (id, school_id, jti, expires_at) VALUES ({}, {}, {}, {})
ON CONFLICT (school_id, jti) DO NOTHING RETURNING id
"""


def jti_key(proof: Proof) -> str:
    """The stored form of a proof's jti, scoped by key: two phones choosing the same jti never collide.
    128 bits of SHA-256 (22 characters): a collision needs ~2^64 proofs within minutes; every phone
    read inserts one, and a short key keeps the replay memory's index small."""
    return b64url(hashlib.sha256(f"{proof.thumbprint}:{proof.jti}".encode()).digest()[:16])


def remember_until(proof: Proof, moment: datetime) -> datetime:
    """Until when a proof's jti must be remembered: as long as the proof could still be accepted (its
    `iat` window, or its server nonce's lifetime), and no longer, since every phone read adds one."""
    if proof.nonce is not None:
        return moment + NONCE_LIFETIME + CLOCK_MARGIN
    # Only a proof inside its window is remembered: its iat is within IAT_WINDOW of `moment`.
    window = IAT_WINDOW.total_seconds()
    offset = timedelta(seconds=min(max(proof.iat - moment.timestamp(), -window), window))
    return moment + offset + IAT_WINDOW + CLOCK_MARGIN


async def nonce_error(table: type[Table], school_id: UUID, subject: dict) -> ApiError:
    moment = now()
    nonce = subject.get("dpop_nonce")
    expires_at = subject.get("dpop_nonce_expires_at")
    # Reuse the current nonce while it has a minute left, so concurrent requests agree on one.
    if not nonce or expires_at is None or expires_at - moment < timedelta(minutes=1):
        nonce = new_secret(16)
        await table.update({table.dpop_nonce: nonce, table.dpop_nonce_expires_at: moment + NONCE_LIFETIME}).where(
            (table.school_id == school_id) & (table.id == subject["id"])
        )
    return ApiError(
        401,
        "use_dpop_nonce",
        "L'horloge de l'appareil semble décalée : nouvel essai avec un jeton du serveur.",
        headers={"DPoP-Nonce": nonce, "WWW-Authenticate": 'DPoP error="use_dpop_nonce"'},
    )


async def require_fresh(proof: Proof, *, table: type[Table], school_id: UUID, subject: dict) -> None:
    """Accept a proof once: recent `iat` or a valid server nonce, and a never-seen `jti`."""
    moment = now()
    if proof.nonce is not None:
        current, expires_at = subject.get("dpop_nonce"), subject.get("dpop_nonce_expires_at")
        if not current or expires_at is None or expires_at <= moment or not same(proof.nonce, current):
            raise await nonce_error(table, school_id, subject)
    elif abs(moment.timestamp() - proof.iat) > IAT_WINDOW.total_seconds():
        raise await nonce_error(table, school_id, subject)
    stored = await ProofJtiWrite.raw(_REMEMBER_JTI, uuid4(), school_id, jti_key(proof), remember_until(proof, moment))
    if not stored:
        raise ApiError(401, "proof_replayed", "Cette requête a déjà été reçue (preuve rejouée).")
