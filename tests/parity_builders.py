"""Builders for the parity tests (issue #14): a school whose year and periods surround today, two
classes with a family each, their teachers, vie scolaire, the head of school, and another school."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import msgspec
from pypdf import PdfReader

from api.clock import now
from db.core.tables import SchoolYear
from tests.factories import Ref, assign_teacher, enrol, link_parent, make_class, make_school, make_subject, make_user
from tests.family_builders import make_period, today
from tests.fixtures.api import sign_in
from tests.fixtures.browser import espace_context

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Setup(msgspec.Struct):
    school: Ref
    period: Ref  # the period around today
    class_4a: Ref
    class_5a: Ref
    maths: Ref
    french: Ref
    teacher: Ref  # maths in 4e A
    other_teacher: Ref  # maths in 5e A
    student: Ref  # 4e A
    classmate: Ref  # 4e A
    parent: Ref  # the student's
    student_5a: Ref
    parent_5a: Ref  # another family, another class
    staff: Ref
    admin: Ref
    foreign_admin: Ref  # another school
    foreign_staff: Ref
    foreign_parent: Ref


async def _year_around_today(school: Ref) -> None:
    await SchoolYear.update(
        {SchoolYear.starts_on: today() - timedelta(days=120), SchoolYear.ends_on: today() + timedelta(days=200)}
    ).where(SchoolYear.school_id == school.id)


async def setup() -> Setup:
    school, other = await make_school(), await make_school("Autre collège")
    await _year_around_today(school)
    class_4a, class_5a = await make_class(school, "4e A"), await make_class(school, "5e A")
    maths, french = await make_subject(school), await make_subject(school, "Français", "#d62728")
    teacher = await make_user(school, "teacher", first_name="Hélène", last_name="Lefèvre")
    other_teacher = await make_user(school, "teacher", first_name="Yann", last_name="Le Gall")
    await assign_teacher(teacher, maths, class_ref=class_4a)
    await assign_teacher(other_teacher, maths, class_ref=class_5a)
    student = await make_user(school, "student", first_name="Lucas", last_name="Moreau")
    classmate = await make_user(school, "student", first_name="Léa", last_name="Bernard")
    parent = await make_user(school, "parent", first_name="Aurélie", last_name="Moreau", email="aurelie@example.fr")
    student_5a = await make_user(school, "student", first_name="Inès", last_name="Benali")
    parent_5a = await make_user(school, "parent", first_name="Karim", last_name="Benali", email="karim@example.fr")
    for pupil, school_class in ((student, class_4a), (classmate, class_4a), (student_5a, class_5a)):
        await enrol(pupil, school_class)
    await link_parent(parent, student)
    await link_parent(parent_5a, student_5a)
    foreign_family_student = await make_user(other, "student", first_name="Zoé")
    foreign_parent = await make_user(other, "parent", first_name="Paul")
    await link_parent(foreign_parent, foreign_family_student)
    return Setup(
        school=school,
        period=await make_period(school),
        class_4a=class_4a,
        class_5a=class_5a,
        maths=maths,
        french=french,
        teacher=teacher,
        other_teacher=other_teacher,
        student=student,
        classmate=classmate,
        parent=parent,
        student_5a=student_5a,
        parent_5a=parent_5a,
        staff=await make_user(school, "staff", first_name="Stéphane", last_name="Girard", email="cpe@example.fr"),
        admin=await make_user(school, "admin", first_name="Olivier", last_name="Marchand"),
        foreign_admin=await make_user(other, "admin", first_name="Marc"),
        foreign_staff=await make_user(other, "staff", first_name="Lise"),
        foreign_parent=foreign_parent,
    )


async def signed_in(new_client, user: Ref):
    client = await new_client()
    await sign_in(client, user)
    return client


def pdf_text(content: bytes) -> str:
    """The text of a PDF as a reader copies it (pypdf: embedded fonts read through their ToUnicode map)."""
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def make_class_evaluation(
    teacher: Ref,
    subject: Ref,
    period: Ref,
    class_ref: Ref,
    *,
    grades: list[tuple[Ref, float]] = (),
    levels: list[tuple[Ref, list[str]]] = (),
    published: bool = True,
    coefficient: str = "1",
) -> Ref:
    """An evaluation of a class: grades [(student, value on 20)] and competence levels [(student, [level…])]."""
    from db.evaluations.tables import Competence, CompetenceResult, Evaluation, Grade

    sid = teacher.school_id
    row = Evaluation(
        school_id=sid,
        teacher_id=teacher.id,
        subject_id=subject.id,
        period_id=period.id,
        class_id=class_ref.id,
        title="Contrôle",
        given_on=today() - timedelta(days=3),
        graded=bool(grades),
        out_of=Decimal("20") if grades else None,
        coefficient=Decimal(coefficient) if grades else None,
        publish_at=now() - timedelta(hours=1) if published else None,
    )
    await row.save()
    for student, value in grades:
        await Grade.insert(Grade(school_id=sid, evaluation_id=row.id, student_id=student.id, value=Decimal(str(value))))
    for student, student_levels in levels:
        for level in student_levels:
            competence = Competence(school_id=sid, code="D1", label="Comprendre", domain="D1")
            await competence.save()
            await CompetenceResult.insert(
                CompetenceResult(
                    school_id=sid, evaluation_id=row.id, competence_id=competence.id, student_id=student.id, level=level
                )
            )
    return Ref(id=row.id, school_id=sid)


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


async def make_homework(teacher: Ref, subject: Ref, class_ref: Ref, *, given: int = -2, due: int = 3) -> Ref:
    """Homework for a class, given and due `given` / `due` days from today."""
    from db.homework.tables import Homework

    row = Homework(
        school_id=teacher.school_id,
        teacher_id=teacher.id,
        subject_id=subject.id,
        class_id=class_ref.id,
        given_on=today() + timedelta(days=given),
        due_on=today() + timedelta(days=due),
        html="<p>Rédiger la synthèse du chapitre 3.</p>",
        updated_at=now(),
    )
    await row.save()
    return Ref(id=row.id, school_id=teacher.school_id)


async def espace(browser, live_server: str, user: Ref, path: str, *, phone: bool = False):
    """(context, page) of `user` signed in to the espace at `path`; a JavaScript error fails the test when
    it closes the context: the errors are collected in a list and asserted after closing (in `finally`),
    never from inside a Playwright listener, whose error Playwright would raise in a later, unrelated call."""
    context, page = await espace_context(browser, live_server, user, viewport=(360, 740) if phone else (1280, 900))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    close = context.close

    async def close_then_check(**options) -> None:
        try:
            await close(**options)
        finally:
            assert not errors, f"JavaScript errors: {errors}"

    context.close = close_then_check
    await page.goto(f"{live_server}{path}")
    return context, page
