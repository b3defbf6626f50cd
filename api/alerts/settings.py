"""Who receives the students' alerts, and whether the button is on (the administrator decides).

GET /api/school/alerts/settings   on/off, the designated staff, who may be designated
PUT /api/school/alerts/settings   {"enabled", "recipient_ids"} (idempotent: the whole setting)
GET /api/school/alerts/audit      who opened which alert, when (never the alerts themselves)
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from api.alerts.structs import AlertSettingsIn, AlertSettingsOut, AuditLine, Person
from api.auth.principal import Principal, principal_with_roles
from api.clock import now
from api.errors import ApiError
from api.openapi import errors
from db.alerts.tables import AlertRecipient, AlertSettings, StudentAlert
from db.core.tables import User
from piccolo_conf import DB

DESIGNABLE_ROLES = ("staff", "admin")
AUDIT_LINES = 500


async def _enabled(school_id: UUID) -> bool:
    row = await AlertSettings.select(AlertSettings.enabled).where(AlertSettings.school_id == school_id).first()
    return True if row is None else row["enabled"]


async def recipient_ids(school_id: UUID) -> list[UUID]:
    """The designated staff who can still sign in."""
    rows = await AlertRecipient.raw(
        "SELECT r.user_id FROM alert_recipient r JOIN app_user u ON u.school_id = r.school_id AND u.id = r.user_id "
        "WHERE r.school_id = {} AND u.school_id = {} AND NOT u.disabled",
        school_id,
        school_id,
    )
    return [row["user_id"] for row in rows]


# Students see the button only when it is on (no settings row: on) and someone designated will read
# what they send. SQL on school $1, also embedded in the student's Accueil (api/home/family.py).
ALERTS_OPEN = """(coalesce((SELECT s.enabled FROM alert_settings s WHERE s.school_id = $1), true)
    AND EXISTS (SELECT 1 FROM alert_recipient r JOIN app_user u ON u.school_id = $1 AND u.id = r.user_id
                WHERE r.school_id = $1 AND NOT u.disabled))"""


async def alerts_open(school_id: UUID) -> bool:
    return await DB.pool.fetchval(f"SELECT {ALERTS_OPEN}", school_id)


async def _people(school_id: UUID, where) -> list[Person]:
    rows = await User.select(User.id, User.first_name, User.last_name, User.role).where(
        (User.school_id == school_id) & where
    )
    people = [Person(r["id"], f"{r['first_name']} {r['last_name']}", r["role"]) for r in rows]
    return sorted(people, key=lambda p: p.name)


async def settings_out(school_id: UUID) -> AlertSettingsOut:
    chosen = await recipient_ids(school_id)
    candidates = await _people(school_id, User.role.is_in(list(DESIGNABLE_ROLES)) & (User.disabled == False))
    return AlertSettingsOut(
        enabled=await _enabled(school_id),
        open=await alerts_open(school_id),
        recipients=[p for p in candidates if p.id in chosen],
        candidates=candidates,
    )


async def save_settings(principal: Principal, data: AlertSettingsIn) -> None:
    sid = principal.school_id
    wanted = set(data.recipient_ids)
    allowed = {p.id for p in await _people(sid, User.role.is_in(list(DESIGNABLE_ROLES)) & (User.disabled == False))}
    if wanted - allowed:
        raise ApiError(
            400,
            "invalid_recipient",
            "Seuls les personnels de l'établissement (vie scolaire, direction) peuvent recevoir les signalements.",
            details={"recipient_ids": "staff"},
        )
    await AlertSettings.raw(
        "INSERT INTO alert_settings (id, school_id, enabled, updated_by_id, updated_at) "
        "VALUES (gen_random_uuid(), {}, {}, {}, {}) ON CONFLICT (school_id) DO UPDATE SET "
        "enabled = EXCLUDED.enabled, updated_by_id = EXCLUDED.updated_by_id, updated_at = EXCLUDED.updated_at",
        sid,
        data.enabled,
        principal.user_id,
        now(),
    )
    dropped = AlertRecipient.school_id == sid
    if wanted:
        dropped = dropped & AlertRecipient.user_id.not_in(list(wanted))
    await AlertRecipient.delete().where(dropped)
    for user_id in wanted:
        await AlertRecipient.raw(
            "INSERT INTO alert_recipient (id, school_id, user_id, created_at) "
            "VALUES (gen_random_uuid(), {}, {}, {}) "
            "ON CONFLICT (school_id, user_id) DO NOTHING",
            sid,
            user_id,
            now(),
        )


_AUDIT_SQL = """
SELECT r.alert_id, a.created_at AS alert_created_at, u.first_name || ' ' || u.last_name AS reader, r.read_at
FROM alert_read r
JOIN student_alert a ON a.school_id = r.school_id AND a.id = r.alert_id
JOIN app_user u ON u.school_id = r.school_id AND u.id = r.reader_id
WHERE r.school_id = {} AND a.school_id = {} AND u.school_id = {}
ORDER BY r.read_at DESC
LIMIT {}
"""


class AlertSettingsController(Controller):
    path = "/api/school/alerts"
    tags = ["signalements"]
    dependencies = {"principal": Provide(principal_with_roles("admin"))}

    @get(
        "/settings", summary="The alert button: on or off, and the staff designated to read alerts", responses=errors()
    )
    async def settings(self, principal: NamedDependency[Principal]) -> AlertSettingsOut:
        return await settings_out(principal.school_id)

    @put("/settings", summary="Turn the alert button on or off and designate who reads alerts", responses=errors())
    async def save(self, principal: NamedDependency[Principal], data: JSONBody[AlertSettingsIn]) -> AlertSettingsOut:
        await save_settings(principal, data)
        return await settings_out(principal.school_id)

    @get("/audit", summary="The audit log: who opened which alert, when (latest first)", responses=errors())
    async def audit(self, principal: NamedDependency[Principal]) -> list[AuditLine]:
        sid = principal.school_id
        rows = await StudentAlert.raw(_AUDIT_SQL, sid, sid, sid, AUDIT_LINES)
        return [AuditLine(**row) for row in rows]


ROUTES = [AlertSettingsController]
