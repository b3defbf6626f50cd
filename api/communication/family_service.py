"""Family-side communication: the teachers of a student, posts sent to the reader, read marks.

Posts are read through the same SQL as the information list (api/communication/family_read.py);
the writes (read, acknowledge, answer) decode it into `PostOut` to answer with the post.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from api.auth.principal import Principal
from api.clock import now
from api.communication.family_read import ONE_POST_SQL
from api.communication.family_structs import PostOut
from api.errors import ApiError
from db.communication.tables import InformationRecipient
from piccolo_conf import DB

POST_NOT_FOUND = ApiError(404, "not_found", "Information introuvable.")

# $1 school, $2 reader, $3 student: teacher id, display name and subject name of every teaching
# service reaching the student (through the class or a group).
_TEACHERS_SQL = """
SELECT ts.teacher_id, coalesce(display_name(u.first_name, u.last_name), '') AS name, coalesce(s.name, '') AS subject
FROM family_audience($1, $2, $3) a
JOIN teaching_service ts ON ts.school_id = $1 AND reaches(a.class_ids, a.group_ids, ts.class_id, ts.group_id)
LEFT JOIN app_user u ON u.school_id = $1 AND u.id = ts.teacher_id
LEFT JOIN subject s ON s.school_id = $1 AND s.id = ts.subject_id
"""


async def teachers_of_student(principal: Principal, student_id: UUID) -> dict[UUID, tuple[str, list[str]]]:
    """Teacher id → (name, subjects they teach this student); empty if the student is not the reader's."""
    out: dict[UUID, tuple[str, list[str]]] = {}
    for row in await DB.pool.fetch(_TEACHERS_SQL, principal.school_id, principal.user_id, student_id):
        out.setdefault(row["teacher_id"], (row["name"], []))[1].append(row["subject"])
    return out


async def my_post(principal: Principal, post_id: UUID) -> PostOut:
    """A published post sent to the principal; 404 otherwise."""
    body = await DB.pool.fetchval(ONE_POST_SQL, principal.school_id, principal.user_id, now(), post_id)
    posts = msgspec.json.decode(body, type=list[PostOut])
    if not posts:
        raise POST_NOT_FOUND
    return posts[0]


async def mark_post(principal: Principal, post_id: UUID, column: str) -> None:
    """Set read_at (or acknowledged_at, which implies read) once; later calls keep the first time."""
    await my_post(principal, post_id)
    columns = ("read_at", "acknowledged_at") if column == "acknowledged_at" else ("read_at",)
    assignments = ", ".join(f"{name} = COALESCE({name}, {{}})" for name in columns)
    await InformationRecipient.raw(
        f"UPDATE information_recipient SET {assignments} WHERE school_id = {{}} AND post_id = {{}} AND user_id = {{}}",
        *[now()] * len(columns),
        principal.school_id,
        post_id,
        principal.user_id,
    )
