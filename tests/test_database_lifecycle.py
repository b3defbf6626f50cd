"""Starting and stopping the app on its embedded PostgreSQL, as `./just run` does, in subprocesses on a
temporary data folder: concurrent cold starts, `kill -9`, clean stops, and imports that start nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import psutil
import pytest

from db.database import DATABASE_NAME
from tests.server import ROOT, free_port


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CARTABLE_SQL_LOG"}}
    return {**env, "CARTABLE_DATA_DIR": str(data_dir), "DB_POOL_MIN": "1", "DB_POOL_MAX": "2", **extra}


def _start_app(data_dir: Path, log: Path, *, demo: bool) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = _environment(data_dir, PORT=str(port), CARTABLE_DEMO="1" if demo else "0")
    with open(log, "w") as output:
        process = subprocess.Popen([sys.executable, "-m", "api"], cwd=ROOT, env=env, stdout=output, stderr=output)
    return process, port


def _wait_until_serving(process: subprocess.Popen, port: int, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The app exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    pytest.fail(f"The app did not start:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> int:
    """TERM (what systemd or a container runtime sends), then the exit status: uvicorn shuts down, then
    raises the signal again, which exits with 128 + 15 through the exit hooks (not killed by it: < 0)."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=60)


def _postgres_processes(data_dir: Path) -> list[int]:
    found = []
    for process in psutil.process_iter(attrs=["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(data_dir.resolve()) in (process.info["cmdline"] or []):
            found.append(process.pid)
    return found


def _server_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().split()[0])


async def _schools(data_dir: Path) -> int:
    connection = await asyncpg.connect(f"postgresql://postgres:@/{DATABASE_NAME}?host={data_dir.resolve()}")
    try:
        return await connection.fetchval("SELECT count(*) FROM school")
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """One folder for the module: the first start is cold (initdb), the later ones reuse its data."""
    return tmp_path_factory.mktemp("lifecycle") / "pg"


def test_importing_the_app_starts_no_database_server(tmp_path):
    data_dir = tmp_path / "pg"
    code = "import piccolo_conf, db.seed, db.migrate, api.app; api.app.create_app()"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_environment(data_dir), check=True, timeout=60)
    assert not data_dir.exists()
    assert _postgres_processes(data_dir) == []


async def test_two_cold_starts_at_once_both_serve_and_one_clean_stop_ends_the_server(data_dir, tmp_path):
    assert not data_dir.exists()
    first, second = (_start_app(data_dir, tmp_path / f"app-{n}.log", demo=True) for n in (1, 2))
    try:
        for number, (process, port) in enumerate((first, second), start=1):
            _wait_until_serving(process, port, tmp_path / f"app-{number}.log")
        assert await _schools(data_dir) == 1  # one demo school, seeded once
        server = _server_pid(data_dir)
        assert _postgres_processes(data_dir)

        # The first crashes (its pid stays in the server's list of users), the second stops cleanly:
        # it was the last live user, so the server stops with it.
        first[0].kill()
        first[0].wait(timeout=10)
        assert psutil.pid_exists(server)  # still serving the second
        assert httpx.get(f"http://127.0.0.1:{second[1]}/api/health", timeout=5).status_code == 200
        assert _stop(second[0]) == 128 + signal.SIGTERM
        assert _postgres_processes(data_dir) == []
    finally:
        for process, _ in (first, second):
            if process.poll() is None:
                process.kill()
    for number in (1, 2):
        assert "Traceback" not in (tmp_path / f"app-{number}.log").read_text()


async def test_after_a_kill_the_next_start_reuses_the_server_and_its_clean_stop_ends_it(data_dir, tmp_path):
    crashed, port = _start_app(data_dir, tmp_path / "crashed.log", demo=False)
    _wait_until_serving(crashed, port, tmp_path / "crashed.log")
    server = _server_pid(data_dir)
    crashed.kill()  # kill -9: no exit hook runs, the server keeps running
    crashed.wait(timeout=10)
    assert psutil.pid_exists(server)

    restarted, port = _start_app(data_dir, tmp_path / "restarted.log", demo=False)
    try:
        _wait_until_serving(restarted, port, tmp_path / "restarted.log")
        assert _server_pid(data_dir) == server  # the same server, not a second one on the same data
        assert _stop(restarted) == 128 + signal.SIGTERM
    finally:
        if restarted.poll() is None:
            restarted.kill()
    assert _postgres_processes(data_dir) == []
    assert "Traceback" not in (tmp_path / "restarted.log").read_text()
