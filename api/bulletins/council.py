"""The class council: the general appreciation and the mention of each student of a class
(vie scolaire and head of school).

GET /api/school/bulletins/{period_id}/classes/{class_id}           the class: averages, how many
    subjects have an appreciation, the council's appreciation and mention so far
PUT /api/school/bulletins/{period_id}/classes/{class_id}/council   {"entries": [...]} (idempotent)
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.bulletins.publication import locked_students, require_unlocked, visible_from_by_class
from api.bulletins.report import build_bulletins, period_row
from api.bulletins.structs import CouncilIn, CouncilLine, CouncilOut
from api.clock import now
from api.errors import ApiError
from api.openapi import errors
from api.timetable.school_service import students_of
from db.bulletins.tables import ReportCardCouncil
from db.core.tables import SchoolClass

CLASS_NOT_FOUND = ApiError(404, "not_found", "Classe introuvable.")


async def _class_row(school_id: UUID, class_id: UUID) -> dict:
    row = await SchoolClass.select().where((SchoolClass.school_id == school_id) & (SchoolClass.id == class_id)).first()
    if row is None:
        raise CLASS_NOT_FOUND
    return row


async def council_out(principal: Principal, period_id: UUID, class_id: UUID) -> CouncilOut:
    sid = principal.school_id
    period = await period_row(sid, period_id)
    school_class = await _class_row(sid, class_id)
    students = await students_of(sid, class_id, None)
    bulletins = await build_bulletins(sid, period, [s["id"] for s in students])
    locked = await locked_students(sid, period_id, [s["id"] for s in students])
    lines = []
    for s in students:
        bulletin = bulletins[s["id"]]
        lines.append(
            CouncilLine(
                student_id=s["id"],
                first_name=s["first_name"],
                last_name=s["last_name"],
                general_average=bulletin.general_average,
                appreciations=sum(1 for line in bulletin.subjects if line.appreciation),
                subjects=len(bulletin.subjects),
                appreciation=bulletin.council_appreciation,
                mention=bulletin.mention,
            )
        )
    return CouncilOut(
        period_id=period_id,
        class_id=class_id,
        class_name=school_class["name"],
        visible_from=(await visible_from_by_class(sid, period_id)).get(class_id),
        locked=bool(locked),
        students=lines,
    )


async def save_council(principal: Principal, period_id: UUID, class_id: UUID, data: CouncilIn) -> None:
    sid = principal.school_id
    await period_row(sid, period_id)
    await _class_row(sid, class_id)
    members = {s["id"] for s in await students_of(sid, class_id, None)}
    if any(entry.student_id not in members for entry in data.entries):
        raise ApiError(400, "not_in_class", "Un élève ne fait pas partie de cette classe.")
    await require_unlocked(sid, period_id, [entry.student_id for entry in data.entries])
    for entry in data.entries:
        await ReportCardCouncil.raw(
            "INSERT INTO report_card_council (id, school_id, period_id, student_id, appreciation, mention, "
            "updated_by_id, updated_at) VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (school_id, period_id, student_id) DO UPDATE SET appreciation = EXCLUDED.appreciation, "
            "mention = EXCLUDED.mention, updated_by_id = EXCLUDED.updated_by_id, updated_at = EXCLUDED.updated_at",
            sid, period_id, entry.student_id, entry.appreciation.strip(), entry.mention, principal.user_id, now(),
        )  # fmt: skip


class CouncilController(Controller):
    path = "/api/school/bulletins/{period_id:uuid}/classes/{class_id:uuid}"
    tags = ["bulletins"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get("/", summary="A class's bulletins for the council: averages, appreciations, mentions", responses=errors(404))
    async def read(
        self, principal: NamedDependency[Principal], period_id: FromPath[UUID], class_id: FromPath[UUID]
    ) -> CouncilOut:
        return await council_out(principal, period_id, class_id)

    @put(
        "/council",
        summary="Write the council's general appreciations and mentions (idempotent)",
        responses=errors(404, 409),
    )
    async def save(
        self,
        principal: NamedDependency[Principal],
        period_id: FromPath[UUID],
        class_id: FromPath[UUID],
        data: JSONBody[CouncilIn],
    ) -> CouncilOut:
        await save_council(principal, period_id, class_id, data)
        return await council_out(principal, period_id, class_id)


ROUTES = [CouncilController]
