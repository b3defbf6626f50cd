"""School-side timetable helpers shared by every school module: a teacher's lessons, the classes
and groups they teach, who sits in a class or group, and display names.

A teacher only ever reaches lessons they give and classes/groups they teach; staff and admin reach
the whole school. Refusals are 404s (ids of other classes cannot be probed).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from api.auth.principal import Principal
from api.auth.scope import teacher_classes_and_groups
from api.errors import ApiError
from db.core.tables import Enrolment, GroupMembership, SchoolClass, Subject, TeachingGroup, User
from db.timetable.tables import Lesson

LESSON_NOT_FOUND = ApiError(404, "not_found", "Cours introuvable.")
AUDIENCE_NOT_YOURS = ApiError(404, "not_found", "Classe ou groupe introuvable.")
SCHOOL_WIDE_ROLES = ("staff", "admin")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def owned_lesson(principal: Principal, lesson_id: UUID) -> dict:
    """The lesson row if this teacher gives it (staff: any lesson of the school)."""
    where = (Lesson.school_id == principal.school_id) & (Lesson.id == lesson_id)
    if principal.role not in SCHOOL_WIDE_ROLES:
        where = where & (Lesson.teacher_id == principal.user_id)
    row = await Lesson.select().where(where).first()
    if row is None:
        raise LESSON_NOT_FOUND
    return row


async def require_audience(principal: Principal, class_id: UUID | None, group_id: UUID | None) -> None:
    """Exactly one of class/group, existing in the school, and taught by this teacher."""
    if (class_id is None) == (group_id is None):
        raise ApiError(400, "invalid_audience", "Choisissez une classe ou un groupe.")
    if principal.role in SCHOOL_WIDE_ROLES:
        table = SchoolClass if class_id else TeachingGroup
        if not await table.exists().where(
            (table.school_id == principal.school_id) & (table.id == (class_id or group_id))
        ):
            raise AUDIENCE_NOT_YOURS
        return
    classes, groups = await teacher_classes_and_groups(principal)
    if (class_id and class_id not in classes) or (group_id and group_id not in groups):
        raise AUDIENCE_NOT_YOURS


async def students_of(school_id: UUID, class_id: UUID | None, group_id: UUID | None) -> list[dict]:
    """The students of a class or group, sorted as a register: {id, first_name, last_name}."""
    if class_id:
        rows = await Enrolment.select(Enrolment.student_id).where(
            (Enrolment.school_id == school_id) & (Enrolment.class_id == class_id)
        )
    else:
        rows = await GroupMembership.select(GroupMembership.student_id).where(
            (GroupMembership.school_id == school_id) & (GroupMembership.group_id == group_id)
        )
    ids = [r["student_id"] for r in rows]
    if not ids:
        return []
    students = await User.select(User.id, User.first_name, User.last_name).where(
        (User.school_id == school_id) & User.id.is_in(ids) & (User.role == "student")
    )
    return sorted(students, key=lambda s: (s["last_name"].lower(), s["first_name"].lower()))


async def names_by_id(table, school_id: UUID, ids) -> dict[UUID, str]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    rows = await table.select(table.id, table.name).where((table.school_id == school_id) & table.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


async def audience_label(school_id: UUID, class_id: UUID | None, group_id: UUID | None) -> str:
    if class_id:
        return (await names_by_id(SchoolClass, school_id, [class_id])).get(class_id, "")
    return (await names_by_id(TeachingGroup, school_id, [group_id])).get(group_id, "")


async def subject_names(school_id: UUID, ids) -> dict[UUID, str]:
    return await names_by_id(Subject, school_id, ids)


def at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)
