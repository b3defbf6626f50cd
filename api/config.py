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
    # Per worker process: N workers open up to N x db_pool_max connections.
    db_pool_min: int
    db_pool_max: int
    # Seconds a request may wait for a free connection before it gets 503 server_busy.
    db_acquire_timeout: float
    # When set, every SQL statement the app sends is appended to this file (debugging, the Citus check).
    sql_log: str


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
        db_acquire_timeout=float(os.environ.get("DB_ACQUIRE_TIMEOUT", "2")),
        sql_log=os.environ.get("CARTABLE_SQL_LOG", ""),
    )
