"""Start the real app with uvicorn in its own process (browser tests, benchmark)."""

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app_server(port: int, *, env: dict[str, str], workers: int = 1, log: IO | None = None) -> subprocess.Popen:
    """Start uvicorn on 127.0.0.1:`port` and wait until /api/health answers; raise if it never does."""
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--workers", str(workers)]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PORT": str(port), **env},
                               stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The app server did not start.")
        time.sleep(0.2)
