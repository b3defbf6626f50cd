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
answers 503 `server_busy` with `Retry-After`) instead of queueing clients for seconds. When the
database itself is lost (a restart), the API answers 503 `service_unavailable` and calls
`forget_connections()`: every connection opened before is replaced on its next use.

Requests get connections in the order they asked. asyncpg's own queue does not guarantee it: a
request that arrives while a released connection is on its way back takes it ahead of the request
woken for it, which then queues again at the back (asyncpg issue #1247). Under load (64 clients, 10
connections) that starvation made the slowest requests: the pool wait's p99 was 14× its median and
the homework list's p99 at c=64 1.9× the reference's. A FIFO turnstile in front (asyncio's Semaphore
hands a released permit straight to the first waiter and lets nobody pass while someone waits)
admits at most `max_size` requests to the pool, so the pool itself never queues anyone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg


class ServerBusy(Exception):
    """No connection became free within the acquire timeout."""


class BoundedPool(asyncpg.Pool):
    """An asyncpg pool whose `acquire()` (also under Piccolo's queries) serves requests in arrival
    order and waits at most `acquire_timeout`."""

    acquire_timeout: float = 2.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._turnstile = asyncio.Semaphore(self._maxsize)

    async def _acquire(self, timeout):  # asyncpg's hook behind acquire() and the fetch*/execute helpers
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.acquire_timeout if timeout is None else timeout)
        try:
            async with asyncio.timeout_at(deadline):
                await self._turnstile.acquire()
        except TimeoutError:
            raise ServerBusy from None
        try:
            proxy = await super()._acquire(max(deadline - loop.time(), 0.001))
        except BaseException as error:
            self._turnstile.release()
            if isinstance(error, TimeoutError):
                raise ServerBusy from None
            raise
        # The permit goes back when the connection does, however it does: released (a transaction
        # whose connection was lost releases it too: db/database.py `Transaction`), or closed while
        # handed out (asyncpg returns its slot when the socket closes).
        proxy._holder._in_use.add_done_callback(lambda _: self._turnstile.release())
        return proxy

    def forget_connections(self) -> None:
        """The database was lost: replace every open connection on its next use instead of trusting
        it (asyncpg's `expire_connections`, callable from synchronous code). Without a reset query
        on release, a connection cut by a server shutdown could go back to the pool mid-protocol."""
        self._generation += 1


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Release without a reset query: see the module docstring for why nothing needs undoing."""


class RecordingConnection(asyncpg.Connection):
    """A connection that hands each statement to `record_statement(sql)` as it is sent, in the sender's
    own call stack (a recorder may look at who sends it: tests/statements.py). asyncpg's query loggers
    run later, from the event loop, where that is lost. Every way to send SQL is here: Piccolo's
    queries (`fetch`), transactions (`execute`), the pool's helpers; COPY is not a statement to check.
    A subclass per pool names its recorder (`recording_connection`)."""

    record_statement: Callable[[str], None]

    async def execute(self, query: str, *args, **kwargs):
        self.record_statement(query)
        return await super().execute(query, *args, **kwargs)

    async def executemany(self, command: str, args, **kwargs):
        self.record_statement(command)
        return await super().executemany(command, args, **kwargs)

    async def fetch(self, query: str, *args, **kwargs):
        self.record_statement(query)
        return await super().fetch(query, *args, **kwargs)

    async def fetchval(self, query: str, *args, **kwargs):
        self.record_statement(query)
        return await super().fetchval(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args, **kwargs):
        self.record_statement(query)
        return await super().fetchrow(query, *args, **kwargs)

    async def fetchmany(self, query: str, args, **kwargs):
        self.record_statement(query)
        return await super().fetchmany(query, args, **kwargs)

    async def prepare(self, query: str, **kwargs):
        self.record_statement(query)
        return await super().prepare(query, **kwargs)

    def cursor(self, query: str, *args, **kwargs):
        self.record_statement(query)
        return super().cursor(query, *args, **kwargs)


def recording_connection(record: Callable[[str], None]) -> type[RecordingConnection]:
    return type("RecordingConnection", (RecordingConnection,), {"record_statement": staticmethod(record)})


async def open_pool(
    dsn: str,
    *,
    min_size: int,
    max_size: int,
    acquire_timeout: float,
    application_name: str = "cartable",
    record_statement: Callable[[str], None] | None = None,
) -> BoundedPool:
    """Open the pool. `record_statement(sql)` sees every statement sent, from the sender's stack (the
    Citus check uses it)."""
    pool = BoundedPool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        connect=None,
        setup=None,
        init=None,
        reset=_keep_session,
        loop=None,
        connection_class=recording_connection(record_statement) if record_statement else asyncpg.Connection,
        record_class=asyncpg.Record,
        server_settings={"application_name": application_name, "plan_cache_mode": "force_generic_plan"},
    )
    pool.acquire_timeout = acquire_timeout
    await pool
    return pool


def statement_file_recorder(path: str) -> Callable[[str], None]:
    """Append each distinct statement to `path`, once per process, one JSON string per line
    (CARTABLE_SQL_LOG: every statement of a server process is the app's)."""
    import json

    seen: set[str] = set()

    def record(query: str) -> None:
        if query in seen:
            return
        seen.add(query)
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(query) + "\n")

    return record
