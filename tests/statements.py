"""Every SQL statement the application sends during the test run, for the statement budgets of the
family reads and for the Citus check (tests/test_shard_local.py).

In this process, the pool (opened in conftest) logs every statement, and only those sent while the
app handles a request (the in-process test clients wrap the app with `tracked`) are the app's: the
tests' own set-up and assertions are not. The browser tests' app server is its own process: it
appends its statements to SERVER_LOG (`CARTABLE_SQL_LOG`).
"""

from __future__ import annotations

import contextvars
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

_in_request = contextvars.ContextVar("in_app_request", default=False)
_recorded: list[str] = []
_counters: list[list[str]] = []

SERVER_LOG = Path(tempfile.gettempdir()) / f"cartable-test-statements-{os.getpid()}.jsonl"


def record(query: str) -> None:
    if _in_request.get():
        _recorded.append(query)
        for counter in _counters:
            counter.append(query)


def tracked(app):
    """The ASGI app, with its requests marked as the app's own statements."""

    async def asgi(scope, receive, send):
        token = _in_request.set(True)
        try:
            await app(scope, receive, send)
        finally:
            _in_request.reset(token)

    return asgi


@contextmanager
def as_app():
    """Count the statements sent inside the block as the app's (the push worker, run by a test)."""
    token = _in_request.set(True)
    try:
        yield
    finally:
        _in_request.reset(token)


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
    """This process's request statements, then the app server process's (if it ran)."""
    server = []
    if SERVER_LOG.exists():
        server = [json.loads(line) for line in SERVER_LOG.read_text(encoding="utf-8").splitlines() if line]
    return [*_recorded, *server]
