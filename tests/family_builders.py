"""Builders for the family app's data: lessons, lesson content, homework, evaluations, vie scolaire, posts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from api.clock import today_in
from api.dates import DEFAULT_ZONE
from db.communication.tables import (
    Discussion,
    DiscussionParticipant,
    InformationPost,
    InformationRecipient,
    Message,
    SurveyQuestion,
)
from db.core.tables import Period, SchoolYear
from db.evaluations.tables import Competence, CompetenceResult, Evaluation, EvaluationCompetence, Grade
from db.homework.tables import Homework, HomeworkAttachment
from db.timetable.tables import Lesson, LessonContent
from db.vie_scolaire.tables import Absence, Lateness, Punishment, Remark
from tests.factories import Ref, make_subject, make_user


def today() -> date:
    """The test school's day (Europe/Paris, the default zone), the day its family screens open on."""
    return today_in(DEFAULT_ZONE)


def utc(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), timezone.utc)


async def make_lesson(
    teacher: Ref,
    subject: Ref,
    *,
    class_ref: Ref | None = None,
    group: Ref | None = None,
    day: date | None = None,
    hour: int = 8,
    status: str = "normal",
    status_note: str = "",
    content: str | None = None,
) -> Ref:
    lesson = Lesson(
        school_id=teacher.school_id,
        teacher_id=teacher.id,
        subject_id=subject.id,
        class_id=class_ref.id if class_ref else None,
        group_id=group.id if group else None,
        date=day or today(),
        starts_at=time(hour),
        ends_at=time(hour, 55),
        room="B12",
        status=status,
        status_note=status_note,
    )
    await lesson.save()
    if content is not None:
        await LessonContent.insert(
            LessonContent(
                school_id=teacher.school_id,
                lesson_id=lesson.id,
                title="Séance",
                html=content,
                updated_at=utc(lesson.date),
            )
        )
    return Ref(id=lesson.id, school_id=teacher.school_id)


async def make_homework(
    teacher: Ref,
    subject: Ref,
    *,
    class_ref: Ref | None = None,
    group: Ref | None = None,
    due_in_days: int = 1,
    html: str = "<p>Exercice 3 p. 42</p>",
    lesson: Ref | None = None,
    minutes: int | None = 20,
    attachment: str | None = None,
) -> Ref:
    hw = Homework(
        school_id=teacher.school_id,
        teacher_id=teacher.id,
        subject_id=subject.id,
        class_id=class_ref.id if class_ref else None,
        group_id=group.id if group else None,
        lesson_id=lesson.id if lesson else None,
        given_on=today(),
        due_on=today() + timedelta(days=due_in_days),
        html=html,
        estimated_minutes=minutes,
        updated_at=utc(today()),
    )
    await hw.save()
    if attachment:
        await HomeworkAttachment.insert(
            HomeworkAttachment(
                school_id=teacher.school_id,
                homework_id=hw.id,
                filename=attachment,
                content_type="application/pdf",
                size_bytes=1234,
                storage_key="k" + hw.id.hex,
            )
        )
    return Ref(id=hw.id, school_id=teacher.school_id)


async def make_teacher_of(
    family,
    subject_name: str = "Mathématiques",
    color: str = "#1f77b4",
    *,
    first_name: str = "Paul",
    last_name: str = "Durand",
):
    from tests.factories import assign_teacher

    teacher = await make_user(family.school, "teacher", first_name=first_name, last_name=last_name)
    subject = await make_subject(family.school, subject_name, color)
    await assign_teacher(teacher, subject, class_ref=family.class_ref)
    return teacher, subject


async def make_period(school: Ref, name: str = "Trimestre 1") -> Ref:
    year = await SchoolYear.select(SchoolYear.id).where(SchoolYear.school_id == school.school_id).first()
    period = Period(
        school_id=school.school_id,
        school_year_id=year["id"],
        name=name,
        starts_on=today() - timedelta(days=60),
        ends_on=today() + timedelta(days=30),
    )
    await period.save()
    return Ref(id=period.id, school_id=school.school_id)


