"""School side of the timetable: a teacher's week of lessons and what was done in each (contenu de séance).

GET  /api/school/lessons?week=YYYY-MM-DD   the teacher's lessons of that week (any day of it), with the
                                           school calendar's events their classes see
GET  /api/school/lessons/{id}/content      the lesson's content
PUT  /api/school/lessons/{id}/content      write it (HTML sanitised on the way in)
GET  /api/school/teaching                  the classes and groups the teacher teaches, by subject
PATCH /api/school/lessons/{id}             cancel or move a lesson, or put it back (families are told)
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from litestar import Controller, get, patch, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.auth.scope import students_taught_by
from api.clock import now
from api.dates import require_school_date, school_today
from api.events.read import school_events, teacher_events
from api.html import sanitize_html
from api.openapi import errors
from api.people import StudentCard, student_cards
from api.timetable.changes import change_lesson
from api.timetable.school_service import audience_label, monday_of, names_by_id, owned_lesson, subject_names
from api.timetable.school_structs import (
    LessonChangeIn,
    LessonContentIn,
    LessonContentOut,
    TeacherLesson,
    TeacherWeek,
    Teaching,
)
from db.core.tables import SchoolClass, TeachingGroup, TeachingService
from db.timetable.tables import Lesson, LessonContent


class SchoolTimetableController(Controller):
    path = "/api/school"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("teacher", "staff", "admin"))}

    @get("/lessons", summary="A teacher's lessons for one week")
    async def week(self, principal: NamedDependency[Principal], week: FromQuery[date | None] = None) -> TeacherWeek:
        monday = monday_of(require_school_date(week, "week") if week else await school_today(principal.school_id))
        rows = (
            await Lesson.select()
            .where(
                (Lesson.school_id == principal.school_id)
                & (Lesson.teacher_id == principal.user_id)
                & (Lesson.date >= monday)
                & (Lesson.date < monday + timedelta(days=7))
            )
            .order_by(Lesson.date)
            .order_by(Lesson.starts_at)
        )
        sid = principal.school_id
        subjects = await subject_names(sid, [r["subject_id"] for r in rows])
        classes = await names_by_id(SchoolClass, sid, [r["class_id"] for r in rows])
        groups = await names_by_id(TeachingGroup, sid, [r["group_id"] for r in rows])
        with_content = set()
        if rows:
            contents = await LessonContent.select(LessonContent.lesson_id, LessonContent.html).where(
                (LessonContent.school_id == sid) & LessonContent.lesson_id.is_in([r["id"] for r in rows])
            )
            with_content = {c["lesson_id"] for c in contents if c["html"]}
        sunday = monday + timedelta(days=6)
        if principal.role == "teacher":
            week_events = await teacher_events(sid, principal.user_id, monday, sunday)
        else:
            week_events = (await school_events(sid, monday, sunday)).events
        return TeacherWeek(
            week=monday,
            events=week_events,
            lessons=[
                TeacherLesson(
                    id=r["id"],
                    date=r["date"],
                    starts_at=r["starts_at"],
                    ends_at=r["ends_at"],
                    subject_id=r["subject_id"],
                    subject=subjects.get(r["subject_id"], ""),
                    class_id=r["class_id"],
                    group_id=r["group_id"],
                    audience=classes.get(r["class_id"]) or groups.get(r["group_id"], ""),
                    room=r["room"],
                    status=r["status"],
                    has_content=r["id"] in with_content,
                )
                for r in rows
            ],
        )

    @get("/lessons/{lesson_id:uuid}/content", summary="What was done in a lesson")
    async def content(self, principal: NamedDependency[Principal], lesson_id: FromPath[UUID]) -> LessonContentOut:
        await owned_lesson(principal, lesson_id)
        row = (
            await LessonContent.select()
            .where((LessonContent.school_id == principal.school_id) & (LessonContent.lesson_id == lesson_id))
            .first()
        )
        if row is None:
            return LessonContentOut(title="", html="", updated_at=None)
        return LessonContentOut(title=row["title"], html=row["html"], updated_at=row["updated_at"])

    @put("/lessons/{lesson_id:uuid}/content", summary="Write what was done in a lesson")
    async def write_content(
        self, principal: NamedDependency[Principal], lesson_id: FromPath[UUID], data: JSONBody[LessonContentIn]
    ) -> LessonContentOut:
        await owned_lesson(principal, lesson_id)
        html, moment = sanitize_html(data.html), now()
        where = (LessonContent.school_id == principal.school_id) & (LessonContent.lesson_id == lesson_id)
        if await LessonContent.exists().where(where):
            await LessonContent.update(
                {LessonContent.title: data.title, LessonContent.html: html, LessonContent.updated_at: moment}
            ).where(where)
        else:
            await LessonContent.insert(
                LessonContent(
                    school_id=principal.school_id, lesson_id=lesson_id, title=data.title, html=html, updated_at=moment
                )
            )
        return LessonContentOut(title=data.title, html=html, updated_at=moment)

    @patch("/lessons/{lesson_id:uuid}", summary="Cancel or move a lesson, or put it back", responses=errors(404))
    async def change(
        self, principal: NamedDependency[Principal], lesson_id: FromPath[UUID], data: JSONBody[LessonChangeIn]
    ) -> TeacherLesson:
        row = await change_lesson(principal, lesson_id, data)
        sid = principal.school_id
        return TeacherLesson(
            id=row["id"],
            date=row["date"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            subject_id=row["subject_id"],
            subject=(await subject_names(sid, [row["subject_id"]])).get(row["subject_id"], ""),
            class_id=row["class_id"],
            group_id=row["group_id"],
            audience=await audience_label(sid, row["class_id"], row["group_id"]),
            room=row["room"],
            status=row["status"],
            has_content=await LessonContent.exists().where(
                (LessonContent.school_id == sid) & (LessonContent.lesson_id == lesson_id) & (LessonContent.html != "")
            ),
        )

    @get("/teaching", summary="The classes and groups a teacher teaches")
    async def teaching(self, principal: NamedDependency[Principal]) -> list[Teaching]:
        rows = await TeachingService.select().where(
            (TeachingService.school_id == principal.school_id) & (TeachingService.teacher_id == principal.user_id)
        )
        subjects = await subject_names(principal.school_id, [r["subject_id"] for r in rows])
        result = [
            Teaching(
                subject_id=r["subject_id"],
                subject=subjects.get(r["subject_id"], ""),
                class_id=r["class_id"],
                group_id=r["group_id"],
                audience=await audience_label(principal.school_id, r["class_id"], r["group_id"]),
            )
            for r in rows
        ]
        return sorted(result, key=lambda t: (t.audience, t.subject))

    @get("/teaching/students", summary="The students a teacher teaches, with their class (to write to a family)")
    async def taught_students(self, principal: NamedDependency[Principal]) -> list[StudentCard]:
        students = await students_taught_by(principal) if principal.role == "teacher" else set()
        return list((await student_cards(principal.school_id, list(students))).values())


ROUTES = [SchoolTimetableController]
