"""Builders for the school-side tests: a school with two classes, their teachers and lessons."""

from __future__ import annotations

from datetime import date, time

import msgspec

from db.core.tables import Period, SchoolYear
from db.timetable.tables import Lesson
from tests.factories import Ref, assign_teacher, enrol, link_parent, make_class, make_school, make_subject, make_user

MONDAY = date(2026, 11, 23)


class SchoolSetup(msgspec.Struct):
    school: Ref
    class_4a: Ref
    class_3b: Ref
    subject: Ref
    teacher_4a: Ref  # teaches maths to 4e A
    teacher_3b: Ref  # teaches maths to 3e B
    staff: Ref
    student_4a: Ref
    other_4a: Ref
    parent_4a: Ref
    student_3b: Ref
    lesson_4a: Ref
    lesson_3b: Ref


async def make_lesson(
    teacher: Ref,
    subject: Ref,
    *,
    class_ref: Ref | None = None,
    group: Ref | None = None,
    day: date = MONDAY,
    starts: time = time(8, 0),
    ends: time = time(9, 0),
) -> Ref:
    row = Lesson(
        school_id=teacher.school_id,
        teacher_id=teacher.id,
        subject_id=subject.id,
        class_id=class_ref.id if class_ref else None,
        group_id=group.id if group else None,
        date=day,
        starts_at=starts,
        ends_at=ends,
        room="B12",
    )
    await row.save()
    return Ref(id=row.id, school_id=teacher.school_id)


async def make_period(school: Ref) -> Ref:
    year = await SchoolYear.select(SchoolYear.id).where(SchoolYear.school_id == school.school_id).first()
    row = Period(
        school_id=school.school_id,
        school_year_id=year["id"],
        name="Trimestre 1",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 5),
    )
    await row.save()
    return Ref(id=row.id, school_id=school.school_id)


async def school_setup() -> SchoolSetup:
    school = await make_school()
    class_4a, class_3b = await make_class(school, "4e A"), await make_class(school, "3e B")
    subject = await make_subject(school)
    teacher_4a = await make_user(school, "teacher", first_name="Paul", last_name="Durand")
    teacher_3b = await make_user(school, "teacher", first_name="Anne", last_name="Roux")
    staff = await make_user(school, "staff", first_name="Marc", last_name="Cpe")
    await assign_teacher(teacher_4a, subject, class_ref=class_4a)
    await assign_teacher(teacher_3b, subject, class_ref=class_3b)
    student_4a = await make_user(school, "student", first_name="Léa", last_name="Bernard")
    other_4a = await make_user(school, "student", first_name="Tom", last_name="Petit")
    student_3b = await make_user(school, "student", first_name="Noé", last_name="Garnier")
    parent_4a = await make_user(school, "parent", first_name="Sophie", last_name="Bernard")
    await enrol(student_4a, class_4a)
    await enrol(other_4a, class_4a)
    await enrol(student_3b, class_3b)
    await link_parent(parent_4a, student_4a)
    await make_period(school)
    return SchoolSetup(
        school=school,
        class_4a=class_4a,
        class_3b=class_3b,
        subject=subject,
        teacher_4a=teacher_4a,
        teacher_3b=teacher_3b,
        staff=staff,
        student_4a=student_4a,
        other_4a=other_4a,
        parent_4a=parent_4a,
        student_3b=student_3b,
        lesson_4a=await make_lesson(teacher_4a, subject, class_ref=class_4a),
        lesson_3b=await make_lesson(teacher_3b, subject, class_ref=class_3b),
    )
