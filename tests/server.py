"""Start the real app (or the bench's reference) in its own process (browser tests, benchmark)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[1]
APP = "api.app:create_app"

# The ways `just bench --server` can serve an ASGI app; `just serve` uses the one the bench chose.
SERVERS = {
    # --no-proxy-headers: as `python -m api`, the app alone decides whom to trust (TRUSTED_PROXIES).
    "uvicorn": ["-m", "uvicorn", "--loop", "asyncio", "--http", "h11", "--no-proxy-headers"],
    "uvicorn-uvloop": ["-m", "uvicorn", "--loop", "uvloop", "--http", "httptools", "--no-proxy-headers"],
    "granian": ["-m", "granian", "--interface", "asgi", "--loop", "uvloop", "--no-ws"],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(server: str, app: str, port: int, workers: int) -> list[str]:
    command = [sys.executable, *SERVERS[server], "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    if app == APP:
        command.append("--factory")
    return [*command, app]


def start_app_server(
    port: int,
    *,
    env: dict[str, str | None],
    workers: int = 1,
    log: IO | None = None,
    server: str = "uvicorn-uvloop",
    app: str = APP,
    command: list[str] | None = None,
) -> subprocess.Popen:
    """Start `app` on 127.0.0.1:`port` (or run `command`, e.g. `python -m api`, which must serve the
    app there) and wait until it answers; raise if it never does. A None in `env` unsets a variable."""
    environment = {name: value for name, value in {**os.environ, "PORT": str(port), **env}.items() if value is not None}
    process = subprocess.Popen(command or server_command(server, app, port, workers), cwd=ROOT, env=environment,
                               stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)  # fmt: skip
    probe = "/api/health" if app == APP else "/"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=1).raise_for_status()
            return process
        except httpx.HTTPStatusError as error:
            if app != APP and error.response.status_code == 404:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The app server did not start.")
        time.sleep(0.2)
