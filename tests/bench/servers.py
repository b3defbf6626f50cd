"""`just bench servers`: which ASGI server `just serve` should use, measured (not a test).

    just bench servers                    # uvicorn (asyncio + h11), uvicorn (uvloop + httptools), granian
    just bench servers --rounds 5

One embedded PostgreSQL with one scale school; the app under each server, one worker each, all
running at once; wrk asks each in turn for the session homework list at 16 connections, round after
round (this machine is shared and noisy). Reported: requests per second and, steadier than a rate
on a shared machine, the server's own CPU time per request (the server process and its children,
from /proc), medians of the rounds. granian is measured when it is installed (`pip install granian`);
it is not a dependency of the app.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
from pathlib import Path

from tests.bench import database, load
from tests.server import SERVERS, free_port, start_app_server

PATH = "/api/students/{}/homework"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="just bench servers", description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=400)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args(argv)


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its live children (granian's workers), in seconds."""
    total, ticks = 0, os.sysconf("SC_CLK_TCK")
    for task in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found += [child, *_children(child)]
    return found


def main(argv: list[str]) -> None:
    from api.auth.sessions import cookie_name

    args = parse_args(argv)
    servers = [name for name in SERVERS if name != "granian" or importlib.util.find_spec("granian")]
    bench_server = database.BenchServer()
    data = database.DataSet("one school", bench_server.database("bench_servers"), 1)
    ports = {name: free_port() for name in servers}
    print("Preparing the data set…")
    asyncio.run(database.prepare(data, args.students, args.clients, "http://127.0.0.1"))
    env = {"DB_POOL_MIN": "2", "DB_POOL_MAX": "10", "CARTABLE_DEMO": "0", "CARTABLE_PUSH_WORKER": "0",
           "DATABASE_URL": data.url}  # fmt: skip
    processes = {}
    wrk = load.Wrk()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
    lines = load.session_lines(data.students, lambda student: PATH.format(student.id), cookie_name())
    try:
        for name in servers:
            processes[name] = start_app_server(ports[name], env=env, server=name)
        for name in servers:  # warm-up
            wrk.run(f"http://127.0.0.1:{ports[name]}", lines, connections=16, seconds=2)
        for round_number in range(1, args.rounds + 1):
            for name in servers:
                before = cpu_seconds(processes[name].pid)
                result = wrk.run(f"http://127.0.0.1:{ports[name]}", lines, connections=16, seconds=args.seconds)
                used = cpu_seconds(processes[name].pid) - before
                per_request = 1e6 * used / max(result.requests - result.errors, 1)
                results[name].append((result.rate, per_request))
                print(f"  round {round_number} {name:<16} {result.rate:7.0f} req/s  {per_request:6.0f} µs CPU/request"
                      + (f"  {result.errors} ERRORS" if result.errors else ""), flush=True)  # fmt: skip
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(timeout=10)
        wrk.close()
        bench_server.close()
    print(f"\nMedians of {args.rounds} rounds of {args.seconds:g} s, session homework list, c=16, one worker:")
    print("| server | req/s | server CPU per request |\n|---|---|---|")
    for name in servers:
        rates, cpu = zip(*results[name])
        print(f"| {name} | {statistics.median(rates):,.0f} | {statistics.median(cpu):,.0f} µs |")
