"""A teacher evaluates a class or group on competences (four levels), optionally with a grade, and
publishes the evaluation to families now or at a date. Families only see it once publish_at has passed."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from api.auth.principal import Principal
from api.bulletins.frozen import freeze_due
from api.clock import now
from api.errors import ApiError
from api.evaluations.school_structs import (
    CompetenceOut,
    EvaluationIn,
    EvaluationOut,
    PublishIn,
    ResultsIn,
    StudentResults,
)
from api.push import events
from api.timetable.school_service import audience_label, require_audience, students_of, subject_names
from db.core.tables import Period, TeachingService
from db.evaluations.tables import LEVELS, Competence, CompetenceResult, Evaluation, EvaluationCompetence, Grade

GRADE_STATUSES = ("", "absent", "dispensé", "non rendu")
NOT_FOUND = ApiError(404, "not_found", "Évaluation introuvable.")


async def competences(school_id: UUID) -> list[CompetenceOut]:
    rows = await Competence.select().where(Competence.school_id == school_id).order_by(Competence.code)
    return [CompetenceOut(id=r["id"], code=r["code"], label=r["label"], domain=r["domain"]) for r in rows]


async def _teaches_subject(principal: Principal, data: EvaluationIn) -> None:
    await require_audience(principal, data.class_id, data.group_id)
    if principal.role != "teacher":
        return
    where = (
        (TeachingService.school_id == principal.school_id)
        & (TeachingService.teacher_id == principal.user_id)
        & (TeachingService.subject_id == data.subject_id)
    )
    where = where & (
        (TeachingService.class_id == data.class_id) if data.class_id else (TeachingService.group_id == data.group_id)
    )
    if not await TeachingService.exists().where(where):
        raise ApiError(404, "not_found", "Vous n'enseignez pas cette matière à cette classe.")


async def create(principal: Principal, data: EvaluationIn) -> EvaluationOut:
    await _teaches_subject(principal, data)
    if data.graded and data.out_of is None:
        raise ApiError(400, "out_of_required", "Indiquez le barème de la note (noté sur…).")
    period = (
        await Period.select(Period.id)
        .where(
            (Period.school_id == principal.school_id)
            & (Period.starts_on <= data.given_on)
            & (Period.ends_on >= data.given_on)
        )
        .first()
    )
    if period is None:
        raise ApiError(400, "no_period", "Cette date n'est dans aucune période (trimestre) de l'année.")
    known = {c.id for c in await competences(principal.school_id)}
    if set(data.competence_ids) - known:
        raise ApiError(400, "unknown_competence", "Une des compétences choisies n'existe pas.")
    if not data.competence_ids and not data.graded:
        raise ApiError(400, "nothing_to_evaluate", "Choisissez au moins une compétence ou une note.")
    row = Evaluation(
        school_id=principal.school_id,
        teacher_id=principal.user_id,
        subject_id=data.subject_id,
        period_id=period["id"],
        class_id=data.class_id,
        group_id=data.group_id,
        title=data.title,
        given_on=data.given_on,
        graded=data.graded,
        out_of=_decimal(data.out_of) if data.graded else None,
        coefficient=_decimal(data.coefficient or 1) if data.graded else None,
    )
    await row.save()
    for competence_id in dict.fromkeys(data.competence_ids):
        await EvaluationCompetence.insert(
            EvaluationCompetence(school_id=principal.school_id, evaluation_id=row.id, competence_id=competence_id)
        )
    return await detail(principal, row.id)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


async def own(principal: Principal, evaluation_id: UUID) -> dict:
    row = (
        await Evaluation.select()
        .where(
            (Evaluation.school_id == principal.school_id)
            & (Evaluation.id == evaluation_id)
            & (Evaluation.teacher_id == principal.user_id)
        )
        .first()
    )
    if row is None:
        raise NOT_FOUND
    return row


async def _competences_of(school_id: UUID, evaluation_id: UUID) -> list[CompetenceOut]:
    links = await EvaluationCompetence.select(EvaluationCompetence.competence_id).where(
        (EvaluationCompetence.school_id == school_id) & (EvaluationCompetence.evaluation_id == evaluation_id)
    )
    chosen = {r["competence_id"] for r in links}
    return [c for c in await competences(school_id) if c.id in chosen]


async def listing(principal: Principal) -> list[EvaluationOut]:
    rows = (
        await Evaluation.select(Evaluation.id)
        .where((Evaluation.school_id == principal.school_id) & (Evaluation.teacher_id == principal.user_id))
        .order_by(Evaluation.given_on, ascending=False)
    )
    return [await detail(principal, r["id"], with_students=False) for r in rows]


async def detail(principal: Principal, evaluation_id: UUID, *, with_students: bool = True) -> EvaluationOut:
    row = await own(principal, evaluation_id)
    sid = principal.school_id
    chosen = await _competences_of(sid, evaluation_id)
    students: list[StudentResults] = []
    if with_students:
        results = await CompetenceResult.select().where(
            (CompetenceResult.school_id == sid) & (CompetenceResult.evaluation_id == evaluation_id)
        )
        grades = {
            g["student_id"]: g
            for g in await Grade.select().where((Grade.school_id == sid) & (Grade.evaluation_id == evaluation_id))
        }
        for s in await students_of(sid, row["class_id"], row["group_id"]):
            grade = grades.get(s["id"], {})
            students.append(
                StudentResults(
                    student_id=s["id"],
                    first_name=s["first_name"],
                    last_name=s["last_name"],
                    levels={str(r["competence_id"]): r["level"] for r in results if r["student_id"] == s["id"]},
                    grade=grade.get("value"),
                    grade_status=grade.get("status", ""),
                )
            )
    return EvaluationOut(
        id=row["id"],
        subject_id=row["subject_id"],
        class_id=row["class_id"],
        group_id=row["group_id"],
        audience=await audience_label(sid, row["class_id"], row["group_id"]),
        title=row["title"],
        given_on=row["given_on"],
        graded=row["graded"],
        out_of=row["out_of"],
        coefficient=row["coefficient"],
        publish_at=row["publish_at"],
        competences=chosen,
        levels=LEVELS,
        students=students,
    )


async def record(principal: Principal, evaluation_id: UUID, data: ResultsIn) -> EvaluationOut:
    """Upsert levels and grades; everything is checked before anything is written."""
    row = await own(principal, evaluation_id)
    sid = principal.school_id
    students = {s["id"] for s in await students_of(sid, row["class_id"], row["group_id"])}
    chosen = {c.id for c in await _competences_of(sid, evaluation_id)}
    for result in data.results:
        if result.student_id not in students or result.competence_id not in chosen:
            raise ApiError(400, "not_in_evaluation", "Un élève ou une compétence ne fait pas partie de l'évaluation.")
        if result.level is not None and result.level not in LEVELS:
            raise ApiError(400, "invalid_level", "Niveau de maîtrise inconnu.")
    for grade in data.grades:
        if not row["graded"]:
            raise ApiError(400, "not_graded", "Cette évaluation n'est pas notée.")
        if grade.student_id not in students:
            raise ApiError(400, "not_in_evaluation", "Un élève ne fait pas partie de l'évaluation.")
        if grade.status not in GRADE_STATUSES:
            raise ApiError(400, "invalid_grade_status", "Statut de note inconnu.")
        if grade.value is not None and _decimal(grade.value) > row["out_of"]:
            raise ApiError(400, "grade_above_scale", f"Une note dépasse le barème ({row['out_of']:g}).")
    await freeze_due(sid)  # a published bulletin keeps the results it showed
    for result in data.results:
        where = (
            (CompetenceResult.school_id == sid)
            & (CompetenceResult.evaluation_id == evaluation_id)
            & (CompetenceResult.student_id == result.student_id)
            & (CompetenceResult.competence_id == result.competence_id)
        )
        await CompetenceResult.delete().where(where)
        if result.level is not None:
            await CompetenceResult.insert(
                CompetenceResult(
                    school_id=sid,
                    evaluation_id=evaluation_id,
                    competence_id=result.competence_id,
                    student_id=result.student_id,
                    level=result.level,
                )
            )
    for grade in data.grades:
        await Grade.delete().where(
            (Grade.school_id == sid) & (Grade.evaluation_id == evaluation_id) & (Grade.student_id == grade.student_id)
        )
        if grade.value is not None or grade.status:
            await Grade.insert(
                Grade(
                    school_id=sid,
                    evaluation_id=evaluation_id,
                    student_id=grade.student_id,
                    value=_decimal(grade.value),
                    status=grade.status,
                )
            )
    return await detail(principal, evaluation_id)


async def publish(principal: Principal, evaluation_id: UUID, data: PublishIn) -> EvaluationOut:
    """Families see it from `at` (now by default) and are told then; publishing again moves that moment."""
    row = await own(principal, evaluation_id)
    sid, at = principal.school_id, data.at or now()
    await freeze_due(sid)  # a published bulletin keeps the results it showed
    async with events.transaction():
        await Evaluation.update({Evaluation.publish_at: at, Evaluation.revision: Evaluation.revision + 1}).where(
            (Evaluation.school_id == sid) & (Evaluation.id == evaluation_id)
        )
        already_seen = row["publish_at"] is not None and row["publish_at"] <= now()
        if not already_seen:
            await events.withdraw(sid, evaluation_id)
            subject = (await subject_names(sid, [row["subject_id"]])).get(row["subject_id"], "")
            students = await students_of(sid, row["class_id"], row["group_id"])
            await events.record(
                sid,
                [
                    events.Event(
                        "evaluation", s["id"], "notes", {"subject": subject}, source_id=evaluation_id, not_before=at
                    )
                    for s in students
                ],
            )
    return await detail(principal, evaluation_id)


async def unpublish(principal: Principal, evaluation_id: UUID) -> EvaluationOut:
    await own(principal, evaluation_id)
    await freeze_due(principal.school_id)  # a published bulletin keeps the results it showed
    async with events.transaction():
        await Evaluation.update({Evaluation.publish_at: None, Evaluation.revision: Evaluation.revision + 1}).where(
            (Evaluation.school_id == principal.school_id) & (Evaluation.id == evaluation_id)
        )
        await events.withdraw(principal.school_id, evaluation_id)  # not announced if not yet shown
    return await detail(principal, evaluation_id)
