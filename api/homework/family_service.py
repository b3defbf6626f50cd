"""Family-side homework writes: the student's "Fait" state (the list is api/homework/family_read.py)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from db.homework.tables import HomeworkDone

# A "done" write for a homework of this student's class/groups; a later device time wins, a resend is a no-op.
_UPSERT_DONE_SQL = """
INSERT INTO homework_done (id, school_id, homework_id, student_id, done, changed_at, last_change_id)
VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {})
ON CONFLICT (school_id, homework_id, student_id) DO UPDATE
SET done = EXCLUDED.done, changed_at = EXCLUDED.changed_at, last_change_id = EXCLUDED.last_change_id
WHERE homework_done.changed_at < EXCLUDED.changed_at
RETURNING done, changed_at
"""


async def set_done(
    school_id: UUID, homework_id: UUID, student_id: UUID, done: bool, changed_at: datetime, change_id: str
) -> tuple[bool, datetime, bool]:
    """Apply one change; return (done, changed_at, applied) as the server now holds them."""
    rows = await HomeworkDone.raw(_UPSERT_DONE_SQL, school_id, homework_id, student_id, done, changed_at, change_id)
    if rows:
        return rows[0]["done"], rows[0]["changed_at"], True
    current = (
        await HomeworkDone.select(HomeworkDone.done, HomeworkDone.changed_at)
        .where(
            (HomeworkDone.school_id == school_id)
            & (HomeworkDone.homework_id == homework_id)
            & (HomeworkDone.student_id == student_id)
        )
        .first()
    )
    return current["done"], current["changed_at"], False
