"""The published menus as PostgreSQL-built JSON: what families read on Accueil and in the week
screen, and what the vie scolaire's week page shows (drafts included). One builder for both.

`menus_json(first, last, published_only=True)` is a fragment: a JSON array of `MenuOut` of school
`$1` between the SQL expressions `first` and `last`, by day; dishes by course (entrée, plat, dessert)
then position, allergens in the catalogue's order (the order they are stored in).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from api.canteen.catalogue import ALLERGENS, COURSES
from api.canteen.structs import MenuOut
from api.read_models import sql_label, sql_rank
from piccolo_conf import DB


def menus_json(first: str, last: str, *, published_only: bool = True) -> str:
    published = "AND m.published_at IS NOT NULL" if published_only else ""
    label = sql_label("x.code", ALLERGENS)
    allergens = f"""coalesce((SELECT json_agg(json_build_object('code', x.code, 'label', {label}) ORDER BY x.n)
            FROM unnest(d.allergens) WITH ORDINALITY x(code, n)), '[]')"""
    return f"""coalesce((
    SELECT json_agg(json_build_object(
        'day', m.day,
        'dishes', coalesce((
            SELECT json_agg(json_build_object(
                'course', d.course, 'course_label', {sql_label("d.course", COURSES)}, 'name', d.name,
                'allergens', {allergens}, 'vegetarian', d.vegetarian
            ) ORDER BY {sql_rank("d.course", COURSES)}, d.position)
            FROM canteen_dish d WHERE d.school_id = $1 AND d.menu_id = m.id), '[]'),
        'vegetarian', coalesce((SELECT bool_and(d.vegetarian) FROM canteen_dish d
                                WHERE d.school_id = $1 AND d.menu_id = m.id AND d.course = 'main'), false),
        'published_at', api_timestamp(m.published_at)
    ) ORDER BY m.day)
    FROM canteen_menu m
    WHERE m.school_id = $1 AND m.day BETWEEN {first} AND {last} {published}
), '[]')"""


# $1 school, $2 reader, $3 first day, $4 last day: the `Menus` every member of the school reads.
MENUS_SQL = f"""
SELECT json_build_object('start', $3::date, 'end', $4::date, 'menus', {menus_json("$3::date", "$4::date")})::text
"""

_DRAFTS_SQL = f"SELECT {menus_json('$2::date', '$3::date', published_only=False)}::text"


async def menus_with_drafts(school_id: UUID, start: date, end: date) -> list[MenuOut]:
    """Every menu between two days, drafts included (the vie scolaire's week page)."""
    return msgspec.json.decode(await DB.pool.fetchval(_DRAFTS_SQL, school_id, start, end), type=list[MenuOut])
