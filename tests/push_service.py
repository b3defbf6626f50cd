"""A push service for the tests (the receiving side of RFC 8030), independent of the libraries the app
sends with: it checks each request's VAPID token (RFC 8292) with `cryptography` alone (ES256 signature
by the key in `k`, `aud` = the service's origin, `exp` within 24 h, `sub` a mailto: or https: URI) and
decrypts the `aes128gcm` body (RFC 8291) with the keys of the subscription it made, as a browser
would. It runs as an ASGI app (tests/fixtures/push.py serves it with uvicorn; the bench too).

Each subscription can be told what to answer (`answers`: 201 by default; 410 for a browser that
unsubscribed, 500 or 429 for an outage), and how slowly (`delays`: seconds before it takes each next
request; a sender that hangs up meanwhile has sent nothing, as with a service that never answered).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


class Refused(Exception):
    """What a real push service answers 401/403/400 for."""


def verify_vapid(authorization: str, audience: str, now: float | None = None) -> dict:
    """The claims of a valid `vapid t=…, k=…` header; Refused otherwise."""
    now = time.time() if now is None else now
    scheme, _, rest = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise Refused("not a vapid authorization")
    parts = dict(part.strip().split("=", 1) for part in rest.split(","))
    token, key = parts["t"], unb64url(parts["k"])
    header_b64, claims_b64, signature_b64 = token.split(".")
    if json.loads(unb64url(header_b64)).get("alg") != "ES256":
        raise Refused("alg")
    signature = unb64url(signature_b64)
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Refused("signature") from None
    claims = json.loads(unb64url(claims_b64))
    if claims.get("aud") != audience:
        raise Refused("aud")
    if not now < claims.get("exp", 0) <= now + 24 * 3600:
        raise Refused("exp")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise Refused("sub")
    return {**claims, "k": parts["k"]}


@dataclass
class Browser:
    """What a browser keeps for one subscription: its P-256 key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(_raw(self.private_key.public_key()))

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8291 §3.4 and RFC 8188: one aes128gcm record, padding removed."""
        salt, record_size, id_length = body[:16], struct.unpack("!L", body[16:20])[0], body[20]
        sender = body[21 : 21 + id_length]
        ciphertext = body[21 + id_length :]
        assert id_length == 65 and len(ciphertext) <= record_size
        shared = self.private_key.exchange(
            ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender)
        )
        info = b"WebPush: info\x00" + _raw(self.private_key.public_key()) + sender
        ikm = _hkdf(self.auth, shared, info, 32)
        key = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plain = AESGCM(key).decrypt(nonce, ciphertext, None).rstrip(b"\x00")
        assert plain.endswith(b"\x02")  # the last record's delimiter
        return plain[:-1]


@dataclass
class Received:
    token: str  # which subscription
    payload: dict  # decrypted
    headers: dict
    claims: dict
    at: float  # time.monotonic() when it arrived


class PushService:
    def __init__(self) -> None:
        self.origin = ""  # set once served: "http://127.0.0.1:<port>"
        self.browsers: dict[str, Browser] = {}
        self.answers: dict[str, list[int]] = {}  # statuses to answer next, per subscription
        self.delays: dict[str, list[float]] = {}  # seconds before taking the next requests, per subscription
        self.abandoned: list[str] = []  # requests whose sender hung up before they were taken (tokens)
        self.received: list[Received] = []
        self.refused: list[str] = []
        self.verify_every = 1  # the bench verifies and decrypts one request in N

    def subscription(self, answers: list[int] | None = None, delays: list[float] | None = None) -> dict:
        """A new subscription, as `PushSubscription.toJSON()` gives it."""
        token = b64url(os.urandom(12))
        browser = self.browsers[token] = Browser()
        self.answers[token] = list(answers or [])
        self.delays[token] = list(delays or [])
        return {"endpoint": f"{self.origin}/push/{token}", "expirationTime": None,
                "keys": {"p256dh": browser.p256dh, "auth": b64url(browser.auth)}}  # fmt: skip

    def for_endpoint(self, endpoint: str) -> list[Received]:
        token = endpoint.rsplit("/", 1)[1]
        return [message for message in self.received if message.token == token]

    def clear(self) -> None:
        self.received.clear()
        self.refused.clear()
        self.abandoned.clear()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        token = scope["path"].rsplit("/", 1)[-1]
        if self.delays.get(token):  # slow to take it: the only message left to come is the sender hanging up
            try:
                await asyncio.wait_for(receive(), self.delays[token].pop(0))
            except asyncio.TimeoutError:
                pass
            else:
                self.abandoned.append(token)
                return
        status = self.handle(scope, body)
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    def handle(self, scope, body: bytes) -> int:
        token = scope["path"].rsplit("/", 1)[-1]
        if scope["method"] != "POST" or token not in self.browsers:
            return 404
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        if self.answers[token]:
            answer = self.answers[token].pop(0)
            if answer >= 300:
                return answer
        count = len(self.received)
        if count % self.verify_every:
            self.received.append(Received(token, {}, headers, {}, time.monotonic()))
            return 201
        try:
            claims = verify_vapid(headers.get("authorization", ""), self.origin)
            if headers.get("content-encoding") != "aes128gcm" or "ttl" not in headers:
                raise Refused("headers")
            payload = json.loads(self.browsers[token].decrypt(body))
        except (Refused, ValueError, KeyError, AssertionError) as error:
            self.refused.append(f"{token}: {error!r}")
            return 403 if isinstance(error, Refused) else 400
        self.received.append(Received(token, payload, headers, claims, time.monotonic()))
        return 201
