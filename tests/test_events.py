"""The school calendar: staff manage events for the school or for classes; teachers read them;
families read the whole school's and their child's class's, never another class's or school's."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from api.events import service
from db.events.tables import SchoolEvent, SchoolEventClass
from tests.parity_builders import setup, signed_in, today


def _event(**fields) -> dict:
    return {
        "kind": "parents_evening",
        "title": "Réunion parents-professeurs",
        "first_day": str(today() + timedelta(days=7)),
        "last_day": str(today() + timedelta(days=7)),
        "starts_at": "17:00:00",
        "ends_at": "19:30:00",
        "location": "Salle polyvalente",
        **fields,
    }


async def test_families_read_the_schools_and_their_class_events(new_client):
    s = await setup()
    staff = await signed_in(new_client, s.staff)
    meeting = _event(class_ids=[str(s.class_4a.id)], client_id=uuid.uuid4().hex)
    for _ in range(2):  # a resent creation adds nothing
        created = await staff.post("/api/school/events", json=meeting)
        assert created.status_code == 200, created.text
    assert created.json()["classes"] == [{"id": str(s.class_4a.id), "name": "4e A"}]
    holidays = _event(
        kind="holiday",
        title="Vacances de Noël",
        first_day=str(today() + timedelta(days=20)),
        last_day=str(today() + timedelta(days=35)),
        starts_at=None,
        ends_at=None,
        location="",
    )
    await staff.post("/api/school/events", json=holidays)
    council_5a = _event(kind="class_council", title="Conseil de classe", class_ids=[str(s.class_5a.id)])
    await staff.post("/api/school/events", json=council_5a)

    parent = await signed_in(new_client, s.parent)
    seen = (await parent.get(f"/api/students/{s.student.id}/events")).json()["events"]
    assert [(e["title"], e["kind_label"]) for e in seen] == [
        ("Réunion parents-professeurs", "Réunion parents-professeurs"),
        ("Vacances de Noël", "Vacances"),
    ]
    assert seen[1]["starts_at"] is None and seen[1]["classes"] == []
    other = await signed_in(new_client, s.parent_5a)
    titles = [e["title"] for e in (await other.get(f"/api/students/{s.student_5a.id}/events")).json()["events"]]
    assert titles == ["Conseil de classe", "Vacances de Noël"]
    teacher = await signed_in(new_client, s.teacher)
    assert len((await teacher.get("/api/school/events")).json()["events"]) == 3

    # A range that ends before the holidays leaves them out; one inside them keeps them.
    week = f"start={today()}&end={today() + timedelta(days=10)}"
    assert len((await parent.get(f"/api/students/{s.student.id}/events?{week}")).json()["events"]) == 1
    inside = f"start={today() + timedelta(days=25)}&end={today() + timedelta(days=26)}"
    assert [
        e["title"] for e in (await parent.get(f"/api/students/{s.student.id}/events?{inside}")).json()["events"]
    ] == ["Vacances de Noël"]

    event_id = created.json()["id"]
    changed = await staff.put(
        f"/api/school/events/{event_id}", json={**meeting, "title": "Réunion de rentrée", "class_ids": []}
    )
    assert changed.json()["title"] == "Réunion de rentrée" and changed.json()["classes"] == []
    assert "Réunion de rentrée" in [
        e["title"] for e in (await other.get(f"/api/students/{s.student_5a.id}/events")).json()["events"]
    ]
    assert (await staff.delete(f"/api/school/events/{event_id}")).status_code == 204
    assert (await staff.delete(f"/api/school/events/{event_id}")).status_code == 404


async def test_access_stays_in_the_school_the_family_and_the_role(new_client):
    s = await setup()
    staff = await signed_in(new_client, s.staff)
    event_id = (await staff.post("/api/school/events", json=_event())).json()["id"]
    for user in (s.teacher, s.parent, s.student):
        client = await signed_in(new_client, user)
        assert (await client.post("/api/school/events", json=_event())).status_code == 403
        assert (await client.put(f"/api/school/events/{event_id}", json=_event())).status_code == 403
        assert (await client.delete(f"/api/school/events/{event_id}")).status_code == 403
    for user in (s.parent_5a, s.foreign_parent):
        client = await signed_in(new_client, user)
        assert (await client.get(f"/api/students/{s.student.id}/events")).status_code == 404
    foreign = await signed_in(new_client, s.foreign_staff)
    assert (await foreign.get("/api/school/events")).json()["events"] == []
    assert (await foreign.put(f"/api/school/events/{event_id}", json=_event())).status_code == 404
    assert (await foreign.post("/api/school/events", json=_event(class_ids=[str(s.class_4a.id)]))).status_code == 404
    teacher = await signed_in(new_client, s.teacher)
    assert (await teacher.get(f"/api/students/{s.student.id}/events")).status_code == 403


async def test_bad_events_are_refused_cleanly(new_client):
    s = await setup()
    staff = await signed_in(new_client, s.staff)
    for wrong in (
        {"last_day": str(today() + timedelta(days=6))},  # ends before it starts
        {"last_day": str(today() + timedelta(days=200))},  # longer than four months
        {"ends_at": None},  # a start time without an end
        {"ends_at": "16:00:00"},  # ends before it starts, same day
        {"kind": "party"},
        {"title": ""},
        {"first_day": "9999-12-31", "last_day": "9999-12-31"},
        {"client_id": "x"},
    ):
        response = await staff.post("/api/school/events", json=_event(**wrong))
        assert response.status_code == 400 and response.json()["error"]["message"], wrong
    assert (
        await staff.get(f"/api/school/events?start={today()}&end={today() + timedelta(days=400)}")
    ).status_code == 400


async def test_a_teachers_week_shows_the_schools_and_their_classes_events(new_client):
    s = await setup()  # s.teacher teaches 4e A, s.other_teacher 5e A
    staff = await signed_in(new_client, s.staff)
    day = today() + timedelta(days=7)
    for event in (
        _event(title="Réunion 4e A", class_ids=[str(s.class_4a.id)]),
        _event(kind="class_council", title="Conseil des 5e A", class_ids=[str(s.class_5a.id)]),
        _event(kind="outing", title="Journée portes ouvertes", starts_at=None, ends_at=None),
    ):
        assert (await staff.post("/api/school/events", json=event)).status_code == 200
    week = f"/api/school/lessons?week={day}"

    teacher = await signed_in(new_client, s.teacher)
    seen = (await teacher.get(week)).json()["events"]
    assert [(e["title"], e["first_day"]) for e in seen] == [
        ("Journée portes ouvertes", str(day)),  # all day first
        ("Réunion 4e A", str(day)),
    ]
    other = await signed_in(new_client, s.other_teacher)
    assert [e["title"] for e in (await other.get(week)).json()["events"]] == [
        "Journée portes ouvertes",
        "Conseil des 5e A",
    ]
    assert (await teacher.get(f"/api/school/lessons?week={today() - timedelta(days=14)}")).json()["events"] == []
    assert len((await staff.get(week)).json()["events"]) == 3  # vie scolaire: every event


async def test_a_creation_sent_twice_at_once_is_stored_once_and_answered_alike(new_client, monkeypatch):
    """A phone's retry racing its first try: both find no event with that client id, then the second
    one's insert meets the first one's (the unique client id)."""
    checked = service._check

    async def slow_check(*args) -> None:  # both requests past the look-up before either inserts
        await checked(*args)
        await asyncio.sleep(0.2)

    monkeypatch.setattr(service, "_check", slow_check)
    s = await setup()
    staff = await signed_in(new_client, s.staff)
    meeting = _event(class_ids=[str(s.class_4a.id)], client_id=uuid.uuid4().hex)
    for _ in range(2):  # at once, then once more after both
        first, second = await asyncio.gather(
            staff.post("/api/school/events", json=meeting), staff.post("/api/school/events", json=meeting)
        )
        assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
        assert first.json() == second.json() and first.json()["classes"] == [{"id": str(s.class_4a.id), "name": "4e A"}]
        assert await SchoolEvent.count() == 1 and await SchoolEventClass.count() == 1


async def test_a_title_of_blanks_only_is_refused_on_creation_and_change(new_client):
    s = await setup()
    staff = await signed_in(new_client, s.staff)
    blank = {"code": "invalid", "message": "Donnez un titre à l'événement.", "details": {"title": "empty"}}
    refused = await staff.post("/api/school/events", json=_event(title=" \t\n "))
    assert refused.status_code == 400 and refused.json()["error"] == blank
    assert await SchoolEvent.count() == 0
    created = await staff.post("/api/school/events", json=_event(title="  Sortie au musée "))
    assert created.status_code == 200 and created.json()["title"] == "Sortie au musée"
    changed = await staff.put(f"/api/school/events/{created.json()['id']}", json=_event(title="\u00a0 "))
    assert changed.status_code == 400 and changed.json()["error"] == blank
    assert (await SchoolEvent.select(SchoolEvent.title).first())["title"] == "Sortie au musée"
