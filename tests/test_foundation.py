"""The ground everything stands on: migrations, health, the error shape, the PWA shell."""

from __future__ import annotations

import pytest

from db.core.tables import School
from db.migrate import all_tables
from piccolo_conf import DB
from tests.factories import make_family
from tests.fixtures.browser import artifact


async def test_every_school_data_table_is_keyed_by_school(db):
    """Citus can distribute a table by school only if its primary key includes school_id.

    A new table must either go through db/sharding.py in its migration or be declared NOT_SHARDED.
    """
    rows = await DB.run_ddl("""
        SELECT tc.table_name, array_agg(kcu.column_name::text ORDER BY kcu.ordinal_position) AS columns
        FROM information_schema.table_constraints tc
        JOIN information_schema.key_column_usage kcu
          ON tc.constraint_name = kcu.constraint_name AND tc.table_name = kcu.table_name
        WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public'
        GROUP BY tc.table_name""")
    keys = {row["table_name"]: row["columns"] for row in rows}
    from db.sharding import NOT_SHARDED

    tables = [t._meta.tablename for t in all_tables()]
    for table in tables:
        if table in NOT_SHARDED:
            continue
        assert keys[table] == ["school_id", "id"], table


async def test_no_index_is_served_by_another(db):
    """Every index costs every insert and most updates: none may be the leading columns of another
    index of its table (a unique one, or a wider one). Partial and expression indexes are left out."""
    rows = await DB.run_ddl("""
        SELECT i.indrelid::regclass::text AS table_name, i.indexrelid::regclass::text AS index_name,
               i.indisunique AS is_unique, string_to_array(i.indkey::text, ' ')::int[] AS columns
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND i.indpred IS NULL AND i.indexprs IS NULL""")
    served = []
    for index in rows:
        for other in rows:
            if other is index or other["table_name"] != index["table_name"] or index["is_unique"]:
                continue
            width = len(index["columns"])
            wider = len(other["columns"]) > width or other["is_unique"] or other["index_name"] < index["index_name"]
            if other["columns"][:width] == index["columns"] and wider:
                served.append(f"{index['index_name']} (served by {other['index_name']})")
                break
    assert served == []


async def test_references_cannot_cross_schools(db):
    """A row of one school cannot point at another school's row (composite foreign keys)."""
    from asyncpg.exceptions import ForeignKeyViolationError

    from db.core.tables import Enrolment

    first, second = await make_family(), await make_family()
    with pytest.raises(ForeignKeyViolationError):
        await Enrolment.insert(
            Enrolment(school_id=first.school.id, student_id=first.student.id, class_id=second.class_ref.id)
        )


async def test_health_checks_the_database(client):
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_unknown_api_route_gets_the_json_error_shape(client):
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    body = response.json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"]
    assert response.headers["cache-control"] == "no-store"


async def test_openapi_schema_is_published(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/health" in response.json()["paths"]


async def test_schools_are_independent(db):
    await make_family()
    await make_family()
    assert await School.count() == 2


@pytest.mark.browser
async def test_browser_opens_the_app_shell(live_server, page):
    response = await page.goto(live_server + "/")
    assert response.status == 200
    assert (await page.title()).endswith("Cartable")  # "Ajouter un profil · Cartable" once drawn
    await page.screenshot(path=artifact("shell.png"))


async def test_pwa_dependencies_are_served_from_node_modules(client):
    response = await client.get("/vendor/idb/index.js")
    assert response.status_code == 200
    assert "openDB" in response.text
