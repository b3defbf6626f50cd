"""The delivery worker: claims due outbox rows, sends them (api/push/webpush.py), records the outcome.

It runs inside each app process (the app's lifespan; `CARTABLE_PUSH_WORKER=0` turns it off). Work is
found two ways: a transaction that recorded events wakes this process's worker for that school at
once (api/push/events.py), and a sweep every `SWEEP_SECONDS` visits every school for what time made
due (retries, morning digests, publication dates, reminders). Each school is asked separately: every
statement pins `school_id` (one shard under Citus).

Several processes share the outbox safely: a claim is `FOR UPDATE SKIP LOCKED` and moves the rows to
`sending` with a lease (`claimed_until`), so two workers never take the same row; the outcome is written
after the push service answered, and only by the lease's holder (`claimed_until` unchanged): a worker
slower than its lease, whose rows another worker took meanwhile, writes nothing over that one's claim.
No send outlives its lease: each is cut off after `SEND_TIMEOUT` (all its phases together, whatever the
HTTP client's own timeouts) and starts only while that and `LEASE_MARGIN` fit in what is left of the
lease, so none is still in flight when another worker may take its row over; one cut off is retried
like a network failure. A device's morning digest is claimed whole: its subscription row is locked
(`FOR NO KEY UPDATE SKIP LOCKED`) while all of its due digest rows are claimed, so two workers never
split one device's digest into two messages. Only a worker that dies between sending and writing the
outcome, or a send cut off after the push service took it, leaves a row to be sent again; that copy
carries the same `Topic` (RFC 8030 §5.4), so a push service still holding the first replaces it, and the
same notification tag, so a phone that already shows it replaces it instead of showing two.

A device that ended (`device_ended`, api/pairing/device_auth.py: revoked, unused for its lifetime, a
shared computer's session over), or whose reader's account was disabled since, gets nothing: its due rows
are claimed and marked failed, unsent.

A retry waits (`backoff`), then for the end of the device's quiet hours if it lands in them
(`push_due_at`, as when it was recorded): it then goes out with the morning digest.

The loop outlives database outages: a round that fails is retried after a growing pause (1 s doubling
to a minute), and the process's notifications resume by themselves once the server is back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

import httpx

from api.clock import now
from api.config import get_settings
from api.pairing.device_auth import device_ended
from api.pairing.tokens import DEVICE_LIFETIME, SHARED_IDLE
from api.push import events, keys, reminders, texts
from api.push.webpush import Answer, send
from piccolo_conf import DB

logger = logging.getLogger("cartable.push")

BATCH = 500
CONCURRENCY = 64
LEASE = timedelta(minutes=5)
SEND_TIMEOUT = timedelta(seconds=60)  # the longest one send may take, all phases together
LEASE_MARGIN = timedelta(seconds=5)  # kept at a lease's end: the outcome's write, clocks a little apart
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
SWEEP_SECONDS = 20.0
KEEP_DONE = timedelta(days=7)
OUTAGE_FIRST_PAUSE = 1.0  # seconds before retrying a round that failed (a database outage), doubling
OUTAGE_LAST_PAUSE = 60.0

# What is due: pending, or `sending` whose lease ended (its worker died).
_CLAIMABLE = "q.due_at <= $2 AND (q.state = 'pending' OR (q.state = 'sending' AND q.claimed_until < $2))"
# $1 school, $2 now, $3 lease, $4 batch size, $5 device lifetime, $6 a shared computer's idle time, then the
# selection: claim rows (→ `sending`) and read what their messages are made of.
_CLAIM = """
WITH {selection}, claimed AS (
    UPDATE notification_delivery d
    SET state = 'sending', attempts = d.attempts + 1, claimed_until = $2::timestamptz + $3::interval
    WHERE d.school_id = $1 AND d.id IN (SELECT id FROM chosen)
    RETURNING d.id, d.event_id, d.subscription_id, d.digest, d.attempts, d.claimed_until
)
SELECT c.id, c.subscription_id, c.digest, c.attempts, c.claimed_until, e.kind, e.params::text AS params, e.screen,
       e.student_id, u.first_name, s.endpoint, s.p256dh, s.auth, s.device_id, st.generic_text,
       {ended} AS ended, reader.disabled AS disabled
