"""The shared kernel stays one: one visibility rule (`family_audience` and `reaches`, defined in one
migration) and one clock (api/clock.py). The structure tests read the source of api/: a new
hand-written class or group predicate, or a new wall clock, fails there with its place."""

from __future__ import annotations

import io
import re
import tokenize
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import pytest

from api import clock
from api.accounts import codes
from api.audience import reached
from api.auth.principal import Principal
from api.communication.family_service import mark_post
from api.homework.submissions_service import open_submission
from db.accounts.tables import PortalFavourite, VerificationCode
from db.alerts.tables import AlertRecipient
from db.communication.tables import InformationRecipient
from db.core.tables import Guardianship
from db.vie_scolaire.tables import Absence
from piccolo_conf import DB
from tests.factories import make_family, make_user
from tests.family_builders import make_post
from tests.parity_builders import make_homework
from tests.parity_builders import setup as parity_setup
from tests.teleservices_builders import open_campaign, signed_in, tele_setup

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "api"
REACHES_MIGRATION = "db/core/piccolo_migrations/core_2026_11_25t01_00_00_000001.py"

# Places that may test membership of a class list by hand, and why (what a family sees is not decided there).
CLASS_LIST_EXCEPTIONS = {
    # The head of school publishes again or withdraws: the frozen copies of the classes named go.
    "api/bulletins/frozen.py": 1,
    # `reached()`: the rule's two halves as index ranges (held to `reaches` below).
    "api/audience.py": 2,
}
# Real time on purpose, besides api/clock.py itself.
WALL_CLOCK_EXCEPTIONS = {
    "api/pwa_build.py": 1,  # a build folder's age on disk (file times are the machine's)
    "api/push/keys.py": 1,  # the VAPID token's `exp`, which the push service checks against its own clock
}
# Sunday 14 March 2027 at 23:30 UTC: Monday 15 March, 00:30 in Paris.
SUNDAY_NIGHT_UTC = datetime(2027, 3, 14, 23, 30, tzinfo=timezone.utc)


