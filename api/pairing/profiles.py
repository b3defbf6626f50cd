"""What a phone profile shows: who it is, the school, and the students it follows (one statement)."""

from __future__ import annotations

from uuid import UUID

import msgspec

from api.pairing.structs import Profile
from api.read_models import FamilyRead, fetch_read_model

# $1 school, $2 user. Children: the students `family_audience` lets the user read, by first name.
PROFILE_SQL = """
SELECT json_build_object(
    'user_id', u.id, 'role', u.role, 'display_name', u.first_name || ' ' || u.last_name,
    'school_id', u.school_id, 'school_name', sc.name,
    'children', coalesce((
        SELECT json_agg(json_build_object(
            'id', c.id, 'first_name', c.first_name, 'last_name', c.last_name,
            'class_name', coalesce((SELECT k.name FROM enrolment e
                                    JOIN school_class k ON k.school_id = $1 AND k.id = e.class_id
                                    WHERE e.school_id = $1 AND e.student_id = c.id LIMIT 1), ''))
            ORDER BY c.first_name COLLATE "C", c.last_name COLLATE "C")
        FROM family_audience($1, $2, NULL) a JOIN app_user c ON c.school_id = $1 AND c.id = a.student_id), '[]')
)::text
FROM app_user u JOIN school sc ON sc.id = u.school_id
WHERE u.school_id = $1 AND u.id = $2
"""


PROFILE = FamilyRead(PROFILE_SQL)


async def profile_body(school_id: UUID, user_id: UUID) -> bytes:
    return await fetch_read_model(PROFILE_SQL, school_id, user_id)


async def build_profile(school_id: UUID, user_id: UUID) -> Profile:
    """The profile a claimed phone receives (the phone reads it later through `PROFILE`)."""
    return msgspec.json.decode(await profile_body(school_id, user_id), type=Profile)


def profile_label(role: str, first_name: str, last_name: str) -> str:
    kind = {"parent": "Parent", "student": "Élève"}.get(role, role)
    return f"{kind} — {first_name} {last_name}"
