"""Benchmark (not a test): the family reads under load, in one run, against a reference.

    just bench                                   # 3 rounds of 10 s per contender, 1 worker
    just bench --rounds 5 --seconds 15 --server granian

Starts an embedded PostgreSQL (pg_stat_statements loaded) in a temporary folder with two data sets:
one school of `--students` students, and `--schools` such schools. Then, each as its own process on
loopback: the app on each data set, and the reference (tests/bench/reference.py: minimal ASGI + raw
asyncpg, the homework list in one statement). wrk drives them with 64 students' sessions, or their
paired phones (every request with its own pre-signed DPoP proof), at 16 and 64 connections; the
contenders are interleaved round after round, since this machine is shared and noisy; medians are
printed with statements per request (counted by PostgreSQL) and the ratios the targets are about.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys

from tests.bench import database, load
from tests.server import SERVERS, free_port, start_app_server

ENDPOINTS = {
    "homework": "/api/students/{}/homework",
    "home": "/api/students/{}/home",
    "timetable": "/api/students/{}/timetable",
}
CONCURRENCY = (16, 64)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="just bench", description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=400, help="students per school")
    parser.add_argument("--schools", type=int, default=50, help="schools in the growth data set (1 to skip it)")
    parser.add_argument("--clients", type=int, default=64, help="distinct students (sessions and phones)")
    parser.add_argument("--seconds", type=float, default=10, help="length of one timed run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", choices=sorted(SERVERS), default="uvicorn-uvloop")
    parser.add_argument("--max-rate", type=int, default=3000, help="phone requests per second proofs are made for")
    return parser.parse_args(argv)


class Contender:
    def __init__(self, name: str, base_url: str, data_set: database.DataSet, lines) -> None:
        self.name, self.base_url, self.data_set, self.lines = name, base_url, data_set, lines
        self.results: dict[int, list[load.Result]] = {c: [] for c in CONCURRENCY}
        self.statements = float("nan")


def contenders(app_url: str, reference_url: str, many_url: str | None, one, many, args) -> list[Contender]:
    from api.auth.sessions import cookie_name

    cookie = cookie_name()
    out = [Contender("reference homework", reference_url, one,
                     lambda count: load.session_lines(one.students, _path("homework"), cookie))]  # fmt: skip
    for endpoint in ENDPOINTS:
        path = _path(endpoint)
        out.append(Contender(f"session {endpoint}", app_url, one,
                             lambda count, p=path: load.session_lines(one.students, p, cookie)))  # fmt: skip
        out.append(Contender(f"device {endpoint}", app_url, one,
                             lambda count, p=path: load.device_lines(one.students, p, app_url, count)))  # fmt: skip
    if many is not None:
        out.append(Contender(f"session homework, {args.schools} schools", many_url, many,
                             lambda count: load.session_lines(many.students, _path("homework"), cookie)))  # fmt: skip
    return out


def _path(endpoint: str):
    return lambda student: ENDPOINTS[endpoint].format(student.id)


async def same_content(app_url: str, reference_url: str, students) -> None:
    """The reference must answer what the app answers (content, not bytes) before it is timed."""
    import httpx
    import msgspec

    from api.auth.sessions import cookie_name
    from api.homework.family_structs import HomeworkList

    async with httpx.AsyncClient() as client:
        for student in students[:8]:
            path = ENDPOINTS["homework"].format(student.id)
            mine = await client.get(app_url + path, cookies={cookie_name(): student.cookie})
            theirs = await client.get(reference_url + path)
            assert mine.status_code == theirs.status_code == 200, (mine.text[:300], theirs.text[:300])
            a = msgspec.json.decode(mine.content, type=HomeworkList)
            b = msgspec.json.decode(theirs.content, type=HomeworkList)
            a.generated_at = b.generated_at
            if a != b:
                raise SystemExit(f"The reference does not answer what the app answers for {path}.")
    print("  reference checked: same homework content as the app for 8 students")


async def count_statements(contender: Contender, requests: int = 20) -> float:
    import httpx

    lines = contender.lines(requests)[:requests]
    await database.reset_statements(contender.data_set.url)
    async with httpx.AsyncClient(base_url=contender.base_url) as client:
        for line in lines:
            path, *headers = line.split("\t")
            response = await client.get(path, headers=dict(h.split(": ", 1) for h in headers))
            assert response.status_code == 200, f"{contender.name}: {response.status_code} {response.text[:300]}"
    return await database.statements_since_reset(contender.data_set.url) / len(lines)


def run_rounds(wrk: load.Wrk, all_contenders: list[Contender], args) -> None:
    for round_number in range(1, args.rounds + 1):
        for connections in CONCURRENCY:
            for contender in all_contenders:
                lines = contender.lines(int(args.max_rate * args.seconds))
                result = wrk.run(contender.base_url, lines, connections=connections, seconds=args.seconds)
                contender.results[connections].append(result)
                print(f"  round {round_number} c={connections:<3} {contender.name:<34} {result.rate:7.0f} req/s "
                      f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
                      + (f"  {result.errors} ERRORS" if result.errors else ""), flush=True)  # fmt: skip
                load.wait_a_little()


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def report(all_contenders: list[Contender], args) -> None:
    by_name = {c.name: c for c in all_contenders}
    print(f"\nMedians of {args.rounds} rounds of {args.seconds:g} s, 1 worker ({args.server}), "
          f"{len(all_contenders[0].data_set.students)} students' clients")  # fmt: skip
    header = "| contender | stmts/req |" + "".join(f" c={c} req/s | p50 | p99 |" for c in CONCURRENCY)
    print(header)
    print("|---|---|" + "---|---|---|" * len(CONCURRENCY))
    for c in all_contenders:
        cells = "".join(
            f" {median([r.rate for r in c.results[n]]):,.0f} | {median([r.p50_ms for r in c.results[n]]):.1f} ms "
            f"| {median([r.p99_ms for r in c.results[n]]):.1f} ms |"
            for n in CONCURRENCY
        )
        print(f"| {c.name} | {c.statements:.1f} |{cells}")

    def ratio(a: str, b: str, n: int, field: str = "rate") -> float:
        pairs = zip(by_name[a].results[n], by_name[b].results[n])
        return median([getattr(x, field) / getattr(y, field) for x, y in pairs if getattr(y, field)])

    print("\nTargets (per-round ratios, medians):")
    for n in CONCURRENCY:
        print(f"  c={n}: homework (session) / reference = {ratio('session homework', 'reference homework', n):.2f}"
              "  (target >= 0.70)")  # fmt: skip
    p99 = ratio("session homework", "reference homework", 64, "p99_ms")
    print(f"  c=64: homework p99 / reference p99 = {p99:.2f}  (target <= 1.20)")
    for endpoint in ENDPOINTS:
        ratios = ", ".join(f"c={n} {ratio(f'device {endpoint}', f'session {endpoint}', n):.2f}" for n in CONCURRENCY)
        print(f"  {endpoint}: device / session = {ratios}  (target >= 0.85)")
    growth = f"session homework, {args.schools} schools"
    if growth in by_name:
        ratios = ", ".join(f"c={n} {ratio(growth, 'session homework', n):.2f}" for n in CONCURRENCY)
        print(f"  homework: {args.schools} schools / 1 school = {ratios}  (target within 0.90-1.10)")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["push"]:  # Web Push delivery: its own measures (tests/bench/push.py)
        from tests.bench import push

        push.main(argv[1:])
        return
    if argv[:1] == ["servers"]:  # which ASGI server `just serve` uses (tests/bench/servers.py)
        from tests.bench import servers

        servers.main(argv[1:])
        return
    args = parse_args(argv)
    server = database.BenchServer()
    one = database.DataSet("one school", server.database("bench_one"), 1)
    many = database.DataSet(f"{args.schools} schools", server.database("bench_many"), args.schools)
    app_port, many_port, reference_port = free_port(), free_port(), free_port()
    app_url, many_url, reference_url = (f"http://127.0.0.1:{p}" for p in (app_port, many_port, reference_port))
    print("Preparing the data sets…")
    asyncio.run(database.prepare(one, args.students, args.clients, app_url))
    with_growth = args.schools > 1
    if with_growth:
        asyncio.run(database.prepare(many, args.students, args.clients, many_url))
    # No push worker: its sweeps of every school would run during the timed reads and count as their statements.
    env = {"DB_POOL_MIN": "2", "DB_POOL_MAX": "10", "CARTABLE_DEMO": "0", "CARTABLE_PUSH_WORKER": "0"}
    processes = []
    wrk = load.Wrk()
    try:
        processes.append(start_app_server(app_port, env={**env, "DATABASE_URL": one.url, "PUBLIC_URL": app_url},
                                          server=args.server))  # fmt: skip
        processes.append(start_app_server(reference_port, env={**env, "DATABASE_URL": one.url},
                                          server=args.server, app="tests.bench.reference:app"))  # fmt: skip
        if with_growth:
            processes.append(start_app_server(many_port, env={**env, "DATABASE_URL": many.url, "PUBLIC_URL": many_url},
                                              server=args.server))  # fmt: skip
        asyncio.run(same_content(app_url, reference_url, one.students))
        all_contenders = contenders(app_url, reference_url, many_url, one, many if with_growth else None, args)
        for contender in all_contenders:
            contender.statements = asyncio.run(count_statements(contender))
        print("Warming up…")
        for contender in all_contenders:
            wrk.run(contender.base_url, contender.lines(int(args.max_rate * 2)), connections=16, seconds=2)
        print("Timed runs:")
        run_rounds(wrk, all_contenders, args)
        report(all_contenders, args)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        wrk.close()
        server.close()
    from tests.test_pwa_units import SHELL, shell_gzip_bytes

    print(f"\nPWA shell ({len(SHELL)} files, gzip -9): {shell_gzip_bytes() / 1024:.1f} KB of 60 KB")


if __name__ == "__main__":
    main()
