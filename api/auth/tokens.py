"""Random secrets and their stored form: only a SHA-256 of a 128-bit+ secret is ever kept.

Credentials a client presents carry their school: `<ref><secret>` where ref = base64url(school id ‖
row id), always 43 characters, and the secret 256 random bits (no separator: the whole token stays
in the URL-safe alphabet, e.g. in an e-mailed link). The lookup is then `WHERE school_id = … AND
id = …` (one shard under Citus), and the stored SHA-256 of the secret is compared; nothing is ever
searched across schools by a hash. Device tokens issued before had a "." after the ref: still read.
"""

import base64
import hashlib
import hmac
import re
import secrets
from uuid import UUID, uuid4


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe secret of `nbytes` random bytes (256 bits by default) from `secrets`."""
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (no salt needed: it cannot be guessed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# base64url (RFC 4648 §5), its padding optional: what `b64url` writes, JOSE (DPoP) and a browser's push keys.
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_decode(text: str) -> bytes:
    """The bytes `text` encodes; ValueError unless it is base64url throughout. Python's own decoder
    skips any other character (`urlsafe_b64decode("AAAA!!!")` is 3 bytes): a value checked by its
    decoded length would pass with anything appended, and reach the database at its full length."""
    data = text.rstrip("=")
    padded = data + "=" * (-len(data) % 4)
    if not _B64URL.fullmatch(data) or len(data) % 4 == 1 or text not in (data, padded):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(padded)


REF_LENGTH = 43


def encode_ref(school_id: UUID, row_id: UUID) -> str:
    return b64url(school_id.bytes + row_id.bytes)


def decode_ref(text: str) -> tuple[UUID, UUID] | None:
    try:
        raw = b64url_decode(text)
    except ValueError:
        return None
    if len(raw) != 32 or len(text) != REF_LENGTH:
        return None
    return UUID(bytes=raw[:16]), UUID(bytes=raw[16:])


def routed_token(school_id: UUID, row_id: UUID, secret: str) -> str:
    """The credential handed out for a row: its school and id in clear, its secret stored hashed."""
    return f"{encode_ref(school_id, row_id)}{secret}"


def decoy_token() -> str:
    """A credential of the same shape that leads nowhere (answers must not tell whether a row exists)."""
    return routed_token(uuid4(), uuid4(), new_secret())


def parse_routed_token(token: str, max_length: int = 200) -> tuple[UUID, UUID, str] | None:
    """(school id, row id, secret) of a presented credential, or None if it is malformed."""
    ref, secret = token[:REF_LENGTH], token[REF_LENGTH:].removeprefix(".")
    ids = decode_ref(ref)
    if ids is None or not secret or len(token) > max_length:
        return None
    return ids[0], ids[1], secret
