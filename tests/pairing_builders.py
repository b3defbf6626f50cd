"""A Python phone for tests: a P-256 device key that signs DPoP proofs, and a paired profile.

    phone = await pair_phone(app_client, user)          # desktop QR + claim, as the PWA does
    response = await phone.request("GET", "/api/homework")  # Authorization: DPoP … + a fresh proof

Other engineers' tests can call device endpoints with `pair_phone(...)` + `phone.request(...)`.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from tests.fixtures.api import sign_in

BASE_URL = "http://localhost"
CODE = "K7P2"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class DeviceKey:
    """What WebCrypto keeps on the phone: an ECDSA P-256 key pair."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        numbers = self.private_key.public_key().public_numbers()
        self.jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }

    def proof(
        self,
        method: str,
        url: str,
        *,
        access_token: str | None = None,
        nonce: str | None = None,
        iat: int | None = None,
        jti: str | None = None,
    ) -> str:
        header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk}
        payload = {
            "jti": jti or secrets.token_urlsafe(16),
            "htm": method,
            "htu": url.split("?")[0],
            "iat": int(time.time()) if iat is None else iat,
        }
        if access_token is not None:
            import hashlib

            payload["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
        if nonce is not None:
            payload["nonce"] = nonce
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
        der = self.private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def link_parts(link: str) -> tuple[str, str]:
    """(pairing ref, secret) from a pairing link `…/#/ajouter-profil?p=…&s=…`."""
    query = parse_qs(urlsplit(urlsplit(link).fragment).query)
    return query["p"][0], query["s"][0]


async def create_pairing(desktop: httpx.AsyncClient, code: str = CODE) -> dict:
    response = await desktop.post("/api/pairing/pairings", json={"code": code})
    assert response.status_code == 201, response.text
    return response.json()


async def claim(
    phone_client: httpx.AsyncClient,
    link: str,
    code: str = CODE,
    *,
    key: DeviceKey | None = None,
    device_name: str = "Téléphone de test",
    proof: str | None = None,
) -> httpx.Response:
    key = key or DeviceKey()
    pairing, secret = link_parts(link)
    url = f"{BASE_URL}/api/pairing/claim"
    headers = {"DPoP": proof if proof is not None else key.proof("POST", url)}
    return await phone_client.post(
        "/api/pairing/claim",
        headers=headers,
        json={"pairing": pairing, "secret": secret, "code": code, "device_name": device_name},
    )


class PairedPhone:
    """A claimed profile: its key, its tokens, and requests signed like the PWA signs them."""

    def __init__(self, client: httpx.AsyncClient, key: DeviceKey, claimed: dict) -> None:
        self.client, self.key = client, key
        self.device_id = claimed["device_id"]
        self.access_token = claimed["access_token"]
        self.refresh_token = claimed["refresh_token"]
        self.profile = claimed.get("profile")

    def headers(self, method: str, path: str, *, nonce: str | None = None) -> dict:
        return {
            "Authorization": f"DPoP {self.access_token}",
            "DPoP": self.key.proof(method, f"{BASE_URL}{path}", access_token=self.access_token, nonce=nonce),
        }

    async def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """One signed request (no automatic refresh: tests see exactly what the server answers)."""
        return await self.client.request(method, path, headers=self.headers(method, path), **kwargs)

    async def refresh(self, refresh_token: str | None = None) -> httpx.Response:
        url = f"{BASE_URL}/api/pairing/token"
        response = await self.client.post(
            "/api/pairing/token",
            headers={"DPoP": self.key.proof("POST", url)},
            json={"refresh_token": refresh_token or self.refresh_token},
        )
        if response.status_code == 201:
            body = response.json()
            self.access_token, self.refresh_token = body["access_token"], body["refresh_token"]
        return response


async def pair_phone(
    desktop: httpx.AsyncClient,
    phone_client: httpx.AsyncClient,
    user,
    *,
    code: str = CODE,
    device_name: str = "Téléphone de test",
) -> PairedPhone:
    """Sign `user` in on `desktop`, create a QR, claim it from `phone_client` with a new key."""
    await sign_in(desktop, user)
    created = await create_pairing(desktop, code)
    key = DeviceKey()
    response = await claim(phone_client, created["link"], code, key=key, device_name=device_name)
    assert response.status_code == 201, response.text
    return PairedPhone(phone_client, key, response.json())


BROWSER = "/api/pairing/browser"


async def open_here(
    desktop: httpx.AsyncClient,
    *,
    key: DeviceKey | None = None,
    client_id: str | None = None,
    shared: bool = True,
    device_name: str = "Ordinateur (Linux)",
    proof: str | None = None,
) -> httpx.Response:
    """ "Ouvrir sur cet ordinateur" as the espace does it: the signed-in `desktop` adds itself with `key`."""
    key = key or DeviceKey()
    headers = {"DPoP": proof if proof is not None else key.proof("POST", f"{BASE_URL}{BROWSER}")}
    body = {"client_id": client_id or secrets.token_urlsafe(16), "shared": shared, "device_name": device_name}
    return await desktop.post(BROWSER, headers=headers, json=body)


async def open_browser_profile(desktop: httpx.AsyncClient, user, *, shared: bool = True) -> PairedPhone:
    """Sign `user` in on `desktop` and add that browser as a profile (its requests go on `desktop`)."""
    await sign_in(desktop, user)
    key = DeviceKey()
    response = await open_here(desktop, key=key, shared=shared)
    assert response.status_code == 201, response.text
    return PairedPhone(desktop, key, response.json())
