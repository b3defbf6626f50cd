"""Family "Accueil": today's and tomorrow's lessons, homework due tomorrow, latest information, unread,
the canteen's menus of both days, the coming week's school events, the hand-ins still to make and,
for a student whose school has it on, the alert button.

One statement (api/read_models.py): it embeds the timetable's lessons, the homework list's items,
the information list's posts, the canteen's menus and the calendar's events fragments, so each
screen shows the same thing the same way. "Today" is the school's (its time zone).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from api import clock
from api.alerts.settings import ALERTS_OPEN
from api.canteen.read import menus_json
from api.canteen.structs import MenuOut
from api.communication.family_read import UNREAD_DISCUSSIONS_COUNT, posts_json, unread_posts_count
from api.communication.family_structs import PostOut
from api.events.read import events_json
from api.events.structs import EventOut
from api.homework.family_read import homework_items_json
from api.homework.family_structs import HomeworkItem
from api.read_models import READ_RESPONSES, FamilyRead, family_read, read_response, reader_today
from api.timetable.family import LessonOut
from api.timetable.family_read import lessons_json

LATEST_INFORMATION = 3
EVENT_DAYS = 7  # today and the six days after

# Homework to hand in online that the student has not handed in yet, before its deadline ($6 now).
_HAND_INS_DUE = """(SELECT count(*) FROM homework h
    JOIN homework_hand_in r ON r.school_id = $1 AND r.homework_id = h.id
    LEFT JOIN homework_submission sub ON sub.school_id = $1 AND sub.homework_id = h.id
                                     AND sub.student_id = a.student_id
    WHERE h.school_id = $1 AND reaches(a.class_ids, a.group_ids, h.class_id, h.group_id)
      AND r.deadline > $6::timestamptz AND sub.handed_in_at IS NULL)"""

# $1 school, $2 reader, $3 student, $4 today, $5 the next school day, $6 now.
HOME_SQL = f"""
SELECT json_build_object(
    'student_id', a.student_id, 'today', $4::date, 'tomorrow', $5::date,
    'lessons_today', {lessons_json("$4::date", "$4::date")},
    'lessons_tomorrow', {lessons_json("$5::date", "$5::date")},
    'homework_tomorrow', {homework_items_json("$5::date", "$5::date")},
    'information', {posts_json("$6::timestamptz", limit=LATEST_INFORMATION)},
    'unread_discussions', {UNREAD_DISCUSSIONS_COUNT},
    'unread_information', {unread_posts_count("$6::timestamptz")},
    'canteen', {menus_json("$4::date", "$5::date")},
    'events', {events_json("$4::date", f"$4::date + {EVENT_DAYS - 1}", classes="a.class_ids")},
    'hand_ins_due', {_HAND_INS_DUE},
    'alert_button', a.student_id = $2 AND {ALERTS_OPEN}
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
    canteen: list[MenuOut]  # today's and the next school day's lunch, once published
    events: list[EventOut]  # the school's and the class's, over the coming week
    hand_ins_due: int  # work to hand in online, not handed in, deadline ahead
    alert_button: bool  # the student's own Accueil, and the school has the alert button on
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
