"""Teachers write their appreciations, per subject, for the classes and groups they teach it to.

GET /api/school/bulletins/{period_id}/appreciations?subject_id=&class_id=|group_id=   the students, their
    average and positioning from the published evaluations, and the appreciation so far
PUT /api/school/bulletins/{period_id}/appreciations   {"subject_id", "class_id"|"group_id", "entries"}
    (idempotent: each entry sets the student's appreciation; "" removes it)
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.bulletins import compute
from api.bulletins.publication import locked_students, require_unlocked
from api.bulletins.report import period_row
from api.bulletins.structs import AppreciationLine, AppreciationsIn, AppreciationsOut
from api.clock import now
from api.errors import ApiError
from api.openapi import errors
from api.timetable.school_service import audience_label, students_of
from db.bulletins.tables import ReportCardAppreciation
from db.core.tables import TeachingService

NOT_TAUGHT = ApiError(404, "not_found", "Vous n'enseignez pas cette matière à cette classe ou à ce groupe.")


async def _require_service(principal: Principal, subject_id: UUID, class_id: UUID | None, group_id: UUID | None):
    if (class_id is None) == (group_id is None):
        raise ApiError(400, "invalid_audience", "Choisissez une classe ou un groupe.")
    where = (
        (TeachingService.school_id == principal.school_id)
        & (TeachingService.teacher_id == principal.user_id)
        & (TeachingService.subject_id == subject_id)
    )
    where = where & ((TeachingService.class_id == class_id) if class_id else (TeachingService.group_id == group_id))
    if not await TeachingService.exists().where(where):
        raise NOT_TAUGHT


async def appreciations(
    principal: Principal, period_id: UUID, subject_id: UUID, class_id: UUID | None, group_id: UUID | None
) -> AppreciationsOut:
    sid = principal.school_id
    await period_row(sid, period_id)
    await _require_service(principal, subject_id, class_id, group_id)
    students = await students_of(sid, class_id, group_id)
    ids = [s["id"] for s in students]
    results = await compute.period_results(sid, period_id, ids, now())
    texts = {
        r["student_id"]: r["text"]
        for r in await ReportCardAppreciation.select(
            ReportCardAppreciation.student_id, ReportCardAppreciation.text
        ).where(
            (ReportCardAppreciation.school_id == sid)
            & (ReportCardAppreciation.period_id == period_id)
            & (ReportCardAppreciation.subject_id == subject_id)
            & ReportCardAppreciation.student_id.is_in(ids or [principal.user_id])
        )
    }
    locked = await locked_students(sid, period_id, ids)
    return AppreciationsOut(
        period_id=period_id,
        subject_id=subject_id,
        audience=await audience_label(sid, class_id, group_id),
        students=[
            AppreciationLine(
                student_id=s["id"],
                first_name=s["first_name"],
                last_name=s["last_name"],
                average=results.averages.get((s["id"], subject_id)),
                positioning_label=compute.positioning_label(results.points.get((s["id"], subject_id))),
                text=texts.get(s["id"], ""),
                locked=s["id"] in locked,
            )
            for s in students
        ],
    )


async def save_appreciations(principal: Principal, period_id: UUID, data: AppreciationsIn) -> None:
    sid = principal.school_id
    await period_row(sid, period_id)
    await _require_service(principal, data.subject_id, data.class_id, data.group_id)
    taught = {s["id"] for s in await students_of(sid, data.class_id, data.group_id)}
    if any(entry.student_id not in taught for entry in data.entries):
        raise ApiError(400, "not_in_class", "Un élève ne fait pas partie de cette classe ou de ce groupe.")
    await require_unlocked(sid, period_id, [entry.student_id for entry in data.entries])
    for entry in data.entries:
        text = entry.text.strip()
        where = (
            (ReportCardAppreciation.school_id == sid)
            & (ReportCardAppreciation.period_id == period_id)
            & (ReportCardAppreciation.student_id == entry.student_id)
            & (ReportCardAppreciation.subject_id == data.subject_id)
        )
        if not text:
            await ReportCardAppreciation.delete().where(where)
            continue
        await ReportCardAppreciation.raw(
            "INSERT INTO report_card_appreciation (id, school_id, period_id, student_id, subject_id, teacher_id, "
            "text, updated_at) VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (school_id, period_id, student_id, subject_id) DO UPDATE SET text = EXCLUDED.text, "
            "teacher_id = EXCLUDED.teacher_id, updated_at = EXCLUDED.updated_at",
            sid, period_id, entry.student_id, data.subject_id, principal.user_id, text, now(),
        )  # fmt: skip


class TeacherAppreciationsController(Controller):
    path = "/api/school/bulletins/{period_id:uuid}/appreciations"
    tags = ["bulletins"]
    dependencies = {"principal": Provide(principal_with_roles("teacher"))}

    @get("/", summary="My students' results and appreciations in a subject for a period", responses=errors(404))
    async def read(
        self,
        principal: NamedDependency[Principal],
        period_id: FromPath[UUID],
        subject_id: FromQuery[UUID | None] = None,  # required, checked after the role: families get a 403
        class_id: FromQuery[UUID | None] = None,
        group_id: FromQuery[UUID | None] = None,
    ) -> AppreciationsOut:
        if subject_id is None:
            raise ApiError(400, "invalid", "Choisissez une matière.", details={"subject_id": "required"})
        return await appreciations(principal, period_id, subject_id, class_id, group_id)

    @put("/", summary="Write appreciations in a subject I teach (idempotent)", responses=errors(404, 409))
    async def save(
        self, principal: NamedDependency[Principal], period_id: FromPath[UUID], data: JSONBody[AppreciationsIn]
    ) -> AppreciationsOut:
        await save_appreciations(principal, period_id, data)
        return await appreciations(principal, period_id, data.subject_id, data.class_id, data.group_id)


ROUTES = [TeacherAppreciationsController]
