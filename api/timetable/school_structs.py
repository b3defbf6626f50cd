"""Shapes of the school-side timetable API (teacher's week, lesson page, lesson content)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID

import msgspec

from api.events.structs import EventOut


class TeacherLesson(msgspec.Struct):
    id: UUID
    date: date
    starts_at: time
    ends_at: time
    subject_id: UUID
    subject: str
    class_id: UUID | None
    group_id: UUID | None
    audience: str  # "4e A" or the group's name
    room: str
    status: str
    has_content: bool


class TeacherWeek(msgspec.Struct):
    week: date  # the Monday
    lessons: list[TeacherLesson]
    # The school calendar's events of the week: the whole school's and the teacher's classes' (staff and
    # direction: every event).
    events: list[EventOut] = []


class LessonContentIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(max_length=200)] = ""
    html: Annotated[str, msgspec.Meta(max_length=20000)] = ""


class LessonContentOut(msgspec.Struct):
    title: str
    html: str
    updated_at: datetime | None


class Teaching(msgspec.Struct):
    """One line of a teacher's service: a subject taught to a class or a group."""

    subject_id: UUID
    subject: str
    class_id: UUID | None
    group_id: UUID | None
    audience: str


class LessonChangeIn(msgspec.Struct, forbid_unknown_fields=True):
    """A change families must know of: the lesson cancelled, moved (new day or hours), or back to normal."""

    status: Annotated[str, msgspec.Meta(pattern=r"^(normal|cancelled|moved)$")]
    status_note: Annotated[str, msgspec.Meta(max_length=200)] = ""
    date: date | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    room: Annotated[str, msgspec.Meta(max_length=30)] | None = None
