"""`python -m api [--workers N]` (`just run`, `just serve`): database, migrations, demo school, then serve.

Without DATABASE_URL an embedded PostgreSQL keeps its data in .data/postgres, so a restart
keeps everything; `just reset` wipes it.

Safe defaults: the server listens on 127.0.0.1 unless HOST names another address, and demo mode
(on by default only with the embedded database) refuses any other address, and a PUBLIC_URL naming
another host than this machine (behind a reverse proxy), unless CARTABLE_DEMO_PUBLIC=1 says it is
meant: its accounts have a password everyone knows. Forwarded headers are trusted by the app
(TRUSTED_PROXIES, api/client_address.py), never by uvicorn itself.

Serving: uvicorn on uvloop with the httptools parser, N worker processes (`just serve` defaults to
the number of cores). `just bench servers` measures it against uvicorn's pure-Python loop and
parser and against granian: see ARCHITECTURE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import NoReturn
from urllib.parse import urlsplit

import uvicorn

from api.app import open_process_pool
from api.client_address import is_loopback
from api.config import Settings, flag, get_settings
from db.database import resolve_database_url
from db.migrate import apply_migrations
from db.seed import seed_demo
from piccolo_conf import DB


async def prepare() -> list:
    await apply_migrations()
    accounts: list = []
    if get_settings().demo_mode:
        # The app's own pool (not Piccolo's): its statements are logged like the server's (CARTABLE_SQL_LOG).
        DB.pool = await open_process_pool(min_size=1, max_size=4)
        try:
            summary = await seed_demo()
        finally:
            await DB.close_connection_pool()
        accounts = list(summary.accounts)
    return accounts


def serve_options() -> dict:
    """The event loop and HTTP parser the bench chose (uvloop and httptools are not built for Windows)."""
    return {"loop": "uvloop", "http": "httptools"} if sys.platform != "win32" else {}


DEFAULT_HOST = "127.0.0.1"


def listen_address(settings: Settings) -> str:
    """HOST, or 127.0.0.1. Raises SystemExit (a clear message) for demo mode reachable from other
    machines without CARTABLE_DEMO_PUBLIC=1: listening on another address, or served under a PUBLIC_URL
    that is not this machine (a reverse proxy on the same machine connects from loopback, so only the
    outbox's Host check would stand between the network and the demo's SMS codes)."""
    host = os.environ.get("HOST", "").strip() or DEFAULT_HOST
    if settings.demo_mode and not flag("CARTABLE_DEMO_PUBLIC"):
        if not is_loopback(host):
            _refuse_public_demo(f"le mode démonstration écouterait sur {host}", "ne définissez pas HOST (127.0.0.1)")
        if not is_loopback(_host_of(settings.public_url)):
            _refuse_public_demo(
                f"le mode démonstration serait publié à l'adresse {settings.public_url} (PUBLIC_URL)",
                "ne définissez pas PUBLIC_URL (http://localhost:PORT)",
            )
    return host


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # not a URL: not this machine either
        return ""


def _refuse_public_demo(exposure: str, local_advice: str) -> NoReturn:
    raise SystemExit(
        f"Cartable ne démarre pas : {exposure}, joignable depuis d'autres machines, alors que ses comptes "
        "ont un mot de passe connu de tous et que sa boîte d'envoi montre les codes reçus par SMS.\n"
        f"  - pour un essai sur cet ordinateur : {local_advice} ;\n"
        "  - en production : CARTABLE_DEMO=0 ;\n"
        "  - pour une démonstration ouverte au réseau, en connaissance de cause : CARTABLE_DEMO_PUBLIC=1."
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m api", description="Run Cartable.")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (production: one per core)")
    workers = parser.parse_args().workers
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    host = listen_address(settings)
    # Decided here, before resolve_database_url() sets DATABASE_URL for the workers: they inherit it.
    os.environ["CARTABLE_DEMO"] = "1" if settings.demo_mode else "0"
    url = resolve_database_url()
    accounts = asyncio.run(prepare())
    print(f"\n  Cartable est prêt : {settings.public_url}/espace/  (espace web : connexion, portail)")
    print(f"  Application mobile (PWA) : {settings.public_url}/")
    if settings.demo_mode:
        print(f"  SMS et e-mails de démonstration : {settings.public_url}/espace/outbox.html (depuis cet ordinateur)")
    print(f"  Base de données : {'embarquée (.data/postgres)' if 'host=/' in url else 'DATABASE_URL'}")
    if accounts:
        print("\n  Comptes de démonstration :")
        for account in accounts:
            print(
                f"    {account.role:<8} {account.identifier:<18} {account.password or '(à activer)':<18} "
                f"{account.display_name} — {account.note}"
            )
            if account.phone and not account.password:
                births = ", ".join(f"{first} né(e) le {born}" for first, _class, born in account.children)
                print(f"{'':<50}activation : téléphone {account.phone}, {births}")
    print()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=settings.port,
        proxy_headers=False,  # the app reads forwarded headers, from TRUSTED_PROXIES only
        log_level="info",
        workers=workers,
        **serve_options(),
    )


if __name__ == "__main__":
    main()