FROM claimed c
JOIN notification_event e ON e.school_id = $1 AND e.id = c.event_id
JOIN push_subscription s ON s.school_id = $1 AND s.id = c.subscription_id
JOIN push_settings st ON st.school_id = $1 AND st.device_id = s.device_id
JOIN device d ON d.school_id = $1 AND d.id = s.device_id
JOIN app_user u ON u.school_id = $1 AND u.id = e.student_id
JOIN app_user reader ON reader.school_id = $1 AND reader.id = s.user_id
""".replace("{ended}", device_ended("d", "$1", "$2::timestamptz", "$5", "$6"))
# Single notifications (not digests).
_DUE = _CLAIM.format(
    selection=f"""chosen AS (
        SELECT q.id FROM notification_delivery q
        WHERE q.school_id = $1 AND NOT q.digest AND {_CLAIMABLE}
        ORDER BY q.due_at LIMIT $4 FOR UPDATE SKIP LOCKED
    )"""
)
# Morning digests, whole: the devices (subscriptions) with a due digest row, each locked while all of its
# due digest rows are claimed, so that one device gets one message even with several workers.
_DUE_DIGESTS = _CLAIM.format(
    selection=f"""devices AS (
        SELECT s.id FROM push_subscription s
        WHERE s.school_id = $1 AND EXISTS (
            SELECT 1 FROM notification_delivery q
            WHERE q.school_id = $1 AND q.subscription_id = s.id AND q.digest AND {_CLAIMABLE})
        LIMIT $4 FOR NO KEY UPDATE SKIP LOCKED
    ), chosen AS (
        SELECT q.id FROM notification_delivery q
        WHERE q.school_id = $1 AND q.subscription_id IN (SELECT id FROM devices) AND q.digest AND {_CLAIMABLE}
        FOR UPDATE SKIP LOCKED
    )"""
)

# Only the lease's holder writes the outcome: the row is still `sending` under the lease it claimed. A retry
# (`retry_at`) that lands in the device's quiet hours waits for their end, in the morning digest.
_FINISH = """
UPDATE notification_delivery d
SET state = r.state, due_at = coalesce(r.due_at, d.due_at), claimed_until = NULL, last_error = r.error,
    digest = d.digest OR coalesce(r.due_at <> r.retry_at, false),
    sent_at = CASE WHEN r.state = 'sent' THEN $2::timestamptz END
FROM (
    SELECT r.id, r.state, r.retry_at, r.error, r.claimed_until,
           push_due_at(r.retry_at, st.quiet_start, st.quiet_end, sc.timezone) AS due_at
    FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[], $7::text[], $8::timestamptz[])
         AS r(id, subscription_id, state, retry_at, error, claimed_until)
    JOIN school sc ON sc.id = $1
    LEFT JOIN push_subscription s ON s.school_id = $1 AND s.id = r.subscription_id
    LEFT JOIN push_settings st ON st.school_id = $1 AND st.device_id = s.device_id
) AS r
WHERE d.school_id = $1 AND d.id = r.id AND d.state = 'sending' AND d.claimed_until = r.claimed_until
"""
_FORGET_SUBSCRIPTIONS = "DELETE FROM push_subscription WHERE school_id = $1 AND endpoint = ANY($2::text[])"
_PRUNE_DELIVERIES = """
DELETE FROM notification_delivery WHERE school_id = $1 AND state IN ('sent', 'failed') AND due_at < $2
"""
_PRUNE_EVENTS = """
DELETE FROM notification_event e WHERE e.school_id = $1 AND e.created_at < $2
  AND NOT EXISTS (SELECT 1 FROM notification_delivery d WHERE d.school_id = $1 AND d.event_id = e.id)
