"""Teachers and vie scolaire post information and surveys, follow acknowledgements, talk with families."""

from __future__ import annotations

from api.auth.sessions import now
from db.communication.tables import InformationRecipient, SurveyAnswer, SurveyQuestion
from tests.fixtures.api import sign_in
from tests.school_builders import school_setup


async def test_post_survey_to_parents_and_follow_answers(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    created = await client.post(
        "/api/school/posts",
        json={
            "title": "Sortie au musée",
            "html": "<p>Départ 8h <script>alert(1)</script></p>",
            "class_ids": [str(s.class_4a.id)],
            "to": ["parents"],
            "questions": [{"text": "Votre enfant participera-t-il ?", "kind": "single", "choices": ["Oui", "Non"]}],
        },
    )
    assert created.status_code == 201, created.text
    post = created.json()
    assert post["recipients"] == 1 and post["is_survey"]  # the one parent of 4e A
    await InformationRecipient.update(
        {InformationRecipient.acknowledged_at: now(), InformationRecipient.read_at: now()}
    ).where(InformationRecipient.user_id == s.parent_4a.id)
    question = await SurveyQuestion.select().first()
    await SurveyAnswer.insert(
        SurveyAnswer(school_id=s.school.id, question_id=question["id"], user_id=s.parent_4a.id, answer=[0])
    )
    detail = (await client.get(f"/api/school/posts/{post['id']}")).json()
    assert "<script" not in detail["html"]
    assert [(r["name"], r["acknowledged_at"] is not None) for r in detail["recipients"]] == [("Sophie Bernard", True)]
    assert detail["questions"][0]["counts"] == [1, 0]
    assert (await client.get("/api/school/posts")).json()[0]["acknowledged"] == 1


async def test_teacher_cannot_post_to_another_class(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    refused = await client.post(
        "/api/school/posts",
        json={"title": "x", "html": "<p>x</p>", "class_ids": [str(s.class_3b.id)], "to": ["students", "parents"]},
    )
    assert refused.status_code == 404
    assert await InformationRecipient.count() == 0


async def test_staff_contacts_a_family_and_replies_once_per_client_id(client, new_client):
    s = await school_setup()
    await sign_in(client, s.staff)
    first = {
        "student_id": str(s.student_4a.id),
        "subject": "Absence du 23/11",
        "body": "Bonjour, ...",
        "client_id": "contact-0001",
    }
    opened = await client.post("/api/school/discussions", json=first)
    assert opened.status_code == 201, opened.text
    again = await client.post("/api/school/discussions", json=first)
    assert again.json()["id"] == opened.json()["id"]
    discussion_id = opened.json()["id"]
    assert opened.json()["with_names"] == ["Sophie BERNARD"]  # "Prénom NOM", as everywhere in discussions
    for _ in range(2):
        replied = await client.post(
            f"/api/school/discussions/{discussion_id}/messages",
            json={"body": "Merci de justifier.", "client_id": "reply-0001"},
        )
    assert [m["body"] for m in replied.json()["messages"]] == ["Bonjour, ...", "Merci de justifier."]
    assert [d["subject"] for d in (await client.get("/api/school/discussions")).json()] == ["Absence du 23/11"]

    outsider = await new_client()
    await sign_in(outsider, s.teacher_3b)
    assert (await outsider.get(f"/api/school/discussions/{discussion_id}")).status_code == 404
    assert (
        await outsider.post(
            f"/api/school/discussions/{discussion_id}/messages", json={"body": "x", "client_id": "reply-0002"}
        )
    ).status_code == 404
    assert (
        await outsider.post("/api/school/discussions", json={**first, "client_id": "contact-0002"})
    ).status_code == 404


async def test_parent_cannot_use_school_communication(client):
    s = await school_setup()
    await sign_in(client, s.parent_4a)
    assert (
        await client.post(
            "/api/school/posts", json={"title": "x", "html": "<p>x</p>", "class_ids": [str(s.class_4a.id)]}
        )
    ).status_code == 403
    assert (await client.get("/api/school/discussions")).status_code == 403


async def test_a_teacher_writes_to_the_family_of_a_student_they_teach_and_no_other(client, new_client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    students = (await client.get("/api/school/teaching/students")).json()
    names = [(p["first_name"], p["last_name"], p["class_name"]) for p in students]
    assert names == [("Léa", "Bernard", "4e A"), ("Tom", "Petit", "4e A")]  # not Noé, in 3e B
    contact = {"student_id": str(s.student_4a.id), "subject": "Contrôle", "body": "Bonjour",
               "client_id": "teacher-0001"}  # fmt: skip
    opened = await client.post("/api/school/discussions", json=contact)
    assert opened.status_code == 201, opened.text
    assert opened.json()["with_names"] == ["Sophie BERNARD"]
    other = {**contact, "student_id": str(s.student_3b.id), "client_id": "teacher-0002"}
    assert (await client.post("/api/school/discussions", json=other)).status_code == 404

    staff = await new_client()
    await sign_in(staff, s.staff)  # the vie scolaire teaches no one: it picks from every class instead
    assert (await staff.get("/api/school/teaching/students")).json() == []
    parent = await new_client()
    await sign_in(parent, s.parent_4a)
    assert (await parent.get("/api/school/teaching/students")).status_code == 403
