"""The dates a school request may name, a school's time zone and own day, French short dates, and the
family screens' day and range parameters.

School life happens well inside FIRST_YEAR..LAST_YEAR; refusing the rest up front keeps date
arithmetic (a week after, the day after) from overflowing into a 500 near 9999-12-31.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID
from zoneinfo import ZoneInfo

from api.clock import today_in
from api.errors import ApiError
from db.core.tables import School

FIRST_YEAR, LAST_YEAR = 2000, 2100
DEFAULT_ZONE = ZoneInfo("Europe/Paris")

# A school's time zone is set when the school is created and never changed by the API: each process
# keeps the zones it has read (one entry per school), so a school's "today" costs no statement.
_zones: dict[UUID, ZoneInfo] = {}


def require_school_date(day: date, field: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ApiError(400, "invalid", "Date invalide.", details={field: "range"})
    return day


async def school_zone(school_id: UUID) -> ZoneInfo:
    zone = _zones.get(school_id)
    if zone is None:
        row = await School.select(School.timezone).where(School.id == school_id).first()
        if row is None:  # unknown (e.g. a forged credential's school): not remembered
            return DEFAULT_ZONE
        zone = _zones[school_id] = ZoneInfo(row["timezone"])
    return zone


async def school_today(school_id: UUID) -> date:
    """Today in the school's time zone (a menu, a deadline or a publication date is the school's day)."""
    return today_in(await school_zone(school_id))


def french(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def parse_day(value: str | None, default: date, field: str) -> date:
    """`AAAA-MM-JJ` from a query string, or `default` when absent."""
    if value is None or value == "":
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            400, "invalid", "Date invalide (format attendu : AAAA-MM-JJ).", details={field: "date"}
        ) from None
    return require_school_date(day, field)


def check_range(start: date, end: date, max_days: int) -> None:
    if end < start or (end - start).days > max_days:
        raise ApiError(400, "invalid", f"Période invalide (au plus {max_days} jours).", details={"end": "range"})
