"""Family "Compétences / Notes": published evaluations (publish_at <= now) by period and subject."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from api.auth.principal import Principal
from api.auth.scope import require_student
from api.errors import ApiError
from api.timetable.family_service import audience_of, require_family, subjects_by_id, utc_now
from db.core.tables import Period
from db.evaluations.tables import LEVELS, Competence, CompetenceResult, Evaluation, Grade

_PUBLISHED_SQL = """
SELECT id, subject_id, title, given_on, graded, out_of, coefficient
FROM evaluation
WHERE school_id = {} AND period_id = {} AND publish_at IS NOT NULL AND publish_at <= now()
  AND (class_id = ANY({}::uuid[]) OR group_id = ANY({}::uuid[]))
ORDER BY given_on DESC, title
"""


class PeriodOut(msgspec.Struct):
    id: UUID
    name: str
    starts_on: date
    ends_on: date


class CompetenceOut(msgspec.Struct):
    code: str
    label: str
    level: str
    level_label: str


class EvaluationOut(msgspec.Struct):
    id: UUID
    title: str
    given_on: date
    grade: float | None
    grade_status: str
    out_of: float | None
    coefficient: float | None
    competences: list[CompetenceOut]


class SubjectResults(msgspec.Struct):
    subject: str
    color: str
    average: float | None  # on 20, weighted by coefficient; None when nothing is graded
    evaluations: list[EvaluationOut]


class Results(msgspec.Struct):
    student_id: UUID
    periods: list[PeriodOut]
    period_id: UUID | None
    subjects: list[SubjectResults]
    generated_at: datetime


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def average_on_20(evaluations: list[EvaluationOut]) -> float | None:
    total = weights = 0.0
    for ev in evaluations:
        if ev.grade is None or not ev.out_of:
            continue
        weight = ev.coefficient if ev.coefficient is not None else 1.0
        total += ev.grade / ev.out_of * 20 * weight
        weights += weight
    return round(total / weights, 2) if weights else None


class FamilyEvaluationsController(Controller):
    path = "/api/students/{student_id:uuid}/evaluations"
    tags = ["evaluations"]

    @get("/", summary="Published competences and grades of a student for a period (default: current)")
    async def results(
        self,
        principal: NamedDependency[Principal],
        student_id: FromPath[UUID],
        period_id: FromQuery[UUID | None] = None,
    ) -> Results:
        require_family(principal)
        await require_student(principal, student_id)
        school_id = principal.school_id
        periods = [
            PeriodOut(id=p["id"], name=p["name"], starts_on=p["starts_on"], ends_on=p["ends_on"])
            for p in await Period.select().where(Period.school_id == school_id).order_by(Period.starts_on)
        ]
        if period_id is not None and period_id not in {p.id for p in periods}:
            raise ApiError(404, "not_found", "Période introuvable.")
        if period_id is None and periods:
            today = utc_now().date()
            current = [p for p in periods if p.starts_on <= today <= p.ends_on]
            period_id = (current or periods)[-1 if not current else 0].id
        subjects_out: list[SubjectResults] = []
        if period_id is not None:
            audience = await audience_of(school_id, student_id)
            evaluations = await Evaluation.raw(
                _PUBLISHED_SQL, school_id, period_id, audience.class_ids, audience.group_ids
            )
            subjects_out = await self._by_subject(school_id, student_id, evaluations)
        return Results(
            student_id=student_id, periods=periods, period_id=period_id, subjects=subjects_out, generated_at=utc_now()
        )

    @staticmethod
    async def _by_subject(school_id: UUID, student_id: UUID, evaluations: list[dict]) -> list[SubjectResults]:
        ids = [e["id"] for e in evaluations]
        if not ids:
            return []
        grades = {
            g["evaluation_id"]: g
            for g in await Grade.select().where(
                (Grade.school_id == school_id) & (Grade.student_id == student_id) & Grade.evaluation_id.is_in(ids)
            )
        }
        results = await CompetenceResult.select().where(
            (CompetenceResult.school_id == school_id)
            & (CompetenceResult.student_id == student_id)
            & CompetenceResult.evaluation_id.is_in(ids)
        )
        competences = (
            {
                c["id"]: c
                for c in await Competence.select().where(
                    (Competence.school_id == school_id)
                    & Competence.id.is_in(list({r["competence_id"] for r in results}))
                )
            }
            if results
            else {}
        )
        by_eval: dict[UUID, list[CompetenceOut]] = {}
        for r in results:
            comp = competences.get(r["competence_id"], {"code": "", "label": ""})
            by_eval.setdefault(r["evaluation_id"], []).append(
                CompetenceOut(
                    code=comp["code"], label=comp["label"], level=r["level"], level_label=LEVELS.get(r["level"], "")
                )
            )
        subjects = await subjects_by_id(school_id, {e["subject_id"] for e in evaluations})
        grouped: dict[UUID, list[EvaluationOut]] = {}
        for e in evaluations:
            grade = grades.get(e["id"])
            grouped.setdefault(e["subject_id"], []).append(
                EvaluationOut(
                    id=e["id"],
                    title=e["title"],
                    given_on=e["given_on"],
                    grade=_num(grade["value"]) if grade and e["graded"] else None,
                    grade_status=grade["status"] if grade else "",
                    out_of=_num(e["out_of"]),
                    coefficient=_num(e["coefficient"]),
                    competences=by_eval.get(e["id"], []),
                )
            )
        out = [
            SubjectResults(
                subject=subjects[s]["name"], color=subjects[s]["color"], average=average_on_20(evs), evaluations=evs
            )
            for s, evs in grouped.items()
        ]
        return sorted(out, key=lambda s: s.subject)


ROUTES = [FamilyEvaluationsController]
