"""What families hear of: the one hook the school-side writes call.

    async with events.transaction():
        await homework.save()
        await events.record(school_id, [Event("homework", student_id, "devoirs", {...})])

`record` writes the events and, in the same statement, one delivery row per push subscription that
should hear of each: the student's own devices and their guardians' (or one reader's, for messages
and information), if the visibility rule `family_audience` still lets that reader see the student,
the device has not ended (`device_ended`, api/pairing/device_auth.py: revoked, unused for its whole
lifetime, or a shared computer whose session ended), the reader's account is not disabled, and its
settings do not mute that child and kind.
One reader hearing of one thing through several children (an information sent to the parents of two
classes: one event per child) gets one notification per device, about the first child not muted on
it, so each child's settings count and the tap opens that child. Quiet hours are applied
then (`push_due_at`): a delivery they hold waits for the morning digest. Being in the caller's
transaction, nothing is announced that was not saved, and nothing saved goes unannounced. After the
commit, `transaction()` wakes this process's delivery worker, so the push leaves at once.

A change of something not announced yet (`record(..., unsent_stands=True)`: homework edited before its
push left) adds nothing for a device whose push about it (same kind, thing and child) is still waiting:
that one push tells of it ("Nouveau travail", not a second "Travail modifié"), and the app shows it as
it is now. A device already told hears of the change.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from api.clock import now
from api.pairing.device_auth import device_ended
from api.pairing.tokens import DEVICE_LIFETIME, SHARED_IDLE
from piccolo_conf import DB


@dataclass(frozen=True)
class Event:
    kind: str  # db/push/tables.py KINDS
    student_id: UUID
    screen: str  # the app route a tap opens: "devoirs", "messages/d/<id>"
    params: dict = field(default_factory=dict)  # what the short text is made of (api/push/texts.py)
    user_id: UUID | None = None  # one reader only (messages, information); None: the student and guardians
    source_id: UUID | None = None  # the thing it is about (to withdraw it: `withdraw`)
    not_before: datetime | None = None  # not shown before (a publication date)


# $1 school, $2 now, then one array per Event field, $10 device lifetime, $11 a shared computer's idle time,
# $12 a push still waiting about the same thing stands for this one (`unsent_stands`).
_RECORD = """
WITH ev AS (
    INSERT INTO notification_event (id, school_id, kind, student_id, user_id, source_id, params, screen, not_before,
                                    created_at)
    SELECT gen_random_uuid(), $1, e.kind, e.student_id, e.user_id, e.source_id, e.params::jsonb, e.screen,
           coalesce(e.not_before, $2), $2
    FROM unnest($3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::timestamptz[])
         AS e(kind, student_id, user_id, source_id, params, screen, not_before)
    RETURNING id, kind, student_id, user_id, source_id, not_before
), reader AS (
    SELECT ev.id AS event_id, ev.kind, ev.student_id, ev.source_id, ev.not_before, r.user_id,
           -- one reader's events about the same thing through several children: one of them per device
           CASE WHEN ev.user_id IS NOT NULL AND ev.source_id IS NOT NULL THEN ev.kind || ':' || ev.source_id
                ELSE ev.id::text END AS one_of
    FROM ev CROSS JOIN LATERAL (
        SELECT ev.user_id WHERE ev.user_id IS NOT NULL
        UNION SELECT ev.student_id WHERE ev.user_id IS NULL
        UNION SELECT g.parent_id FROM guardianship g
              WHERE ev.user_id IS NULL AND g.school_id = $1 AND g.student_id = ev.student_id
    ) AS r(user_id)
)
INSERT INTO notification_delivery (id, school_id, event_id, subscription_id, state, digest, due_at, attempts,
                                   last_error)
SELECT DISTINCT ON (s.id, rd.one_of)
       gen_random_uuid(), $1, rd.event_id, s.id, 'pending', due.at <> rd.not_before, due.at, 0, ''
