"""Settings read once from the environment."""

from __future__ import annotations

import os
from functools import lru_cache

import msgspec


class Settings(msgspec.Struct, frozen=True):
    port: int
    # Demo mode shows the SMS/e-mail outbox page and seeds the demo school. Never on in production.
    demo_mode: bool
    # Public origin, used in links (QR codes, e-mails) and as the WebAuthn relying party.
    public_url: str
    # Cookies get `Secure` and the `__Host-` prefix everywhere but on plain-HTTP localhost.
    secure_cookies: bool
    db_pool_min: int
    db_pool_max: int


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    port = int(os.environ.get("PORT", "8000"))
    public_url = os.environ.get("PUBLIC_URL", f"http://localhost:{port}").rstrip("/")
    return Settings(
        port=port,
        demo_mode=_flag("CARTABLE_DEMO", True),
        public_url=public_url,
        secure_cookies=_flag("SECURE_COOKIES", public_url.startswith("https://")),
        db_pool_min=int(os.environ.get("DB_POOL_MIN", "2")),
        db_pool_max=int(os.environ.get("DB_POOL_MAX", "20")),
    )
