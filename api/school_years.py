"""A school's years: which one is current (classes, campaigns and scales hang on a school year)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from api.dates import school_today
from api.errors import ApiError
from db.core.tables import SchoolYear


async def school_years(school_id: UUID) -> list[dict]:
    """The school's years, oldest first; a 404 when it has none."""
    years = await SchoolYear.select().where(SchoolYear.school_id == school_id).order_by(SchoolYear.starts_on)
    if not years:
        raise ApiError(404, "no_school_year", "Aucune année scolaire n'est définie pour l'établissement.")
    return years


def current_school_year(years: list[dict], today: date) -> dict:
    """The year containing `today`, else the latest one begun (in summer: the year just ended), else
    the first one (a school set up before its first year begins). A next year prepared in advance is
    never current before it starts."""
    current = next((year for year in years if year["starts_on"] <= today <= year["ends_on"]), None)
    if current:
        return current
    begun = [year for year in years if year["starts_on"] <= today]
    return begun[-1] if begun else years[0]


async def current_year(school_id: UUID) -> dict:
    """The school's current year (`current_school_year` on the school's own day)."""
    return current_school_year(await school_years(school_id), await school_today(school_id))
