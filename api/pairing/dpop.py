"""DPoP proofs (RFC 9449) with ES256 only: parse, verify the signature, compute the key thumbprint.

A proof is a compact JWS signed by the phone's non-extractable P-256 key. This module checks what
can be checked without the database (structure, signature, method, URL, access-token hash); the
time window, nonce and `jti` replay guard are applied by `proofs.py`.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from api.auth.tokens import b64url, b64url_decode
from api.errors import ApiError

MAX_PROOF_LENGTH = 4096


def invalid(message: str = "Preuve de l'appareil invalide.") -> ApiError:
    return ApiError(401, "proof_invalid", message, headers={"WWW-Authenticate": 'DPoP error="invalid_dpop_proof"'})


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


def _public_key(jwk: Any) -> ec.EllipticCurvePublicKey:
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or "d" in jwk:
        raise invalid()
    x, y = jwk.get("x"), jwk.get("y")
    if not isinstance(x, str) or not isinstance(y, str):
        raise invalid()
    key = _p256_key(x, y)
    if key is None:
        raise invalid()
    return key


# A phone signs every request with the same key: building (and validating) the curve point once per
# key, not once per request, takes a good share off the proof check.
@lru_cache(maxsize=4096)
def _p256_key(x_b64: str, y_b64: str) -> ec.EllipticCurvePublicKey | None:
    try:
        x, y = b64url_decode(x_b64), b64url_decode(y_b64)
        if len(x) != 32 or len(y) != 32:
            return None
        return ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
        ).public_key()
    except (TypeError, ValueError):
        return None


def verify_proof(proof: str, *, method: str, urls: list[str], access_token: str | None) -> Proof:
    """Check a proof's signature and bindings; return its key thumbprint and freshness claims."""
    if not proof or len(proof) > MAX_PROOF_LENGTH or proof.count(".") != 2:
        raise invalid()
    header_b64, payload_b64, signature_b64 = proof.split(".")
    try:
        header = msgspec.json.decode(b64url_decode(header_b64))
        payload = msgspec.json.decode(b64url_decode(payload_b64))
        signature = b64url_decode(signature_b64)
    except (ValueError, UnicodeDecodeError, msgspec.DecodeError) as exc:
        raise invalid() from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise invalid()
    if header.get("typ") != "dpop+jwt" or header.get("alg") != "ES256" or len(signature) != 64:
        raise invalid()
    key = _public_key(header.get("jwk"))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        key.verify(der, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise invalid() from exc
    jti, iat, nonce = payload.get("jti"), payload.get("iat"), payload.get("nonce")
    if not isinstance(jti, str) or not 16 <= len(jti) <= 64:
        raise invalid()
    if not isinstance(iat, int) or isinstance(iat, bool):
        raise invalid()
    if nonce is not None and not isinstance(nonce, str):
        raise invalid()
    if payload.get("htm") != method.upper():
        raise invalid("Preuve de l'appareil invalide (méthode).")
    if payload.get("htu") not in urls:
        raise invalid("Preuve de l'appareil invalide (adresse).")
    if access_token is not None and payload.get("ath") != access_token_hash(access_token):
        raise invalid("Preuve de l'appareil invalide (jeton).")
    return Proof(thumbprint=_thumbprint(header["jwk"]["x"], header["jwk"]["y"]), jti=jti, iat=iat, nonce=nonce)


@lru_cache(maxsize=4096)
def _thumbprint(x: str, y: str) -> str:
    return jwk_thumbprint({"crv": "P-256", "kty": "EC", "x": x, "y": y})
