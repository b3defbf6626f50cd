"""The application server's VAPID key pair (RFC 8292): made on first start, kept in the data directory.

The private key never leaves the server and is never committed (`.data/` is git-ignored); the public
key is what browsers subscribe with (`applicationServerKey`), served by GET /api/push/settings.
Several app processes may start at once: the key file is created with O_EXCL, so one key wins and
every process reads that one.
"""

from __future__ import annotations

import os
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from api.auth.tokens import b64url
from api.config import get_settings

# RFC 8292 §2: a token lives at most 24 hours; one is signed per push service and reused for 12.
TOKEN_LIFETIME = 24 * 3600
TOKEN_REUSE = 12 * 3600


def _load_or_create(path: Path) -> ec.EllipticCurvePrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(descriptor, "wb") as file:
                file.write(pem)
    for _ in range(50):  # the winner may still be writing it
        data = path.read_bytes()
        if data.strip().endswith(b"-----END PRIVATE KEY-----"):
            return serialization.load_pem_private_key(data, password=None)
        time.sleep(0.02)
    raise RuntimeError(f"{path} is not a PEM private key")


@lru_cache(maxsize=1)
def vapid() -> Vapid02:
    return Vapid02(private_key=_load_or_create(Path(get_settings().vapid_key_file)))


def public_key() -> str:
    """The `applicationServerKey` browsers subscribe with: the raw P-256 point, base64url."""
    point = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


_tokens: dict[str, tuple[float, str]] = {}


def authorization(endpoint: str, moment: float | None = None) -> str:
    """The `Authorization: vapid t=…, k=…` header for a push service (one signature per 12 h per service)."""
    moment = time.time() if moment is None else moment
    parts = urlsplit(endpoint)
    audience = f"{parts.scheme}://{parts.netloc}"
    cached = _tokens.get(audience)
    if cached is None or cached[0] <= moment:
        claims = {"aud": audience, "exp": int(moment) + TOKEN_LIFETIME, "sub": get_settings().push_contact}
        header = vapid().sign(claims)["Authorization"]
        cached = (moment + TOKEN_REUSE, header)
        _tokens[audience] = cached
    return cached[1]
