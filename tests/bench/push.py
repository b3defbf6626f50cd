"""`just bench push`: Web Push delivery, measured (not a test).

    just bench push                                # 10,000 subscriptions, 100 homework given
    just bench push --subscriptions 2000 --homework 30

An embedded PostgreSQL with one scale school; the tests' push service (VAPID checked and the payload
decrypted for every message) in its own process. Two measures:
1. fan-out: one notification recorded for N subscriptions, then delivered by the worker (this process,
   as it runs in each app process): wall time, messages per second, peak Python memory and RSS growth;
2. delay: the app server (its own process, the worker inside) serves a teacher who gives homework to a
   class whose students' phones are subscribed; from the request leaving to each push reaching the push
   service: p50, p99 (and the request's own duration).
This machine is shared and small (2 cores): the push service, the app and PostgreSQL share them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from tests.bench import database
from tests.server import free_port, start_app_server

ROOT = Path(__file__).resolve().parents[2]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="just bench push", description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--homework", type=int, default=100, help="homework given one after the other (delay)")
    parser.add_argument("--students", type=int, default=400)
    return parser.parse_args(argv)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def _subscribe(db, push_url: str, school_id, user_ids: list, count: int) -> None:
    """`count` subscriptions spread over `user_ids` (a device each), no quiet hours."""
    async with httpx.AsyncClient(timeout=120) as http:
        subscriptions = (await http.post(f"{push_url}/bench/subscriptions",
                                         params={"count": count, "origin": push_url})).json()  # fmt: skip
    users = [user_ids[n % len(user_ids)] for n in range(count)]
    await db.execute(
        """
        WITH sub AS (
            SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS s(user_id, endpoint, p, a)),
        dev AS (
            INSERT INTO device (id, school_id, user_id, name, key_thumbprint, created_at, last_seen_at,
                                webauthn_sign_count)
            SELECT gen_random_uuid(), $1, user_id, 'bench', md5(endpoint), now(), now(), 0 FROM sub
            RETURNING id, user_id, name, key_thumbprint),
        paired AS (SELECT dev.id AS device_id, sub.* FROM dev JOIN sub ON md5(sub.endpoint) = dev.key_thumbprint),
        settings AS (
            INSERT INTO push_settings (id, school_id, device_id, muted, quiet_start, quiet_end, generic_text,
                                       reminder_enabled, reminder_time, updated_at)
            SELECT gen_random_uuid(), $1, device_id, '[]', NULL, NULL, false, false, '18:00', now() FROM paired)
        INSERT INTO push_subscription (id, school_id, user_id, device_id, endpoint, p256dh, auth, created_at,
                                       updated_at)
        SELECT gen_random_uuid(), $1, user_id, device_id, endpoint, p, a, now(), now() FROM paired
        """,
        school_id,
        users,
        [s["endpoint"] for s in subscriptions],
        [s["keys"]["p256dh"] for s in subscriptions],
        [s["keys"]["auth"] for s in subscriptions],
    )


async def _reference(school_id, push_url: str) -> float:
    """The floor, in the same run: the same messages, encrypted and signed beforehand, POSTed by the same
    HTTP client at the same concurrency to the same push service (which checks and decrypts them too)."""
    from api.push import webpush, worker
    from api.push.keys import authorization
    from piccolo_conf import DB

    sql = "SELECT endpoint, p256dh, auth FROM push_subscription WHERE school_id = $1"
    rows = await DB.pool.fetch(sql, school_id)
    payload = '{"title": "Cartable", "body": "Nouveau travail en mathématiques pour Léa"}'.encode()
    bodies = [(row["endpoint"], webpush.encrypt(payload, row["p256dh"], row["auth"])) for row in rows]
    headers = {"Authorization": authorization(bodies[0][0]), "Content-Encoding": "aes128gcm", "TTL": "60"}
    gate = asyncio.Semaphore(worker.CONCURRENCY)
    async with worker.new_client() as client:

        async def post(endpoint: str, body: bytes) -> None:
            async with gate:
                await client.post(endpoint, content=body, headers=headers)

        started = time.perf_counter()
        await asyncio.gather(*(post(endpoint, body) for endpoint, body in bodies))
        elapsed = time.perf_counter() - started
        await client.post(f"{push_url}/bench/reset")
    return elapsed


async def fan_out(url: str, push_url: str, count: int) -> dict:
    from piccolo_conf import DB

    DB.config = {"dsn": url}
    await DB.start_connection_pool(min_size=2, max_size=8)
    try:
        from api.push import events, worker
        from db.core.tables import Enrolment

        school_id = await DB.pool.fetchval("SELECT id FROM school ORDER BY uai LIMIT 1")
        student = await Enrolment.select(Enrolment.student_id).where(Enrolment.school_id == school_id).first()
        await _subscribe(DB.pool, push_url, school_id, [student["student_id"]], count)
        reference_s = await _reference(school_id, push_url)
        started = time.perf_counter()
        async with events.transaction():
            params = {"subject": "Mathématiques", "change": "new"}
            await events.record(school_id, [events.Event("homework", student["student_id"], "devoirs", params)])
        recorded = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = await worker.deliver_due(school_id)  # timed without tracemalloc, which slows Python down
        elapsed = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        async with httpx.AsyncClient(timeout=60) as http:
            stats = (await http.get(f"{push_url}/bench/stats")).json()
            await http.post(f"{push_url}/bench/reset")
        reference_s = (reference_s + await _reference(school_id, push_url)) / 2  # before and after: interleaved
        await DB.pool.execute("DELETE FROM push_subscription WHERE school_id = $1", school_id)
        await DB.pool.execute("DELETE FROM device WHERE school_id = $1 AND name = 'bench'", school_id)
        return {"reference_s": reference_s, "recorded_s": recorded, "elapsed_s": elapsed, "sent": report.sent,
                "failed": report.failed,
                "received": stats["received"], "refused": stats["refused_count"], "rss_mb": rss_after / 1024,
                "rss_growth_mb": (rss_after - rss_before) / 1024}  # fmt: skip
    finally:
        await DB.close_connection_pool()


async def teacher_and_class(url: str, push_url: str):
    """A teacher of the first school, a lesson of theirs today, their class's students subscribed."""
    from piccolo_conf import DB

    DB.config = {"dsn": url}
    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        from api.auth.sessions import open_session

        school_id = await DB.pool.fetchval("SELECT id FROM school ORDER BY uai LIMIT 1")
        service = await DB.pool.fetchrow(
            "SELECT teacher_id, subject_id, class_id FROM teaching_service "
            "WHERE school_id = $1 AND class_id IS NOT NULL ORDER BY id LIMIT 1", school_id)  # fmt: skip
        await DB.pool.execute(
            "UPDATE app_user SET first_login_done_at = now(), activated_at = now() WHERE school_id = $1 AND id = $2",
            school_id, service["teacher_id"])  # fmt: skip
        lesson = await DB.pool.fetchval(
            "INSERT INTO lesson (id, school_id, teacher_id, subject_id, class_id, date, starts_at, ends_at, room, "
            "status, status_note, revision) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, '08:00', '09:00', '', "
            "'normal', '', 0) RETURNING id",
            school_id, service["teacher_id"], service["subject_id"], service["class_id"],
            datetime.now(timezone.utc).date())  # fmt: skip
        rows = await DB.pool.fetch("SELECT student_id FROM enrolment WHERE school_id = $1 AND class_id = $2",
                                   school_id, service["class_id"])  # fmt: skip
        students = [row["student_id"] for row in rows]
        await _subscribe(DB.pool, push_url, school_id, students, len(students))
        cookie, csrf = await open_session(user_id=service["teacher_id"], school_id=school_id)
        return cookie, csrf, lesson, len(students), await _ready_made(school_id)
    finally:
        await DB.close_connection_pool()


