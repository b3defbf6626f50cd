"""Family "Compétences / Notes": published evaluations (publish_at <= now) by period and subject."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery

from api import clock
from api.errors import ApiError
from api.evaluations.family_read import EVALUATIONS_SQL, PERIOD_UNKNOWN
from api.read_models import READ_RESPONSES, FamilyRead, family_read, read_response, reader_today

PERIOD_NOT_FOUND = ApiError(404, "not_found", "Période introuvable.")
EVALUATIONS = FamilyRead(EVALUATIONS_SQL)


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


class FamilyEvaluationsController(Controller):
    path = "/api/students/{student_id:uuid}/evaluations"
    tags = ["evaluations"]

    @get(
        "/",
        summary="Published competences and grades of a student for a period (default: current)",
        responses=READ_RESPONSES,
    )
    async def results(
        self,
        request: Request,
        student_id: FromPath[UUID],
        period_id: FromQuery[UUID | None] = None,
    ) -> Response[Results]:
        body = await family_read(request, EVALUATIONS, student_id, period_id, await reader_today(request), clock.now())
        if body == PERIOD_UNKNOWN:
            raise PERIOD_NOT_FOUND
        return read_response(request, body)


ROUTES = [FamilyEvaluationsController]
