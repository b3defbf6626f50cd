"""The app's connection pool: asyncpg under Piccolo, without a reset round trip, with a bounded wait.

Why no reset query on release is safe here. asyncpg's default reset runs
`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` after every use, one more round
trip per query. It undoes session state, and this app creates none:
- no session-level advisory locks (the seeder takes `pg_advisory_xact_lock`, released at commit);
- no LISTEN/NOTIFY;
- no `SET` without `LOCAL` (per-connection settings are given once, at connect, in `server_settings`);
- no cursors outside a transaction (asyncpg cursors need one, and COMMIT/ROLLBACK closes them);
- no temporary tables, no prepared statements other than asyncpg's own statement cache.
An open transaction is still rolled back on release: asyncpg does that before calling `reset`, and it
costs nothing when there is none (the usual case). Code that ever needs session state must use
`SET LOCAL` / `pg_advisory_xact_lock` inside a transaction, or release with `connection.reset()`.

Connections plan with `plan_cache_mode = force_generic_plan` (a connection setting given at
connect): asyncpg prepares every statement once per connection, and a family read is one large
statement; PostgreSQL's default re-plans it for each request until it trusts a generic plan, and
that planning (milliseconds) cost more than the execution. Every statement here pins `school_id`
and reads through indexes, so the generic plan is the right one.

A request never waits for a connection longer than `acquire_timeout`: past it, `ServerBusy` (the API
answers 503 `server_busy` with `Retry-After`) instead of queueing clients for seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg


class ServerBusy(Exception):
    """No connection became free within the acquire timeout."""


class BoundedPool(asyncpg.Pool):
    """An asyncpg pool whose `acquire()` (also under Piccolo's queries) waits at most `acquire_timeout`."""

    acquire_timeout: float = 2.0

    async def _acquire(self, timeout):  # asyncpg's hook behind acquire() and the fetch*/execute helpers
        try:
            return await super()._acquire(self.acquire_timeout if timeout is None else timeout)
        except asyncio.TimeoutError:
            raise ServerBusy from None


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Release without a reset query: see the module docstring for why nothing needs undoing."""


def _statement_logger(record: Callable[[str], None]):
    async def init(connection: asyncpg.Connection) -> None:
        connection.add_query_logger(lambda logged: record(logged.query))

    return init


async def open_pool(
    dsn: str,
    *,
    min_size: int,
    max_size: int,
    acquire_timeout: float,
    application_name: str = "cartable",
    record_statement: Callable[[str], None] | None = None,
) -> BoundedPool:
    """Open the pool. `record_statement(sql)` sees every statement sent (the Citus check uses it)."""
    pool = BoundedPool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        connect=None,
        setup=None,
        init=_statement_logger(record_statement) if record_statement else None,
        reset=_keep_session,
        loop=None,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
        server_settings={"application_name": application_name, "plan_cache_mode": "force_generic_plan"},
    )
    pool.acquire_timeout = acquire_timeout
    await pool
    return pool


def statement_file_recorder(path: str) -> Callable[[str], None]:
    """Append each statement to `path`, one JSON string per line (CARTABLE_SQL_LOG)."""
    import json

    def record(query: str) -> None:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(query) + "\n")

    return record
