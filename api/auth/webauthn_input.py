"""A WebAuthn credential as a browser (or an attacker) sends it, made safe to hand to py_webauthn.

py_webauthn decodes JSON at three places with the `json` module, which recurses once per level of
nesting: the credential itself when it comes as text, its base64url `clientDataJSON`, and the JWS of
an `android-safetynet` attestation. `readable_credential` reads each first with the one bounded
decoder (api/untrusted_json.py), so that a credential nested 1,000 deep gets the caller's own answer
(the same answer as any other unreadable credential), not a RecursionError.
"""

from __future__ import annotations

from typing import Any

from webauthn.helpers import base64url_to_bytes, parse_cbor
from webauthn.helpers.exceptions import WebAuthnException

from api.errors import ApiError
from api.untrusted_json import decode_untrusted


def readable_credential(credential: str | dict[str, Any], refusal: ApiError) -> dict[str, Any]:
    """The credential as a dict, its embedded JSON bounded; `refusal` if any of it is unreadable."""
    value = decode_untrusted(credential, dict, refusal=refusal) if isinstance(credential, str) else credential
    response = value.get("response")
    if not isinstance(response, dict):
        return value  # py_webauthn refuses it without decoding anything more
    _embedded_json(response.get("clientDataJSON"), refusal)
    if isinstance(response.get("attestationObject"), str):  # a registration
        for part in _safetynet_jws(response["attestationObject"], refusal)[:2]:  # its header and payload
            _embedded_json(part.decode("ascii", "replace"), refusal)
    return value


def _safetynet_jws(attestation: str, refusal: ApiError) -> list[bytes]:
    """The parts of an `android-safetynet` attestation's JWS (CBOR, which cbor2 reads safely); else none."""
    try:
        decoded = parse_cbor(base64url_to_bytes(attestation))
    except (WebAuthnException, ValueError):
        raise refusal from None
    if not isinstance(decoded, dict) or decoded.get("fmt") != "android-safetynet":
        return []
    statement = decoded.get("attStmt")
    jws = statement.get("response") if isinstance(statement, dict) else None
    return jws.split(b".") if isinstance(jws, bytes) else []


def _embedded_json(encoded: Any, refusal: ApiError) -> None:
    """Base64url text holding a JSON object (or absent: py_webauthn refuses that itself)."""
    if not isinstance(encoded, str):
        return
    try:
        raw = base64url_to_bytes(encoded)
    except ValueError:
        raise refusal from None
    decode_untrusted(raw, dict, refusal=refusal)
