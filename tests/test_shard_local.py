"""Citus-ready, checked: every statement the app sends keeps `school_id` pinned by equality.

`test_every_statement_the_suite_ran_is_shard_local` runs after every other test (marker `after_all`)
and checks each statement the app sent during the run: in this process (requests of the in-process
clients) and in the browser tests' app server (its CARTABLE_SQL_LOG). The unit tests below prove
the checker itself refuses a shard-crossing query.
"""

from __future__ import annotations

import pytest

from db.migrate import all_tables
from db.sharding import NOT_SHARDED
from tests import statements
from tests.shard_check import violations

SHARDED = {table._meta.tablename for table in all_tables()} - NOT_SHARDED


def test_the_sharded_tables_are_every_table_but_the_deployment_wide_ones():
    assert {"app_user", "homework", "user_session", "device_token", "proof_jti"} <= SHARDED
    assert not SHARDED & {"school", "login_identifier", "rate_limit_counter", "contact_directory"}


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM app_user WHERE id = $1",
        'DELETE FROM "user_session" WHERE "user_session"."token_hash" = $1',
        "SELECT * FROM verification_code WHERE flow_hash = $1",
        "SELECT * FROM app_user u JOIN enrolment e ON e.student_id = u.id WHERE u.school_id = $1",
        "SELECT * FROM app_user WHERE school_id = ANY($1)",
        "SELECT * FROM app_user WHERE school_id = $1 OR id = $2",
        "SELECT * FROM app_user u WHERE u.school_id = $1 AND EXISTS (SELECT 1 FROM guardianship g WHERE g.id = u.id)",
        "UPDATE device SET last_seen_at = now() WHERE id = $1",
        "INSERT INTO homework (id, html) VALUES ($1, $2)",
        "WITH x AS (SELECT id FROM lesson) SELECT * FROM x",
        "SELECT 1 UNION SELECT id FROM message",
        "SELECT * FROM family_audience(NULL, $1, $2)",
    ],
)
def test_the_checker_refuses_a_shard_crossing_statement(sql):
    assert violations(sql, SHARDED)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM app_user WHERE school_id = $1 AND id = $2",
        'SELECT "app_user"."id" FROM "app_user" WHERE (("app_user"."school_id" = $1) AND ("app_user"."id" = $2))',
        "SELECT * FROM app_user u JOIN enrolment e ON e.school_id = u.school_id WHERE u.school_id = $1::uuid",
        "SELECT * FROM app_user u WHERE u.school_id = $1 AND EXISTS "
        "(SELECT 1 FROM guardianship g WHERE g.school_id = u.school_id AND g.student_id = u.id)",
        "INSERT INTO homework (id, school_id, html) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        "UPDATE device SET last_seen_at = now() WHERE school_id = $1 AND id = $2",
        "SELECT * FROM login_identifier WHERE identifier = $1",
        "SELECT h.id FROM family_audience($1, $2, $3) a JOIN homework h ON h.school_id = $1",
        "BEGIN",
        "TRUNCATE homework",
    ],
)
def test_the_checker_accepts_a_shard_local_statement(sql):
    assert violations(sql, SHARDED) == []


def test_the_visibility_function_is_itself_shard_local():
    from importlib import import_module

    migration = import_module("db.core.piccolo_migrations.core_2026_11_25t01_00_00_000001")
    body = migration.FAMILY_AUDIENCE.split("$$")[1]
    assert violations(body, SHARDED, constants=frozenset({"in_school", "in_reader", "in_student"})) == []
    assert violations(body.replace("s.school_id = in_school AND ", ""), SHARDED, frozenset({"in_school"}))


@pytest.mark.after_all
def test_every_statement_the_suite_ran_is_shard_local():
    sent = statements.all_app_statements()
    assert len(sent) > 100, "the app's statements were not recorded"
    problems = {}
    for sql in dict.fromkeys(sent):
        found = violations(sql, SHARDED)
        if found:
            problems[" ".join(sql.split())[:300]] = found
    assert not problems, "\n".join(f"{found}: {sql}" for sql, found in problems.items())
