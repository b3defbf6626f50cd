"""The designated staff's side: read and acknowledge the students' alerts (staff and administrators
the school designated; anyone else, a 403). Every opening is written to the audit log.

GET  /api/school/alerts                     the alerts, newest first (no name, no text)
GET  /api/school/alerts/{id}                open one (logged)
POST /api/school/alerts/{id}/acknowledge    "pris en compte" (idempotent: the first one stands)
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from api.alerts.settings import recipient_ids
from api.alerts.structs import CATEGORIES, ROLES, AlertDetail, AlertLine, ReadOut
from api.auth.principal import Principal, principal_with_roles
from api.clock import now
from api.errors import ApiError
from api.openapi import errors
from api.people import people, student_card
from db.alerts.tables import AlertRead, StudentAlert

NOT_FOUND = ApiError(404, "not_found", "Signalement introuvable.")


async def designated(principal: Principal) -> Principal:
    if principal.user_id not in await recipient_ids(principal.school_id):
        raise ApiError(
            403,
            "not_designated",
            "Seuls les personnels désignés par l'établissement lisent les signalements des élèves.",
        )
    return principal


async def _reads(school_id: UUID, alert_ids: list[UUID]) -> list[dict]:
    if not alert_ids:
        return []
    return (
        await AlertRead.select()
        .where((AlertRead.school_id == school_id) & AlertRead.alert_id.is_in(alert_ids))
        .order_by(AlertRead.read_at)
    )


async def _alert(school_id: UUID, alert_id: UUID) -> dict:
    row = (
        await StudentAlert.select().where((StudentAlert.school_id == school_id) & (StudentAlert.id == alert_id)).first()
    )
    if row is None:
        raise NOT_FOUND
    return row


async def open_alert(principal: Principal, alert_id: UUID) -> AlertDetail:
    """The alert, its reads included; this opening is logged first."""
    sid = principal.school_id
    row = await _alert(sid, alert_id)
    await AlertRead.insert(AlertRead(school_id=sid, alert_id=alert_id, reader_id=principal.user_id, read_at=now()))
    reads = await _reads(sid, [alert_id])
    names = await people(sid, [r["reader_id"] for r in reads] + [row["acknowledged_by_id"]])
    card = await student_card(sid, row["student_id"])
    by = names.get(row["acknowledged_by_id"])
    return AlertDetail(
        id=row["id"],
        created_at=row["created_at"],
        student_id=card.id,
        student=f"{card.first_name} {card.last_name}",
        class_name=card.class_name,
        role_label=ROLES[row["role"]],
        category_label=CATEGORIES[row["category"]],
        body=row["body"],
        acknowledged_at=row["acknowledged_at"],
        acknowledged_by=by.name if by else None,
        reads=[ReadOut(names[r["reader_id"]].name, r["read_at"]) for r in reads],
    )


class SchoolAlertsController(Controller):
    path = "/api/school/alerts"
    tags = ["signalements"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get("/", summary="Students' alerts, newest first, without names or text (designated staff)", responses=errors())
    async def alerts(self, principal: NamedDependency[Principal]) -> list[AlertLine]:
        await designated(principal)
        rows = (
            await StudentAlert.select()
            .where(StudentAlert.school_id == principal.school_id)
            .order_by(StudentAlert.created_at, ascending=False)
        )
        reads = await _reads(principal.school_id, [r["id"] for r in rows])
        return [
            AlertLine(
                id=r["id"],
                created_at=r["created_at"],
                role_label=ROLES[r["role"]],
                category_label=CATEGORIES[r["category"]],
                acknowledged_at=r["acknowledged_at"],
                reads=sum(1 for read in reads if read["alert_id"] == r["id"]),
            )
            for r in rows
        ]

    @get("/{alert_id:uuid}", summary="Open an alert (the opening is logged)", responses=errors(404))
    async def alert(self, principal: NamedDependency[Principal], alert_id: FromPath[UUID]) -> AlertDetail:
        await designated(principal)
        return await open_alert(principal, alert_id)

    @post(
        "/{alert_id:uuid}/acknowledge",
        summary="Mark an alert as taken into account (idempotent)",
        status_code=200,
        responses=errors(404),
    )
    async def acknowledge(self, principal: NamedDependency[Principal], alert_id: FromPath[UUID]) -> AlertDetail:
        await designated(principal)
        await _alert(principal.school_id, alert_id)
        await StudentAlert.update(
            {StudentAlert.acknowledged_at: now(), StudentAlert.acknowledged_by_id: principal.user_id}
        ).where(
            (StudentAlert.school_id == principal.school_id)
            & (StudentAlert.id == alert_id)
            & StudentAlert.acknowledged_at.is_null()
        )
        return await open_alert(principal, alert_id)


ROUTES = [SchoolAlertsController]
