"""The bench's reference: the homework list from a minimal ASGI app and raw asyncpg, one SQL statement.

It is what this stack can do at best for that screen: no framework, no authentication, PostgreSQL
builds the JSON and the bytes go out as they are. The bench starts it next to the app, checks it
answers the same content as the app, then times both in the same run. It never ships in the app.

    DATABASE_URL=… uvicorn tests.bench.reference:app
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

# The school comes from the student row (the reference has no session to carry it).
HOMEWORK_SQL = """
WITH student AS (
    SELECT u.school_id, u.id,
           ARRAY(SELECT class_id FROM enrolment e WHERE e.school_id = u.school_id AND e.student_id = u.id) AS classes,
           ARRAY(SELECT group_id FROM group_membership g WHERE g.school_id = u.school_id AND g.student_id = u.id)
               AS groups
    FROM app_user u WHERE u.id = $1
),
items AS (
    SELECT h.school_id, h.id, h.due_on, h.given_on, s.name AS subject, s.color,
           t.first_name || ' ' || upper(t.last_name) AS teacher, h.html, h.estimated_minutes,
           coalesce(d.done, false) AS done, d.changed_at AS done_changed_at, h.lesson_id,
           coalesce((SELECT json_agg(json_build_object('id', a.id, 'filename', a.filename,
                        'content_type', a.content_type, 'size_bytes', a.size_bytes,
                        'url', '/api/homework/' || h.id || '/attachments/' || a.id) ORDER BY a.created_at)
                     FROM homework_attachment a WHERE a.school_id = h.school_id AND a.homework_id = h.id), '[]')
               AS attachments,
           CASE WHEN r.id IS NOT NULL THEN json_build_object(
               'deadline', r.deadline, 'accepted_types', to_json(r.accepted_types),
               'accepted_label', (SELECT string_agg(CASE x.code WHEN 'pdf' THEN 'PDF' WHEN 'png' THEN 'PNG'
                                        WHEN 'jpg' THEN 'JPEG' WHEN 'odt' THEN 'ODT' WHEN 'docx' THEN 'DOCX' END,
                                        ', ' ORDER BY x.n)
                                  FROM unnest(r.accepted_types) WITH ORDINALITY x(code, n))) END AS hand_in,
           CASE WHEN r.id IS NOT NULL THEN json_build_object(
               'status', CASE WHEN sub.handed_in_at IS NULL THEN 'missing'
                              WHEN sub.handed_in_at > r.deadline THEN 'late' ELSE 'on_time' END,
               'handed_in_at', sub.handed_in_at,
               'file_count', (SELECT count(*) FROM homework_submission_file f
                              WHERE f.school_id = sub.school_id AND f.submission_id = sub.id AND f.kind = 'work'),
               'returned_at', sub.returned_at, 'has_comment', coalesce(sub.return_comment <> '', false)) END
               AS submission
    FROM student st
    JOIN homework h ON h.school_id = st.school_id
    JOIN subject s ON s.school_id = h.school_id AND s.id = h.subject_id
    LEFT JOIN app_user t ON t.school_id = h.school_id AND t.id = h.teacher_id
    LEFT JOIN homework_done d ON d.school_id = h.school_id AND d.homework_id = h.id AND d.student_id = st.id
    LEFT JOIN homework_hand_in r ON r.school_id = h.school_id AND r.homework_id = h.id
    LEFT JOIN homework_submission sub ON sub.school_id = h.school_id AND sub.homework_id = h.id
                                     AND sub.student_id = st.id
    WHERE (h.class_id = ANY(st.classes) OR h.group_id = ANY(st.groups)) AND h.due_on BETWEEN $2::date AND $3::date
),
content AS (
    SELECT l.id, l.date, l.starts_at, c.title, c.html, s.name AS subject, s.color
    FROM student st
    JOIN lesson l ON l.school_id = st.school_id
    JOIN lesson_content c ON c.school_id = l.school_id AND c.lesson_id = l.id
    JOIN subject s ON s.school_id = l.school_id AND s.id = l.subject_id
    WHERE (l.class_id = ANY(st.classes) OR l.group_id = ANY(st.groups)) AND l.date BETWEEN $2::date - 14 AND $3::date
    UNION
    SELECT l.id, l.date, l.starts_at, c.title, c.html, s.name, s.color
    FROM items i
    JOIN lesson l ON l.school_id = i.school_id AND l.id = i.lesson_id
    JOIN lesson_content c ON c.school_id = l.school_id AND c.lesson_id = l.id
    JOIN subject s ON s.school_id = l.school_id AND s.id = l.subject_id
)
SELECT json_build_object(
    'student_id', $1::uuid, 'start', $2::date, 'end', $3::date,
    'items', coalesce((SELECT json_agg(json_build_object(
        'id', i.id, 'subject', i.subject, 'color', i.color, 'teacher', coalesce(i.teacher, ''),
        'given_on', i.given_on, 'due_on', i.due_on, 'html', i.html, 'estimated_minutes', i.estimated_minutes,
        'attachments', i.attachments, 'done', i.done, 'done_changed_at', i.done_changed_at,
        'lesson_content', (SELECT json_build_object('lesson_id', c.id, 'date', c.date, 'subject', c.subject,
                                                    'color', c.color, 'title', c.title, 'html', c.html)
                           FROM content c WHERE c.id = i.lesson_id),
        'hand_in', i.hand_in, 'submission', i.submission)
        ORDER BY i.due_on, i.given_on, i.id) FROM items i), '[]'),
    'contents', coalesce((SELECT json_agg(json_build_object('lesson_id', c.id, 'date', c.date, 'subject', c.subject,
                                                             'color', c.color, 'title', c.title, 'html', c.html)
                                   ORDER BY c.date DESC, c.starts_at DESC)
                          FROM content c WHERE c.date >= $2::date - 14), '[]'),
    'generated_at', now())::text
FROM student
"""

SCHOOL_ZONE = ZoneInfo("Europe/Paris")  # the scale schools' zone (db/core/tables.py School.timezone default)
_pool: asyncpg.Pool | None = None


async def _no_reset(_connection: asyncpg.Connection) -> None:
    """Nothing to undo: this app never changes session state (see db/pool.py in the app for the why)."""


async def _lifespan(receive, send) -> None:
    global _pool
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _pool = await asyncpg.create_pool(
                os.environ["DATABASE_URL"],
                min_size=2,
                max_size=10,
                reset=_no_reset,
                server_settings={"plan_cache_mode": "force_generic_plan"},  # as the app's pool (db/pool.py)
            )
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _pool.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    parts = scope["path"].strip("/").split("/")  # api/students/{id}/homework
    body, status = b'{"error": "not found"}', 404
    if len(parts) == 4 and parts[:2] == ["api", "students"] and parts[3] == "homework":
        today = datetime.now(SCHOOL_ZONE).date()  # the scale schools' own day, as the app's default
        text = await _pool.fetchval(HOMEWORK_SQL, UUID(parts[2]), today, today + timedelta(weeks=3))
        if text is not None:
            body, status = text.encode(), 200
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
