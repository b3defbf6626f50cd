"""Family "Accueil": today's and tomorrow's lessons, homework due tomorrow, latest information, unread."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from api.auth.principal import Principal
from api.auth.scope import require_student
from api.communication.family_service import my_posts
from api.communication.family_structs import PostOut
from api.homework.family_service import list_homework
from api.homework.family_structs import HomeworkItem
from api.timetable.family import LessonOut, lessons_between
from api.timetable.family_service import audience_of, require_family, utc_now
from db.communication.tables import Discussion

_UNREAD_SQL = """
SELECT count(*) AS unread FROM discussion_participant p
JOIN discussion d ON d.school_id = p.school_id AND d.id = p.discussion_id
WHERE p.school_id = {} AND p.user_id = {} AND (p.last_read_at IS NULL OR p.last_read_at < d.last_message_at)
"""


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

    @get("/", summary="The Accueil summary of a student, for the signed-in family member")
    async def home(self, principal: NamedDependency[Principal], student_id: FromPath[UUID]) -> Home:
        require_family(principal)
        await require_student(principal, student_id)
        sid = principal.school_id
        today = utc_now().date()
        tomorrow = next_school_day(today)
        audience = await audience_of(sid, student_id)
        lessons = await lessons_between(sid, audience, today, tomorrow)
        homework, _ = await list_homework(sid, student_id, audience, tomorrow, tomorrow)
        posts = await my_posts(principal)
        unread = await Discussion.raw(_UNREAD_SQL, sid, principal.user_id)
        return Home(
            student_id=student_id,
            today=today,
            tomorrow=tomorrow,
            lessons_today=[lesson for lesson in lessons if lesson.date == today],
            lessons_tomorrow=[lesson for lesson in lessons if lesson.date == tomorrow],
            homework_tomorrow=homework,
            information=posts[:3],
            unread_discussions=unread[0]["unread"],
            unread_information=sum(not p.read for p in posts),
            generated_at=utc_now(),
        )


ROUTES = [FamilyHomeController]
