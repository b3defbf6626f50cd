"""EduConnect-style identifiers: first-name initial, dot, last name ("s.martin"), numbered if taken."""

from __future__ import annotations

import re
import unicodedata
from uuid import UUID

from db.core.tables import LoginIdentifier, User


def normalise(identifier: str) -> str:
    return identifier.strip().lower()


def _ascii_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())


def base_identifier(first_name: str, last_name: str) -> str:
    initial = _ascii_letters(first_name)[:1] or "x"
    return f"{initial}.{_ascii_letters(last_name)[:40] or 'utilisateur'}"


async def allocate_identifier(school_id: UUID, user_id: UUID, first_name: str, last_name: str) -> str:
    """Reserve the first free `p.nom`, `p.nom1`, `p.nom2`… in the deployment-wide directory and
    write it on the user. Insert-and-retry, so two activations at once never get the same one."""
    base = base_identifier(first_name, last_name)
    for number in range(0, 1000):
        candidate = base if number == 0 else f"{base}{number}"
        rows = await LoginIdentifier.raw(
            "INSERT INTO login_identifier (identifier, school_id, user_id) VALUES ({}, {}, {}) "
            "ON CONFLICT (identifier) DO NOTHING RETURNING identifier",
            candidate,
            school_id,
            user_id,
        )
        if rows:
            await User.update({User.identifier: candidate}).where((User.school_id == school_id) & (User.id == user_id))
            return candidate
    raise RuntimeError("no free identifier")


async def locate(identifier: str) -> dict | None:
    """{school_id, user_id} for an identifier, or None."""
    return (
        await LoginIdentifier.select(LoginIdentifier.school_id, LoginIdentifier.user_id)
        .where(LoginIdentifier.identifier == normalise(identifier))
        .first()
    )
