"""Settings read once from the environment."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import msgspec


class Settings(msgspec.Struct, frozen=True):
    port: int
    # Demo mode shows the SMS/e-mail outbox page (to this machine only) and seeds the demo school.
    # On by default only with the embedded database (no DATABASE_URL). Never on in production.
    demo_mode: bool
    # Public origin, used in links (QR codes, e-mails) and as the WebAuthn relying party.
    public_url: str
    # PUBLIC_URL was given: then it is the only URL a phone's DPoP proof may name (not the Host header).
    public_url_pinned: bool
    # Reverse proxies (addresses or CIDRs) whose X-Forwarded-For names the client; none by default.
    trusted_proxies: tuple[str, ...]
    # Cookies get `Secure` and the `__Host-` prefix everywhere but on plain-HTTP localhost.
    secure_cookies: bool
    # Per worker process: N workers open up to N x db_pool_max connections.
    db_pool_min: int
    db_pool_max: int
    # Seconds a request may wait for a free connection before it gets 503 server_busy.
    db_acquire_timeout: float
    # When set, every SQL statement the app sends is appended to this file (debugging, the Citus check).
    sql_log: str
    # Web Push (api/push): where the VAPID private key is kept (made on first start, never committed),
    # the contact the push services see (VAPID `sub`), the push services subscriptions may point to
    # (origins, `*` wildcards), and whether this process runs the delivery worker.
    vapid_key_file: str
    push_contact: str
    push_services: tuple[str, ...]
    push_worker: bool

    @property
    def public_origin(self) -> str:
        """PUBLIC_URL's origin: scheme, host and port (what a browser sends as Origin)."""
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def public_host(self) -> str:
        """PUBLIC_URL's host name, lower case (a WebAuthn relying-party id)."""
        return urlsplit(self.public_url).hostname or "localhost"


# Local data that is not in PostgreSQL (uploads, keys): git-ignored.
DATA_DIR = Path(__file__).resolve().parent.parent / ".data"
# The push services of the browsers families use (Chrome/Android, Firefox, Safari/iOS, Edge/Windows).
PUSH_SERVICES = (
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://web.push.apple.com",
    "https://*.notify.windows.com",
)


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    port = int(os.environ.get("PORT", "8000"))
    public_url = os.environ.get("PUBLIC_URL", "").strip().rstrip("/")
    return Settings(
        port=port,
        demo_mode=flag("CARTABLE_DEMO", not os.environ.get("DATABASE_URL")),
        public_url=public_url or f"http://localhost:{port}",
        public_url_pinned=bool(public_url),
        trusted_proxies=tuple(item for item in os.environ.get("TRUSTED_PROXIES", "").replace(",", " ").split() if item),
        secure_cookies=flag("SECURE_COOKIES", public_url.startswith("https://")),
        db_pool_min=int(os.environ.get("DB_POOL_MIN", "2")),
        db_pool_max=int(os.environ.get("DB_POOL_MAX", "20")),
        db_acquire_timeout=float(os.environ.get("DB_ACQUIRE_TIMEOUT", "2")),
        sql_log=os.environ.get("CARTABLE_SQL_LOG", ""),
        vapid_key_file=os.environ.get("CARTABLE_VAPID_KEY", str(DATA_DIR / "vapid" / "private.pem")),
        push_contact=os.environ.get(
            "CARTABLE_PUSH_CONTACT", f"mailto:webmaster@{urlsplit(public_url).hostname or 'localhost'}"
        ),
        push_services=tuple(
            origin.strip()
            for origin in os.environ.get("CARTABLE_PUSH_SERVICES", ",".join(PUSH_SERVICES)).split(",")
            if origin.strip()
        ),
        push_worker=flag("CARTABLE_PUSH_WORKER", True),
    )
