"""The dates a school request may name, and the family screens' day and range parameters.

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