"""


@dataclass
class Report:
    sent: int = 0  # messages the push services accepted
    retried: int = 0
    failed: int = 0
    gone: int = 0  # subscriptions forgotten (404/410)


@dataclass
class _Message:
    rows: list  # the claimed deliveries it stands for (several for a digest)
    payload: bytes
    outcome: Answer | None = field(default=None)


def _message(rows: list) -> _Message:
    first = rows[0]
    if first["digest"]:
        body = texts.digest(len(rows), [row["first_name"] for row in rows])
        screen = "accueil"
    else:
        body = texts.text(first["kind"], json.loads(first["params"]), first["first_name"])
        screen = first["screen"]
    payload = {
        "title": texts.TITLE,
        "body": texts.GENERIC if first["generic_text"] else body,
        "tag": first["id"].hex,  # a copy sent again replaces the first on the phone
        "profile": str(first["device_id"]),
        "child": str(first["student_id"]),
        "screen": screen,
    }
    return _Message(rows, json.dumps(payload, ensure_ascii=False).encode())


def _messages(rows: list) -> list[_Message]:
    digests: dict[UUID, list] = {}
    out = []
    for row in rows:
        if row["digest"]:
            digests.setdefault(row["subscription_id"], []).append(row)
        else:
            out.append(_message([row]))
    return out + [_message(group) for group in digests.values()]


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """Wait before attempt `attempts + 1`: doubling from 30 s to 1 h, with jitter; Retry-After if longer."""
    wait = min(FIRST_RETRY * 2 ** (attempts - 1), LAST_RETRY) * random.uniform(0.8, 1.2)
    return max(wait, timedelta(seconds=retry_after or 0))


def _silenced(row) -> str:
    """Why nothing is sent to this row's device any more ("" if it may be sent)."""
    return "device ended" if row["ended"] else "account disabled" if row["disabled"] else ""


async def _send_all(client: httpx.AsyncClient, messages: list[_Message], moment: datetime) -> None:
    """Send each message (`moment`: when its rows were claimed), each within its lease: one whose turn
    comes when less than `SEND_TIMEOUT` (and `LEASE_MARGIN`) is left of it is not sent (another worker
    may take it once the lease ends): it stays without an outcome; one sent but not answered in time
    (cut off before its lease ends) is an outcome like a network failure."""
    gate = asyncio.Semaphore(CONCURRENCY)
    loop = asyncio.get_running_loop()
    claimed = loop.time()

    async def one(message: _Message) -> None:
        row = message.rows[0]
        async with gate:
            left = row["claimed_until"] - moment - timedelta(seconds=loop.time() - claimed) - LEASE_MARGIN
            if left < SEND_TIMEOUT:
                return
            try:
                async with asyncio.timeout(min(left, SEND_TIMEOUT).total_seconds()):
                    message.outcome = await send(client, row["endpoint"], row["p256dh"], row["auth"], message.payload,
                                                 topic=row["id"].hex, urgency="normal")  # fmt: skip
            except TimeoutError:
                message.outcome = Answer(0)

    await asyncio.gather(*(one(message) for message in messages if not _silenced(message.rows[0])))


async def _finish(school_id: UUID, messages: list[_Message], moment: datetime, report: Report) -> None:
    ids, subscriptions, states, due, errors, leases, gone = [], [], [], [], [], [], set()
    for message in messages:
        answer = message.outcome
        silenced = _silenced(message.rows[0])
        if silenced:  # the device ended, or its reader's account was disabled: nothing is sent to it any more
            answer = Answer(status=0)
        elif answer is None:  # its lease ended before it was sent: left to whoever holds it now
            continue
        if answer.gone:
            gone.add(message.rows[0]["endpoint"])
            report.gone += 1
            continue
        attempts = max(row["attempts"] for row in message.rows)
        if answer.delivered:
            state, when, report.sent = "sent", None, report.sent + 1
        elif answer.worth_retrying and attempts < MAX_ATTEMPTS and not silenced:
            state, when, report.retried = "pending", moment + backoff(attempts, answer.retry_after), report.retried + 1
        else:
            state, when, report.failed = "failed", None, report.failed + 1
        error = "" if answer.delivered else f"HTTP {answer.status}" if answer.status else "network"
        for row in message.rows:
            ids.append(row["id"])
            subscriptions.append(row["subscription_id"])
            states.append(state)
            due.append(when)
            errors.append(silenced or error)
            leases.append(row["claimed_until"])
    async with DB.transaction():
        connection = DB.current_transaction.get().connection
        if ids:
            await connection.execute(_FINISH, school_id, moment, ids, subscriptions, states, due, errors, leases)
        if gone:  # the push service says the browser unsubscribed: its deliveries go with it
            await connection.execute(_FORGET_SUBSCRIPTIONS, school_id, sorted(gone))


