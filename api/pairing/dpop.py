"""DPoP proofs (RFC 9449) with ES256 only: parse, verify the signature, compute the key thumbprint.

A proof is a compact JWS signed by the phone's non-extractable P-256 key. This module checks what
can be checked without the database (structure, signature, method, URL, access-token hash); the
time window, nonce and `jti` replay guard are applied by `proofs.py`.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Annotated, Any, NamedTuple

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from api.auth.tokens import b64url, b64url_decode
from api.errors import ApiError
from api.untrusted_json import decode_untrusted

MAX_PROOF_LENGTH = 4096


def invalid(message: str = "Preuve de l'appareil invalide.") -> ApiError:
    return ApiError(401, "proof_invalid", message, headers={"WWW-Authenticate": 'DPoP error="invalid_dpop_proof"'})


_UNREADABLE = invalid()


class Proof(msgspec.Struct, frozen=True):
    thumbprint: str
    jti: str
    iat: int
    nonce: str | None


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace."""
    canonical = json.dumps(
        {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]}, separators=(",", ":"), sort_keys=True
    )
    return b64url(hashlib.sha256(canonical.encode()).digest())


def access_token_hash(access_token: str) -> str:
    return b64url(hashlib.sha256(access_token.encode()).digest())


# What a phone signs with: verified with one algorithm object, not one built per request.
_ES256 = ec.ECDSA(hashes.SHA256())


class _Claims(msgspec.Struct):
    """The payload members checked here; any wrong type makes the proof invalid."""

    jti: Annotated[str, msgspec.Meta(min_length=16, max_length=64)]
    iat: int  # msgspec refuses a boolean here
    htm: str = ""
    htu: str = ""
    ath: str | None = None
    nonce: str | None = None


class _Signer(NamedTuple):
    key: ec.EllipticCurvePublicKey
    thumbprint: str


# A phone sends the same protected header (its public key) with every proof: parsing it and building
# (and validating) the curve point once per header, not once per request, takes a good share off the
# proof check. Bounded: a flood of made-up headers only evicts entries.
@lru_cache(maxsize=4096)
def _signer(header_b64: str) -> _Signer | None:
    try:
        header = decode_untrusted(b64url_decode(header_b64), dict)  # bounded: a header nested 1,000 deep is refused
    except (ValueError, ApiError):
        return None
    if header.get("typ") != "dpop+jwt" or header.get("alg") != "ES256":
        return None
    jwk = header.get("jwk")
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or "d" in jwk:
        return None
    x_b64, y_b64 = jwk.get("x"), jwk.get("y")
    if not isinstance(x_b64, str) or not isinstance(y_b64, str):
        return None
    try:
        x, y = b64url_decode(x_b64), b64url_decode(y_b64)
        if len(x) != 32 or len(y) != 32:
            return None
        key = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1())
        public_key = key.public_key()
    except (TypeError, ValueError):
        return None
    return _Signer(public_key, jwk_thumbprint({"crv": "P-256", "kty": "EC", "x": x_b64, "y": y_b64}))


def verify_proof(proof: str, *, method: str, urls: tuple[str, ...], access_token: str | None) -> Proof:
    """Check a proof's signature and bindings; return its key thumbprint and freshness claims."""
    if not proof or len(proof) > MAX_PROOF_LENGTH or proof.count(".") != 2:
        raise invalid()
    header_b64, payload_b64, signature_b64 = proof.split(".")
    signer = _signer(header_b64)
    try:
        claims = decode_untrusted(b64url_decode(payload_b64), _Claims, refusal=_UNREADABLE)
        signature = b64url_decode(signature_b64)
    except ValueError as exc:
        raise invalid() from exc
    if signer is None or len(signature) != 64:
        raise invalid()
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        signer.key.verify(der, f"{header_b64}.{payload_b64}".encode(), _ES256)
    except InvalidSignature as exc:
        raise invalid() from exc
    if claims.htm != method.upper():
        raise invalid("Preuve de l'appareil invalide (méthode).")
    if claims.htu not in urls:
        raise invalid("Preuve de l'appareil invalide (adresse).")
    if access_token is not None and claims.ath != access_token_hash(access_token):
        raise invalid("Preuve de l'appareil invalide (jeton).")
    return Proof(thumbprint=signer.thumbprint, jti=claims.jti, iat=claims.iat, nonce=claims.nonce)
