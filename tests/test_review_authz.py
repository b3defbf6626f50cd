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


async def test_parallel_wrong_codes_cannot_exceed_three_tries(new_client):
    """Guesses sent at the same moment each reserve a try before the comparison."""
    import asyncio

    from db.accounts.tables import VerificationCode
    from tests.accounts_builders import make_parent_to_activate
    from tests.factories import make_family

    family = await make_family()
    await make_parent_to_activate(family)
    client = await new_client()
    started = await client.post(
        "/api/accounts/activation/start",
        json={"last_name": "Dupont", "first_name": "Sophie", "phone": "+33 6 12 34 56 78"},
    )
    flow = started.json()["flow"]
    guesses = [
        client.post(
            "/api/accounts/activation/verify",
            json={"flow": flow, "code": f"{n:06d}", "birth_dates": ["2013-05-14"]},
        )
        for n in range(8)
    ]
    answers = await asyncio.gather(*guesses)
    codes = [answer.json()["error"]["code"] for answer in answers]
    assert set(codes) == {"wrong_code", "code_blocked"}, codes
    assert codes.count("wrong_code") == 2, codes  # the third wrong try blocks the code
    row = await VerificationCode.select(VerificationCode.attempts).first()
    assert row["attempts"] == 3


async def test_a_reused_client_id_in_another_discussion_is_not_dropped(client):
    """Idempotency keys are per discussion: a message to another thread is never silently lost."""
    from tests.fixtures.api import sign_in
    from tests.school_builders import school_setup

    setup = await school_setup()
    await sign_in(client, setup.staff)
    ids = []
    for subject in ("Absence du 23/11", "Retard du 24/11"):
        opened = await client.post(
            "/api/school/discussions",
            json={
                "student_id": str(setup.student_4a.id),
                "subject": subject,
                "body": "Bonjour,",
                "client_id": f"contact-{subject[:7]}",
            },
        )
        assert opened.status_code in (200, 201), opened.text
        ids.append(opened.json()["id"])
    for discussion_id in ids:
        sent = await client.post(
            f"/api/school/discussions/{discussion_id}/messages",
            json={"body": "Merci de nous rappeler.", "client_id": "same-key-0001"},
        )
        assert sent.status_code in (200, 201), sent.text
    for discussion_id in ids:
        detail = (await client.get(f"/api/school/discussions/{discussion_id}")).json()
        assert [m["body"] for m in detail["messages"]][-1] == "Merci de nous rappeler."
