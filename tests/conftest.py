"""Test fixtures: a real PostgreSQL for the whole run, emptied before each test.

Without DATABASE_URL an embedded server starts in a temporary folder (deleted at exit);
with DATABASE_URL the tests create and use their own database on that server, never the
one the URL names.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from pathlib import Path

import pytest

_external_server: tuple[str, str] | None = None  # (admin URL, test database) on a DATABASE_URL server


def _prepare_database() -> None:
    global _external_server
    from db.database import ensure_database, start_embedded_server, with_database

    name = f"cartable_test_{uuid.uuid4().hex[:8]}"
    if os.environ.get("DATABASE_URL"):
        admin_url = os.environ["DATABASE_URL"]
        _external_server = (admin_url, name)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="cartable-test-pg-"))
        admin_url = start_embedded_server(data_dir, delete_on_exit=True)
    asyncio.run(ensure_database(admin_url, name))
    os.environ["DATABASE_URL"] = with_database(admin_url, name)
    os.environ["DB_POOL_MIN"] = "1"
    os.environ["DB_POOL_MAX"] = "5"
    os.environ.setdefault("CARTABLE_DEMO", "1")
    # Web Push: a VAPID key made for this run (as on a first start), and the tests' own push service.
    os.environ["CARTABLE_VAPID_KEY"] = str(Path(tempfile.mkdtemp(prefix="cartable-test-vapid-")) / "private.pem")
    os.environ["CARTABLE_PUSH_SERVICES"] = "http://127.0.0.1:*"
    # The browser tests' app server (a subprocess) logs its statements for the Citus check.
    from tests.statements import SERVER_LOG

    SERVER_LOG.unlink(missing_ok=True)
    os.environ["CARTABLE_SQL_LOG"] = str(SERVER_LOG)


# Must run before anything imports piccolo_conf (which reads DATABASE_URL at import).
_prepare_database()

from db.migrate import all_tables, apply_migrations  # noqa: E402
from db.pool import open_pool  # noqa: E402
from piccolo_conf import DB  # noqa: E402
from tests import statements  # noqa: E402

pytest_plugins = ["tests.fixtures.api", "tests.fixtures.browser", "tests.fixtures.push"]


def pytest_unconfigure(config) -> None:
    """Leave a DATABASE_URL server as it was found: drop this run's database."""
    statements.SERVER_LOG.unlink(missing_ok=True)
    if _external_server is None:
        return
    import asyncpg

    async def drop() -> None:
        admin_url, name = _external_server
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    asyncio.run(drop())


@pytest.fixture(scope="session", autouse=True)
async def migrated_database():
    await apply_migrations()
    # The app's own pool (no reset query, bounded acquire), shared by the tests and the in-process app.
    DB.pool = await open_pool(
        DB.config["dsn"], min_size=1, max_size=5, acquire_timeout=10, record_statement=statements.record
    )
    yield
    await DB.close_connection_pool()


def pytest_collection_modifyitems(items) -> None:
    """Tests marked `after_all` run last: they check what the whole run did."""
    items.sort(key=lambda item: item.get_closest_marker("after_all") is not None)


def _all_tables() -> str:
    names = [table._meta.tablename for table in all_tables()]
    return ", ".join(names)


@pytest.fixture(autouse=True)
async def db(migrated_database):
    """An empty database for each test (truncation: the live-server process sees the same state)."""
    await DB.run_ddl(f"TRUNCATE {_all_tables()} RESTART IDENTITY CASCADE")
    yield DB
