"""A published bulletin never changes: each student's bulletin is computed once, when families may
first read it, and kept (`report_card_snapshot`). Families, their PDF and the school's view of a
published bulletin read that copy; a grade edited later, a classmate's new grade (the class average),
an evaluation whose publish_at comes later or an absence recorded later leave it as it was.

"When families may first read it" is the later of the publication's own time (`updated_at`) and the
start of its `visible_from` day in the school's time zone. The copy is computed as of that moment
(api/bulletins/compute.py `as_of`), whenever the first occasion comes: a family's or the school's
read, the head of school's publication (for today or an earlier day), or, through `freeze_due`, any
write that changes what a bulletin shows (grades and levels, an evaluation's publication, absences and
lateness), which freezes first and writes after.

Publishing again (the same date or another) forgets the copies of those classes: they are frozen anew
from that publication. Withdrawing a publication forgets them too.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from api.bulletins.report import build_bulletins, class_members, period_row
from api.bulletins.structs import Bulletin
from api.clock import now
from piccolo_conf import DB

# $1 school, $2 now: the publications families may read today whose bulletins are not frozen yet, with
# the moment they became readable.
_DUE = """
SELECT r.id, greatest(r.updated_at, r.visible_from::timestamp AT TIME ZONE sc.timezone) AS as_of
FROM report_card_publication r
JOIN school sc ON sc.id = $1
WHERE r.school_id = $1 AND r.frozen_at IS NULL
  AND r.visible_from <= ($2::timestamptz AT TIME ZONE sc.timezone)::date
"""
# $1 school, $2 publication: the same, locked (two requests freezing at once: the second finds it done).
_LOCK = """
SELECT r.period_id, r.class_id, greatest(r.updated_at, r.visible_from::timestamp AT TIME ZONE sc.timezone) AS as_of
FROM report_card_publication r
JOIN school sc ON sc.id = $1
WHERE r.school_id = $1 AND r.id = $2 AND r.frozen_at IS NULL
FOR UPDATE OF r
"""
# $1 school, $2 period, $3 class, $4 now, $5 students, $6 their bulletins (JSON).
_KEEP = """
INSERT INTO report_card_snapshot (id, school_id, period_id, student_id, class_id, bulletin, frozen_at)
SELECT gen_random_uuid(), $1, $2, x.student_id, $3, x.bulletin::jsonb, $4
FROM unnest($5::uuid[], $6::text[]) AS x(student_id, bulletin)
ON CONFLICT (school_id, period_id, student_id) DO NOTHING
"""
_FROZEN = "UPDATE report_card_publication SET frozen_at = $3 WHERE school_id = $1 AND id = $2"
# $1 school, $2 period, $3 student.
_COPY = "SELECT bulletin::text FROM report_card_snapshot WHERE school_id = $1 AND period_id = $2 AND student_id = $3"
# $1 school, $2 period, $3 student, $4 now: the publication of the student's class families read today
# (a student who joined the class after its bulletins were frozen has no copy yet).
_OWN_PUBLICATION = """
SELECT r.class_id, greatest(r.updated_at, r.visible_from::timestamp AT TIME ZONE sc.timezone) AS as_of
FROM report_card_publication r
JOIN enrolment e ON e.school_id = $1 AND e.class_id = r.class_id AND e.student_id = $3
JOIN school sc ON sc.id = $1
WHERE r.school_id = $1 AND r.period_id = $2
  AND r.visible_from <= ($4::timestamptz AT TIME ZONE sc.timezone)::date
ORDER BY r.visible_from
LIMIT 1
"""
_FORGET = "DELETE FROM report_card_snapshot WHERE school_id = $1 AND period_id = $2 AND class_id = ANY($3::uuid[])"


def _connection():
    current = DB.current_transaction.get()
    return current.connection if current is not None else DB.pool


async def _keep(school_id: UUID, period: dict, class_id: UUID, students: list[UUID], as_of: datetime) -> None:
    bulletins = await build_bulletins(school_id, period, students, as_of=as_of)
    ids = list(bulletins)
    texts = [msgspec.json.encode(bulletins[student_id]).decode() for student_id in ids]
    await _connection().execute(_KEEP, school_id, period["id"], class_id, now(), ids, texts)


async def freeze_due(school_id: UUID) -> None:
    """Freeze the bulletins families may read from today and that are not frozen yet (one cheap
    statement when there are none). Call it before a write that changes what a bulletin shows."""
    for due in await DB.pool.fetch(_DUE, school_id, now()):
        async with DB.transaction():
            connection = DB.current_transaction.get().connection
            row = await connection.fetchrow(_LOCK, school_id, due["id"])
            if row is None:  # frozen meanwhile, or withdrawn
                continue
            period = await period_row(school_id, row["period_id"])
            students = (await class_members(school_id, [row["class_id"]])).get(row["class_id"], [])
            await _keep(school_id, period, row["class_id"], students, row["as_of"])
            await connection.execute(_FROZEN, school_id, due["id"], now())


async def published_bulletin(school_id: UUID, period_id: UUID, student_id: UUID) -> Bulletin | None:
    """The student's bulletin as published (frozen), or None when families cannot read it yet."""
    await freeze_due(school_id)
    copy = await DB.pool.fetchval(_COPY, school_id, period_id, student_id)
    if copy is None:
        own = await DB.pool.fetchrow(_OWN_PUBLICATION, school_id, period_id, student_id, now())
        if own is None:
            return None
        await _keep(school_id, await period_row(school_id, period_id), own["class_id"], [student_id], own["as_of"])
        copy = await DB.pool.fetchval(_COPY, school_id, period_id, student_id)
    return None if copy is None else msgspec.json.decode(copy, type=Bulletin)


async def forget(school_id: UUID, period_id: UUID, class_ids: list[UUID]) -> None:
    """The copies of these classes go (published again, or withdrawn)."""
    await _connection().execute(_FORGET, school_id, period_id, class_ids)
