"""Authenticates phone requests: `Authorization: DPoP <access token>` + `DPoP: <proof>`.

Registered with api.auth.principal at import time, so every handler's `principal` works for
phones. The proof's signature and bindings are checked in Python first (no database); then ONE
statement reads the token, its device and user, stores the proof's `jti` (only when the proof is
signed by this device's key and fresh) and touches the device (at most once a minute). The errors
come out in the order they always did, so only the holder of the device key learns a device's state.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from litestar import Request

from api.auth.principal import Principal, register_device_authenticator
from api.auth.tokens import digest, parse_routed_token
from api.clock import now
from api.config import get_settings
from api.errors import ApiError
from api.pairing.dpop import verify_proof
from api.pairing.proofs import IAT_WINDOW, jti_key, nonce_error, remember_until
from api.pairing.tokens import DEVICE_LIFETIME, SHARED_IDLE, TOKEN_INVALID
from db.devices.tables import Device
from piccolo_conf import DB

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
PROOF_REPLAYED = ApiError(401, "proof_replayed", "Cette requête a déjà été reçue (preuve rejouée).")


def device_ended(device: str, school: str, moment: str, lifetime: str, shared_idle: str) -> str:
    """SQL: the device row `device` can no longer be used: revoked, unused for its whole lifetime, or
    a shared computer's profile whose espace session ended (signed out, expired) or left idle."""
    return f"""({device}.revoked_at IS NOT NULL
            OR coalesce({device}.last_seen_at, {device}.created_at) + {lifetime}::interval < {moment}
            OR ({device}.shared_session_id IS NOT NULL AND (
                coalesce({device}.last_seen_at, {device}.created_at) + {shared_idle}::interval < {moment}
                OR NOT EXISTS (SELECT 1 FROM user_session s WHERE s.school_id = {school}
                               AND s.id = {device}.shared_session_id AND s.expires_at > {moment}))))"""


# $1 school, $2 token id, $3 kind, $4 SHA-256 of the token's secret, $5 the proof key's thumbprint
# (NULL: invalid proof), $6 the proof's nonce, $7 its iat is recent, $8 now, $9 jti key, $10 jti kept
# until, $11 device lifetime, $12 touch interval, $13 a shared computer's idle time. `caller`: one row
# when the token exists, `ok` when every check passed (then the jti is stored and the device touched).
# {jti_table}: where the proof's jti is remembered (`replay_memory`).
_DEVICE_CTES = """
WITH presented AS (
    SELECT t.device_id, t.expires_at FROM device_token t
    WHERE t.school_id = $1 AND t.id = $2 AND t.kind = $3 AND t.token_hash = $4
), bound AS (
    SELECT d.id, d.user_id, d.dpop_nonce, d.dpop_nonce_expires_at,
           coalesce(d.key_thumbprint = $5, false) AS key_ok,
           CASE WHEN $6::text IS NULL THEN $7::boolean
                ELSE coalesce(d.dpop_nonce = $6 AND d.dpop_nonce_expires_at > $8::timestamptz, false) END AS fresh,
           {ended} AS revoked,
           coalesce(u.disabled, true) AS disabled, u.role
    FROM presented t
    JOIN device d ON d.school_id = $1 AND d.id = t.device_id
    LEFT JOIN app_user u ON u.school_id = $1 AND u.id = d.user_id
), remembered AS (
    INSERT INTO {jti_table} (id, school_id, jti, expires_at)
    SELECT gen_random_uuid(), $1, $9, $10::timestamptz FROM bound WHERE key_ok AND fresh
    ON CONFLICT (school_id, jti) DO NOTHING
    RETURNING 1
), touched AS (
    UPDATE device SET last_seen_at = $8
    WHERE school_id = $1 AND id = (SELECT id FROM bound WHERE NOT revoked AND NOT disabled)
      AND EXISTS (SELECT 1 FROM remembered) AND (last_seen_at IS NULL OR last_seen_at <= $8 - $12::interval)
    RETURNING 1
), forgotten AS (
    DELETE FROM {jti_table} WHERE school_id = $1 AND expires_at < $8 AND EXISTS (SELECT 1 FROM touched)
), caller AS (
    SELECT t.expires_at <= $8 AS token_expired, d.id AS device_id, d.user_id, d.role, d.key_ok, d.fresh,
           d.revoked, d.disabled, d.dpop_nonce, d.dpop_nonce_expires_at,
           EXISTS (SELECT 1 FROM remembered) AS remembered,
           coalesce(d.key_ok AND d.fresh AND NOT d.revoked AND NOT d.disabled AND t.expires_at > $8, false)
               AND EXISTS (SELECT 1 FROM remembered) AS ok
    FROM presented t LEFT JOIN bound d ON true
)""".replace("{ended}", device_ended("d", "$1", "$8::timestamptz", "$11", "$13"))
DEVICE_PARAMS = 13
SAFE_METHODS = frozenset({"GET", "HEAD"})


