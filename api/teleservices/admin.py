"""Campaign dates and the bourse scale of each school year: staff read them, the school's
administrator sets them, for the current year or a later one (in summer, next year's are prepared
before it begins). `school_year_id` names the year (one of the school's); without it, the current one.
Every change the administrator makes is a line of the settings log (settings_log.py): who, when, what.

GET  /api/school/teleservices/years                  staff, admin: the current year and those after it
POST /api/school/teleservices/years/next             admin: add the year after the current one, if missing
GET  /api/school/teleservices/campaigns?school_year_id=         staff, admin
PUT  /api/school/teleservices/campaigns              admin: open (or move, or close) a téléservice with its dates
POST /api/school/teleservices/campaigns/{id}/cancel  admin: cancel a téléservice not yet opened ("Annulé")
GET  /api/school/teleservices/scales/{scale}?school_year_id=    staff, admin (college | lycee)
PUT  /api/school/teleservices/scales/{scale}?school_year_id=    admin: replace the year's scale
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.clock import now
from api.dates import french, require_school_date, school_today
from api.errors import ApiError
from api.openapi import errors
from api.school_years import current_year
from api.teleservices import settings_log
from api.teleservices.campaigns import (
    CampaignOut,
    campaign_by_id,
    campaign_out,
    chosen_year,
    coming_years,
    title,
    year_campaigns,
    year_to_change,
)
from api.teleservices.catalogue import ORIENTATION_SERVICES, Service
from api.teleservices.scale import Ceiling, EchelonAmount, Scale, ScaleName, load_scale, replace_scale
from db.core.tables import SchoolYear
from db.teleservices.tables import BourseRequest, OrientationForm, TeleserviceCampaign
from piccolo_conf import DB

ADMIN_ONLY = {"principal": Provide(principal_with_roles("admin"))}


class CampaignIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    school_year_id: UUID | None = None  # the current school year if not given
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
    school_year_id: UUID | None = None


class YearOut(msgspec.Struct):
    id: UUID
    label: str
    starts_on: date
    ends_on: date
    current: bool  # the year families' téléservices are in today


def _year_out(year: dict, current: dict) -> YearOut:
    return YearOut(year["id"], year["label"], year["starts_on"], year["ends_on"], year["id"] == current["id"])


def _a_year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


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


async def _has_requests(school_id: UUID, campaign_id: UUID) -> bool:
    for table in (BourseRequest, OrientationForm):
        if await table.exists().where((table.school_id == school_id) & (table.campaign_id == campaign_id)):
            return True
    return False


def _require_cancellable(campaign: dict, today: date, has_requests: bool) -> None:
    """Only a téléservice not yet opened, in which no family has started anything, is cancelled (409)."""
    if today >= campaign["opens_on"]:
        raise ApiError(
            409,
            "campaign_already_opened",
            f"{title(campaign)} a ouvert le {french(campaign['opens_on'])} : il ne peut plus être annulé. "
            "Pour le fermer, avancez sa date de fermeture.",
        )
    if has_requests:
        raise ApiError(
            409,
            "campaign_has_requests",
            f"{title(campaign)} : des familles ont déjà commencé une demande, il ne peut pas être annulé.",
        )


class TeleservicesSettingsController(Controller):
    path = "/api/school/teleservices"
    tags = ["téléservices (établissement)"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get(
        "/years",
        summary="The school years whose téléservices may be set: the current one and later ones",
        responses=errors(404),
    )
    async def years(self, principal: NamedDependency[Principal]) -> list[YearOut]:
        current, coming = await coming_years(principal.school_id)
        return [_year_out(year, current) for year in coming]

    @post(
        "/years/next",
        summary="Prepare the next school year (its dates a year after the current one's), if it is not there yet",
        status_code=200,
        dependencies=ADMIN_ONLY,
        responses=errors(404),
    )
    async def next_year(self, principal: NamedDependency[Principal]) -> YearOut:
        sid = principal.school_id
        async with DB.transaction():
            current = await current_year(sid)
            # Two admins at once: the second waits here, then finds the year the first one added.
            await (
                SchoolYear.select(SchoolYear.id)
                .where((SchoolYear.school_id == sid) & (SchoolYear.id == current["id"]))
                .lock_rows()
            )
            current, coming = await coming_years(sid)
            if len(coming) > 1:
                return _year_out(coming[1], current)
            starts_on = _a_year_later(current["starts_on"])
            year = SchoolYear(
                school_id=sid,
                label=f"{starts_on.year}-{starts_on.year + 1}",
                starts_on=starts_on,
                ends_on=_a_year_later(current["ends_on"]),
            )
            await year.save()
        return _year_out(year.to_dict(), current)

    @get("/campaigns", summary="The téléservices of a school year and their dates", responses=errors(404))
    async def campaigns(
        self, principal: NamedDependency[Principal], school_year_id: FromQuery[UUID | None] = None
    ) -> list[CampaignOut]:
        year = await chosen_year(principal.school_id, school_year_id)
        today = await school_today(principal.school_id)
        return [campaign_out(c, year["label"], today) for c in await year_campaigns(principal.school_id, year["id"])]

    @get("/scales/{scale:str}", summary="The bourse scale of a school year", responses=errors(404))
    async def scale(
        self,
        principal: NamedDependency[Principal],
        scale: FromPath[ScaleName],
        school_year_id: FromQuery[UUID | None] = None,
    ) -> YearScale:
        year = await chosen_year(principal.school_id, school_year_id)
        current = await load_scale(principal.school_id, year["id"], scale)
        return YearScale(scale, year["label"], current.echelons, current.ceilings, year["id"])

    @put(
        "/campaigns",
        summary="Set a téléservice's dates for a school year (creates it, or moves its dates)",
        dependencies=ADMIN_ONLY,
        responses=errors(404, 409),
    )
    async def set_campaign(self, principal: NamedDependency[Principal], data: JSONBody[CampaignIn]) -> CampaignOut:
        sid = principal.school_id
        year = await year_to_change(sid, data.school_year_id)
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
            "cancelled_at": None,  # dates set again bring a cancelled téléservice back
        }
        update = TeleserviceCampaign.update({getattr(TeleserviceCampaign, k): v for k, v in values.items()})
        async with DB.transaction():
            before = await TeleserviceCampaign.select().where(where).lock_rows().first()
            created = []
            if before is None:
                row = TeleserviceCampaign(
                    school_id=sid, school_year_id=year["id"], service=data.service, level=data.level, **values
                )
                insert = TeleserviceCampaign.insert(row).on_conflict(action="DO NOTHING")
                created = await insert.returning(TeleserviceCampaign.id)
                if not created:  # created at the same moment by another request: this one moves it
                    before = await TeleserviceCampaign.select().where(where).lock_rows().first()
            if not created:
                await update.where(where)
            saved = await TeleserviceCampaign.select().where(where).first()
            detail = settings_log.campaign_detail(before, saved)
            reopened = before is not None and before["cancelled_at"] is not None
            if before is None or detail or reopened:
                action = "create" if before is None else ("reopen" if reopened else "dates")
                await settings_log.record(principal, year["id"], "campaign", data.service, action, detail, data.level)
        return campaign_out(saved, year["label"], await school_today(sid))

    @post(
        "/campaigns/{campaign_id:uuid}/cancel",
        summary="Cancel a téléservice that has not opened yet: it reads « Annulé » (setting its dates brings it back)",
        status_code=200,
        dependencies=ADMIN_ONLY,
        responses=errors(404, 409),
    )
    async def cancel_campaign(self, principal: NamedDependency[Principal], campaign_id: FromPath[UUID]) -> CampaignOut:
        sid = principal.school_id
        campaign = await campaign_by_id(sid, campaign_id)
        year = await year_to_change(sid, campaign["school_year_id"])
        today = await school_today(sid)
        where = (TeleserviceCampaign.school_id == sid) & (TeleserviceCampaign.id == campaign_id)
        async with DB.transaction():
            campaign = await TeleserviceCampaign.select().where(where).lock_rows().first()
            if campaign["cancelled_at"] is None:  # cancelled again: the same answer
                _require_cancellable(campaign, today, await _has_requests(sid, campaign_id))
                moment = now()
                await TeleserviceCampaign.update(
                    {TeleserviceCampaign.cancelled_at: moment, TeleserviceCampaign.updated_at: moment}
                ).where(where)
                detail = f"devait ouvrir du {french(campaign['opens_on'])} au {french(campaign['closes_on'])}"
                await settings_log.record(
                    principal, year["id"], "campaign", campaign["service"], "cancel", detail, campaign["level"]
                )
        saved = await TeleserviceCampaign.select().where(where).first()
        return campaign_out(saved, year["label"], today)

    @put(
        "/scales/{scale:str}",
        summary="Replace the bourse scale of a school year",
        dependencies=ADMIN_ONLY,
        responses=errors(404, 409),
    )
    async def set_scale(
        self,
        principal: NamedDependency[Principal],
        scale: FromPath[ScaleName],
        data: JSONBody[Scale],
        school_year_id: FromQuery[UUID | None] = None,
    ) -> YearScale:
        year = await year_to_change(principal.school_id, school_year_id)
        async with DB.transaction():
            before = await load_scale(principal.school_id, year["id"], scale)
            await replace_scale(principal.school_id, year["id"], scale, data)
            detail = settings_log.scale_detail(before, data)
            if detail:
                await settings_log.record(principal, year["id"], "scale", scale, "replace", detail)
        return YearScale(scale, year["label"], data.echelons, data.ceilings, year["id"])


ROUTES = [TeleservicesSettingsController]
