"""One Web Push message (RFC 8030) to one subscription: payload encrypted for the browser (RFC 8291,
`aes128gcm`, with http_ece), signed by the application server (RFC 8292, VAPID, with py_vapid).

Subscriptions may only point to the push services in settings (`CARTABLE_PUSH_SERVICES`): the
server makes requests to the endpoints families send, and must never be steered to another host.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

import http_ece
import httpx
from cryptography.hazmat.primitives.asymmetric import ec

from api.auth.tokens import b64url_decode
from api.config import get_settings
from api.errors import ApiError
from api.push.keys import authorization

TTL_SECONDS = 12 * 3600  # a phone off for longer gets the next news instead
ENDPOINT_REFUSED = ApiError(
    400, "push_service_refused", "Ce service de notifications n'est pas accepté.", details={"endpoint": "service"}
)


def check_endpoint(endpoint: str) -> str:
    """The endpoint if it is a URL of an allowed push service; 400 otherwise."""
    try:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    except ValueError:
        raise ENDPOINT_REFUSED from None
    if len(endpoint) > 1024 or parts.username or parts.password or not parts.hostname:
        raise ENDPOINT_REFUSED
    if not any(fnmatchcase(origin, allowed) for allowed in get_settings().push_services):
        raise ENDPOINT_REFUSED
    return endpoint


def check_keys(p256dh: str, auth: str) -> None:
    """The browser's P-256 public key (65 bytes, uncompressed) and 16-byte auth secret; 400 otherwise."""
    try:
        point, secret = b64url_decode(p256dh), b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise ApiError(400, "invalid", "Clés de notification invalides.", details={"keys": "p256dh"}) from None
    if len(point) != 65 or len(secret) != 16:
        raise ApiError(400, "invalid", "Clés de notification invalides.", details={"keys": "length"})


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """The `aes128gcm` body for one browser: a fresh sender key pair and salt for every message."""
    return http_ece.encrypt(
        payload,
        salt=os.urandom(16),
        private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=b64url_decode(p256dh),
        auth_secret=b64url_decode(auth),
        version="aes128gcm",
    )


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer (network)
    retry_after: float | None = None  # seconds, from Retry-After

    @property
    def delivered(self) -> bool:
        return 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """The subscription no longer exists (RFC 8030 §7.3): forget it."""
        return self.status in (404, 410)

    @property
    def worth_retrying(self) -> bool:
        return self.status == 0 or self.status == 429 or self.status >= 500


# What a subscription whose keys cannot encrypt anything comes to: gone, like one its push service forgot.
UNUSABLE = Answer(410)


def _retry_after(value: str | None) -> float | None:
    return float(value) if value and value.strip().isdigit() else None


async def send(
    client: httpx.AsyncClient, endpoint: str, p256dh: str, auth: str, payload: bytes, *, topic: str, urgency: str
) -> Answer:
    """POST one encrypted message. `topic` (RFC 8030 §5.4) lets a resent message replace its first copy."""
    headers = {
        "Authorization": authorization(endpoint),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(TTL_SECONDS),
        "Topic": topic,
        "Urgency": urgency,
    }
    try:
        body = encrypt(payload, p256dh, auth)
    except ValueError:  # keys no browser could have made (stored before they were checked strictly): useless
        return UNUSABLE
    try:
        response = await client.post(endpoint, content=body, headers=headers)
    except httpx.HTTPError:
        return Answer(0)
    return Answer(response.status_code, _retry_after(response.headers.get("retry-after")))