async def make_evaluation(
    teacher: Ref,
    subject: Ref,
    period: Ref,
    class_ref: Ref,
    student: Ref,
    *,
    title: str = "Contrôle",
    grade: str | None = "15",
    published: bool = True,
    level: str | None = "satisfaisante",
) -> Ref:
    ev = Evaluation(
        school_id=teacher.school_id,
        teacher_id=teacher.id,
        subject_id=subject.id,
        period_id=period.id,
        class_id=class_ref.id,
        title=title,
        given_on=today(),
        graded=grade is not None,
        out_of=Decimal("20") if grade else None,
        coefficient=Decimal("1") if grade else None,
        publish_at=(datetime.now(timezone.utc) - timedelta(hours=1))
        if published
        else datetime.now(timezone.utc) + timedelta(days=2),
    )
    await ev.save()
    if grade is not None:
        await Grade.insert(
            Grade(school_id=teacher.school_id, evaluation_id=ev.id, student_id=student.id, value=Decimal(grade))
        )
    if level:
        comp = Competence(
            school_id=teacher.school_id, code="D1.3", label="Langages mathématiques", domain="Les langages"
        )
        await comp.save()
        await EvaluationCompetence.insert(
            EvaluationCompetence(school_id=teacher.school_id, evaluation_id=ev.id, competence_id=comp.id)
        )
        await CompetenceResult.insert(
            CompetenceResult(
                school_id=teacher.school_id,
                evaluation_id=ev.id,
                competence_id=comp.id,
                student_id=student.id,
                level=level,
            )
        )
    return Ref(id=ev.id, school_id=teacher.school_id)


async def make_vie_scolaire(teacher: Ref, student: Ref) -> None:
    school_id = student.school_id
    await Absence.insert(
        Absence(
            school_id=school_id,
            student_id=student.id,
            starts_at=utc(today() - timedelta(days=2)),
            ends_at=utc(today() - timedelta(days=2), 12),
            reason="Malade",
        )
    )
    await Lateness.insert(Lateness(school_id=school_id, student_id=student.id, occurred_at=utc(today()), minutes=10))
    await Remark.insert(
        Remark(
            school_id=school_id,
            student_id=student.id,
            author_id=teacher.id,
            kind="Oubli de matériel",
            text="Cahier oublié",
        )
    )
    await Punishment.insert(
        Punishment(
            school_id=school_id,
            student_id=student.id,
            author_id=teacher.id,
            kind="Retenue",
            reason="Bavardages",
            due_on=today() + timedelta(days=3),
        )
    )


async def make_post(author: Ref, recipients: list[Ref], *, title: str = "Sortie au musée", survey: bool = False) -> Ref:
    post = InformationPost(
        school_id=author.school_id,
        author_id=author.id,
        title=title,
        html="<p>Rendez-vous à 8 h.</p>",
        is_survey=survey,
        published_at=datetime.now(timezone.utc) - timedelta(minutes=5),
    )
    await post.save()
    for user in recipients:
        await InformationRecipient.insert(
            InformationRecipient(school_id=author.school_id, post_id=post.id, user_id=user.id)
        )
    if survey:
        await SurveyQuestion.insert(
            SurveyQuestion(
                school_id=author.school_id,
                post_id=post.id,
                position=1,
                text="Votre enfant participera-t-il ?",
                kind="single",
                choices=["Oui", "Non"],
            )
        )
    return Ref(id=post.id, school_id=author.school_id)


async def make_discussion(teacher: Ref, parent: Ref, student: Ref, body: str = "Bonjour, Léa a progressé.") -> Ref:
    now = datetime.now(timezone.utc)
    d = Discussion(
        school_id=teacher.school_id,
        subject="Progrès",
        created_by_id=teacher.id,
        about_student_id=student.id,
        last_message_at=now,
    )
    await d.save()
    for user in (teacher, parent):
        await DiscussionParticipant.insert(
            DiscussionParticipant(
                school_id=teacher.school_id,
                discussion_id=d.id,
                user_id=user.id,
                last_read_at=now if user is teacher else None,
            )
        )
    await Message.insert(Message(school_id=teacher.school_id, discussion_id=d.id, author_id=teacher.id, body=body))
    return Ref(id=d.id, school_id=teacher.school_id)
