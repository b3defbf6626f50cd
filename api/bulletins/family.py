"""Families read the published bulletins of a child (a student: their own), from the day the head
of school chose, as data or as a PDF printed by the server.

GET /api/students/{student_id}/bulletins                          the periods published to date
GET /api/students/{student_id}/bulletins/{period_id}              one bulletin
GET /api/students/{student_id}/bulletins/{period_id}/pdf          the same, printed
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from api.auth.principal import Principal, principal_with_roles
from api.auth.scope import require_student
from api.bulletins.render_pdf import bulletin_download
from api.bulletins.report import build_bulletins, period_out, period_row
from api.bulletins.structs import Bulletin, PublishedBulletin
from api.dates import school_today
from api.errors import ApiError
from api.openapi import errors
from db.bulletins.tables import ReportCardPublication
from db.core.tables import Enrolment, Period

NOT_PUBLISHED = ApiError(404, "not_found", "Ce bulletin n'est pas encore publié.")


async def published(principal: Principal, student_id: UUID) -> list[PublishedBulletin]:
    """The periods whose bulletin the student's class families read today, latest first."""
    sid = principal.school_id
    await require_student(principal, student_id)
    today = await school_today(sid)
    classes = await Enrolment.select(Enrolment.class_id).where(
        (Enrolment.school_id == sid) & (Enrolment.student_id == student_id)
    )
    if not classes:
        return []
    rows = await ReportCardPublication.select().where(
        (ReportCardPublication.school_id == sid)
        & ReportCardPublication.class_id.is_in([c["class_id"] for c in classes])
        & (ReportCardPublication.visible_from <= today)
    )
    visible = {r["period_id"]: r["visible_from"] for r in rows}
    if not visible:
        return []
    periods = await Period.select().where((Period.school_id == sid) & Period.id.is_in(list(visible)))
    return [
        PublishedBulletin(
            period=period_out(p),
            visible_from=visible[p["id"]],
            pdf_url=f"/api/students/{student_id}/bulletins/{p['id']}/pdf",
        )
        for p in sorted(periods, key=lambda p: p["starts_on"], reverse=True)
    ]


async def family_bulletin(principal: Principal, student_id: UUID, period_id: UUID) -> Bulletin:
    if period_id not in {item.period.id for item in await published(principal, student_id)}:
        raise NOT_PUBLISHED
    period = await period_row(principal.school_id, period_id)
    return (await build_bulletins(principal.school_id, period, [student_id]))[student_id]


class FamilyBulletinsController(Controller):
    path = "/api/students/{student_id:uuid}/bulletins"
    tags = ["bulletins"]
    dependencies = {"principal": Provide(principal_with_roles("student", "parent"))}

    @get("/", summary="The published bulletins of a student, latest first", responses=errors(404))
    async def published(
        self, principal: NamedDependency[Principal], student_id: FromPath[UUID]
    ) -> list[PublishedBulletin]:
        return await published(principal, student_id)

    @get("/{period_id:uuid}", summary="A published bulletin", responses=errors(404))
    async def bulletin(
        self, principal: NamedDependency[Principal], student_id: FromPath[UUID], period_id: FromPath[UUID]
    ) -> Bulletin:
        return await family_bulletin(principal, student_id, period_id)

    @get(
        "/{period_id:uuid}/pdf",
        summary="A published bulletin as a PDF printed by the server",
        responses=errors(404),
        media_type="application/pdf",
    )
    async def pdf(
        self, principal: NamedDependency[Principal], student_id: FromPath[UUID], period_id: FromPath[UUID]
    ) -> Response:
        return await bulletin_download(principal.school_id, await family_bulletin(principal, student_id, period_id))


ROUTES = [FamilyBulletinsController]
