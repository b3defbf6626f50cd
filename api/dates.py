"""Dates and moments as a school lives them: its own calendar day, French short dates, sane ranges.

School life happens well inside FIRST_YEAR..LAST_YEAR; refusing the rest up front keeps date
arithmetic (a week after, the day after) from overflowing into a 500 near 9999-12-31.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from api.errors import ApiError
from api.timetable.school_service import school_zone

FIRST_YEAR, LAST_YEAR = 2000, 2100


def require_school_date(day: date, field: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ApiError(400, "invalid", "Date invalide.", details={field: "range"})
    return day


def utc_now() -> datetime:
    return datetime.now(UTC)


async def school_today(school_id: UUID) -> date:
    """Today in the school's time zone (a menu, a deadline or a publication date is the school's day)."""
    return datetime.now(await school_zone(school_id)).date()


def french(day: date) -> str:
    return day.strftime("%d/%m/%Y")