async def deliver_due(
    school_id: UUID, client: httpx.AsyncClient | None = None, moment: datetime | None = None
) -> Report:
    """Send every delivery of a school that is due (in batches); what happened."""
    report = Report()
    own_client = client is None
    client = client or new_client()
    try:
        while True:
            moment = moment or now()
            single = await DB.pool.fetch(_DUE, school_id, moment, LEASE, BATCH, DEVICE_LIFETIME, SHARED_IDLE)
            digests = await DB.pool.fetch(_DUE_DIGESTS, school_id, moment, LEASE, BATCH, DEVICE_LIFETIME, SHARED_IDLE)
            if not single and not digests:
                return report
            messages = _messages(single + digests)
            await _send_all(client, messages, moment)
            await _finish(school_id, messages, moment, report)
            if len(single) < BATCH and len({row["subscription_id"] for row in digests}) < BATCH:
                return report
            moment = None
    finally:
        if own_client:
            await client.aclose()


def new_client() -> httpx.AsyncClient:
    """The HTTP client (its timeouts are per phase: `_send_all` bounds a whole send by `SEND_TIMEOUT`)."""
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    return httpx.AsyncClient(timeout=httpx.Timeout(30.0), limits=limits)


async def prune(school_id: UUID, moment: datetime) -> None:
    await DB.pool.execute(_PRUNE_DELIVERIES, school_id, moment - KEEP_DONE)
    await DB.pool.execute(_PRUNE_EVENTS, school_id, moment - KEEP_DONE)


class DeliveryWorker:
    """This process's loop: a woken school at once, every school at each sweep."""

    def __init__(self, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.sweep_seconds = sweep_seconds
        self.woken: set[UUID] = set()
        self.signal = asyncio.Event()
        self.next_sweep = 0.0
        self.last_prune: datetime | None = None
        self.failures = 0  # rounds failed in a row (the database out of reach)

    def wake(self, school_id: UUID) -> None:
        self.woken.add(school_id)
        self.signal.set()

    async def run(self) -> None:
        stop_listening = events.on_recorded(self.wake)
        loop = asyncio.get_running_loop()
        try:
            async with new_client() as client:
                while True:
                    with suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self.signal.wait(), max(0.0, self.next_sweep - loop.time()))
                    self.signal.clear()
                    sweep = loop.time() >= self.next_sweep
                    if sweep:
                        self.next_sweep = loop.time() + self.sweep_seconds
                    try:
                        await self._round(client, sweep)
                        self.failures = 0
                    except Exception:  # the database is out of reach: sweep again after a pause
                        self.failures += 1
                        pause = min(OUTAGE_FIRST_PAUSE * 2 ** (self.failures - 1), OUTAGE_LAST_PAUSE)
                        logger.exception("Push round failed (%d in a row); next sweep in %.0f s", self.failures, pause)
                        self.next_sweep = loop.time() + pause
        finally:
            stop_listening()

    async def _round(self, client: httpx.AsyncClient, sweep: bool) -> None:
        woken, self.woken = self.woken, set()
        try:
            schools = [row["id"] for row in await DB.pool.fetch("SELECT id FROM school")] if sweep else list(woken)
        except Exception:
            self.woken |= woken  # not lost: the next round takes them
            raise
        moment = now()
        prune_now = sweep and (self.last_prune is None or moment - self.last_prune > timedelta(hours=1))
        for school_id in schools:
            try:
                if sweep:
                    await reminders.queue_due(school_id, moment)
                    if prune_now:
                        await prune(school_id, moment)
                await deliver_due(school_id, client)
            except Exception:  # one school's trouble (or a database restart) must not stop the others
                logger.exception("Push delivery failed for school %s", school_id)
        if prune_now:
            self.last_prune = moment


@asynccontextmanager
async def delivery_worker(_app) -> AsyncIterator[None]:
    """The app's lifespan: the VAPID key (made on first start), and the worker while the process serves."""
    keys.vapid()
    if not get_settings().push_worker:
        yield
        return
    task = asyncio.create_task(DeliveryWorker().run(), name="push-delivery")
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