def _sources() -> list[tuple[str, str]]:
    return [(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")) for path in sorted(API.rglob("*.py"))]


def _hits(pattern: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, text in _sources():
        for number, line in enumerate(text.splitlines(), 1):
            if re.search(pattern, line, re.IGNORECASE):
                found.setdefault(name, []).append(f"{number}: {line.strip()}")
    return found


def _string_hits(pattern: str) -> dict[str, list[str]]:
    """Like `_hits`, inside string literals only (the SQL)."""
    found: dict[str, list[str]] = {}
    for name, text in _sources():
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and re.search(pattern, token.string, re.IGNORECASE):
                found.setdefault(name, []).append(f"{token.start[0]}: {token.string[:120]}")
    return found


def test_the_class_and_group_predicate_is_written_once():
    """`reaches(classes, groups, class_id, group_id)` is the one way to test whether an item reaches a
    family's classes or groups (it takes a NULL group for class-only items)."""
    hits = _hits(r"\b(class|group)_ids?\s*=\s*ANY\s*\(")
    assert {name: len(lines) for name, lines in hits.items()} == CLASS_LIST_EXCEPTIONS, hits
    defined = (ROOT / REACHES_MIGRATION).read_text(encoding="utf-8")
    assert "item_class = ANY(audience_classes) OR item_group = ANY(audience_groups)" in defined


async def test_reading_the_rule_as_index_ranges_reads_the_rows_the_rule_lets_through():
    """`reached()` (api/audience.py) lists each row `reaches` lets through once, and no other: items
    given to a class, a group, both or neither, for audiences with classes, groups, both or none."""
    classes, groups, elsewhere = [uuid4(), uuid4()], [uuid4(), uuid4()], uuid4()
    school = uuid4()
    items = [(c, g) for c in (*classes, elsewhere, None) for g in (*groups, elsewhere, None)]
    audience = "(SELECT $2::uuid[] AS class_ids, $3::uuid[] AS group_ids) a"
    by_rule = f"""SELECT array_agg(i.n ORDER BY i.n) FROM {audience}, item i
                  WHERE i.school_id = $1 AND reaches(a.class_ids, a.group_ids, i.class_id, i.group_id)"""
    split = f"SELECT (SELECT array_agg(i.n ORDER BY i.n) FROM {reached('item', 'i', 'true', 'i.n')}) FROM {audience}"
    async with DB.pool.acquire() as connection, connection.transaction():
        await connection.execute(
            "CREATE TEMP TABLE item (school_id uuid, n int, class_id uuid, group_id uuid) ON COMMIT DROP"
        )
        await connection.executemany(
            "INSERT INTO item VALUES ($1, $2, $3, $4)",
            [(school, n, c, g) for n, (c, g) in enumerate(items)] + [(uuid4(), 99, classes[0], groups[0])],
        )
        for audience_classes, audience_groups in [
            (classes[:1], groups[:1]),
            (classes, []),
            ([], groups),
            (classes, groups),
            ([], []),
        ]:
            arguments = (school, audience_classes, audience_groups)
            expected = await connection.fetchval(by_rule, *arguments)
            assert await connection.fetchval(split, *arguments) == expected
            assert (expected is None) == (not audience_classes and not audience_groups)


def test_family_visibility_is_never_decided_in_python():
    """No Python copy of the rule: no statement hands a family's class or group ids to Python code to test."""
    hits = _hits(r"SELECT\b.*\b(class|group)_ids\b.*\bFROM family_audience\(")
    assert hits == {}, hits


def test_there_is_one_wall_clock():
    """Every "now" and "today" of the app comes from api/clock.py; SQL takes it as a parameter."""
    python = _hits(r"\b(datetime\.(now|utcnow|today)|date\.today|time\.time)\(")
    python.pop("api/clock.py", None)
    assert {name: len(lines) for name, lines in python.items()} == WALL_CLOCK_EXCEPTIONS, python
    sql = _string_hits(r"\bnow\(\)|\bcurrent_(date|time|timestamp)\b|\blocaltime(stamp)?\b|\bclock_timestamp\(")
    sql.pop("api/clock.py", None)  # its docstring says so
    assert sql == {}, sql


@pytest.fixture
def move_clock(monkeypatch):
    """Move the app's one clock (every module, every statement) to a moment."""

    def move(moment: datetime) -> datetime:
        monkeypatch.setattr(clock, "source", lambda: moment)
        return moment

    return move


async def test_the_times_the_statements_write_are_the_app_clocks(new_client, move_clock):
    moment = move_clock((clock.wall_clock() + timedelta(days=3)).replace(microsecond=0))
    s = await parity_setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    post = await make_post(s.teacher, [s.parent])
    flow = VerificationCode(school_id=s.school.id, purpose="email", flow_hash="f" * 64, expires_at=moment)
    await flow.save()
    admin = await signed_in(new_client, await make_user(s.school, "admin"))
    parent = await signed_in(new_client, s.parent)

    submission = await open_submission(s.school.id, homework.id, s.student.id)
    await mark_post(Principal(s.parent.id, s.school.id, "parent", "session"), post.id, "acknowledged_at")
    assert await codes.finish({"school_id": s.school.id, "id": flow.id})
    saved = await admin.put("/api/school/alerts/settings", json={"enabled": True, "recipient_ids": [str(s.staff.id)]})
    assert saved.status_code in (200, 204), saved.text
    assert (await parent.put("/api/portal/favourites/application-mobile")).status_code == 204

    receipt = await InformationRecipient.select().where(InformationRecipient.post_id == post.id).first()
    written = {
        "homework_submission.created_at": submission["created_at"],
        "information_recipient.read_at": receipt["read_at"],
        "information_recipient.acknowledged_at": receipt["acknowledged_at"],
        "verification_code.used_at": (await VerificationCode.select().where(VerificationCode.id == flow.id))[0][
            "used_at"
        ],
        "alert_recipient.created_at": (await AlertRecipient.select().first())["created_at"],
        "portal_favourite.created_at": (await PortalFavourite.select().first())["created_at"],
    }
    assert written == dict.fromkeys(written, moment)


async def test_school_pages_open_on_the_schools_day_not_utcs(new_client, move_clock):
    """At 23:30 UTC on a Sunday it is Monday in Paris: the teacher's week and the day's absences are
    Monday's."""
    move_clock(SUNDAY_NIGHT_UTC)
    family = await make_family()
    monday = datetime(2027, 3, 15, 8, tzinfo=timezone.utc)
    await Absence.insert(
        Absence(
            school_id=family.school.id,
            student_id=family.student.id,
            starts_at=monday,
            ends_at=monday + timedelta(hours=1),
        )
    )
    teacher = await signed_in(new_client, await make_user(family.school, "teacher"))
    staff = await signed_in(new_client, await make_user(family.school, "staff"))

    assert (await teacher.get("/api/school/lessons")).json()["week"] == "2027-03-15"
    absences = (await staff.get("/api/school/absences")).json()
    assert [line["student_id"] for line in absences] == [str(family.student.id)]


async def test_a_parents_children_are_what_family_audience_gives_them(new_client):
    """The web session, the phone profile and the téléservices list the same children and refuse the
    same ids: a guardianship row pointing at an account that is not a student (a bad import linked a
    parent to a teacher) makes no child anywhere."""
    s = await tele_setup()
    await Guardianship.insert(Guardianship(school_id=s.school.id, parent_id=s.parent.id, student_id=s.teacher.id))
    campaign = await open_campaign(s, "bourse_college")
    parent = await signed_in(new_client, s.parent)

    session = (await parent.get("/api/session")).json()
    assert [(c["first_name"], c["class_name"]) for c in session["children"]] == [("Hugo", "3e A")]
    summary = (await parent.get("/api/teleservices/summary")).json()
    assert [child["student"]["first_name"] for child in summary["children"]] == ["Hugo"]
    for student_id, status in ((s.student.id, 200), (s.teacher.id, 404), (s.student_2de.id, 404)):
        opened = await parent.post(
            "/api/teleservices/bourses", json={"campaign_id": str(campaign.id), "student_id": str(student_id)}
        )
        assert opened.status_code == status, opened.text
        if status == 404:
            assert opened.json()["error"]["message"] == "Élève introuvable."
