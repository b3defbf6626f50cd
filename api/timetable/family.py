"""Family timetable ("Emploi du temps"): a student's lessons for a day or a week, changes marked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from api.auth.principal import Principal
from api.auth.scope import require_student
from api.timetable.family_service import (
    Audience,
    audience_of,
    check_range,
    names_by_id,
    parse_day,
    require_family,
    subjects_by_id,
    utc_now,
)
from db.timetable.tables import Lesson

_LESSONS_SQL = """
SELECT l.id, l.teacher_id, l.subject_id, l.date, l.starts_at, l.ends_at, l.room, l.status, l.status_note,
       (c.id IS NOT NULL) AS has_content
FROM lesson l LEFT JOIN lesson_content c ON c.school_id = l.school_id AND c.lesson_id = l.id
WHERE l.school_id = {} AND (l.class_id = ANY({}::uuid[]) OR l.group_id = ANY({}::uuid[]))
  AND l.date BETWEEN {} AND {}
ORDER BY l.date, l.starts_at
"""


class LessonOut(msgspec.Struct):
    id: UUID
    date: date
    starts_at: time
    ends_at: time
    subject: str
    color: str
    teacher: str
    room: str
    status: str  # normal | cancelled | moved | exempted
    status_note: str
    has_content: bool


class Timetable(msgspec.Struct):
    student_id: UUID
    start: date
    end: date
    lessons: list[LessonOut]
    generated_at: datetime


async def lessons_between(school_id: UUID, audience: Audience, start: date, end: date) -> list[LessonOut]:
    rows = await Lesson.raw(_LESSONS_SQL, school_id, audience.class_ids, audience.group_ids, start, end)
    subjects = await subjects_by_id(school_id, {r["subject_id"] for r in rows})
    teachers = await names_by_id(school_id, {r["teacher_id"] for r in rows})
    unknown = {"name": "", "color": "#777777"}
    return [
        LessonOut(
            id=r["id"],
            date=r["date"],
            starts_at=r["starts_at"],
            ends_at=r["ends_at"],
            subject=subjects.get(r["subject_id"], unknown)["name"],
            color=subjects.get(r["subject_id"], unknown)["color"],
            teacher=teachers.get(r["teacher_id"], ""),
            room=r["room"],
            status=r["status"],
            status_note=r["status_note"],
            has_content=r["has_content"],
        )
        for r in rows
    ]


class FamilyTimetableController(Controller):
    path = "/api/students/{student_id:uuid}/timetable"
    tags = ["timetable"]

    @get("/", summary="Lessons of a student between two days (a day or a week; default: this week)")
    async def timetable(
        self,
        principal: NamedDependency[Principal],
        student_id: FromPath[UUID],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
    ) -> Timetable:
        require_family(principal)
        await require_student(principal, student_id)
        today = utc_now().date()
        monday = today - timedelta(days=today.weekday())
        first = parse_day(start, monday, "start")
        last = parse_day(end, first + timedelta(days=6), "end")
        check_range(first, last, 31)
        audience = await audience_of(principal.school_id, student_id)
        lessons = await lessons_between(principal.school_id, audience, first, last)
        return Timetable(student_id=student_id, start=first, end=last, lessons=lessons, generated_at=utc_now())


ROUTES = [FamilyTimetableController]
