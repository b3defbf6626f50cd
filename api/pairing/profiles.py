"""What a phone profile shows: who it is, the school, and the students it follows."""

from __future__ import annotations

from uuid import UUID

from api.pairing.structs import Child, Profile
from db.core.tables import Enrolment, Guardianship, School, SchoolClass, User


async def _children(school_id: UUID, user: dict) -> list[Child]:
    if user["role"] == "student":
        student_ids = [user["id"]]
    else:
        rows = await Guardianship.select(Guardianship.student_id).where(
            (Guardianship.school_id == school_id) & (Guardianship.parent_id == user["id"])
        )
        student_ids = [row["student_id"] for row in rows]
    if not student_ids:
        return []
    students = await User.select(User.id, User.first_name, User.last_name).where(
        (User.school_id == school_id) & User.id.is_in(student_ids)
    )
    enrolments = await Enrolment.select(Enrolment.student_id, Enrolment.class_id).where(
        (Enrolment.school_id == school_id) & Enrolment.student_id.is_in(student_ids)
    )
    class_ids = list({row["class_id"] for row in enrolments})
    classes = (
        {
            row["id"]: row["name"]
            for row in await SchoolClass.select(SchoolClass.id, SchoolClass.name).where(
                (SchoolClass.school_id == school_id) & SchoolClass.id.is_in(class_ids)
            )
        }
        if class_ids
        else {}
    )
    class_of = {row["student_id"]: classes.get(row["class_id"], "") for row in enrolments}
    children = [
        Child(id=s["id"], first_name=s["first_name"], last_name=s["last_name"], class_name=class_of.get(s["id"], ""))
        for s in students
    ]
    return sorted(children, key=lambda child: (child.first_name, child.last_name))


async def build_profile(school_id: UUID, user_id: UUID) -> Profile:
    user = (
        await User.select(User.id, User.role, User.first_name, User.last_name)
        .where((User.school_id == school_id) & (User.id == user_id))
        .first()
    )
    school = await School.select(School.name).where(School.id == school_id).first()
    return Profile(
        user_id=user_id,
        role=user["role"],
        display_name=f"{user['first_name']} {user['last_name']}",
        school_id=school_id,
        school_name=school["name"],
        children=await _children(school_id, user),
    )


def profile_label(role: str, first_name: str, last_name: str) -> str:
    kind = {"parent": "Parent", "student": "Élève"}.get(role, role)
    return f"{kind} — {first_name} {last_name}"
