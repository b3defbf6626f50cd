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
    "uvicorn": ["-m", "uvicorn", "--loop", "asyncio", "--http", "h11"],
    "uvicorn-uvloop": ["-m", "uvicorn", "--loop", "uvloop", "--http", "httptools"],
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
    env: dict[str, str],
    workers: int = 1,
    log: IO | None = None,
    server: str = "uvicorn-uvloop",
    app: str = APP,
) -> subprocess.Popen:
    """Start `app` on 127.0.0.1:`port` and wait until it answers; raise if it never does."""
    process = subprocess.Popen(server_command(server, app, port, workers), cwd=ROOT,
                               env={**os.environ, "PORT": str(port), **env},
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
