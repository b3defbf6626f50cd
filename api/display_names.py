"""Names as families see staff and each other: "Prénom NOM".

The rule is the SQL function `display_name(first, last)` (db/core migration "family read functions"),
used by the PostgreSQL-built read models; Python callers ask it too, so both always agree.
"""

from __future__ import annotations

from uuid import UUID

from piccolo_conf import DB

_NAMES = "SELECT id, display_name(first_name, last_name) AS name FROM app_user WHERE school_id = $1 AND id = ANY($2)"


async def names_by_id(school_id: UUID, ids: set[UUID]) -> dict[UUID, str]:
    if not ids:
        return {}
    return {row["id"]: row["name"] for row in await DB.pool.fetch(_NAMES, school_id, list(ids))}
