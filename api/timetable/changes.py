"""A lesson cancelled or moved (or put back): the timetable changes, families hear of it.

Each change raises the lesson's `revision` (calendar feeds send it as SEQUENCE, so calendar apps
update the event instead of adding one) and, when the lesson is within the coming days, records a
"lesson" notification for its students' families in the same transaction: cancelled, moved, or back
to normal after a cancellation or a move (on the day it now takes place).
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from api.auth.principal import Principal
from api.dates import school_today
from api.errors import ApiError
from api.push import events
from api.timetable.school_service import owned_lesson, students_of, subject_names
from api.timetable.school_structs import LessonChangeIn
from db.timetable.tables import Lesson

NOTIFY_HORIZON = timedelta(days=14)


async def change_lesson(principal: Principal, lesson_id: UUID, data: LessonChangeIn) -> dict:
    lesson = await owned_lesson(principal, lesson_id)
    day = data.date or lesson["date"]
    starts, ends = data.starts_at or lesson["starts_at"], data.ends_at or lesson["ends_at"]
    if ends <= starts:
        raise ApiError(400, "invalid", "La fin du cours doit suivre son début.", details={"ends_at": "order"})
    values = {
        Lesson.status: data.status,
        Lesson.status_note: data.status_note.strip(),
        Lesson.date: day,
        Lesson.starts_at: starts,
        Lesson.ends_at: ends,
        Lesson.revision: Lesson.revision + 1,
    }
    if data.room is not None:
        values[Lesson.room] = data.room.strip()
    where = (Lesson.school_id == principal.school_id) & (Lesson.id == lesson_id)
    async with events.transaction():
        await Lesson.update(values).where(where)
        today = await school_today(principal.school_id)
        soon = any(today <= d <= today + NOTIFY_HORIZON for d in (lesson["date"], day))
        put_back = data.status == "normal" and lesson["status"] in ("cancelled", "moved")
        if (data.status in ("cancelled", "moved") or put_back) and soon:
            students = await students_of(principal.school_id, lesson["class_id"], lesson["group_id"])
            subject = (await subject_names(principal.school_id, [lesson["subject_id"]])).get(lesson["subject_id"], "")
            on = day if put_back else lesson["date"]  # a lesson put back: the day it now takes place
            params = {"subject": subject, "status": data.status, "day": on.isoformat()}
            screen = f"edt/{day.isoformat()}"
            await events.record(
                principal.school_id,
                [events.Event("lesson", s["id"], screen, params, source_id=lesson_id) for s in students],
            )
    return await Lesson.select().where(where).first()
