"""`just reset` wipes the embedded database: it stops the server that runs on the folder first, instead of
deleting the files under a live PostgreSQL (which then kept running, on nothing, holding its socket)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.server import ROOT

JUST = Path(sys.executable).parent / "just"

START_AND_WAIT = """
import sys, time
from pathlib import Path
from db.database import start_embedded_server
start_embedded_server(Path(sys.argv[1]))
print("started", flush=True)
time.sleep(600)
"""


def _postgres_processes(data_dir: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(attrs=["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(data_dir.resolve()) in (process.info["cmdline"] or []):
            found.append(process)
    return found


@pytest.mark.skipif(not JUST.exists(), reason="just is installed in the project's virtual environment by ./just")
def test_reset_stops_the_embedded_server_before_deleting_its_folder(tmp_path):
    data_dir = tmp_path / "pg"
    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "CARTABLE_DATA_DIR": str(data_dir)}
    app = subprocess.Popen(
        [sys.executable, "-c", START_AND_WAIT, str(data_dir)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert app.stdout.readline().strip() == "started"
        servers = _postgres_processes(data_dir)
        assert servers, "the embedded server did not start"
        reset = subprocess.run([str(JUST), "reset"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert reset.returncode == 0, reset.stderr
        assert "Données locales effacées." in reset.stdout
        assert "PostgreSQL embarqué arrêté" in reset.stdout and str(app.pid) in reset.stdout  # who used it
        gone, alive = psutil.wait_procs(servers, timeout=10)
        assert not alive and not _postgres_processes(data_dir)
        assert not data_dir.exists()
    finally:
        app.kill()
        app.wait(timeout=10)
        for server in _postgres_processes(data_dir):  # whatever failed, no server outlives the test
            server.kill()
    again = subprocess.run([str(JUST), "reset"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "arrêté" not in again.stdout  # nothing to stop, nothing to delete