async def _ready_made(school_id, count: int = 30) -> list[tuple[str, dict, bytes]]:
    """Messages for one subscription, encrypted and signed beforehand: the delay's floor (see `delays`)."""
    from api.push import webpush
    from api.push.keys import authorization
    from piccolo_conf import DB

    sql = "SELECT endpoint, p256dh, auth FROM push_subscription WHERE school_id = $1 LIMIT 1"
    row = await DB.pool.fetchrow(sql, school_id)
    headers = {"Authorization": authorization(row["endpoint"]), "Content-Encoding": "aes128gcm", "TTL": "60"}
    payload = '{"title": "Cartable", "body": "Nouveau travail en mathématiques pour Léa"}'.encode()
    return [(row["endpoint"], headers, webpush.encrypt(payload, row["p256dh"], row["auth"])) for _ in range(count)]


async def delays(app_url: str, push_url: str, cookie: str, csrf: str, lesson, subscribers: int, count: int,
                 ready_made: list) -> dict:  # fmt: skip
    """From the teacher's request leaving to each push reaching the push service; in the same run, the
    reference: a ready-made push POSTed straight to the push service (the floor of any delivery)."""
    from api.auth.sessions import cookie_name

    sent, requests = [], []
    teacher = {"base_url": app_url, "cookies": {cookie_name(): cookie}, "headers": {"X-CSRF-Token": csrf}}
    async with httpx.AsyncClient(timeout=30, **teacher) as app, httpx.AsyncClient(timeout=30) as push:
        direct = []
        for endpoint, headers, body in ready_made:
            started = time.perf_counter()
            await push.post(endpoint, content=body, headers=headers)
            direct.append((time.perf_counter() - started) * 1000)
        await push.post(f"{push_url}/bench/reset")
        due = (datetime.now(timezone.utc).date() + timedelta(days=2)).isoformat()
        for n in range(count):
            started = time.time()
            homework = {"lesson_id": str(lesson), "due_on": due, "html": f"<p>Exercice {n}</p>"}
            response = await app.post("/api/school/homework", json=homework)
            requests.append(time.time() - started)
            assert response.status_code == 201, response.text
            sent.append(started)
            deadline = time.time() + 30
            while (await push.get(f"{push_url}/bench/stats")).json()["received"] < (n + 1) * subscribers:
                if time.time() > deadline:
                    raise RuntimeError("pushes did not arrive")
                await asyncio.sleep(0.005)
        stats = (await push.get(f"{push_url}/bench/stats")).json()
    arrivals = [at for at, _ in stats["arrivals"]]
    waits = []
    for n, started in enumerate(sent):
        waits += [(at - started) * 1000 for at in arrivals[n * subscribers : (n + 1) * subscribers]]
    return {"p50_ms": percentile(waits, 0.5), "p99_ms": percentile(waits, 0.99), "pushes": len(waits),
            "request_p50_ms": statistics.median(requests) * 1000, "refused": stats["refused_count"],
            "direct_p50_ms": statistics.median(direct)}  # fmt: skip


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    server = database.BenchServer()
    push_port, app_port = free_port(), free_port()
    push_url, app_url = f"http://127.0.0.1:{push_port}", f"http://127.0.0.1:{app_port}"
    keys = Path(tempfile.mkdtemp(prefix="cartable-bench-vapid-")) / "private.pem"
    env = {"CARTABLE_VAPID_KEY": str(keys), "CARTABLE_PUSH_SERVICES": "http://127.0.0.1:*", "CARTABLE_DEMO": "0"}
    os.environ.update(env)
    push = app = None
    try:
        data_set = database.DataSet("push", server.database("bench_push"), 1)
        os.environ["DATABASE_URL"] = data_set.url  # before piccolo_conf is imported
        asyncio.run(database.prepare(data_set, args.students, 1, lambda _: app_url))
        push = start_app_server(push_port, env={}, app="tests.bench.push_service_app:app")
        print(f"\n  Fan-out: one notification to {args.subscriptions:,} subscriptions (worker in this process)")
        result = asyncio.run(fan_out(data_set.url, push_url, args.subscriptions))
        rate = result["sent"] / result["elapsed_s"]
        print(
            f"    reference (same messages encrypted beforehand, POSTed by the same client; mean of a run before "
            f"and one after): "
            f"{result['reference_s']:.1f} s, {args.subscriptions / result['reference_s']:,.0f} messages/s"
        )
        print(f"    recorded with its deliveries in {result['recorded_s'] * 1000:.0f} ms (one statement)")
        print(f"    delivered {result['sent']:,} in {result['elapsed_s']:.1f} s: {rate:,.0f} messages/s; "
              f"failed {result['failed']}; push service: {result['received']:,} received, "
              f"{result['refused']} refused")  # fmt: skip
        print(f"    throughput, worker / reference = {result['reference_s'] / result['elapsed_s']:.2f}")
        print(
            f"    memory: peak RSS of the delivering process {result['rss_mb']:.0f} MB "
            f"(+{result['rss_growth_mb']:.1f} MB while delivering)"
        )
        cookie, csrf, lesson, subscribers, ready_made = asyncio.run(teacher_and_class(data_set.url, push_url))
        app = start_app_server(app_port, env={**env, "DATABASE_URL": data_set.url, "PUBLIC_URL": app_url,
                                              "DB_POOL_MIN": "2", "DB_POOL_MAX": "10"})  # fmt: skip
        print(f"\n  Delay: {args.homework} homework given one after the other, {subscribers} phones subscribed")
        result = asyncio.run(delays(app_url, push_url, cookie, csrf, lesson, subscribers, args.homework, ready_made))
        print(
            f"    reference (a ready-made push POSTed straight to the push service): p50 "
            f"{result['direct_p50_ms']:.1f} ms; the teacher's request alone: p50 {result['request_p50_ms']:.0f} ms"
        )
        print(
            f"    teacher's request → push at the push service: p50 {result['p50_ms']:.0f} ms, "
            f"p99 {result['p99_ms']:.0f} ms over {result['pushes']:,} pushes ({result['refused']} refused)"
        )
        print(f"    p50 delay / (request + direct push) = "
              f"{result['p50_ms'] / (result['request_p50_ms'] + result['direct_p50_ms']):.2f}")  # fmt: skip
    finally:
        for process in (app, push):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
        server.close()
