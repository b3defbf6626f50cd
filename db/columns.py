"""Column helpers shared by every Piccolo app, so each table reads the same way.

Every school-data table has `id` (UUID) and `school_id`. The primary key Piccolo creates on
`id` is widened to `(school_id, id)` by each app's first migration (see `db/sharding.py`),
and references between school tables are composite `(school_id, x_id)` foreign keys: that is
what Citus needs to distribute the tables by `school_id` with no schema change.
"""

from piccolo.columns import UUID, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow


def primary_key() -> UUID:
    return UUID(primary_key=True)


def school_key() -> UUID:
    # No index of its own: the primary key (school_id, id) and every other index lead with it.
    return UUID(null=False)


def ref(*, null: bool = False) -> UUID:
    """A reference to another table of the same school (composite FK added in SQL)."""
    return UUID(null=null, default=None)


def created_at() -> Timestamptz:
    return Timestamptz(default=TimestamptzNow())
