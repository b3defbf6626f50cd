"""Benchmark (not a test): the homework list under concurrent load, and the PWA shell's gzip size.

    just bench                       # 1 school of 400 students, 16 clients, 2000 requests
    just bench --schools 2 --students 800 --clients 32 --requests 5000

Seeds a scale school (db.seed.seed_scale) in an embedded PostgreSQL in a temporary folder, starts
the app with uvicorn, and has `--clients` concurrent httpx clients (loopback only) each signed in as
a different student read `GET /api/students/{id}/homework` (the phone's main offline sync).
Prints throughput and latency percentiles. Repeatable: same sizes, same data shape, fresh database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.server import free_port, start_app_server

ROOT = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="just bench", description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=1)
    parser.add_argument("--students", type=int, default=400, help="students per school")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (bounded to 256)")
    parser.add_argument("--requests", type=int, default=2000, help="total requests")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    return parser.parse_args(argv)


def prepare_database() -> tempfile.TemporaryDirectory:
    """An embedded server in a temp dir; DATABASE_URL set before piccolo_conf is imported."""
    from db.database import ensure_database, start_embedded_server, with_database

    folder = tempfile.TemporaryDirectory(prefix="cartable-bench-")
    admin_url = start_embedded_server(Path(folder.name) / "pg", delete_on_exit=True)
    asyncio.run(ensure_database(admin_url, "cartable_bench"))
    os.environ["DATABASE_URL"] = with_database(admin_url, "cartable_bench")
    return folder


async def seed(schools: int, students: int) -> None:
    from db.seed.scale import seed_scale

    started = time.perf_counter()
    results = await seed_scale(schools=schools, students_per_school=students)
    rows = sum(sum(r.rows.values()) for r in results)
    print(f"Seeded {schools} school(s) x {students} students: {rows} rows in {time.perf_counter() - started:.1f} s")


async def sessions_for_students(count: int) -> list[tuple[str, str]]:
    """(student id, session cookie) for up to `count` students that have a class."""
    from api.auth.sessions import now, open_session
    from db.core.tables import Enrolment, User

    rows = await Enrolment.select(Enrolment.student_id, Enrolment.school_id).limit(count)
    out = []
    for row in rows:
        # Scale accounts are not activated; these clients stand for students who finished their first login.
        await User.update({User.first_login_done_at: now(), User.activated_at: now()}).where(
            (User.school_id == row["school_id"]) & (User.id == row["student_id"])
        )
        token, _ = await open_session(user_id=row["student_id"], school_id=row["school_id"])
        out.append((str(row["student_id"]), token))
    return out


async def setup(args: argparse.Namespace) -> list[tuple[str, str]]:
    from db.migrate import apply_migrations
    from piccolo_conf import DB

    await apply_migrations()
    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        await seed(args.schools, args.students)
        return await sessions_for_students(max(args.clients, 1) * 4)
    finally:
        await DB.close_connection_pool()


async def load(base_url: str, sessions: list[tuple[str, str]], clients: int, total: int) -> dict:
    import httpx

    from api.auth.sessions import cookie_name

    latencies: list[float] = []
    errors = 0
    items = 0
    counter = iter(range(total))

    async def client_loop(index: int) -> None:
        nonlocal errors, items
        student_id, token = sessions[index % len(sessions)]
        async with httpx.AsyncClient(base_url=base_url, cookies={cookie_name(): token}, timeout=30) as client:
            for _ in counter:
                started = time.perf_counter()
                response = await client.get(f"/api/students/{student_id}/homework")
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1
                    if errors == 1:
                        print(f"  first error: {response.status_code} {response.text[:200]}")
                else:
                    items += len(response.json()["items"])

    # Warm-up: one request per client (connection pools, prepared plans).
    warm = iter(range(clients))
    saved, counter = counter, warm
    await asyncio.gather(*(client_loop(i) for i in range(clients)))
    latencies.clear()
    items = 0
    errors = 0
    counter = saved
    started = time.perf_counter()
    await asyncio.gather(*(client_loop(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": sorted(latencies), "errors": errors, "items": items}


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    args.clients = max(1, min(args.clients, 256))
    folder = prepare_database()
    sessions = asyncio.run(setup(args))
    if not sessions:
        raise SystemExit("No enrolled student was seeded.")
    port = free_port()
    server = start_app_server(port, env={"DB_POOL_MIN": "2", "DB_POOL_MAX": "10"}, workers=args.workers)
    try:
        result = asyncio.run(load(f"http://127.0.0.1:{port}", sessions, args.clients, args.requests))
    finally:
        server.terminate()
        server.wait(timeout=10)
        folder.cleanup()
    lat = result["latencies"]
    done = len(lat)
    print(
        f"Homework list: {done} requests, {args.clients} clients, {len(sessions)} students, "
        f"{args.workers} worker(s), {result['errors']} errors"
    )
    print(
        f"  throughput {done / result['elapsed']:.1f} req/s over {result['elapsed']:.1f} s; "
        f"{result['items'] / max(done, 1):.1f} homework items per response"
    )
    print(
        f"  latency p50 {percentile(lat, 0.50) * 1000:.1f} ms  p95 {percentile(lat, 0.95) * 1000:.1f} ms  "
        f"p99 {percentile(lat, 0.99) * 1000:.1f} ms  (mean {statistics.fmean(lat) * 1000:.1f} ms)"
    )
    from tests.test_pwa_units import SHELL, shell_gzip_bytes

    print(f"PWA shell ({len(SHELL)} files, gzip -9): {shell_gzip_bytes() / 1024:.1f} KB of 60 KB")


if __name__ == "__main__":
    main()
