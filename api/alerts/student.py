"""The student's side of the alert button (students only: a parent's or a teacher's call is a 403).

GET  /api/me/alerts   whether the button is open, the help numbers, my alerts and whether each was
                      taken into account (never by whom)
POST /api/me/alerts   send an alert (idempotent by client_id, so a phone may queue it offline;
                      5 a day at most)
"""

from __future__ import annotations

from datetime import timedelta

from asyncpg.exceptions import UniqueViolationError
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from api.alerts.settings import alerts_open, recipient_ids
from api.alerts.structs import CATEGORIES, HELP, AlertIn, MyAlert, MyAlerts
from api.auth.principal import Principal, principal_with_roles
from api.clock import now
from api.errors import ApiError
from api.notifications.notify import Notice, notify_users
from api.openapi import errors
from api.ratelimit import limit
from db.alerts.tables import StudentAlert

READER_PAGE = "/espace/signalements.html"


async def my_alerts(principal: Principal) -> MyAlerts:
    rows = (
        await StudentAlert.select()
        .where((StudentAlert.school_id == principal.school_id) & (StudentAlert.student_id == principal.user_id))
        .order_by(StudentAlert.created_at, ascending=False)
    )
    return MyAlerts(
        open=await alerts_open(principal.school_id),
        help=HELP,
        categories=CATEGORIES,
        alerts=[
            MyAlert(
                id=r["id"],
                created_at=r["created_at"],
                role=r["role"],
                category=r["category"],
                category_label=CATEGORIES[r["category"]],
                body=r["body"],
                acknowledged_at=r["acknowledged_at"],
            )
            for r in rows
        ],
    )


async def _sent_with(principal: Principal, client_id: str) -> bool:
    return await StudentAlert.exists().where(
        (StudentAlert.school_id == principal.school_id)
        & (StudentAlert.student_id == principal.user_id)
        & (StudentAlert.client_id == client_id)
    )


async def send_alert(principal: Principal, data: AlertIn) -> None:
    body = data.body.strip()
    if not body:
        raise ApiError(400, "invalid", "Explique en quelques mots ce qui se passe.", details={"body": "empty"})
    if await _sent_with(principal, data.client_id):
        return  # a resent alert: the first one stands
    sid = principal.school_id
    if not await alerts_open(sid):
        raise ApiError(409, "alerts_closed", "Le signalement en ligne n'est pas ouvert dans ton établissement. " + HELP)
    await limit(
        "alert",
        str(principal.user_id),
        max_hits=5,
        window=timedelta(days=1),
        message="Tu as déjà envoyé plusieurs signalements aujourd'hui : ils ont bien été reçus. " + HELP,
    )
    alert = StudentAlert(
        school_id=sid,
        student_id=principal.user_id,
        role=data.role,
        category=data.category,
        body=body,
        client_id=data.client_id,
        created_at=now(),
    )
    try:
        await alert.save()
    except UniqueViolationError:  # the same alert twice at once
        return
    notice = Notice(
        sid,
        "Nouveau signalement d'un élève",
        "Un élève a envoyé un signalement confidentiel. Lisez-le dans Cartable, rubrique « Signalements des élèves ».",
        READER_PAGE,
    )
    await notify_users(notice, await recipient_ids(sid))


class StudentAlertsController(Controller):
    path = "/api/me/alerts"
    tags = ["signalements"]
    dependencies = {"principal": Provide(principal_with_roles("student"))}

    @get("/", summary="My alerts and whether the button is open (students)", responses=errors())
    async def mine(self, principal: NamedDependency[Principal]) -> MyAlerts:
        return await my_alerts(principal)

    @post(
        "/",
        summary="Send a confidential alert to the designated staff (idempotent by client_id)",
        status_code=200,
        responses=errors(409, 429),
    )
    async def send(self, principal: NamedDependency[Principal], data: JSONBody[AlertIn]) -> MyAlerts:
        await send_alert(principal, data)
        return await my_alerts(principal)


ROUTES = [StudentAlertsController]
