"""JSON a client hands over inside a request, not as its body (a passkey credential, a WebAuthn
`clientDataJSON`, a DPoP proof's header and claims), nested 1,000 deep or more: the caller's own clean
refusal, never a 500 (a RecursionError in a decoder). And a RecursionError that would still get past
is a 400, not a 500."""

from __future__ import annotations

import base64
import json

import cbor2

from api.accounts import activation
from api.auth.tokens import encode_ref, new_secret
from db.devices.tables import Device
from tests.accounts_builders import SoftAuthenticator, register_passkey
from tests.factories import make_family
from tests.fixtures.api import sign_in
from tests.pairing_builders import BASE_URL, DeviceKey, b64url, pair_phone

DEEP = 5_000


def deep_array() -> bytes:
    return b"[" * DEEP + b"]" * DEEP


def error_of(response) -> tuple[int, str]:
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.status_code, response.json()["error"]["code"]


def with_client_data(credential: str | dict, client_data: bytes) -> dict:
    """`credential` (a SoftAuthenticator's, as JSON or dict) whose clientDataJSON is `client_data`."""
    value = json.loads(credential) if isinstance(credential, str) else dict(credential)
    value["response"] = {**value["response"], "clientDataJSON": b64url(client_data)}
    return value


def with_safetynet_header(created: str, header: bytes) -> dict:
    """A SoftAuthenticator registration re-attested as `android-safetynet`, its JWS header `header`
    (py_webauthn decodes that JWS with the `json` module once everything else checked out)."""
    value = json.loads(created)
    attestation = cbor2.loads(base64.urlsafe_b64decode(value["response"]["attestationObject"] + "=="))
    jws = f"{b64url(header)}.{b64url(b'{}')}.{b64url(b'signature')}".encode()
    attestation.update({"fmt": "android-safetynet", "attStmt": {"ver": "1", "response": jws}})
    value["response"] = {**value["response"], "attestationObject": b64url(cbor2.dumps(attestation))}
    return value


async def test_a_deep_passkey_credential_is_refused_cleanly_at_registration(client):
    family = await make_family()
    await sign_in(client, family.parent)
    authenticator = SoftAuthenticator()
    for credential in (
        "[" * DEEP,
        '{"id": "x", "rawId": "x", "type": "public-key", "response": ' + deep_array().decode() + "}",
        "client data",  # a well-formed credential whose clientDataJSON nests deep
        "safetynet",  # ... whose attestation's JWS header does
    ):
        started = (await client.post("/api/accounts/passkeys/register/options")).json()
        if credential == "client data":
            credential = json.dumps(with_client_data(authenticator.create(started["options"]), deep_array()))
        elif credential == "safetynet":
            credential = json.dumps(with_safetynet_header(authenticator.create(started["options"]), deep_array()))
        response = await client.post(
            "/api/accounts/passkeys/register", json={"flow": started["flow"], "name": "PC", "credential": credential}
        )
        assert error_of(response) == (400, "passkey_invalid")


async def test_a_deep_passkey_credential_is_not_recognised_at_sign_in(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    authenticator = SoftAuthenticator()
    await register_passkey(client, authenticator)
    browser = await new_client()
    for deep in ("[" * DEEP, None):
        options = (
            await browser.post("/api/accounts/passkeys/signin/options", json={"identifier": family.parent.identifier})
        ).json()
        if deep is None:  # the real passkey's id, its clientDataJSON nested deep
            deep = json.dumps(with_client_data(authenticator.get(options["options"], family.parent.id), deep_array()))
        response = await browser.post(
            "/api/accounts/passkeys/signin", json={"flow": options["flow"], "credential": deep}
        )
        assert error_of(response) == (401, "passkey_refused")


async def test_a_deep_client_data_is_refused_by_the_app_lock(client, new_client):
    family = await make_family()
    phone = await pair_phone(client, await new_client(), family.parent)
    authenticator = SoftAuthenticator()
    options = (await phone.request("POST", "/api/pairing/webauthn/register-options")).json()["options"]
    created = authenticator.create(json.dumps(options))
    response = await phone.request(
        "POST", "/api/pairing/webauthn/register", json={"credential": with_client_data(created, deep_array())}
    )
    assert error_of(response) == (400, "webauthn_invalid")
    options = (await phone.request("POST", "/api/pairing/webauthn/register-options")).json()["options"]
    created = authenticator.create(json.dumps(options))
    response = await phone.request(
        "POST", "/api/pairing/webauthn/register", json={"credential": with_safetynet_header(created, deep_array())}
    )
    assert error_of(response) == (400, "webauthn_invalid")
    # Registered for real, then an unlock whose clientDataJSON nests deep.
    options = (await phone.request("POST", "/api/pairing/webauthn/register-options")).json()["options"]
    registered = await phone.request(
        "POST",
        "/api/pairing/webauthn/register",
        json={"credential": json.loads(authenticator.create(json.dumps(options)))},
    )
    assert registered.status_code == 201, registered.text
    assert (await Device.select(Device.webauthn_credential_id).first())["webauthn_credential_id"]
    options = (await phone.request("POST", "/api/pairing/webauthn/unlock-options")).json()["options"]
    assertion = authenticator.get(json.dumps(options), family.parent.id)
    response = await phone.request(
        "POST", "/api/pairing/webauthn/unlock", json={"credential": with_client_data(assertion, deep_array())}
    )
    assert error_of(response) == (400, "webauthn_invalid")


def signed(key: DeviceKey, header: bytes, payload: bytes) -> str:
    """A compact JWS over exactly these header and payload bytes (signed, so only their JSON is wrong)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    signing_input = f"{b64url(header)}.{b64url(payload)}"
    r, s = decode_dss_signature(key.private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


async def test_a_deep_dpop_proof_is_an_invalid_proof_on_every_phone_route(client, new_client):
    family = await make_family()
    phone = await pair_phone(client, await new_client(), family.parent)
    good_header = json.dumps({"typ": "dpop+jwt", "alg": "ES256", "jwk": phone.key.jwk}).encode()
    claims = {"jti": "j" * 20, "htm": "GET", "htu": f"{BASE_URL}/api/pairing/profile", "iat": 1}
    proofs = [
        signed(phone.key, b"[" * 2_800, json.dumps(claims).encode()),  # about the most a 4 KB proof holds
        signed(phone.key, good_header, json.dumps({**claims, "x": "@"}).encode().replace(b'"@"', b"[" * 2_500)),
    ]
    made_up_token = encode_ref(family.school.id, family.parent.id) + new_secret()
    anonymous = await new_client()
    for token, refusal in ((phone.access_token, "proof_invalid"), (made_up_token, "token_invalid")):
        for proof in proofs:
            assert len(proof) <= 4096
            response = await anonymous.get(
                "/api/pairing/profile", headers={"Authorization": f"DPoP {token}", "DPoP": proof}
            )
            assert error_of(response) == (401, refusal)


async def test_a_recursion_error_that_gets_past_is_a_400_not_a_500(client, monkeypatch):
    def endless(password: str, *args, **kwargs):
        return endless(password)

    monkeypatch.setattr(activation, "password_problems", endless)
    response = await client.post("/api/accounts/password-check", json={"password": "Cartable-Test1!"})
    assert error_of(response) == (400, "too_deep")
    assert response.json()["error"]["message"]
