"""The body of GET/POST /api/session: who is signed in, their school, a parent's children."""

from __future__ import annotations

from uuid import UUID

from api.accounts.structs import Child, SessionBody, SessionUser
from api.errors import ApiError
from db.core.tables import Enrolment, Guardianship, School, SchoolClass, User


async def children_of(school_id: UUID, parent_id: UUID) -> list[Child]:
    links = await Guardianship.select(Guardianship.student_id).where(
        (Guardianship.school_id == school_id) & (Guardianship.parent_id == parent_id)
    )
    ids = [link["student_id"] for link in links]
    if not ids:
        return []
    students = (
        await User.select(User.id, User.first_name, User.last_name)
        .where((User.school_id == school_id) & User.id.is_in(ids))
        .order_by(User.first_name)
    )
    enrolments = await Enrolment.select(Enrolment.student_id, Enrolment.class_id).where(
        (Enrolment.school_id == school_id) & Enrolment.student_id.is_in(ids)
    )
    class_ids = list({e["class_id"] for e in enrolments})
    classes = {}
    if class_ids:
        rows = await SchoolClass.select(SchoolClass.id, SchoolClass.name).where(
            (SchoolClass.school_id == school_id) & SchoolClass.id.is_in(class_ids)
        )
        classes = {row["id"]: row["name"] for row in rows}
    class_of = {e["student_id"]: classes.get(e["class_id"], "") for e in enrolments}
    return [
        Child(id=s["id"], first_name=s["first_name"], last_name=s["last_name"], class_name=class_of.get(s["id"], ""))
        for s in students
    ]


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
