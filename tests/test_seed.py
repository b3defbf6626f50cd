"""The demo seed: a believable school, the same every time, and demo accounts that sign in."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, timedelta

from api.auth.passwords import verify_password
from db.core.tables import Guardianship, LoginIdentifier, School, SchoolClass, User
from db.homework.tables import Homework
from db.migrate import all_tables
from db.seed import DEMO_PASSWORD, DEMO_UAI, IDENTIFIER_PATTERN, identifier_base, seed_demo, seed_scale
from db.seed.builder import build_plan, paris_today
from db.seed.demo import _after_all, _after_people, demo_spec
from db.timetable.tables import Lesson
from piccolo_conf import DB


async def _row_counts() -> dict[str, int]:
    counts = {}
    for table in all_tables():
        if table._meta.tablename != "migration":
            counts[table._meta.tablename] = await table.count()
    return counts


async def test_demo_school_reads_as_a_real_college(db):
    summary = await seed_demo()

    assert summary.created and summary.uai == DEMO_UAI
    school = await School.select().where(School.uai == DEMO_UAI).first()
    assert school["name"] == "Collège Philippe de Commynes" and school["city"] == "Niort"
    classes = await SchoolClass.select(SchoolClass.name).where(SchoolClass.school_id == school["id"])
    assert sorted(row["name"] for row in classes) == ["3e A", "4e A", "5e A", "6e A"]

    students = await User.select(User.id, User.birth_date).where(User.role == "student")
    assert 90 <= len(students) <= 110
    assert all(student["birth_date"] for student in students)
    links = await Guardianship.select(Guardianship.parent_id, Guardianship.student_id)
    assert {student["id"] for student in students} <= {link["student_id"] for link in links}
    children = Counter(link["parent_id"] for link in links)
    assert sum(1 for count in children.values() if count >= 2) >= 5  # siblings share their parents
    parents = await User.select(User.phone).where(User.role == "parent")
    assert all(parent["phone"].startswith("+336") and len(parent["phone"]) == 12 for parent in parents)


async def test_every_user_has_a_unique_educonnect_identifier(db):
    await seed_demo()

    users = await User.select(User.id, User.identifier, User.first_name, User.last_name)
    directory = {row["identifier"]: row["user_id"] for row in await LoginIdentifier.select()}
    assert len(directory) == len(users)
    for user in users:
        assert IDENTIFIER_PATTERN.match(user["identifier"]), user["identifier"]
        assert user["identifier"].startswith(identifier_base(user["first_name"], user["last_name"]))
        assert directory[user["identifier"]] == user["id"]
    assert identifier_base("Hélène", "Lefèvre") == "h.lefevre"
    assert identifier_base("Anne", "N'Diaye-Le Gall") == "a.ndiayelegall"
    identifiers = {user["identifier"] for user in users}
    assert {"h.lefevre", "h.lefevre2"} <= identifiers  # the maths teacher, then a parent


async def test_seeding_twice_changes_nothing(db):
    first = await seed_demo()
    counts = await _row_counts()
    second = await seed_demo()

    assert not second.created
    assert await _row_counts() == counts
    assert [(a.role, a.identifier) for a in second.accounts] == [(a.role, a.identifier) for a in first.accounts]


async def test_demo_accounts_are_ready_to_use(db):
    summary = await seed_demo()

    users = {row["identifier"]: row for row in await User.select()}
    with_password = [account for account in summary.accounts if account.password == DEMO_PASSWORD]
    assert {account.role for account in with_password} == {"parent", "student", "teacher", "staff", "admin"}
    for account in with_password:
        user = users[account.identifier]
        assert verify_password(user["password_hash"], DEMO_PASSWORD), account.identifier
        assert user["activated_at"] and user["first_login_done_at"] and user["charter_accepted_at"]
        assert not user["must_change_password"]
    notes = {account.identifier: account.note for account in summary.accounts}
    parents = [a for a in with_password if a.role == "parent"]
    assert any("2 enfants" in notes[a.identifier] for a in parents)

    first_login = next(a for a in summary.accounts if a.role == "student" and a.password not in (None, DEMO_PASSWORD))
    user = users[first_login.identifier]
    assert verify_password(user["password_hash"], first_login.password)
    assert user["must_change_password"] and user["first_login_done_at"] is None

    to_activate = next(a for a in summary.accounts if a.password is None)
    user = users[to_activate.identifier]
    assert user["password_hash"] is None and user["activated_at"] is None
    assert user["phone"] == to_activate.phone and to_activate.children
    assert all(born.year >= 2000 for _, _, born in to_activate.children)
    # Everyone else waits for the activation flow.
    assert sum(1 for user in users.values() if user["password_hash"]) == len(with_password) + 1


async def test_timetable_and_homework_cover_the_coming_weeks(db):
    today = paris_today()
    await seed_demo(today=today)

    monday = today - timedelta(days=today.weekday())
    for week in range(3):
        start = monday + timedelta(weeks=week)
        rows = await Lesson.select(Lesson.class_id, Lesson.date, Lesson.status).where(
            (Lesson.date >= start) & (Lesson.date < start + timedelta(days=7))
        )
        assert len({row["class_id"] for row in rows if row["class_id"]}) == 4
        assert {row["date"].weekday() for row in rows} == {0, 1, 2, 3, 4}
    statuses = Counter(row["status"] for row in await Lesson.select(Lesson.status))
    assert statuses["cancelled"] and statuses["moved"] and statuses["exempted"]
    wednesday = await Lesson.select(Lesson.ends_at).where(Lesson.date == monday + timedelta(days=2))
    assert all(row["ends_at"].hour < 13 for row in wednesday)

    due = await Homework.select(Homework.due_on, Homework.given_on).where(
        (Homework.due_on >= today) & (Homework.due_on <= today + timedelta(days=7))
    )
    assert len(due) >= 10
    assert all(row["given_on"] < row["due_on"] for row in due)


def _fingerprint(today: date) -> str:
    plan = build_plan(demo_spec(), today=today, after_people=_after_people, after_all=_after_all)
    digest = hashlib.sha256()
    for table, rows in plan.rows.items():
        digest.update(table._meta.tablename.encode() + json.dumps(rows, default=str, sort_keys=True).encode())
    return digest.hexdigest()


def test_same_day_same_data():
    """Deterministic: a date whose moments all lie in the past gives byte-identical plans."""
    assert _fingerprint(date(2026, 10, 14)) == _fingerprint(date(2026, 10, 14))


async def test_benchmark_schools_are_idempotent_and_share_the_identifier_directory(db):
    await seed_demo()
    first = await seed_scale(schools=2, students_per_school=60)
    again = await seed_scale(schools=2, students_per_school=60)

    assert [school.created for school in first] == [True, True]
    assert [school.created for school in again] == [False, False]
    assert len({school.uai for school in first} | {DEMO_UAI}) == 3
    for school in first:
        assert await User.count().where((User.school_id == school.school_id) & (User.role == "student")) == 60
        assert await User.count().where((User.school_id == school.school_id) & User.password_hash.is_not_null()) == 0
    users = await User.select(User.identifier)
    assert len({row["identifier"] for row in users}) == len(users) == await LoginIdentifier.count()
    assert await DB.run_ddl(
        "SELECT 1 FROM lesson l JOIN school s ON s.id = l.school_id WHERE s.uai <> '0790011H' LIMIT 1"
    )
