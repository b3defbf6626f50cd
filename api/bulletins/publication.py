"""When families read a period's report cards: the head of school publishes them for classes from a
date; from that day on, nothing on them changes (appreciations and council are locked, and the whole
bulletin is frozen: api/bulletins/frozen.py). Publishing again freezes them anew.

GET    /api/school/bulletins/{period_id}/publication               every class and its date (school staff)
PUT    /api/school/bulletins/{period_id}/publication               {"visible_from", "class_ids"} (admin; idempotent)
DELETE /api/school/bulletins/{period_id}/publication/{class_id}    withdraw (admin): families no longer see it
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.bulletins.frozen import forget, freeze_due
from api.bulletins.report import period_row
from api.bulletins.structs import PublicationIn, PublicationLine
from api.clock import now
from api.dates import require_school_date, school_today
from api.errors import ApiError
from api.openapi import errors
from db.bulletins.tables import ReportCardPublication
from db.core.tables import Enrolment, SchoolClass
from piccolo_conf import DB

LOCKED = ApiError(
    409,
    "bulletin_published",
    "Le bulletin de cette période est publié : il ne peut plus être modifié (le chef d'établissement peut "
    "retirer la publication).",
)


async def visible_from_by_class(school_id: UUID, period_id: UUID) -> dict[UUID, object]:
    rows = await ReportCardPublication.select(ReportCardPublication.class_id, ReportCardPublication.visible_from).where(
        (ReportCardPublication.school_id == school_id) & (ReportCardPublication.period_id == period_id)
    )
    return {row["class_id"]: row["visible_from"] for row in rows}


async def locked_students(school_id: UUID, period_id: UUID, student_ids: list[UUID]) -> set[UUID]:
    """The students whose bulletin for this period families already read."""
    today = await school_today(school_id)
    visible = {c for c, day in (await visible_from_by_class(school_id, period_id)).items() if day <= today}
    if not visible or not student_ids:
        return set()
    rows = await Enrolment.select(Enrolment.student_id).where(
        (Enrolment.school_id == school_id)
        & Enrolment.student_id.is_in(student_ids)
        & Enrolment.class_id.is_in(list(visible))
    )
    return {row["student_id"] for row in rows}


async def require_unlocked(school_id: UUID, period_id: UUID, student_ids: list[UUID]) -> None:
    if await locked_students(school_id, period_id, student_ids):
        raise LOCKED


async def _lines(school_id: UUID, period_id: UUID) -> list[PublicationLine]:
    published = await visible_from_by_class(school_id, period_id)
    today = await school_today(school_id)
    classes = await SchoolClass.select(SchoolClass.id, SchoolClass.name).where(SchoolClass.school_id == school_id)
    return [
        PublicationLine(
            c["id"], c["name"], published.get(c["id"]), c["id"] in published and published[c["id"]] <= today
        )
        for c in sorted(classes, key=lambda c: c["name"])
    ]


class PublicationController(Controller):
    path = "/api/school/bulletins/{period_id:uuid}/publication"
    tags = ["bulletins"]
    dependencies = {"principal": Provide(principal_with_roles("admin"))}

    @get(
        "/",
        summary="Each class and the day its families read the period's bulletins",
        dependencies={"principal": Provide(principal_with_roles("staff", "admin"))},
        responses=errors(404),
    )
    async def lines(self, principal: NamedDependency[Principal], period_id: FromPath[UUID]) -> list[PublicationLine]:
        await period_row(principal.school_id, period_id)
        return await _lines(principal.school_id, period_id)

    @put("/", summary="Publish the period's bulletins of classes from a date (head of school)", responses=errors(404))
    async def publish(
        self, principal: NamedDependency[Principal], period_id: FromPath[UUID], data: JSONBody[PublicationIn]
    ) -> list[PublicationLine]:
        sid = principal.school_id
        period = await period_row(sid, period_id)
        require_school_date(data.visible_from, "visible_from")
        if data.visible_from < period["starts_on"]:
            raise ApiError(
                400,
                "invalid",
                "La publication ne peut précéder le début de la période.",
                details={"visible_from": "range"},
            )
        known = {
            r["id"]
            for r in await SchoolClass.select(SchoolClass.id).where(
                (SchoolClass.school_id == sid) & SchoolClass.id.is_in(data.class_ids)
            )
        }
        if set(data.class_ids) - known:
            raise ApiError(404, "not_found", "Classe introuvable.")
        class_ids = list(dict.fromkeys(data.class_ids))
        async with DB.transaction():  # published again: frozen again, from this publication
            for class_id in class_ids:
                await ReportCardPublication.raw(
                    "INSERT INTO report_card_publication (id, school_id, period_id, class_id, visible_from, "
                    "published_by_id, updated_at) VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {}) "
                    "ON CONFLICT (school_id, period_id, class_id) DO UPDATE SET visible_from = EXCLUDED.visible_from, "
                    "published_by_id = EXCLUDED.published_by_id, updated_at = EXCLUDED.updated_at, frozen_at = NULL",
                    sid, period_id, class_id, data.visible_from, principal.user_id, now(),
                )  # fmt: skip
            await forget(sid, period_id, class_ids)
        await freeze_due(sid)  # readable today: frozen as it is now
        return await _lines(sid, period_id)

    @delete("/{class_id:uuid}", summary="Withdraw a class's publication", status_code=204, responses=errors(404))
    async def withdraw(
        self, principal: NamedDependency[Principal], period_id: FromPath[UUID], class_id: FromPath[UUID]
    ) -> None:
        await period_row(principal.school_id, period_id)
        async with DB.transaction():
            await ReportCardPublication.delete().where(
                (ReportCardPublication.school_id == principal.school_id)
                & (ReportCardPublication.period_id == period_id)
                & (ReportCardPublication.class_id == class_id)
            )
            await forget(principal.school_id, period_id, [class_id])


ROUTES = [PublicationController]
