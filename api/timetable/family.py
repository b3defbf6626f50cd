"""Family timetable ("Emploi du temps"): a student's lessons for a day or a week, changes marked, and
the school events of those days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery

from api.dates import check_range, parse_day
from api.events.structs import EventOut
from api.read_models import READ_RESPONSES, FamilyRead, family_read, read_response, reader_today
from api.timetable.family_read import TIMETABLE_SQL

TIMETABLE = FamilyRead(TIMETABLE_SQL)


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
    events: list[EventOut]  # the school's and the class's events over these days
    generated_at: datetime


class FamilyTimetableController(Controller):
    path = "/api/students/{student_id:uuid}/timetable"
    tags = ["timetable"]

    @get(
        "/",
        summary="Lessons of a student between two days (a day or a week; default: this week)",
        responses=READ_RESPONSES,
    )
    async def timetable(
        self,
        request: Request,
        student_id: FromPath[UUID],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
    ) -> Response[Timetable]:
        day = await reader_today(request)
        monday = day - timedelta(days=day.weekday())
        first = parse_day(start, monday, "start")
        last = parse_day(end, first + timedelta(days=6), "end")
        check_range(first, last, 31)
        return read_response(request, await family_read(request, TIMETABLE, student_id, first, last))


ROUTES = [FamilyTimetableController]
