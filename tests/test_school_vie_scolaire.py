"""Roll call and remarks by teachers; absences by day, justification and punishments by the vie scolaire."""

from __future__ import annotations

import asyncio

from db.vie_scolaire.tables import Absence, Lateness, Remark
from tests.fixtures.api import sign_in
from tests.school_builders import school_setup


async def test_roll_call_is_idempotent_and_shows_in_absences_of_the_day(client, new_client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    url = f"/api/school/lessons/{s.lesson_4a.id}/roll"
    entries = [
        {"student_id": str(s.student_4a.id), "status": "absent"},
        {"student_id": str(s.other_4a.id), "status": "late", "minutes": 10},
    ]
    for _ in range(2):  # a retried roll call changes nothing
        assert (await client.put(url, json={"entries": entries})).status_code == 200
    roll = (await client.get(url)).json()
    assert roll["called"] and {(line["first_name"], line["status"], line["minutes"]) for line in roll["students"]} == {
        ("Léa", "absent", None),
        ("Tom", "late", 10),
    }
    assert await Absence.count().where(Absence.student_id == s.student_4a.id) == 1

    corrected = await client.put(url, json={"entries": [{"student_id": str(s.student_4a.id), "status": "present"}]})
    assert {line["first_name"]: line["status"] for line in corrected.json()["students"]}["Léa"] == "present"
    await client.put(url, json={"entries": entries})

    staff = await new_client()
    await sign_in(staff, s.staff)
    day = (await staff.get("/api/school/absences", params={"day": "2026-11-23"})).json()
    assert [(a["first_name"], a["class_name"], a["justification_state"]) for a in day] == [
        ("Léa", "4e A", "unjustified")
    ]
    assert (await staff.get("/api/school/absences", params={"day": "2026-11-24"})).json() == []
    justified = await staff.post(
        f"/api/school/absences/{day[0]['id']}/justification",
        json={"state": "justified", "reason": "Rendez-vous médical"},
    )
    assert justified.status_code == 204
    await client.put(url, json={"entries": entries})  # the teacher's page resends the same roll
    day = (await staff.get("/api/school/absences", params={"day": "2026-11-23"})).json()
    assert day[0]["justification_state"] == "justified" and day[0]["reason"] == "Rendez-vous médical"


async def test_a_roll_call_sent_twice_at_the_same_moment_records_each_student_once(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    url = f"/api/school/lessons/{s.lesson_4a.id}/roll"
    entries = [
        {"student_id": str(s.student_4a.id), "status": "absent"},
        {"student_id": str(s.other_4a.id), "status": "late", "minutes": 10},
    ]
    first, second = await asyncio.gather(*(client.put(url, json={"entries": entries}) for _ in range(2)))
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert await Absence.count().where(Absence.student_id == s.student_4a.id) == 1
    assert await Lateness.count().where(Lateness.student_id == s.other_4a.id) == 1
    lines = {line["first_name"]: (line["status"], line["minutes"]) for line in second.json()["students"]}
    assert lines["Léa"] == ("absent", None) and lines["Tom"] == ("late", 10)


async def test_teacher_cannot_call_roll_or_remark_outside_their_classes(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    assert (
        await client.put(
            f"/api/school/lessons/{s.lesson_3b.id}/roll",
            json={"entries": [{"student_id": str(s.student_3b.id), "status": "absent"}]},
        )
    ).status_code == 404
    assert (
        await client.put(
            f"/api/school/lessons/{s.lesson_4a.id}/roll",
            json={"entries": [{"student_id": str(s.student_3b.id), "status": "absent"}]},
        )
    ).status_code == 400
    assert (
        await client.post("/api/school/remarks", json={"student_id": str(s.student_3b.id), "kind": "Oubli de matériel"})
    ).status_code == 404
    ok = await client.post(
        "/api/school/remarks",
        json={
            "student_id": str(s.student_4a.id),
            "kind": "Oubli de matériel",
            "text": "Pas de compas",
            "lesson_id": str(s.lesson_4a.id),
        },
    )
    assert ok.status_code == 201
    assert await Remark.count() == 1
    # The vie scolaire pages are not the teacher's.
    assert (await client.get("/api/school/absences")).status_code == 403


async def test_punishments(client):
    s = await school_setup()
    await sign_in(client, s.staff)
    given = await client.post(
        "/api/school/punishments",
        json={"student_id": str(s.student_3b.id), "kind": "retenue", "reason": "Insolence", "due_on": "2026-11-25"},
    )
    assert given.status_code == 201, given.text
    assert (await client.patch(f"/api/school/punishments/{given.json()['id']}", json={"done": True})).status_code == 204
    listed = (await client.get("/api/school/punishments")).json()
    assert [(p["first_name"], p["kind"], p["done"]) for p in listed] == [("Noé", "retenue", True)]
    unknown = await client.post(
        "/api/school/punishments", json={"student_id": str(s.staff.id), "kind": "retenue", "reason": "x"}
    )
    assert unknown.status_code == 404


async def test_families_cannot_reach_vie_scolaire(client):
    s = await school_setup()
    await sign_in(client, s.parent_4a)
    assert (await client.get("/api/school/absences")).status_code == 403
    assert (await client.get(f"/api/school/lessons/{s.lesson_4a.id}/roll")).status_code == 403
    assert (
        await client.post(
            "/api/school/punishments", json={"student_id": str(s.student_4a.id), "kind": "retenue", "reason": "x"}
        )
    ).status_code == 403
