"""Family "Accueil": today's and tomorrow's lessons, homework due tomorrow, latest information, unread.

One statement (api/read_models.py): it embeds the timetable's lessons, the homework list's items
and the information list's posts fragments, so each screen shows the same thing the same way.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from api import clock
from api.communication.family_read import UNREAD_DISCUSSIONS_COUNT, posts_json, unread_posts_count
from api.communication.family_structs import PostOut
from api.homework.family_read import homework_items_json
from api.homework.family_structs import HomeworkItem
from api.read_models import READ_RESPONSES, FamilyRead, family_read, read_response, reader_today
from api.timetable.family import LessonOut
from api.timetable.family_read import lessons_json

LATEST_INFORMATION = 3

# $1 school, $2 reader, $3 student, $4 today, $5 the next school day, $6 now.
HOME_SQL = f"""
SELECT json_build_object(
    'student_id', a.student_id, 'today', $4::date, 'tomorrow', $5::date,
    'lessons_today', {lessons_json("$4::date", "$4::date")},
    'lessons_tomorrow', {lessons_json("$5::date", "$5::date")},
    'homework_tomorrow', {homework_items_json("$5::date", "$5::date")},
    'information', {posts_json("$6::timestamptz", limit=LATEST_INFORMATION)},
    'unread_discussions', {UNREAD_DISCUSSIONS_COUNT},
    'unread_information', {unread_posts_count("$6::timestamptz")}
)::text
FROM family_audience($1, $2, $3) a
"""


HOME = FamilyRead(HOME_SQL)


class Home(msgspec.Struct):
    student_id: UUID
    today: date
    tomorrow: date
    lessons_today: list[LessonOut]
    lessons_tomorrow: list[LessonOut]
    homework_tomorrow: list[HomeworkItem]  # "Pour demain"
    information: list[PostOut]  # the latest few
    unread_discussions: int
    unread_information: int
    generated_at: datetime


def next_school_day(day: date) -> date:
    """Friday's "demain" is Monday, as in the PRONOTE app."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


class FamilyHomeController(Controller):
    path = "/api/students/{student_id:uuid}/home"
    tags = ["home"]

    @get("/", summary="The Accueil summary of a student, for the signed-in family member", responses=READ_RESPONSES)
    async def home(self, request: Request, student_id: FromPath[UUID]) -> Response[Home]:
        today = await reader_today(request)
        body = await family_read(request, HOME, student_id, today, next_school_day(today), clock.now())
        return read_response(request, body)


ROUTES = [FamilyHomeController]
