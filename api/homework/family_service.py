"""Family-side homework queries: the list by due date (one round trip per table) and the done upsert."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from api.homework.family_structs import Attachment, HomeworkItem, LessonContentOut
from api.timetable.family_service import Audience, names_by_id, subjects_by_id
from db.homework.tables import Homework, HomeworkAttachment, HomeworkDone
from db.timetable.tables import Lesson, LessonContent

_LIST_SQL = """
SELECT h.id, h.subject_id, h.teacher_id, h.lesson_id, h.given_on, h.due_on, h.html, h.estimated_minutes,
       d.done, d.changed_at AS done_changed_at
FROM homework h
LEFT JOIN homework_done d ON d.school_id = h.school_id AND d.homework_id = h.id AND d.student_id = {}
WHERE h.school_id = {} AND (h.class_id = ANY({}::uuid[]) OR h.group_id = ANY({}::uuid[]))
  AND h.due_on BETWEEN {} AND {}
ORDER BY h.due_on, h.given_on, h.id
"""

_CONTENTS_SQL = """
SELECT l.id AS lesson_id, l.date, l.subject_id, c.title, c.html
FROM lesson l JOIN lesson_content c ON c.school_id = l.school_id AND c.lesson_id = l.id
WHERE l.school_id = {} AND (l.class_id = ANY({}::uuid[]) OR l.group_id = ANY({}::uuid[]))
  AND l.date BETWEEN {} AND {}
ORDER BY l.date DESC, l.starts_at DESC
"""

# A "done" write for a homework of this student's class/groups; a later device time wins, a resend is a no-op.
_UPSERT_DONE_SQL = """
INSERT INTO homework_done (id, school_id, homework_id, student_id, done, changed_at, last_change_id)
VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {})
ON CONFLICT (school_id, homework_id, student_id) DO UPDATE
SET done = EXCLUDED.done, changed_at = EXCLUDED.changed_at, last_change_id = EXCLUDED.last_change_id
WHERE homework_done.changed_at < EXCLUDED.changed_at
RETURNING done, changed_at
"""

CONTENT_LOOKBACK = timedelta(days=14)


def attachment_url(homework_id: UUID, attachment_id: UUID) -> str:
    return f"/api/homework/{homework_id}/attachments/{attachment_id}"


async def list_homework(
    school_id: UUID, student_id: UUID, audience: Audience, start: date, end: date
) -> tuple[list[HomeworkItem], list[LessonContentOut]]:
    rows = await Homework.raw(_LIST_SQL, student_id, school_id, audience.class_ids, audience.group_ids, start, end)
    content_rows = await Lesson.raw(
        _CONTENTS_SQL, school_id, audience.class_ids, audience.group_ids, start - CONTENT_LOOKBACK, end
    )
    homework_ids = [row["id"] for row in rows]
    attachments: dict[UUID, list[Attachment]] = {}
    if homework_ids:
        for a in (
            await HomeworkAttachment.select()
            .where((HomeworkAttachment.school_id == school_id) & HomeworkAttachment.homework_id.is_in(homework_ids))
            .order_by(HomeworkAttachment.created_at)
        ):
            attachments.setdefault(a["homework_id"], []).append(
                Attachment(
                    id=a["id"],
                    filename=a["filename"],
                    content_type=a["content_type"],
                    size_bytes=a["size_bytes"],
                    url=attachment_url(a["homework_id"], a["id"]),
                )
            )
    # Lesson content of the lessons homework was given in, even when older than the lookback.
    known_lessons = {row["lesson_id"] for row in content_rows}
    missing = [row["lesson_id"] for row in rows if row["lesson_id"] and row["lesson_id"] not in known_lessons]
    if missing:
        lessons = {
            r["id"]: r
            for r in await Lesson.select(Lesson.id, Lesson.date, Lesson.subject_id).where(
                (Lesson.school_id == school_id) & Lesson.id.is_in(missing)
            )
        }
        for c in await LessonContent.select().where(
            (LessonContent.school_id == school_id) & LessonContent.lesson_id.is_in(missing)
        ):
            lesson = lessons[c["lesson_id"]]
            content_rows.append(
                {
                    "lesson_id": c["lesson_id"],
                    "date": lesson["date"],
                    "subject_id": lesson["subject_id"],
                    "title": c["title"],
                    "html": c["html"],
                }
            )
    subjects = await subjects_by_id(
        school_id, {r["subject_id"] for r in rows} | {r["subject_id"] for r in content_rows}
    )
    teachers = await names_by_id(school_id, {r["teacher_id"] for r in rows})
    unknown = {"name": "", "color": "#777777"}
    contents = {
        r["lesson_id"]: LessonContentOut(
            lesson_id=r["lesson_id"],
            date=r["date"],
            subject=subjects.get(r["subject_id"], unknown)["name"],
            color=subjects.get(r["subject_id"], unknown)["color"],
            title=r["title"],
            html=r["html"],
        )
        for r in content_rows
    }
    items = [
        HomeworkItem(
            id=r["id"],
            subject=subjects.get(r["subject_id"], unknown)["name"],
            color=subjects.get(r["subject_id"], unknown)["color"],
            teacher=teachers.get(r["teacher_id"], ""),
            given_on=r["given_on"],
            due_on=r["due_on"],
            html=r["html"],
            estimated_minutes=r["estimated_minutes"],
            attachments=attachments.get(r["id"], []),
            done=bool(r["done"]),
            done_changed_at=r["done_changed_at"],
            lesson_content=contents.get(r["lesson_id"]) if r["lesson_id"] else None,
        )
        for r in rows
    ]
    recent = [c for c in contents.values() if c.date >= start - CONTENT_LOOKBACK]
    return items, recent


async def homework_reaches(school_id: UUID, homework_id: UUID, audience: Audience) -> bool:
    rows = await Homework.raw(
        "SELECT 1 FROM homework WHERE school_id = {} AND id = {} "
        "AND (class_id = ANY({}::uuid[]) OR group_id = ANY({}::uuid[]))",
        school_id,
        homework_id,
        audience.class_ids,
        audience.group_ids,
    )
    return bool(rows)


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
