"""The school's view of bulletins: the pickers of the page, and a student's bulletin before
publication (teachers: students they teach; vie scolaire and direction: every student).

GET /api/school/bulletins                                              periods, classes (staff), mentions
(a teacher's classes and subjects: GET /api/school/teaching)
GET /api/school/bulletins/{period_id}/students/{student_id}           the bulletin
GET /api/school/bulletins/{period_id}/students/{student_id}/pdf       the same, printed
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from api.auth.principal import Principal, principal_with_roles
from api.auth.scope import require_student
from api.bulletins.frozen import published_bulletin
from api.bulletins.render_pdf import bulletin_download
from api.bulletins.report import build_bulletins, period_out, period_row
from api.bulletins.structs import MENTIONS, Bulletin, BulletinsContext, ClassOut
from api.dates import school_today
from api.openapi import errors
from api.read_models import conditional_responses
from db.core.tables import Period, SchoolClass


async def context(principal: Principal) -> BulletinsContext:
    sid = principal.school_id
    periods = [period_out(p) for p in await Period.select().where(Period.school_id == sid).order_by(Period.starts_on)]
    today = await school_today(sid)
    current = next((p.id for p in periods if p.starts_on <= today <= p.ends_on), periods[-1].id if periods else None)
    classes = []
    if principal.role in ("staff", "admin"):
        rows = await SchoolClass.select(SchoolClass.id, SchoolClass.name).where(SchoolClass.school_id == sid)
        classes = sorted((ClassOut(r["id"], r["name"]) for r in rows), key=lambda c: c.name)
    return BulletinsContext(
        periods=periods,
        current_period_id=current,
        classes=classes,
        mentions=MENTIONS,
    )


async def school_bulletin(principal: Principal, period_id: UUID, student_id: UUID) -> Bulletin:
    """As families read it once published (frozen), as it stands before."""
    period = await period_row(principal.school_id, period_id)
    await require_student(principal, student_id)  # a teacher: students they teach
    published = await published_bulletin(principal.school_id, period_id, student_id)
    return published or (await build_bulletins(principal.school_id, period, [student_id]))[student_id]


class SchoolBulletinsController(Controller):
    path = "/api/school/bulletins"
    tags = ["bulletins"]
    dependencies = {"principal": Provide(principal_with_roles("teacher", "staff", "admin"))}

    @get("/", summary="Periods, every class (vie scolaire and direction) and the mentions", responses=errors())
    async def context(self, principal: NamedDependency[Principal]) -> BulletinsContext:
        return await context(principal)

    @get(
        "/{period_id:uuid}/students/{student_id:uuid}",
        summary="A student's bulletin: as it stands before publication, as published (frozen) after",
        responses=errors(404),
    )
    async def bulletin(
        self, principal: NamedDependency[Principal], period_id: FromPath[UUID], student_id: FromPath[UUID]
    ) -> Bulletin:
        return await school_bulletin(principal, period_id, student_id)

    @get(
        "/{period_id:uuid}/students/{student_id:uuid}/pdf",
        summary="A student's bulletin as a PDF (ETag, 304)",
        responses=conditional_responses(404),
        media_type="application/pdf",
    )
    async def pdf(
        self, principal: NamedDependency[Principal], period_id: FromPath[UUID], student_id: FromPath[UUID]
    ) -> Response:
        return await bulletin_download(principal.school_id, await school_bulletin(principal, period_id, student_id))


ROUTES = [SchoolBulletinsController]
