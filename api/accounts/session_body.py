"""The body of GET/POST /api/session: who is signed in, their school, a parent's children (the students
`family_audience` gives them, as on the phone's profile)."""

from __future__ import annotations

from uuid import UUID

from api.accounts.structs import Child, SessionBody, SessionUser
from api.errors import ApiError
from api.people import audience_cards
from db.core.tables import School, User


async def children_of(school_id: UUID, parent_id: UUID) -> list[Child]:
    """The students `family_audience` gives the parent, by first name (as the phone profile)."""
    cards = sorted(await audience_cards(school_id, parent_id), key=lambda c: (c.first_name, c.last_name))
    return [Child(id=c.id, first_name=c.first_name, last_name=c.last_name, class_name=c.class_name) for c in cards]


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
