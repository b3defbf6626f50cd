"""Every SQL statement the application sends during the test run, for the statement budgets of the
family reads and for the Citus check (tests/test_shard_local.py).

The session's pool (opened in conftest) hands every statement to `record` as it is sent
(db/pool.py `RecordingConnection`), whoever sends it: a request of the in-process clients, a seed,
the push worker's loop, an app function a test calls. Whose statement it is, is read from the call
stack: the innermost frame in a project file decides. A frame in `api/` or `db/` makes it the app's;
a frame in `tests/` makes it the tests' own (fixtures, emptying the tables, set-up and assertions written in
the test with Piccolo or raw SQL), which is not recorded. Library frames (asyncpg, Piccolo, Litestar,
asyncio) and the pool's plumbing (db/pool.py, db/database.py) are looked through. A statement whose
stack holds no project frame at all (a library's own task) counts as the app's: checked rather than
missed. Looking up the stack costs a few frames per statement; each distinct statement is kept once.

Not recorded: migrations (they run before the pool opens, on connections of their own, once per
deployment), and COPY (db/seed/writer.py `copy_rows`: rows are routed to their shard one by one).

The browser tests' app server, and `python -m api` started by tests (its demo seed included), are
processes of their own: they append each distinct statement to SERVER_LOG (`CARTABLE_SQL_LOG`, where
every statement is the app's).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_APP = tuple(f"{_ROOT / folder}{os.sep}" for folder in ("api", "db"))
_TESTS = f"{_ROOT / 'tests'}{os.sep}"
_PLUMBING = {str(_ROOT / "db" / "pool.py"), str(_ROOT / "db" / "database.py")}
APP, TESTS, LIBRARY = "app", "tests", None
_origins: dict[str, str | None] = {}  # file name → APP, TESTS or LIBRARY (look further out)

_recorded: dict[str, None] = {}  # the app's distinct statements, in the order first sent
_counters: list[list[str]] = []

SERVER_LOG = Path(tempfile.gettempdir()) / f"cartable-test-statements-{os.getpid()}.jsonl"


def _origin_of(filename: str) -> str | None:
    if filename in _PLUMBING:
        return LIBRARY
    if filename.startswith(_APP):
        return APP
    if filename.startswith(_TESTS):
        return TESTS
    return LIBRARY


def sender(frame) -> str:
    """APP or TESTS: who sent a statement whose stack's innermost frame is `frame`."""
    while frame is not None:
        filename = frame.f_code.co_filename
        origin = _origins.get(filename, "")
        if origin == "":
            origin = _origins[filename] = _origin_of(filename)
        if origin is not LIBRARY:
            return origin
        frame = frame.f_back
    return APP


def record(query: str) -> None:
    """The pool's recorder (tests/conftest.py): keep `query` if the app sends it."""
    if sender(sys._getframe(1)) == TESTS:
        return
    _recorded[query] = None
    for counter in _counters:
        counter.append(query)


@contextmanager
def counting():
    """Collect the statements the app sends inside the block: `with counting() as sent: …; len(sent)`."""
    sent: list[str] = []
    _counters.append(sent)
    try:
        yield sent
    finally:
        _counters.remove(sent)


def all_app_statements() -> list[str]:
    """This process's distinct app statements, then the app server processes' (if any ran)."""
    server = []
    if SERVER_LOG.exists():
        server = [json.loads(line) for line in SERVER_LOG.read_text(encoding="utf-8").splitlines() if line]
    return [*_recorded, *server]
