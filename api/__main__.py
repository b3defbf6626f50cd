"""`python -m api [--workers N]` (`just run`, `just serve`): database, migrations, demo school, then serve.

Without DATABASE_URL an embedded PostgreSQL keeps its data in .data/postgres, so a restart
keeps everything; `just reset` wipes it.

Serving: uvicorn on uvloop with the httptools parser, N worker processes (`just serve` defaults to
the number of cores). `just bench --server …` measured it against uvicorn's pure-Python loop and
parser and against granian: see ARCHITECTURE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import uvicorn

from api.config import get_settings
from db.database import resolve_database_url


async def prepare() -> list:
    from db.migrate import apply_migrations
    from piccolo_conf import DB

    await apply_migrations()
    accounts: list = []
    if get_settings().demo_mode:
        from db.seed import seed_demo

        await DB.start_connection_pool(min_size=1, max_size=4)
        try:
            summary = await seed_demo()
        finally:
            await DB.close_connection_pool()
        accounts = list(summary.accounts)
    return accounts


def serve_options() -> dict:
    """The event loop and HTTP parser the bench chose (uvloop and httptools are not built for Windows)."""
    return {"loop": "uvloop", "http": "httptools"} if sys.platform != "win32" else {}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m api", description="Run Cartable.")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (production: one per core)")
    workers = parser.parse_args().workers
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    url = resolve_database_url()
    accounts = asyncio.run(prepare())
    print(f"\n  Cartable est prêt : {settings.public_url}/espace/  (espace web : connexion, portail)")
    print(f"  Application mobile (PWA) : {settings.public_url}/")
    if settings.demo_mode:
        print(f"  SMS et e-mails de démonstration : {settings.public_url}/espace/outbox.html")
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
        host="0.0.0.0",
        port=settings.port,
        log_level="info",
        workers=workers,
        **serve_options(),
    )


if __name__ == "__main__":
    main()
