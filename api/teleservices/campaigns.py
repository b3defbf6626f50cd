"""Campaigns: which téléservice is open for which school year, between which dates.

Families act between `opens_on` and `closes_on` (file a bourse, enter orientation wishes) and may
answer the school until `replies_until` (send a missing piece, accept the council's answer).
Outside its dates a téléservice reads "fermé", with the dates. Dates are the school's own days.
A campaign the administrator cancelled before it opened reads "Annulé": families never act in it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

import msgspec

from api.dates import french, school_today
from api.errors import ApiError
from api.school_years import current_school_year, current_year, school_years
from api.teleservices.catalogue import BOURSE_LEVELS, SERVICE_TITLES
from db.core.tables import SchoolYear
from db.teleservices.tables import TeleserviceCampaign

CAMPAIGN_NOT_FOUND = ApiError(404, "not_found", "Téléservice introuvable.")


class Window(msgspec.Struct):
    status: Literal["open", "upcoming", "closed", "cancelled"]
    label: str  # "Ouvert jusqu'au 15/10/2026" | "Fermé — ouvert du 01/09/2026 au 15/10/2026" | "Annulé"
    opens_on: date
    closes_on: date
    replies_until: date


class CampaignOut(msgspec.Struct):
    id: UUID
    service: str
    level: str
    title: str
    school_year: str
    window: Window
    school_year_id: UUID | None = None


def window(campaign: dict, today: date) -> Window:
    opens, closes = campaign["opens_on"], campaign["closes_on"]
    if campaign.get("cancelled_at") is not None:
        status, label = "cancelled", "Annulé"
    elif today < opens:
        status, label = "upcoming", f"Fermé — ouvert du {french(opens)} au {french(closes)}"
    elif today > closes:
        status, label = "closed", f"Fermé — était ouvert du {french(opens)} au {french(closes)}"
    else:
        status, label = "open", f"Ouvert jusqu'au {french(closes)}"
    return Window(status, label, opens, closes, campaign["replies_until"])


def title(campaign: dict) -> str:
    level = f" ({campaign['level']})" if campaign["level"] else ""
    return SERVICE_TITLES[campaign["service"]] + level


async def coming_years(school_id: UUID) -> tuple[dict, list[dict]]:
    """(the current year, the current year and those after it): the years whose campaigns and scale
    the administrator may set (in summer, next year's may be prepared before it begins)."""
    years = await school_years(school_id)
    current = current_school_year(years, await school_today(school_id))
    return current, [year for year in years if year["starts_on"] >= current["starts_on"]]


async def chosen_year(school_id: UUID, year_id: UUID | None) -> dict:
    """The school year a request names (one of the school's, else a 404), else the current one."""
    if year_id is None:
        return await current_year(school_id)
    year = await SchoolYear.select().where((SchoolYear.school_id == school_id) & (SchoolYear.id == year_id)).first()
    if year is None:
        raise ApiError(404, "unknown_school_year", "Cette année scolaire n'existe pas dans l'établissement.")
    return year


async def year_to_change(school_id: UUID, year_id: UUID | None) -> dict:
    """`chosen_year`, the current one or a later one only: a past year's campaigns and scale stay as
    they were (409)."""
    year = await chosen_year(school_id, year_id)
    current, coming = await coming_years(school_id)
    if year["id"] not in {y["id"] for y in coming}:
        raise ApiError(
            409,
            "past_school_year",
            f"L'année scolaire {year['label']} est passée : ses téléservices ne changent plus "
            f"(année en cours : {current['label']}).",
        )
    return year


async def year_campaigns(school_id: UUID, year_id: UUID) -> list[dict]:
    return (
        await TeleserviceCampaign.select()
        .where((TeleserviceCampaign.school_id == school_id) & (TeleserviceCampaign.school_year_id == year_id))
        .order_by(TeleserviceCampaign.opens_on)
    )


async def campaign_by_id(school_id: UUID, campaign_id: UUID) -> dict:
    row = (
        await TeleserviceCampaign.select()
        .where((TeleserviceCampaign.school_id == school_id) & (TeleserviceCampaign.id == campaign_id))
        .first()
    )
    if row is None:
        raise CAMPAIGN_NOT_FOUND
    return row


async def school_year(school_id: UUID, year_id: UUID) -> dict:
    return await SchoolYear.select().where((SchoolYear.school_id == school_id) & (SchoolYear.id == year_id)).first()


async def year_label(school_id: UUID, year_id: UUID) -> str:
    row = (
        await SchoolYear.select(SchoolYear.label)
        .where((SchoolYear.school_id == school_id) & (SchoolYear.id == year_id))
        .first()
    )
    return row["label"] if row else ""


def campaign_out(campaign: dict, year: str, today: date) -> CampaignOut:
    return CampaignOut(
        id=campaign["id"],
        service=campaign["service"],
        level=campaign["level"],
        title=title(campaign),
        school_year=year,
        window=window(campaign, today),
        school_year_id=campaign["school_year_id"],
    )


async def shown_campaign(school_id: UUID, campaign_id: UUID) -> tuple[dict, CampaignOut, date]:
    """(the campaign's row, the campaign as shown today, today) for a request's page."""
    campaign = await campaign_by_id(school_id, campaign_id)
    today = await school_today(school_id)
    return campaign, campaign_out(campaign, await year_label(school_id, campaign["school_year_id"]), today), today


def concerns(campaign: dict, level: str) -> bool:
    """Whether a student of `level` may have a request in this campaign."""
    if campaign["service"] in BOURSE_LEVELS:
        return level in BOURSE_LEVELS[campaign["service"]]
    return level == campaign["level"]


def require_concerned(campaign: dict, level: str) -> None:
    if not concerns(campaign, level):
        raise ApiError(400, "not_concerned", f"Ce téléservice ne concerne pas les élèves de {level or 'cette classe'}.")


def require_open(campaign: dict, today: date) -> None:
    """Families may fill in and send a request only while the campaign is open."""
    shown = window(campaign, today)
    if shown.status != "open":
        raise ApiError(409, "campaign_closed", f"{title(campaign)} : {shown.label[0].lower()}{shown.label[1:]}.")


def require_replies_open(campaign: dict, today: date) -> None:
    """Families may answer the school (a missing piece, the council's answer) until `replies_until`."""
    if today > campaign["replies_until"]:
        raise ApiError(
            409,
            "reply_deadline_passed",
            f"La date limite de réponse ({french(campaign['replies_until'])}) est dépassée : "
            "contactez l'établissement.",
        )


def require_family_may_reply(campaign: dict, today: date, consequence: str) -> None:
    """The school may ask the family something (a missing piece, an answer to the council) only while the
    family may still reply: after `replies_until` the family could do nothing (409). `consequence` says
    what the family could no longer do and what the school may do instead."""
    if today > campaign["replies_until"]:
        raise ApiError(
            409,
            "family_deadline_passed",
            f"La date limite de réponse des familles ({french(campaign['replies_until'])}) est passée : {consequence}",
            details={"replies_until": campaign["replies_until"].isoformat()},
        )
