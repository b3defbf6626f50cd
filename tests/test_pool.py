"""The connection pool: no reset round trip, and a bounded wait that ends in 503 server_busy."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from piccolo_conf import DB
from tests.factories import make_family
from tests.fixtures.api import sign_in
from tests.statements import counting


async def test_a_request_that_cannot_get_a_connection_in_time_gets_503_with_retry_after(client, monkeypatch):
    family = await make_family()
    await sign_in(client, family.parent)
    monkeypatch.setattr(DB.pool, "acquire_timeout", 0.2)
    held = [await DB.pool.acquire() for _ in range(DB.pool.get_max_size())]
    try:
        response = await client.get("/api/me/discussions")
    finally:
        for connection in held:
            await DB.pool.release(connection)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["error"]["code"] == "server_busy"
    assert (await client.get("/api/me/discussions")).status_code == 200


async def test_releasing_a_connection_sends_no_reset_query(client):
    family = await make_family()
    await sign_in(client, family.parent)
    await client.get("/api/me/discussions")
    with counting() as sent:
        assert (await client.get("/api/me/discussions")).status_code == 200
    assert not [sql for sql in sent if "pg_advisory_unlock_all" in sql or "RESET ALL" in sql]
    assert len(sent) == 1


async def test_an_aborted_transaction_does_not_leak_into_the_next_use(db):
    async with DB.pool.acquire() as connection:
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("SET LOCAL application_name = 'left-open'")
    # Released mid-transaction: asyncpg rolled it back before handing the connection out again.
    names = await asyncio.gather(*(DB.pool.fetchval("SELECT current_setting('application_name')") for _ in range(5)))
    assert "left-open" not in names


async def test_connections_go_to_requests_in_the_order_they_asked(db):
    # Requests keep arriving while every connection is busy (a busy evening): they must be served in
    # the order they asked. asyncpg's own queue lets a request that arrives just as a connection comes
    # back take it from the request woken for it, which then goes to the back of the line: starved.
    served: list[int] = []

    async def request(number: int) -> None:
        async with DB.pool.acquire() as connection:
            served.append(number)
            await connection.fetchval("SELECT 1")

    requests = []
    for number in range(80 * DB.pool.get_max_size()):
        requests.append(asyncio.create_task(request(number)))
        await asyncio.sleep(0)
    await asyncio.gather(*requests)
    assert served == sorted(served)


async def test_a_transaction_cut_by_a_lost_connection_leaves_its_task_a_working_database(db):
    # The push worker's loop (and any request) goes on in the same task after a transaction whose
    # connection died under it (a database restart): its later queries must not land on the dead one.
    with pytest.raises((asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError)):
        async with DB.transaction():
            connection = DB.current_transaction.get().connection
            await DB.pool.execute("SELECT pg_terminate_backend($1)", connection.get_server_pid())
            await connection.fetchval("SELECT 1")
    assert DB.current_transaction.get() is None
    async with DB.transaction():  # the next one works, on a live connection
        assert await DB.current_transaction.get().connection.fetchval("SELECT 1") == 1
    held = [await asyncio.wait_for(DB.pool.acquire(), timeout=5) for _ in range(DB.pool.get_max_size())]
    for connection in held:  # and the dead connection's slot came back
        await DB.pool.release(connection)


async def test_a_transaction_whose_begin_fails_gives_its_connection_back(db, monkeypatch):
    """BEGIN on a connection the server just dropped fails; Piccolo then kept the connection it took.
    A database restart under load did that to every slot: the app answered 503 for good."""
    from db.database import Transaction

    async def begin_on_a_dropped_connection(self):
        raise asyncpg.InterfaceError("cannot switch to state 15; another operation (2) is in progress")

    monkeypatch.setattr(Transaction, "begin", begin_on_a_dropped_connection)
    for _ in range(DB.pool.get_max_size() + 1):
        with pytest.raises(asyncpg.InterfaceError):
            async with DB.transaction():
                pass
    monkeypatch.undo()
    assert DB.current_transaction.get() is None
    held = [await asyncio.wait_for(DB.pool.acquire(), timeout=5) for _ in range(DB.pool.get_max_size())]
    for connection in held:  # every slot came back
        await DB.pool.release(connection)


async def test_a_connection_whose_rollback_failed_never_serves_again(db, monkeypatch):
    """A failed ROLLBACK may leave the connection mid-protocol: back in the pool, it would fail the next
    request that takes it. It is closed instead, and its slot opens a new connection."""
    from db.database import Transaction

    async def rollback_on_a_broken_connection(self):
        raise asyncpg.InterfaceError("cannot perform operation: another operation is in progress")

    monkeypatch.setattr(Transaction, "rollback", rollback_on_a_broken_connection)
    with pytest.raises(asyncpg.InterfaceError):  # the rollback's error, from the body's
        async with DB.transaction():
            used = DB.current_transaction.get().connection
            pid = used.get_server_pid()
            1 / 0
    monkeypatch.undo()
    pids = set()
    held = [await asyncio.wait_for(DB.pool.acquire(), timeout=5) for _ in range(DB.pool.get_max_size())]
    for connection in held:
        pids.add(connection.get_server_pid())
        await DB.pool.release(connection)
    assert pid not in pids
    async with DB.transaction():
        assert await DB.current_transaction.get().connection.fetchval("SELECT 1") == 1