def replay_memory(method: str) -> str:
    """The table that remembers a proof's jti. A read's goes to the UNLOGGED `proof_jti` (no WAL flush
    per phone read; a database crash forgets it, and a replayed read only reads again); anything
    else's to the logged `proof_jti_write`, since a proof binds the method and URL, not the body."""
    return "proof_jti" if method.upper() in SAFE_METHODS else "proof_jti_write"


def device_ctes(jti_table: str) -> str:
    return _DEVICE_CTES.replace("{jti_table}", jti_table)


DEVICE_CTES = device_ctes("proof_jti")  # the family reads' (api/read_models.py: GET only)
_AUTHENTICATE = {table: device_ctes(table) + "\nSELECT * FROM caller" for table in ("proof_jti", "proof_jti_write")}


def request_urls(request: Request) -> tuple[str, ...]:
    """Acceptable `htu` values: the public URL; without PUBLIC_URL (development), also the request's
    own URL. With PUBLIC_URL set, the Host header (anyone's to write) plays no part.

    Read off the ASGI scope (this runs on every phone request; Litestar's URL objects cost more)."""
    scope = request.scope
    path = scope.get("root_path", "") + scope["path"]
    settings = get_settings()
    public = settings.public_url + path
    if settings.public_url_pinned:
        return (public,)
    host = next((value.decode("latin-1") for name, value in scope["headers"] if name == b"host"), None)
    own = f"{scope['scheme']}://{host}{path}" if host else str(request.base_url).rstrip("/") + scope["path"]
    return (public,) if own == public else (public, own)


def device_arguments(request: Request, token: str, kind: str, access_token: str | None):
    """(school id, the parameters of DEVICE_CTES, the proof's error if any) for a presented token.

    The proof's signature and bindings are checked here, in Python; its error is raised by
    `check_device` after the token and device checks, in the order the API always answered."""
    proof_header = request.headers.get("dpop")
    if not proof_header:
        raise DPOP_REQUIRED
    parsed = parse_routed_token(token)
    if parsed is None:
        raise TOKEN_INVALID
    school_id, token_id, secret = parsed
    proof, proof_error = None, None
    try:
        proof = verify_proof(proof_header, method=request.method, urls=request_urls(request), access_token=access_token)
    except ApiError as error:
        proof_error = error
    moment = now()
    arguments = (
        school_id,
        token_id,
        kind,
        digest(secret),
        proof.thumbprint if proof else None,
        proof.nonce if proof else None,
        bool(proof) and abs(moment.timestamp() - proof.iat) <= IAT_WINDOW.total_seconds(),
        moment,
        jti_key(proof) if proof else "",
        remember_until(proof, moment) if proof else moment,
        DEVICE_LIFETIME,
        TOUCH_INTERVAL,
        SHARED_IDLE,
    )
    return school_id, arguments, proof_error


async def check_device(school_id: UUID, row, proof_error: ApiError | None) -> None:
    """Refuse a request whose device row (`DEVICE_CTES`' caller) does not allow it (token expiry aside)."""
    if row is None:
        raise TOKEN_INVALID
    if row["device_id"] is None:
        raise DEVICE_REVOKED
    if proof_error is not None:
        raise proof_error
    if not row["key_ok"]:
        raise WRONG_KEY
    if not row["fresh"]:
        subject = {"id": row["device_id"], **{k: row[k] for k in ("dpop_nonce", "dpop_nonce_expires_at")}}
        raise await nonce_error(Device, school_id, subject)
    if not row["remembered"]:
        raise PROOF_REPLAYED
    if row["revoked"]:
        raise DEVICE_REVOKED
    if row["disabled"]:
        raise ACCOUNT_DISABLED


async def authenticate_token(request: Request, token: str, kind: str, access_token: str | None) -> tuple[UUID, dict]:
    """Check a device token (`access` or `refresh`) and the request's DPoP proof in one statement.

    Returns (school id, row: device_id, user_id, role, token_expired); raises the first failure."""
    school_id, arguments, proof_error = device_arguments(request, token, kind, access_token)
    row = await DB.pool.fetchrow(_AUTHENTICATE[replay_memory(request.method)], *arguments)
    await check_device(school_id, row, proof_error)
    return school_id, row


async def authenticate_device(request: Request) -> Principal:
    access_token = request.headers.get("authorization", "")[len("DPoP ") :].strip()
    school_id, row = await authenticate_token(request, access_token, "access", access_token)
    if row["token_expired"]:
        raise TOKEN_EXPIRED
    return Principal(
        user_id=row["user_id"], school_id=school_id, role=row["role"], via="device", device_id=row["device_id"]
    )


register_device_authenticator(authenticate_device)
