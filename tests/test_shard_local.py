"""Citus-ready, checked: every statement the app sends keeps `school_id` pinned by equality.

`test_every_statement_the_suite_ran_is_shard_local` runs after every other test (marker `after_all`)
and checks each statement the app sent during the run: in this process (whoever made the app's code
send it: a request of the in-process clients, a seed, the push worker's loop, a test calling an app
function; tests/statements.py) and in the app server processes (their CARTABLE_SQL_LOG, start-up
seed included). The tests below prove the recorder sees all of those and not the tests' own
statements, and that the checker itself refuses a shard-crossing query.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from api.auth.sessions import open_session
from db.core.tables import User
from db.seed import seed_scale
from piccolo_conf import DB
from tests import statements
from tests.factories import make_school, make_user
from tests.shard_check import SHARDED, violations


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


async def test_the_visibility_function_is_itself_shard_local():
    """As the database defines it, whichever migration wrote it last."""
    body = await DB.pool.fetchval("SELECT prosrc FROM pg_proc WHERE proname = 'family_audience'")
    assert violations(body, SHARDED, constants=frozenset({"in_school", "in_reader", "in_student"})) == []
    assert violations(body.replace("s.school_id = in_school AND ", ""), SHARDED, frozenset({"in_school"}))


async def test_the_recorder_keeps_what_the_apps_code_sends_and_not_the_tests_own_statements():
    school = await make_school()
    user = await make_user(school, "parent")
    with statements.counting() as sent:
        await User.select(User.id).where(User.id == user.id)  # the test's own (an assertion's) read
        await DB.pool.fetchval("SELECT count(*) FROM app_user")
        await open_session(user_id=user.id, school_id=school.id)  # the app's code, outside any request
    assert len(sent) == 1 and "user_session" in sent[0], sent
    assert sent[0] in statements.all_app_statements()


async def test_the_seeds_statements_are_recorded_and_pin_their_school():
    with statements.counting() as sent:
        [school] = await seed_scale(schools=1, students_per_school=25)
    assert school.created and school.rows["app_user"] > 25
    assert any("pg_advisory_xact_lock" in sql for sql in sent) and any("login_identifier" in sql for sql in sent)
    assert {sql: found for sql in sent if (found := violations(sql, SHARDED))} == {}


async def test_the_servers_start_up_seed_is_logged_like_its_requests(configure, monkeypatch, tmp_path):
    """`python -m api` seeds the demo school before serving, on a pool of its own: CARTABLE_SQL_LOG has
    its statements too (the tests that start it feed the check below)."""
    import api.__main__ as entry

    async def no_migrations() -> None:
        pass

    async def seed() -> SimpleNamespace:
        await DB.pool.fetchval("SELECT id FROM school WHERE uai = $1", "0990001A")
        return SimpleNamespace(accounts=[])

    log = tmp_path / "statements.jsonl"
    configure(CARTABLE_SQL_LOG=str(log), CARTABLE_DEMO="1")
    monkeypatch.setattr(entry, "apply_migrations", no_migrations)
    monkeypatch.setattr(entry, "seed_demo", seed)
    session_pool, DB.pool = DB.pool, None
    try:
        assert await entry.prepare() == []
    finally:
        DB.pool = session_pool
    assert log.read_text(encoding="utf-8").splitlines() == ['"SELECT id FROM school WHERE uai = $1"']


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
