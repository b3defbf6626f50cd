"""Campaign dates and the bourse scale of the current school year: staff read them, the school's
administrator sets them.

GET /api/school/teleservices/campaigns          staff, admin
PUT /api/school/teleservices/campaigns          admin: open (or move, or close) a téléservice with its dates
GET /api/school/teleservices/scales/{scale}     staff, admin (college | lycee)
PUT /api/school/teleservices/scales/{scale}     admin: replace the year's scale
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec
from asyncpg.exceptions import UniqueViolationError
from litestar import Controller, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.clock import now
from api.dates import require_school_date, school_today
from api.errors import ApiError
from api.openapi import errors
from api.teleservices.campaigns import CampaignOut, campaign_out, current_year, year_campaigns
from api.teleservices.catalogue import ORIENTATION_SERVICES, Service
from api.teleservices.scale import Ceiling, EchelonAmount, Scale, ScaleName, load_scale, replace_scale
from db.teleservices.tables import TeleserviceCampaign

ADMIN_ONLY = {"principal": Provide(principal_with_roles("admin"))}


class CampaignIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    service: Service
    level: Literal["", "3e", "2de"] = ""  # orientation: 3e or 2de; bourses: ""
    opens_on: date
    closes_on: date
    replies_until: date  # families may answer the school until then (missing piece, council's answer)


class YearScale(msgspec.Struct):
    scale: str
    school_year: str
    echelons: list[EchelonAmount]
    ceilings: list[Ceiling]


def _check_campaign(data: CampaignIn, year: dict) -> None:
    for name in ("opens_on", "closes_on", "replies_until"):
        require_school_date(getattr(data, name), name)
    if (data.service in ORIENTATION_SERVICES) != bool(data.level):
        raise ApiError(400, "invalid_level", "Le niveau (3e ou 2de) s'indique pour l'orientation seulement.")
    if not data.opens_on <= data.closes_on <= data.replies_until:
        raise ApiError(
            400, "invalid_dates", "Les dates doivent se suivre : ouverture, fermeture, puis fin des réponses."
        )
    if not (year["starts_on"] <= data.opens_on and data.closes_on <= year["ends_on"]):
        raise ApiError(400, "outside_year", f"Les dates doivent être dans l'année scolaire {year['label']}.")


class TeleservicesSettingsController(Controller):
    path = "/api/school/teleservices"
    tags = ["téléservices (établissement)"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get("/campaigns", summary="The téléservices of the current school year and their dates", responses=errors(404))
    async def campaigns(self, principal: NamedDependency[Principal]) -> list[CampaignOut]:
        year = await current_year(principal.school_id)
        today = await school_today(principal.school_id)
        return [campaign_out(c, year["label"], today) for c in await year_campaigns(principal.school_id, year["id"])]

    @get("/scales/{scale:str}", summary="The bourse scale of the current school year", responses=errors(404))
    async def scale(self, principal: NamedDependency[Principal], scale: FromPath[ScaleName]) -> YearScale:
        year = await current_year(principal.school_id)
        current = await load_scale(principal.school_id, year["id"], scale)
        return YearScale(scale, year["label"], current.echelons, current.ceilings)

    @put(
        "/campaigns",
        summary="Set a téléservice's dates for the current school year (creates it, or moves its dates)",
        dependencies=ADMIN_ONLY,
        responses=errors(404),
    )
    async def set_campaign(self, principal: NamedDependency[Principal], data: JSONBody[CampaignIn]) -> CampaignOut:
        sid = principal.school_id
        year = await current_year(sid)
        _check_campaign(data, year)
        where = (
            (TeleserviceCampaign.school_id == sid)
            & (TeleserviceCampaign.school_year_id == year["id"])
            & (TeleserviceCampaign.service == data.service)
            & (TeleserviceCampaign.level == data.level)
        )
        values = {
            "opens_on": data.opens_on,
            "closes_on": data.closes_on,
            "replies_until": data.replies_until,
            "updated_at": now(),
        }
        update = TeleserviceCampaign.update({getattr(TeleserviceCampaign, k): v for k, v in values.items()})
        if await TeleserviceCampaign.exists().where(where):
            await update.where(where)
        else:
            row = TeleserviceCampaign(
                school_id=sid, school_year_id=year["id"], service=data.service, level=data.level, **values
            )
            try:
                await row.save()
            except UniqueViolationError:  # created at the same moment by another request: this one moves it
                await update.where(where)
        saved = await TeleserviceCampaign.select().where(where).first()
        return campaign_out(saved, year["label"], await school_today(sid))

    @put(
        "/scales/{scale:str}",
        summary="Replace the bourse scale of the current school year",
        dependencies=ADMIN_ONLY,
        responses=errors(404),
    )
    async def set_scale(
        self, principal: NamedDependency[Principal], scale: FromPath[ScaleName], data: JSONBody[Scale]
    ) -> YearScale:
        year = await current_year(principal.school_id)
        await replace_scale(principal.school_id, year["id"], scale, data)
        return YearScale(scale, year["label"], data.echelons, data.ceilings)


ROUTES = [TeleservicesSettingsController]
