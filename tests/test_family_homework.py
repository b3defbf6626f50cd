import uuid
from datetime import date, datetime, timedelta, timezone

from api import clock
from db.core.tables import School
from db.homework.tables import Homework, HomeworkDone
from tests.factories import add_to_group, make_class, make_family, make_group
from tests.family_builders import make_homework, make_lesson, make_teacher_of, today
from tests.fixtures.api import sign_in


def change(done: bool, minutes_ago: int = 0, change_id: str | None = None) -> dict:
    at = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    return {"done": done, "changed_at": at.isoformat(), "change_id": change_id or uuid.uuid4().hex}


async def test_student_sees_class_and_group_homework_by_due_date_with_lesson_content(client):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    group = await make_group(family.school, "Allemand LV2")
    await add_to_group(family.student, group)
    lesson = await make_lesson(
        teacher, maths, class_ref=family.class_ref, day=today(), content="<p>Théorème de Thalès</p>"
    )
    later = await make_homework(teacher, maths, class_ref=family.class_ref, due_in_days=5, attachment="fiche.pdf")
    sooner = await make_homework(teacher, maths, group=group, due_in_days=1, lesson=lesson)
    other_class = await make_class(family.school, "3e B")
    await make_homework(teacher, maths, class_ref=other_class, due_in_days=1)  # not for Léa
    await sign_in(client, family.student)

    body = (await client.get(f"/api/students/{family.student.id}/homework")).json()

    assert [item["id"] for item in body["items"]] == [str(sooner.id), str(later.id)]
    first, second = body["items"]
    assert first["lesson_content"]["html"] == "<p>Théorème de Thalès</p>"
    assert first["subject"] == "Mathématiques" and first["color"] == "#1f77b4"
    assert second["attachments"][0]["filename"] == "fiche.pdf"
    assert second["attachments"][0]["url"] == f"/api/homework/{later.id}/attachments/{second['attachments'][0]['id']}"
    assert first["done"] is False
    assert [c["lesson_id"] for c in body["contents"]] == [str(lesson.id)]


async def test_a_lesson_content_reaches_its_homework_however_old_and_the_recent_list_only_when_recent(client):
    """The homework list's « Contenu du cours »: an item shows the content of the lesson it was given in,
    even a month old; the list of contents keeps to the last two weeks; a lesson without content
    shows nothing."""
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    old = await make_lesson(teacher, maths, class_ref=family.class_ref, day=today() - timedelta(days=30),
                            content="<p>Les fractions</p>")  # fmt: skip
    recent = await make_lesson(teacher, maths, class_ref=family.class_ref, day=today() - timedelta(days=3),
                               content="<p>Les puissances</p>")  # fmt: skip
    bare = await make_lesson(teacher, maths, class_ref=family.class_ref, day=today() - timedelta(days=1))
    from_old = await make_homework(teacher, maths, class_ref=family.class_ref, due_in_days=2, lesson=old)
    from_bare = await make_homework(teacher, maths, class_ref=family.class_ref, due_in_days=3, lesson=bare)
    await sign_in(client, family.student)

    body = (await client.get(f"/api/students/{family.student.id}/homework")).json()

    items = {item["id"]: item for item in body["items"]}
    assert items[str(from_old.id)]["lesson_content"]["html"] == "<p>Les fractions</p>"
    assert items[str(from_old.id)]["lesson_content"]["date"] == str(today() - timedelta(days=30))
    assert items[str(from_bare.id)]["lesson_content"] is None
    assert [c["lesson_id"] for c in body["contents"]] == [str(recent.id)]


async def test_done_toggle_is_idempotent_and_the_later_change_wins(client, new_client):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    hw = await make_homework(teacher, maths, class_ref=family.class_ref)
    await sign_in(client, family.student)
    url = f"/api/students/{family.student.id}/homework/{hw.id}/done"

    first = change(True, minutes_ago=10, change_id="change-aaaa")
    assert (await client.put(url, json=first)).json()["applied"] is True
    resent = await client.put(url, json=first)
    assert resent.status_code == 200 and resent.json()["applied"] is False
    older = change(False, minutes_ago=20)
    assert (await client.put(url, json=older)).json() | {"changed_at": None} == {
        "homework_id": str(hw.id),
        "done": True,
        "changed_at": None,
        "applied": False,
    }
    newer = await client.put(url, json=change(False, minutes_ago=1))
    assert newer.json()["done"] is False and newer.json()["applied"] is True

    rows = await HomeworkDone.select().where(HomeworkDone.homework_id == hw.id)
    assert len(rows) == 1 and rows[0]["done"] is False

    parent = await new_client()
    await sign_in(parent, family.parent)
    listed = (await parent.get(f"/api/students/{family.student.id}/homework")).json()
    assert listed["items"][0]["done"] is False
    refused = await parent.put(url, json=change(True))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


async def test_other_families_and_bad_input_are_refused(client):
    family = await make_family()
    other = await make_family(family.school, "3e C")
    teacher, maths = await make_teacher_of(family)
    hw = await make_homework(teacher, maths, class_ref=family.class_ref)
    await sign_in(client, other.student)

    assert (await client.get(f"/api/students/{family.student.id}/homework")).status_code == 404
    # A homework of another class cannot be marked either.
    put = await client.put(f"/api/students/{other.student.id}/homework/{hw.id}/done", json=change(True))
    assert put.status_code == 404
    bad = await client.put(
        f"/api/students/{other.student.id}/homework/{hw.id}/done",
        json={"done": "oui", "changed_at": "hier", "change_id": "x"},
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    bad_range = await client.get(f"/api/students/{other.student.id}/homework?start=2026-01-10&end=2025-01-01")
    assert bad_range.status_code == 400 and "Période" in bad_range.json()["error"]["message"]
    teacher_client_status = (await client.get(f"/api/students/{other.student.id}/homework?start=nope")).status_code
    assert teacher_client_status == 400


async def test_the_list_opens_on_the_schools_own_day_not_utcs(client, monkeypatch):
    """At 23:30 UTC it is already tomorrow in Paris and still today in Guadeloupe: each school's
    families see the homework due from their own day on (due yesterday there is not listed)."""
    late_evening_utc = datetime(2027, 3, 10, 23, 30, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: late_evening_utc)
    for zone, first_day in (("Europe/Paris", date(2027, 3, 11)), ("America/Guadeloupe", date(2027, 3, 10))):
        family = await make_family()
        await School.update({School.timezone: zone}).where(School.id == family.school.id)
        teacher, maths = await make_teacher_of(family, last_name=zone.split("/")[1])
        for due in (date(2027, 3, 10), date(2027, 3, 11)):
            homework = await make_homework(teacher, maths, class_ref=family.class_ref, html=f"<p>Pour le {due}</p>")
            await Homework.update({Homework.due_on: due}).where(Homework.id == homework.id)
        await sign_in(client, family.student)

        body = (await client.get(f"/api/students/{family.student.id}/homework")).json()

        assert [item["due_on"] for item in body["items"]] == [
            d.isoformat() for d in (date(2027, 3, 10), date(2027, 3, 11)) if d >= first_day
        ], zone
