"""Who a record is about and who may act on it: students with their class, legal guardians, names.

Every query names the school by equality; a student of another school, or not one's own child,
is a 404 (ids of other families cannot be probed). A parent's children are the students
`family_audience` gives them (api/auth/scope.py): the one family visibility rule.
"""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID

import msgspec

from api.auth.principal import Principal
from api.errors import ApiError
from db.core.tables import User

STUDENT_NOT_FOUND = ApiError(404, "not_found", "Élève introuvable.")


class StudentCard(msgspec.Struct):
    id: UUID
    first_name: str
    last_name: str
    class_id: UUID | None
    class_name: str
    level: str


def _cards_sql(students: str) -> str:
    """Student cards of school {} (its three first arguments), of the students the SQL uuid[]
    expression `students` names, by class then name."""
    return f"""
SELECT u.id, u.first_name, u.last_name, c.id AS class_id, coalesce(c.name, '') AS class_name,
       coalesce(c.level, '') AS level
FROM app_user u
LEFT JOIN enrolment e ON e.school_id = {{}} AND e.student_id = u.id
LEFT JOIN school_class c ON c.school_id = {{}} AND c.id = e.class_id
WHERE u.school_id = {{}} AND u.role = 'student' AND u.id = ANY({students})
ORDER BY c.name, u.last_name, u.first_name
"""


_STUDENTS_SQL = _cards_sql("{}")
# The students `family_audience` lets a reader read (one when its third argument names a student, else all).
_AUDIENCE_CARDS_SQL = _cards_sql("ARRAY(SELECT a.student_id FROM family_audience({}, {}, {}) a)")


async def student_cards(school_id: UUID, student_ids: list[UUID]) -> dict[UUID, StudentCard]:
    if not student_ids:
        return {}
    rows = await User.raw(_STUDENTS_SQL, school_id, school_id, school_id, list(set(student_ids)))
    return {row["id"]: StudentCard(**row) for row in rows}


async def student_card(school_id: UUID, student_id: UUID) -> StudentCard:
    card = (await student_cards(school_id, [student_id])).get(student_id)
    if card is None:
        raise STUDENT_NOT_FOUND
    return card


async def audience_cards(school_id: UUID, reader_id: UUID, student_id: UUID | None = None) -> list[StudentCard]:
    """The students `family_audience` lets `reader_id` read (only `student_id`, when given), as cards."""
    rows = await User.raw(_AUDIENCE_CARDS_SQL, school_id, school_id, school_id, school_id, reader_id, student_id)
    return list({row["id"]: StudentCard(**row) for row in rows}.values())


async def _parents_students(principal: Principal, student_id: UUID | None) -> list[StudentCard]:
    """What `family_audience` gives a parent (a student reader would get themself: not a child)."""
    if principal.role != "parent":
        return []
    return await audience_cards(principal.school_id, principal.user_id, student_id)


async def children_of(principal: Principal) -> list[StudentCard]:
    """A parent's children, by class then name."""
    return await _parents_students(principal, None)


async def require_guardian(principal: Principal, student_id: UUID) -> StudentCard:
    """The student, if the principal is one of their legal guardians; a 404 otherwise."""
    for card in await _parents_students(principal, student_id):
        return card
    raise STUDENT_NOT_FOUND


class Person(NamedTuple):
    name: str
    role: str


async def people(school_id: UUID, user_ids) -> dict[UUID, Person]:
    ids = list({user_id for user_id in user_ids if user_id})
    if not ids:
        return {}
    rows = await User.select(User.id, User.first_name, User.last_name, User.role).where(
        (User.school_id == school_id) & User.id.is_in(ids)
    )
    return {row["id"]: Person(f"{row['first_name']} {row['last_name']}", row["role"]) for row in rows}
