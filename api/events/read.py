"""The school calendar as PostgreSQL-built JSON: what families read (Accueil, the timetable, the
agenda) and what the school's pages show. One builder for both.

`events_json(first, last, classes=None, only=None)` is a fragment: a JSON array of `EventOut` of
school `$1` overlapping the days `first`..`last` (SQL expressions), by first day, then start time
(all day first), then title. `classes` (an SQL uuid[] expression) narrows it to what those classes
see: the whole school's events (no class) and those that `reaches` them; `only` to one event.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from api.events.structs import KINDS, EventOut, Events
from api.read_models import sql_label
from piccolo_conf import DB

KINDS_JSON = msgspec.json.encode(KINDS).decode().replace("'", "''")


def events_json(first: str, last: str, *, classes: str | None = None, only: str | None = None) -> str:
    narrowed = ""
    if classes:
        narrowed += f"""
      AND (NOT EXISTS (SELECT 1 FROM school_event_class c WHERE c.school_id = $1 AND c.event_id = e.id)
           OR EXISTS (SELECT 1 FROM school_event_class c
                      WHERE c.school_id = $1 AND c.event_id = e.id
                        AND reaches({classes}, NULL, c.class_id, NULL)))"""
    if only:
        narrowed += f" AND e.id = {only}"
    return f"""coalesce((
    SELECT json_agg(json_build_object(
        'id', e.id, 'kind', e.kind, 'kind_label', {sql_label("e.kind", KINDS)}, 'title', e.title,
        'details', e.details, 'location', e.location, 'first_day', e.first_day, 'last_day', e.last_day,
        'starts_at', e.starts_at, 'ends_at', e.ends_at,
        'classes', coalesce((
            SELECT json_agg(json_build_object('id', k.id, 'name', k.name) ORDER BY k.name COLLATE "C")
            FROM school_event_class c JOIN school_class k ON k.school_id = $1 AND k.id = c.class_id
            WHERE c.school_id = $1 AND c.event_id = e.id), '[]')
    ) ORDER BY e.first_day, e.starts_at NULLS FIRST, e.title)
    FROM school_event e
    WHERE e.school_id = $1 AND e.first_day <= {last} AND e.last_day >= {first}{narrowed}
), '[]')"""


def events_body(first: str, last: str, *, classes: str | None = None) -> str:
    """An `Events` object (the range, its events, the kinds' labels)."""
    events = events_json(first, last, classes=classes)
    return f"json_build_object('start', {first}, 'end', {last}, 'events', {events}, 'kinds', '{KINDS_JSON}'::json)"


# $1 school, $2 reader, $3 student, $4 first day, $5 last day: what the student's classes see.
FAMILY_EVENTS_SQL = f"""
SELECT {events_body("$4::date", "$5::date", classes="a.class_ids")}::text
FROM family_audience($1, $2, $3) a
"""

_SCHOOL_EVENTS_SQL = f"SELECT {events_body('$2::date', '$3::date')}::text"

# SQL: a CTE `taught(class_ids)` of teacher $2 in school $1: the classes they teach, and those of the
# students of the groups they teach (what a teacher's calendar shows of the school's events).
TAUGHT_CLASSES = """taught AS (
    SELECT coalesce(array_agg(DISTINCT x.class_id), '{}') AS class_ids FROM (
        SELECT ts.class_id FROM teaching_service ts
        WHERE ts.school_id = $1 AND ts.teacher_id = $2 AND ts.class_id IS NOT NULL
        UNION
        SELECT e.class_id FROM teaching_service ts
        JOIN group_membership gm ON gm.school_id = $1 AND gm.group_id = ts.group_id
        JOIN enrolment e ON e.school_id = $1 AND e.student_id = gm.student_id
        WHERE ts.school_id = $1 AND ts.teacher_id = $2
    ) x
)"""

# $1 school, $2 teacher, $3 first day, $4 last day: what the teacher's classes see.
_TEACHER_EVENTS_SQL = f"""
WITH {TAUGHT_CLASSES}
SELECT {events_json("$3::date", "$4::date", classes="taught.class_ids")}::text FROM taught
"""
_ONE_EVENT_SQL = f"SELECT {events_json('e.first_day', 'e.last_day', only='$2::uuid')}::text"


async def school_events(school_id: UUID, start: date, end: date) -> Events:
    return msgspec.json.decode(await DB.pool.fetchval(_SCHOOL_EVENTS_SQL, school_id, start, end), type=Events)


async def teacher_events(school_id: UUID, teacher_id: UUID, start: date, end: date) -> list[EventOut]:
    """The school's events and those of the teacher's classes, overlapping `start`..`end`."""
    body = await DB.pool.fetchval(_TEACHER_EVENTS_SQL, school_id, teacher_id, start, end)
    return msgspec.json.decode(body, type=list[EventOut])


async def one_event(school_id: UUID, event_id: UUID) -> EventOut | None:
    events = msgspec.json.decode(await DB.pool.fetchval(_ONE_EVENT_SQL, school_id, event_id), type=list[EventOut])
    return events[0] if events else None
