"""Only the database out of reach is an outage (503 `service_unavailable`, the pool renewed): an OSError
of the app's own (a full disk, a missing folder, another service refusing) is a 500, logged with its
traceback, and leaves the pool alone."""

from __future__ import annotations

import errno
import logging
import pathlib
import socket

import asyncpg
import pytest

from api.accounts import activation
from piccolo_conf import DB
from tests.fixtures.api import sign_in
from tests.school_builders import school_setup

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pool_renewals(monkeypatch) -> list[bool]:
    """Each time the app tells the pool to renew its connections (not done for real here)."""
    renewals: list[bool] = []
    monkeypatch.setattr(DB.pool, "forget_connections", lambda: renewals.append(True))
    return renewals


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_full_disk_on_upload_is_a_logged_500_not_an_outage(client, monkeypatch, caplog, pool_renewals):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    homework = await client.post(
        "/api/school/homework",
        json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": "<p>Lire</p>"},
    )

    def full_disk(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(pathlib.Path, "write_bytes", full_disk)
    with caplog.at_level(logging.ERROR, logger="cartable.errors"):
        response = await client.post(
            f"/api/school/homework/{homework.json()['id']}/attachments", files={"file": ("a.pdf", PDF)}
        )
    assert response.status_code == 500, response.text
    assert response.json()["error"]["code"] == "server_error" and "retry-after" not in response.headers
    assert [record.exc_info[0] for record in caplog.records if record.exc_info] == [OSError]
    assert pool_renewals == []


async def test_a_refused_connection_is_an_outage_only_from_the_database_driver(client, monkeypatch, pool_renewals):
    port = closed_port()

    async def database_out_of_reach(*args, **kwargs):
        await asyncpg.connect(f"postgresql://cartable@127.0.0.1:{port}/cartable", timeout=5)

    async def another_service_refusing(*args, **kwargs):
        raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")

    monkeypatch.setattr(activation, "limit", database_out_of_reach)
    response = await client.post("/api/accounts/password-check", json={"password": "Cartable-Test1!"})
    assert response.status_code == 503 and response.json()["error"]["code"] == "service_unavailable"
    assert int(response.headers["retry-after"]) >= 1
    assert pool_renewals == [True]

    monkeypatch.setattr(activation, "limit", another_service_refusing)
    response = await client.post("/api/accounts/password-check", json={"password": "Cartable-Test1!"})
    assert response.status_code == 500 and response.json()["error"]["code"] == "server_error"
    assert pool_renewals == [True]
