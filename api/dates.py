"""The dates a school request may name.

School life happens well inside these years; refusing the rest up front keeps date arithmetic
(a week after, the day after) from overflowing into a 500 near 9999-12-31.
"""

from datetime import date

from api.errors import ApiError

FIRST_YEAR, LAST_YEAR = 2000, 2100


def require_school_date(day: date, field: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ApiError(400, "invalid", "Date invalide.", details={field: "range"})
    return day
