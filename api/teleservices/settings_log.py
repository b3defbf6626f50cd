"""Who changed a campaign or a bourse scale, and when: a dated line per change the administrator makes
(a campaign created, its dates moved, cancelled; a scale replaced), with what changed, in French.

GET /api/school/teleservices/settings-log?school_year_id=     admin: the year's changes, newest first

A change that changes nothing (the same dates, the same scale sent again) writes no line.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery

from api.auth.principal import Principal, principal_with_roles
from api.dates import french
from api.openapi import errors
from api.people import people
from api.teleservices.campaigns import chosen_year, title
from api.teleservices.scale import Scale, euros
from db.teleservices.tables import TeleserviceSettingChange

LOG_LENGTH = 200
SCALE_TITLES = {"college": "Barème des bourses de collège", "lycee": "Barème des bourses de lycée"}
ACTION_LABELS = {
    "create": "Campagne créée",
    "dates": "Dates modifiées",
    "cancel": "Campagne annulée",
    "reopen": "Campagne rétablie",
    "replace": "Barème modifié",
}
DATE_NAMES = (("opens_on", "ouverture"), ("closes_on", "fermeture"), ("replies_until", "réponses jusqu'au"))


class SettingChangeLine(msgspec.Struct):
    id: UUID
    at: datetime
    by: str  # the administrator's name
    subject: str  # campaign | scale
    title: str  # "Orientation — phase définitive (3e)", "Barème des bourses de collège"
    action: str  # create | dates | cancel | reopen | replace
    action_label: str
    detail: str  # what changed: "fermeture : 15/10/2026 → 20/10/2026"


def campaign_detail(before: dict | None, after: dict) -> str:
    """The dates a campaign was created with, or those that moved."""
    if before is None:
        return (
            f"du {french(after['opens_on'])} au {french(after['closes_on'])}, "
            f"réponses jusqu'au {french(after['replies_until'])}"
        )
    moved = [
        f"{label} : {french(before[name])} → {french(after[name])}"
        for name, label in DATE_NAMES
        if before[name] != after[name]
    ]
    return " ; ".join(moved)


def scale_detail(before: Scale, after: Scale) -> str:
    """The yearly amounts that changed, and how many income ceilings did."""
    old_amounts = {e.echelon: e.yearly_amount_cents for e in before.echelons}
    new_amounts = {e.echelon: e.yearly_amount_cents for e in after.echelons}
    parts = []
    for echelon in sorted(old_amounts.keys() | new_amounts.keys()):
        old, new = old_amounts.get(echelon), new_amounts.get(echelon)
        if old != new:
            shown = [euros(value) if value is not None else "—" for value in (old, new)]
            parts.append(f"échelon {echelon} : {shown[0]} → {shown[1]}")
    old_ceilings = {(c.dependent_children, c.echelon): c.max_income for c in before.ceilings}
    new_ceilings = {(c.dependent_children, c.echelon): c.max_income for c in after.ceilings}
    changed = sum(old_ceilings.get(key) != new_ceilings.get(key) for key in old_ceilings.keys() | new_ceilings.keys())
    if changed:
        parts.append(f"{changed} plafond{'s' if changed > 1 else ''} de revenu modifié{'s' if changed > 1 else ''}")
    return " ; ".join(parts)


async def record(
    principal: Principal, year_id: UUID, subject: str, name: str, action: str, detail: str, level: str = ""
) -> None:
    """One line of the log (in the caller's transaction when there is one)."""
    await TeleserviceSettingChange.insert(
        TeleserviceSettingChange(
            school_id=principal.school_id,
            school_year_id=year_id,
            subject=subject,
            name=name,
            level=level,
            action=action,
            detail=detail,
            actor_id=principal.user_id,
        )
    )


async def setting_changes(principal: Principal, year_id: UUID) -> list[SettingChangeLine]:
    rows = (
        await TeleserviceSettingChange.select()
        .where(
            (TeleserviceSettingChange.school_id == principal.school_id)
            & (TeleserviceSettingChange.school_year_id == year_id)
        )
        .order_by(TeleserviceSettingChange.created_at, ascending=False)
        .limit(LOG_LENGTH)
    )
    actors = await people(principal.school_id, [row["actor_id"] for row in rows])
    return [
        SettingChangeLine(
            id=row["id"],
            at=row["created_at"],
            by=actors[row["actor_id"]].name if row["actor_id"] in actors else "",
            subject=row["subject"],
            title=(
                title({"service": row["name"], "level": row["level"]})
                if row["subject"] == "campaign"
                else SCALE_TITLES.get(row["name"], row["name"])
            ),
            action=row["action"],
            action_label=ACTION_LABELS.get(row["action"], row["action"]),
            detail=row["detail"],
        )
        for row in rows
    ]


class SettingsLogController(Controller):
    path = "/api/school/teleservices/settings-log"
    tags = ["téléservices (établissement)"]
    dependencies = {"principal": Provide(principal_with_roles("admin"))}

    @get(
        "/", summary="Who changed the campaigns and the bourse scales of a school year, and when", responses=errors(404)
    )
    async def log(
        self, principal: NamedDependency[Principal], school_year_id: FromQuery[UUID | None] = None
    ) -> list[SettingChangeLine]:
        year = await chosen_year(principal.school_id, school_year_id)
        return await setting_changes(principal, year["id"])


ROUTES = [SettingsLogController]
