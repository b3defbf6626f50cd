"""Paired phones: pairings (QR + ephemeral code), device-bound tokens, proof replay guard.

The protocol is written down in docs/pairing.md; api/pairing implements it.
"""

from piccolo.columns import UUID, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class Device(Table, tablename="device"):
    """A phone (or desktop browser) profile bound to a key pair whose private half never leaves it."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    name = Varchar(length=80)
    key_thumbprint = Varchar(length=64)  # RFC 7638 JWK thumbprint of the device's public key
    created_at = created_at()
    last_seen_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_reason = Varchar(length=30, null=True, default=None)  # desktop | phone | refresh_reuse
    # Set for an "ordinateur partagé": the espace session this browser profile lives in. No foreign
    # key: signing out deletes the session row, and that ends the device (api/pairing/device_auth.py,
    # which also gives it a short idle time). NULL for a phone or a personal computer.
    shared_session_id = UUID(null=True, default=None)
    # Current DPoP nonce (RFC 9449 §8), handed out when the phone's clock is off.
    dpop_nonce = Varchar(length=64, null=True, default=None)
    dpop_nonce_expires_at = Timestamptz(null=True, default=None)
    # Optional WebAuthn credential used for "Verrouiller l'application" (user verification only).
    webauthn_credential_id = Varchar(length=1400, null=True, default=None)  # base64url
    webauthn_public_key = Text(null=True, default=None)  # base64url COSE key
    webauthn_sign_count = Integer(default=0)
    webauthn_challenge = Varchar(length=128, null=True, default=None)  # base64url, single use
    webauthn_challenge_expires_at = Timestamptz(null=True, default=None)


class Pairing(Table, tablename="pairing"):
    """A QR code shown on the desktop: single use, 10 minutes, 5 wrong codes at most; or (kind
    `session`) this browser added from a signed-in espace session, keyed by the client's id."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    secret_hash = Varchar(length=64)  # SHA-256 of the ≥128-bit secret in the QR
    code_hash = Varchar(length=64)  # HMAC-SHA256(secret, code): useless without the QR's secret
    created_at = created_at()
    expires_at = Timestamptz()
    status = Varchar(length=12, default="pending")  # pending | used | dead | superseded
    kind = Varchar(length=8, default="qr")  # qr (QR + code, claimed by a phone) | session (this browser)
    client_id = Varchar(length=64, default="")  # idempotency key of a `session` pairing ("" for a QR)
    failed_attempts = Integer(default=0)
    device_id = ref(null=True)
    device_name = Varchar(length=80, default="")
    dpop_nonce = Varchar(length=64, null=True, default=None)
    dpop_nonce_expires_at = Timestamptz(null=True, default=None)


class DeviceToken(Table, tablename="device_token"):
    """Access and refresh tokens of a device; only a SHA-256 of each secret is stored."""

    id = primary_key()
    school_id = school_key()
    device_id = ref()
    kind = Varchar(length=8)  # access | refresh
    token_hash = Varchar(length=64)
    created_at = created_at()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)  # a refresh token is used once (rotation)


class ProofJti(Table, tablename="proof_jti"):
    """Seen DPoP proof ids of reads (GET, HEAD), kept until the proof could no longer be accepted.

    UNLOGGED (docs/pairing.md, "The replay memory", says what that trades): every phone read
    writes here, and a logged write would cost a WAL flush per read."""

    id = primary_key()
    school_id = UUID(null=False)  # no index of its own: (school_id, jti) and (school_id, expires_at) lead with it
    jti = Varchar(length=64)
    expires_at = Timestamptz()


class ProofJtiWrite(Table, tablename="proof_jti_write"):
    """Seen DPoP proof ids of every other request (writes, claims, refreshes): logged, so that a
    database crash never lets a write's proof be replayed (a proof does not bind the body)."""

    id = primary_key()
    school_id = UUID(null=False)  # no index of its own, as proof_jti
    jti = Varchar(length=64)
    expires_at = Timestamptz()


SHARDED_TABLES = [Device, Pairing, DeviceToken, ProofJti, ProofJtiWrite]
REFERENCES = [
    Ref(Device, "user_id", User, "CASCADE"),
    Ref(Pairing, "user_id", User, "CASCADE"),
    Ref(DeviceToken, "device_id", Device, "CASCADE"),
]
INDEXES = [
    "CREATE UNIQUE INDEX proof_jti_uq ON proof_jti (school_id, jti)",
    "CREATE UNIQUE INDEX pairing_client_uq ON pairing (school_id, user_id, client_id) WHERE client_id <> ''",
    "CREATE INDEX proof_jti_expires_idx ON proof_jti (school_id, expires_at)",
    "CREATE UNIQUE INDEX proof_jti_write_uq ON proof_jti_write (school_id, jti)",
    "CREATE INDEX proof_jti_write_expires_idx ON proof_jti_write (school_id, expires_at)",
]
