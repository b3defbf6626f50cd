"""The body of GET/POST /api/session: who is signed in, their school, a parent's children (the students
`family_audience` gives them, as on the phone's profile)."""

from __future__ import annotations

from uuid import UUID

from api.accounts.structs import Child, SessionBody, SessionUser
from api.errors import ApiError
from db.core.tables import School, User
from piccolo_conf import DB

# $1 school, $2 parent: the students `family_audience` lets the parent read, by first name (as the phone profile).
_CHILDREN_SQL = """
SELECT c.id, c.first_name, c.last_name,
       coalesce((SELECT k.name FROM enrolment e JOIN school_class k ON k.school_id = $1 AND k.id = e.class_id
                 WHERE e.school_id = $1 AND e.student_id = c.id LIMIT 1), '') AS class_name
FROM family_audience($1, $2, NULL) a
JOIN app_user c ON c.school_id = $1 AND c.id = a.student_id
ORDER BY c.first_name COLLATE "C", c.last_name COLLATE "C"
"""


async def children_of(school_id: UUID, parent_id: UUID) -> list[Child]:
    return [Child(**row) for row in await DB.pool.fetch(_CHILDREN_SQL, school_id, parent_id)]


async def session_body(school_id: UUID, user_id: UUID, csrf_token: str) -> SessionBody:
    user = await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()
    if user is None:
        raise ApiError(401, "not_authenticated", "Vous devez vous connecter.")
    school = await School.select(School.name).where(School.id == school_id).first()
    children = await children_of(school_id, user_id) if user["role"] == "parent" else []
    return SessionBody(
        user=SessionUser(
            id=user["id"],
            role=user["role"],
            first_name=user["first_name"],
            last_name=user["last_name"],
            identifier=user["identifier"],
            school_id=school_id,
            school_name=school["name"] if school else "",
        ),
        csrf_token=csrf_token,
        first_login_pending=user["first_login_done_at"] is None,
        children=children,
    )
