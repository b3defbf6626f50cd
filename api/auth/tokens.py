"""Random secrets and their stored form: only a SHA-256 of a 128-bit+ secret is ever kept."""

import hashlib
import hmac
import secrets


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe secret of `nbytes` random bytes (256 bits by default) from `secrets`."""
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (no salt needed: it cannot be guessed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
