"""GET /api/health, when the database fails it, answers as every other route does (api/errors.py): one
code per condition, `service_unavailable` (out of reach) or `server_busy` (every connection taken), in
the one error shape with `Retry-After`; a probe and the PWA read one contract."""

from __future__ import annotations

import socket

import asyncpg
import pytest

from db.pool import ServerBusy
from piccolo_conf import DB


async def _refused_connection(*args, **kwargs):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await asyncpg.connect(f"postgresql://cartable@127.0.0.1:{port}/cartable", timeout=5)


async def _busy_pool(*args, **kwargs):
    raise ServerBusy


async def _database_gone(*args, **kwargs):
    raise asyncpg.InvalidCatalogNameError('database "cartable" does not exist')


FAILURES = {
    "down": (_refused_connection, "service_unavailable"),
    "busy": (_busy_pool, "server_busy"),
    "other": (_database_gone, "service_unavailable"),  # once `database_unavailable`, a third code
}


@pytest.mark.parametrize(("failure", "code"), FAILURES.values(), ids=FAILURES.keys())
async def test_an_unhealthy_database_answers_the_apps_own_503(client, monkeypatch, failure, code):
    renewals: list[bool] = []
    monkeypatch.setattr(DB.pool, "forget_connections", lambda: renewals.append(True))
    monkeypatch.setattr(DB, "run_ddl", failure)
    response = await client.get("/api/health")
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and set(error) == {"code", "message", "details"}
    assert int(response.headers["retry-after"]) >= 1
    assert renewals == ([True] if failure is _refused_connection else [])
    monkeypatch.undo()
    assert (await client.get("/api/health")).json() == {"status": "ok", "database": "ok"}