FROM reader rd
JOIN app_user u ON u.school_id = $1 AND u.id = rd.user_id AND NOT u.disabled
JOIN push_subscription s ON s.school_id = $1 AND s.user_id = rd.user_id
JOIN device d ON d.school_id = $1 AND d.id = s.device_id AND NOT {ended}
JOIN push_settings st ON st.school_id = $1 AND st.device_id = s.device_id
JOIN school sc ON sc.id = $1
CROSS JOIN LATERAL (SELECT push_due_at(rd.not_before, st.quiet_start, st.quiet_end, sc.timezone) AS at) AS due
WHERE NOT st.muted ? (rd.student_id::text || ':' || rd.kind)
  AND EXISTS (SELECT 1 FROM family_audience($1, rd.user_id, rd.student_id))
  AND NOT ($12::boolean AND EXISTS (
      SELECT 1 FROM notification_delivery w
      JOIN notification_event we ON we.school_id = $1 AND we.id = w.event_id
      WHERE w.school_id = $1 AND w.subscription_id = s.id AND w.state = 'pending'
        AND we.kind = rd.kind AND we.source_id = rd.source_id AND we.student_id = rd.student_id))
ORDER BY s.id, rd.one_of, rd.student_id
""".replace("{ended}", device_ended("d", "$1", "$2::timestamptz", "$10", "$11"))

# $1 school, $2 source: deliveries not yet sent of what was withdrawn (an evaluation unpublished).
_WITHDRAW = """
DELETE FROM notification_delivery d USING notification_event e
WHERE d.school_id = $1 AND e.school_id = $1 AND e.source_id = $2 AND d.event_id = e.id AND d.state = 'pending'
"""

_woken: contextvars.ContextVar[set[UUID] | None] = contextvars.ContextVar("push_woken", default=None)
_wakers: set[Callable[[UUID], None]] = set()


def on_recorded(waker: Callable[[UUID], None]) -> Callable[[], None]:
    """`waker(school_id)` after a transaction recorded events (the worker of this process listens)."""
    _wakers.add(waker)
    return lambda: _wakers.discard(waker)


def _wake(school_id: UUID) -> None:
    for waker in list(_wakers):
        waker(school_id)


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """A database transaction whose recorded events wake the worker once committed."""
    if _woken.get() is not None:  # inside one already: the outermost commit wakes the worker
        async with DB.transaction():
            yield
        return
    woken: set[UUID] = set()
    token = _woken.set(woken)
    try:
        async with DB.transaction():
            yield
    finally:
        _woken.reset(token)
    for school_id in woken:
        _wake(school_id)


def connection():
    """Where raw SQL goes: the current transaction's connection, else the pool."""
    current = DB.current_transaction.get()
    return current.connection if current is not None else DB.pool


async def _execute(sql: str, *args) -> None:
    await connection().execute(sql, *args)


async def record(school_id: UUID, events: list[Event], *, unsent_stands: bool = False) -> None:
    """Write `events` and their deliveries, in the caller's transaction (see the module docstring).
    `unsent_stands`: no delivery for a device still waiting for a push about the same thing."""
    if not events:
        return
    await _execute(
        _RECORD,
        school_id,
        now(),
        [e.kind for e in events],
        [e.student_id for e in events],
        [e.user_id for e in events],
        [e.source_id for e in events],
        [json.dumps(e.params, ensure_ascii=False) for e in events],
        [e.screen for e in events],
        [e.not_before for e in events],
        DEVICE_LIFETIME,
        SHARED_IDLE,
        unsent_stands,
    )
    woken = _woken.get()
    if woken is not None:
        woken.add(school_id)
    else:
        _wake(school_id)


async def withdraw(school_id: UUID, source_id: UUID) -> None:
    """Forget the deliveries not yet sent about `source_id` (it is no longer visible to families)."""
    await _execute(_WITHDRAW, school_id, source_id)
