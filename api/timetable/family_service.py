"""Shared family-side queries: which lessons/homework reach a student (class or group), subject names."""

from __future__ import annotations

from datetime import date, datetime, timezone
from uuid import UUID

from api.auth.principal import Principal
from api.dates import require_school_date
from api.errors import ApiError
from db.core.tables import Subject, User


class Audience:
    """A student's class and group ids, as SQL arrays for `class_id = ANY(...) OR group_id = ANY(...)`."""

    def __init__(self, class_ids: list[UUID], group_ids: list[UUID]) -> None:
        self.class_ids = class_ids
        self.group_ids = group_ids

    def __bool__(self) -> bool:
        return bool(self.class_ids or self.group_ids)


# One round trip for both lists (same answer as scope.student_class_and_groups): the homework list is hot.
_AUDIENCE_SQL = """
SELECT ARRAY(SELECT class_id FROM enrolment WHERE school_id = {} AND student_id = {}) AS class_ids,
       ARRAY(SELECT group_id FROM group_membership WHERE school_id = {} AND student_id = {}) AS group_ids
"""


async def audience_of(school_id: UUID, student_id: UUID) -> Audience:
    [row] = await Subject.raw(_AUDIENCE_SQL, school_id, student_id, school_id, student_id)
    return Audience(list(row["class_ids"]), list(row["group_ids"]))


async def subjects_by_id(school_id: UUID, ids: set[UUID]) -> dict[UUID, dict]:
    if not ids:
        return {}
    rows = await Subject.select(Subject.id, Subject.name, Subject.color).where(
        (Subject.school_id == school_id) & Subject.id.is_in(list(ids))
    )
    return {row["id"]: row for row in rows}


async def names_by_id(school_id: UUID, ids: set[UUID]) -> dict[UUID, str]:
    """Display names as families see them: "M./Mme" is unknown, so "Prénom NOM"."""
    if not ids:
        return {}
    rows = await User.select(User.id, User.first_name, User.last_name).where(
        (User.school_id == school_id) & User.id.is_in(list(ids))
    )
    return {row["id"]: f"{row['first_name']} {row['last_name'].upper()}" for row in rows}


def require_family(principal: Principal) -> None:
    if not principal.is_family:
        raise ApiError(403, "forbidden", "Cette fonction n'est pas disponible pour votre profil.")


def parse_day(value: str | None, default: date, field: str) -> date:
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


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
