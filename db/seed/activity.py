"""Homework (and who has done it), evaluations with competences and grades, vie scolaire."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from db.evaluations.tables import Competence, CompetenceResult, Evaluation, EvaluationCompetence, Grade
from db.homework.tables import Homework, HomeworkDone
from db.seed import content, texts
from db.seed import plan as p
from db.seed.timetable import LessonInfo
from db.vie_scolaire.tables import Absence, Lateness, Punishment, Remark


def build(plan: p.Plan) -> None:
    homework(plan)
    evaluations(plan)
    vie_scolaire(plan)


def _series(plan: p.Plan) -> dict[tuple, list[LessonInfo]]:
    series: dict[tuple, list[LessonInfo]] = {}
    for lesson in plan.lessons:  # sorted by date and time
        series.setdefault(lesson.series, []).append(lesson)
    return series


def homework(plan: p.Plan) -> None:
    """Set in a lesson, due on the next lesson of the same subject; teachers plan a week ahead at most."""
    rng = plan.rng
    horizon = plan.today + timedelta(days=7)
    for (class_name, subject, key), lessons in _series(plan).items():
        school_class = plan.classes[class_name]
        for index, lesson in enumerate(lessons):
            if not lesson.held or lesson.date > horizon or rng.random() >= content.HOMEWORK_RATE[subject]:
                continue
            due = next((later for later in lessons[index + 1 :] if later.date > lesson.date and later.held), None)
            if due is None:
                continue
            html, minutes = content.homework_text(subject, plan.chapters[lesson.series], rng)
            written = plan.past(plan.at(lesson.date, lesson.row["ends_at"]) - timedelta(minutes=rng.randint(0, 20)))
            row = plan.add(
                Homework,
                teacher_id=lesson.teacher.id,
                subject_id=plan.subjects[subject],
                class_id=None if key else school_class.id,
                group_id=school_class.groups[key].id if key else None,
                lesson_id=lesson.row["id"],
                given_on=lesson.date,
                due_on=due.date,
                html=html,
                estimated_minutes=minutes,
                created_at=written,
                updated_at=written,
            )
            if lesson.date < plan.today:
                _done(plan, row, plan.students_of(class_name, key))


def _done(plan: p.Plan, homework_row: dict, students: list[p.Student]) -> None:
    rng = plan.rng
    late = homework_row["due_on"] < plan.today
    start = plan.at(homework_row["given_on"], time(17, 0))
    end = min(plan.at(homework_row["due_on"] - timedelta(days=1), time(22, 0)), plan.now - timedelta(minutes=5))
    for student in students:
        if student.id in plan.pristine:
            continue
        chance = (0.88 if late else 0.35) + (student.ability - 12) / 40
        if rng.random() >= chance:
            continue
        span = max((end - start).total_seconds(), 3600)
        changed = plan.past(start + timedelta(seconds=rng.uniform(0, span)))
        plan.add(
            HomeworkDone,
            homework_id=homework_row["id"],
            student_id=student.id,
            done=rng.random() >= 0.04,
            changed_at=changed,
        )


def evaluation_period(plan: p.Plan) -> p.Period:
    """The term the demo's evaluations (and report cards) belong to: the current one, or the one
    before during the first two weeks of a term."""
    current = plan.current_period
    index = plan.periods.index(current)
    if (plan.today - current.starts_on).days < 14 and index > 0:
        return plan.periods[index - 1]
    return current


def evaluations(plan: p.Plan) -> None:
    rng = plan.rng
    competences = {
        code: plan.add(Competence, code=code, label=label, domain=domain)["id"]
        for code, label, domain in content.COMPETENCES
    }
    period = evaluation_period(plan)
    low = max(period.starts_on, plan.today - timedelta(days=49))
    high = max(low, min(period.ends_on, plan.today - timedelta(days=2)))
    days = plan.school_days(low, high) or [low]
    for (class_name, subject, key), teacher in plan.services.items():
        school_class = plan.classes[class_name]
        students = plan.students_of(class_name, key)
        templates = content.EVALUATIONS.get(subject, content.EVALUATIONS["default"])
        if subject not in ("FRA", "MATHS") and len(templates) > 2:
            templates = [templates[0], templates[2]]
        chapter_list = content.chapters(subject, school_class.level)
        current = plan.chapters.get((class_name, subject, key), chapter_list[0])
        earlier = chapter_list[max(0, chapter_list.index(current) - 1)]
        dates = sorted(rng.sample(days, min(len(templates), len(days))))
        for number, (template, graded, coefficient) in enumerate(templates):
            given_on = dates[min(number, len(dates) - 1)]
            chapter = earlier if number == 0 and len(templates) > 1 else current
            publish_day = min(given_on + timedelta(days=rng.randint(2, 8)), plan.today - timedelta(days=1))
            evaluation = plan.add(
                Evaluation,
                teacher_id=teacher.id,
                subject_id=plan.subjects[subject],
                period_id=period.id,
                class_id=None if key else school_class.id,
                group_id=school_class.groups[key].id if key else None,
                title=template.format(ch=chapter, Ch=content.title(chapter)),
                given_on=given_on,
                graded=graded,
                out_of=Decimal(20) if graded else None,
                coefficient=Decimal(coefficient) if graded else None,
                publish_at=plan.past(plan.at(max(publish_day, given_on), time(17, 30))),
                created_at=plan.past(plan.at(given_on, time(18, 0))),
            )
            codes = content.SUBJECT_COMPETENCES[subject]
            codes = rng.sample(codes, min(len(codes), rng.randint(1, 2) if graded else rng.randint(2, 3)))
            for code in codes:
                plan.add(EvaluationCompetence, evaluation_id=evaluation["id"], competence_id=competences[code])
            difficulty = rng.gauss(0, 1.5)
            for student in students:
                score = student.ability + difficulty + rng.gauss(0, 2.2)
                if rng.random() < 0.03:
                    if graded:
                        plan.add(
                            Grade, evaluation_id=evaluation["id"], student_id=student.id, value=None, status="absent"
                        )
                    continue
                if graded:
                    value = Decimal(round(min(20.0, max(0.0, score)) * 2) / 2).quantize(Decimal("0.01"))
                    plan.add(Grade, evaluation_id=evaluation["id"], student_id=student.id, value=value, status="")
                for code in codes:
                    plan.add(
                        CompetenceResult,
                        evaluation_id=evaluation["id"],
                        competence_id=competences[code],
                        student_id=student.id,
                        level=_level(score + rng.gauss(0, 1.5)),
                    )


def _level(score: float) -> str:
    if score >= 15.5:
        return "tres_bonne"
    if score >= 11.5:
        return "satisfaisante"
    return "fragile" if score >= 8 else "insuffisante"


def student_lessons(plan: p.Plan, student: p.Student, *, before: date) -> list[LessonInfo]:
    """Lessons the student attended (or should have) before `before`."""
    return [
        lesson
        for lesson in plan.class_lessons[student.class_name]
        if lesson.held and lesson.date < before and (lesson.group_key is None or lesson.group_key in student.groups)
    ]


def add_absence(
    plan: p.Plan,
    student: p.Student,
    state: str,
    *,
    lessons: list[LessonInfo] | None = None,
    day: date | None = None,
    reason: str | None = None,
) -> None:
    """An absence over consecutive `lessons` (a roll call), or the whole of `day` (reported by a parent)."""
    rng = plan.rng
    reason = reason if reason is not None else rng.choice(texts.ABSENCE_REASONS[state])
    if lessons:
        starts = plan.at(lessons[0].date, lessons[0].row["starts_at"])
        ends = plan.at(lessons[-1].date, lessons[-1].row["ends_at"])
        reporter, lesson_id = lessons[0].teacher.id, lessons[0].row["id"]
    else:
        starts, ends = plan.at(day, time(8, 0)), plan.at(day, time(12, 0) if day.weekday() == 2 else time(16, 30))
        # Reported by a parent through the app, or else recorded by the vie scolaire.
        parent = student.parents[0] if student.parents else None
        reporter = parent.id if parent and parent.id not in plan.pristine else plan.staff[0].id if plan.staff else None
        lesson_id = None
    plan.add(
        Absence,
        student_id=student.id,
        lesson_id=lesson_id,
        starts_at=starts,
        ends_at=ends,
        reason=reason,
        justification_state=state,
        reported_by_id=reporter,
        created_at=plan.past(starts + timedelta(minutes=rng.randint(5, 50))),
    )


def add_lateness(plan: p.Plan, student: p.Student, lesson: LessonInfo, minutes: int, justified: bool) -> None:
    occurred = plan.at(lesson.date, lesson.row["starts_at"]) + timedelta(minutes=minutes)
    plan.add(
        Lateness,
        student_id=student.id,
        lesson_id=lesson.row["id"],
        occurred_at=occurred,
        minutes=minutes,
        justified=justified,
        reason=plan.rng.choice(texts.LATENESS_REASONS[justified]),
        created_at=plan.past(occurred + timedelta(minutes=2)),
    )


def add_remark(plan: p.Plan, student: p.Student, lesson: LessonInfo, kind: str, text: str) -> None:
    plan.add(
        Remark,
        student_id=student.id,
        author_id=lesson.teacher.id,
        lesson_id=lesson.row["id"],
        kind=kind,
        text=text,
        created_at=plan.past(plan.at(lesson.date, lesson.row["ends_at"])),
    )


def vie_scolaire(plan: p.Plan) -> None:
    rng = plan.rng
    count = len(plan.students)
    featured = {student.id for student in plan.featured}  # the demo adds theirs by hand
    pool = [student for student in plan.students if student.id not in featured]
    older_days = plan.school_days(plan.monday - timedelta(weeks=5), plan.monday - timedelta(weeks=1, days=1))
    states = ["justified", "unjustified", "pending", "refused"]
    for student in rng.sample(pool, min(len(pool), round(count * 0.15))):
        state = rng.choices(states, weights=[45, 20, 20, 15])[0]
        lessons = student_lessons(plan, student, before=plan.today)
        if lessons and rng.random() < 0.6:
            first = rng.randrange(len(lessons))
            same_day = [lesson for lesson in lessons[first : first + 2] if lesson.date == lessons[first].date]
            add_absence(plan, student, state, lessons=same_day)
        elif older_days:
            add_absence(plan, student, state, day=rng.choice(older_days))
    for student in rng.sample(pool, min(len(pool), round(count * 0.1))):
        lessons = [lesson for lesson in student_lessons(plan, student, before=plan.today) if lesson.slot in (0, 4)]
        if lessons:
            add_lateness(plan, student, rng.choice(lessons), rng.randint(3, 20), rng.random() < 0.4)
    for student in rng.sample(pool, min(len(pool), round(count * 0.25))):
        lessons = student_lessons(plan, student, before=plan.today)
        if lessons:
            kind, choices = rng.choices(texts.REMARKS, weights=texts.REMARK_WEIGHTS)[0]
            add_remark(plan, student, rng.choice(lessons), kind, rng.choice(choices))
    cpe = plan.staff[0] if plan.staff else plan.teachers[0]
    for student in rng.sample(pool, min(len(pool), max(1, round(count * 0.04)))):
        kind, reasons = rng.choices(texts.PUNISHMENTS, weights=[5, 3, 1])[0]
        lessons = student_lessons(plan, student, before=plan.today)
        author = rng.choice(lessons).teacher if lessons and kind != "Retenue" else cpe
        given = rng.choice(lessons).date if lessons else plan.today - timedelta(days=3)
        due = None
        if kind == "Retenue":
            due = given + timedelta(days=(2 - given.weekday()) % 7 or 7)  # the next Wednesday afternoon
        elif kind == "Devoir supplémentaire":
            due = given + timedelta(days=rng.randint(2, 5))
        plan.add(
            Punishment,
            student_id=student.id,
            author_id=author.id,
            kind=kind,
            reason=rng.choice(reasons),
            due_on=due,
            done=due is None or due < plan.today,
            created_at=plan.past(datetime.combine(given, time(17, 10), tzinfo=p.PARIS)),
        )
