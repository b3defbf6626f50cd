"""Test fixtures: a real PostgreSQL for the whole run, emptied before each test.

Without DATABASE_URL an embedded server starts in a temporary folder (deleted at exit);
with DATABASE_URL the tests create and use their own database on that server, never the
one the URL names.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import uuid
from pathlib import Path

import asyncpg
import pytest

from db.database import embedded_server, ensure_database, start_embedded_server, use_database_url, with_database
from db.migrate import all_tables, apply_migrations
from db.pool import open_pool
from piccolo_conf import DB
from tests import statements

_external_server: tuple[str, str] | None = None  # (admin URL, test database) on a DATABASE_URL server
TEST_DATA_DIR: Path | None = None  # the embedded server's folder, when the run started one


def _prepare_database() -> None:
    global _external_server, TEST_DATA_DIR
    name = f"cartable_test_{uuid.uuid4().hex[:8]}"
    if os.environ.get("DATABASE_URL"):
        admin_url = os.environ["DATABASE_URL"]
        _external_server = (admin_url, name)
    else:
        TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="cartable-test-pg-"))
        admin_url = start_embedded_server(TEST_DATA_DIR, delete_on_exit=True)
        asyncio.run(_throwaway_server_settings(admin_url))
    asyncio.run(ensure_database(admin_url, name))
    use_database_url(with_database(admin_url, name))
    os.environ["DB_POOL_MIN"] = "1"
    os.environ["DB_POOL_MAX"] = "5"
    os.environ.setdefault("CARTABLE_DEMO", "1")
    # Web Push: a VAPID key made for this run (as on a first start), and the tests' own push service.
    os.environ["CARTABLE_VAPID_KEY"] = str(Path(tempfile.mkdtemp(prefix="cartable-test-vapid-")) / "private.pem")
    os.environ["CARTABLE_PUSH_SERVICES"] = "http://127.0.0.1:*"
    # The browser tests' app server (a subprocess) logs its statements for the Citus check.
    statements.SERVER_LOG.unlink(missing_ok=True)
    os.environ["CARTABLE_SQL_LOG"] = str(statements.SERVER_LOG)


async def _throwaway_server_settings(admin_url: str) -> None:
    """The run's own server is deleted at exit: no need to survive an OS crash, so no fsync. Commits
    still write their WAL before answering, so the tests' restarts and `kill -9`s lose nothing."""
    connection = await asyncpg.connect(admin_url)
    try:
        for setting in ("fsync", "full_page_writes"):
            await connection.execute(f"ALTER SYSTEM SET {setting} = off")
        await connection.execute("SELECT pg_reload_conf()")
    finally:
        await connection.close()


_prepare_database()
# httpx logs every request at INFO (the app's logging config enables INFO): thousands of formatted
# lines per run that nobody reads, since a failing test shows its own request and answer.
logging.getLogger("httpx").setLevel(logging.WARNING)

pytest_plugins = ["tests.fixtures.api", "tests.fixtures.browser", "tests.fixtures.push"]


def pytest_unconfigure(config) -> None:
    """Leave a DATABASE_URL server as it was found: drop this run's database."""
    statements.SERVER_LOG.unlink(missing_ok=True)
    if _external_server is None:
        return

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
    await _EMPTIER.prepare()
    yield
    await DB.close_connection_pool()


@pytest.fixture
def embedded_postgres():
    """The run's embedded server, for tests that stop and start it (skipped on a DATABASE_URL server)."""
    if TEST_DATA_DIR is None:
        pytest.skip("The database is DATABASE_URL's server: the tests do not restart it.")
    return embedded_server(TEST_DATA_DIR)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects: `just test` runs the browser tests in a lane of their own
def pytest_collection_modifyitems(items) -> None:
    """A test that uses the browser is marked `browser`, whether or not its module says so. Tests
    marked `after_all` run last: they check what the whole run did."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("after_all") is not None)


class _Emptier:
    """Empties the app's tables between tests: DELETE from the ones that hold rows, children first.

    A TRUNCATE of all ~90 tables costs half a second even when they are empty (new files for every
    table and index), over 500 tests that is minutes; most tests fill a handful of tables."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.sequences: list[str] = []
        self.probe = ""  # which tables hold a row: one statement

    async def prepare(self) -> None:
        names = [table._meta.tablename for table in all_tables()]
        parents = await DB.pool.fetch(
            """SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
               FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid <> c.confrelid"""
        )
        self.order = _children_first(names, [(row["child"], row["parent"]) for row in parents])
        self.probe = " UNION ALL ".join(f"SELECT {i} FROM (SELECT 1 FROM {name} LIMIT 1) AS t{i}"
                                        for i, name in enumerate(self.order))  # fmt: skip
        self.sequences = [
            row["seq"]
            for row in await DB.pool.fetch(
                "SELECT pg_get_serial_sequence(t, a.attname) AS seq FROM unnest($1::text[]) t "
                "JOIN pg_attribute a ON a.attrelid = t::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                names,
            )
            if row["seq"]
        ]

    async def empty(self) -> None:
        filled = sorted(row[0] for row in await DB.pool.fetch(self.probe))
        statements = [f"DELETE FROM {self.order[i]}" for i in filled]
        async with DB.pool.acquire() as connection, connection.transaction():
            if statements:
                await connection.execute(";".join(statements))
            await connection.execute("SELECT setval(s, 1, false) FROM unnest($1::text[]) s", self.sequences)


def _children_first(names: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """The tables ordered so that a table comes before every table it references."""
    known = set(names)
    referenced_by = {name: {child for child, parent in edges if parent == name and child in known} for name in names}
    order, done = [], set()

    def visit(name: str, path: frozenset) -> None:
        if name in done:
            return
        if name in path:
            raise RuntimeError(f"foreign keys loop through {name}: the test reset needs an order")
        for child in sorted(referenced_by[name]):
            visit(child, path | {name})
        done.add(name)
        order.append(name)

    for name in names:
        visit(name, frozenset())
    return order


_EMPTIER = _Emptier()


@pytest.fixture(autouse=True)
async def db(migrated_database):
    """An empty database for each test (real deletes: the live-server process sees the same state)."""
    await _EMPTIER.empty()
    yield DB
