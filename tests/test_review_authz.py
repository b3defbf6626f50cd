"""Review: authorisation edges found in the security review."""

from __future__ import annotations

from db.vie_scolaire.tables import Remark
from tests.fixtures.api import sign_in
from tests.school_builders import school_setup


async def test_a_remark_cannot_be_tied_to_a_lesson_the_student_does_not_attend(client):
    s = await school_setup()
    await sign_in(client, s.staff)
    refused = await client.post(
        "/api/school/remarks",
        json={"student_id": str(s.student_3b.id), "kind": "Bavardage", "lesson_id": str(s.lesson_4a.id)},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "not_in_lesson"
    assert await Remark.count() == 0
    ok = await client.post(
        "/api/school/remarks",
        json={"student_id": str(s.student_4a.id), "kind": "Bavardage", "lesson_id": str(s.lesson_4a.id)},
    )
    assert ok.status_code == 201


async def test_far_dates_are_refused_not_a_server_error(client, new_client):
    s = await school_setup()
    await sign_in(client, s.parent_4a)
    for screen in ("timetable", "homework"):
        far = await client.get(
            f"/api/students/{s.student_4a.id}/{screen}/", params={"start": "9999-12-31", "end": "9999-12-31"}
        )
        assert far.status_code == 400 and far.json()["error"]["code"] == "invalid"
    staff = await new_client()
    await sign_in(staff, s.staff)
    far = await staff.get("/api/school/absences", params={"day": "9999-12-31"})
    assert far.status_code == 400 and far.json()["error"]["code"] == "invalid"


async def test_a_far_teacher_week_is_refused_not_a_server_error(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    far = await client.get("/api/school/lessons", params={"week": "9999-12-31"})
    assert far.status_code == 400 and far.json()["error"]["code"] == "invalid"
