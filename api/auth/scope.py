"""What a principal may see: per school, per family, per class.

Every query on school data filters on `school_id == principal.school_id` first; these helpers
add the family and class boundaries on top. A refusal is a 404 so that ids of other families
cannot be probed. What a family sees is decided in SQL by one function, `family_audience`
(see api/read_models.py); `require_student` asks it for the family writes.
"""

from __future__ import annotations

from uuid import UUID

from api.auth.principal import Principal
from api.errors import ApiError
from db.core.tables import Enrolment, GroupMembership, TeachingService, User
from piccolo_conf import DB

NOT_YOURS = ApiError(404, "not_found", "Élève introuvable.")
FAMILY_ONLY = ApiError(403, "forbidden", "Cette fonction n'est pas disponible pour votre profil.")
_FAMILY_READS = "SELECT EXISTS (SELECT 1 FROM family_audience($1, $2, $3))"


def require_family(principal: Principal) -> None:
    if not principal.is_family:
        raise FAMILY_ONLY


async def require_student(principal: Principal, student_id: UUID) -> UUID:
    """Check a family principal may read `student_id`; staff may read any student of their school."""
    if principal.role in ("staff", "admin"):
        exists = await User.exists().where(
            (User.school_id == principal.school_id) & (User.id == student_id) & (User.role == "student")
        )
        if exists:
            return student_id
        raise NOT_YOURS
    if principal.role == "teacher":
        if student_id in await students_taught_by(principal):
            return student_id
        raise NOT_YOURS
    if principal.is_family and await DB.pool.fetchval(
        _FAMILY_READS, principal.school_id, principal.user_id, student_id
    ):
        return student_id
    raise NOT_YOURS


async def teacher_classes_and_groups(principal: Principal) -> tuple[set[UUID], set[UUID]]:
    rows = await TeachingService.select(TeachingService.class_id, TeachingService.group_id).where(
        (TeachingService.school_id == principal.school_id) & (TeachingService.teacher_id == principal.user_id)
    )
    return ({r["class_id"] for r in rows if r["class_id"]}, {r["group_id"] for r in rows if r["group_id"]})


async def students_taught_by(principal: Principal) -> set[UUID]:
    class_ids, group_ids = await teacher_classes_and_groups(principal)
    students: set[UUID] = set()
    if class_ids:
        rows = await Enrolment.select(Enrolment.student_id).where(
            (Enrolment.school_id == principal.school_id) & Enrolment.class_id.is_in(list(class_ids))
        )
        students |= {r["student_id"] for r in rows}
    if group_ids:
        rows = await GroupMembership.select(GroupMembership.student_id).where(
            (GroupMembership.school_id == principal.school_id) & GroupMembership.group_id.is_in(list(group_ids))
        )
        students |= {r["student_id"] for r in rows}
    return students
