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
