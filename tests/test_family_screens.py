"""The other family screens' endpoints: timetable, evaluations, vie scolaire, communication, Accueil."""

import uuid
from datetime import timedelta

from db.communication.tables import Message, SurveyAnswer
from db.vie_scolaire.tables import Absence
from tests.factories import make_family
from tests.family_builders import (
    make_discussion,
    make_evaluation,
    make_homework,
    make_lesson,
    make_period,
    make_post,
    make_teacher_of,
    make_vie_scolaire,
    today,
    utc,
)
from tests.fixtures.api import sign_in


async def test_timetable_marks_cancelled_lessons_and_stays_in_the_family(client, new_client):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    await make_lesson(teacher, maths, class_ref=family.class_ref, day=today(), hour=8)
    await make_lesson(
        teacher,
        maths,
        class_ref=family.class_ref,
        day=today(),
        hour=10,
        status="cancelled",
        status_note="Professeur absent",
    )
    await sign_in(client, family.parent)
    body = (await client.get(f"/api/students/{family.student.id}/timetable?start={today()}&end={today()}")).json()
    assert [(lesson["starts_at"], lesson["status"]) for lesson in body["lessons"]] == [
        ("08:00:00", "normal"),
        ("10:00:00", "cancelled"),
    ]
    assert body["lessons"][1]["status_note"] == "Professeur absent"
    stranger = await new_client()
    await sign_in(stranger, (await make_family(family.school, "3e Z")).parent)
    assert (await stranger.get(f"/api/students/{family.student.id}/timetable")).status_code == 404


async def test_only_published_evaluations_with_an_average(client):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    period = await make_period(family.school)
    await make_evaluation(teacher, maths, period, family.class_ref, family.student, title="Fractions", grade="12")
    await make_evaluation(teacher, maths, period, family.class_ref, family.student, title="Thalès", grade="16")
    await make_evaluation(teacher, maths, period, family.class_ref, family.student, title="Pas encore", published=False)
    await sign_in(client, family.student)
    body = (await client.get(f"/api/students/{family.student.id}/evaluations")).json()
    assert body["period_id"] == str(period.id)
    [subject] = body["subjects"]
    assert sorted(e["title"] for e in subject["evaluations"]) == ["Fractions", "Thalès"]
    assert subject["average"] == 14.0
    assert subject["evaluations"][0]["competences"][0]["level_label"] == "Maîtrise satisfaisante"


async def test_vie_scolaire_and_a_parent_reports_an_absence_once(client, new_client):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    await make_vie_scolaire(teacher, family.student)
    await sign_in(client, family.parent)
    body = (await client.get(f"/api/students/{family.student.id}/vie-scolaire")).json()
    assert [len(body[k]) for k in ("absences", "lateness", "remarks", "punishments")] == [1, 1, 1, 1]
    assert body["punishments"][0]["author"] == "Paul DURAND"

    report = {
        "starts_at": utc(today() + timedelta(days=1)).isoformat(),
        "ends_at": utc(today() + timedelta(days=1), 17).isoformat(),
        "reason": "Rendez-vous médical",
    }
    url = f"/api/students/{family.student.id}/absences"
    first = await client.post(url, json=report)
    again = await client.post(url, json=report)
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert first.json()["justification_label"] == "Justification en attente"
    assert await Absence.count().where(Absence.student_id == family.student.id) == 2
    backwards = await client.post(url, json=report | {"ends_at": report["starts_at"]})
    assert backwards.status_code == 400
    student = await new_client()
    await sign_in(student, family.student)
    assert (await student.post(url, json=report)).status_code == 403


async def test_discussions_read_reply_start_with_a_teacher(client):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    discussion = await make_discussion(teacher, family.parent, family.student)
    await sign_in(client, family.parent)
    listed = (await client.get("/api/me/discussions")).json()
    assert listed[0]["unread"] is True and listed[0]["with_names"] == ["Paul DURAND"]
    detail = (await client.get(f"/api/me/discussions/{discussion.id}")).json()
    assert detail["messages"][0]["body"] == "Bonjour, Léa a progressé."
    assert (await client.get("/api/me/discussions")).json()[0]["unread"] is False

    reply = {"body": "Merci beaucoup !", "client_id": uuid.uuid4().hex}
    for _ in range(2):
        assert (await client.post(f"/api/me/discussions/{discussion.id}/messages", json=reply)).status_code == 201
    assert await Message.count().where(Message.discussion_id == discussion.id) == 2

    teachers = (await client.get(f"/api/students/{family.student.id}/teachers")).json()
    assert teachers == [{"id": str(teacher.id), "name": "Paul DURAND", "subjects": ["Mathématiques"]}]
    start = {
        "teacher_id": str(teacher.id),
        "student_id": str(family.student.id),
        "subject": "Devoirs",
        "body": "Question sur le devoir.",
        "client_id": uuid.uuid4().hex,
    }
    created = (await client.post("/api/me/discussions", json=start)).json()
    assert (await client.post("/api/me/discussions", json=start)).json()["id"] == created["id"]
    assert len((await client.get("/api/me/discussions")).json()) == 2
    not_their_teacher = start | {"teacher_id": str(family.parent.id), "client_id": uuid.uuid4().hex}
    assert (await client.post("/api/me/discussions", json=not_their_teacher)).status_code == 404


async def test_information_read_acknowledge_and_survey_answer(client):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    info = await make_post(teacher, [family.parent])
    survey = await make_post(teacher, [family.parent], title="Sortie", survey=True)
    await make_post(teacher, [family.student], title="Pour l'élève seulement")
    await sign_in(client, family.parent)
    posts = (await client.get("/api/me/information")).json()
    assert sorted(p["title"] for p in posts) == ["Sortie", "Sortie au musée"]
    acked = (await client.post(f"/api/me/information/{info.id}/acknowledge")).json()
    assert acked["acknowledged"] is True and acked["read"] is True
    question = next(p for p in posts if p["id"] == str(survey.id))["questions"][0]
    bad = await client.post(
        f"/api/me/information/{survey.id}/answers", json={"answers": [{"question_id": question["id"], "choices": [5]}]}
    )
    assert bad.status_code == 400
    answered = (
        await client.post(
            f"/api/me/information/{survey.id}/answers",
            json={"answers": [{"question_id": question["id"], "choices": [0]}]},
        )
    ).json()
    assert answered["questions"][0]["answer"] == [0]
    assert await SurveyAnswer.count() == 1


async def test_home_summary_for_tomorrow(client):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    from api.home.family import next_school_day

    tomorrow = next_school_day(today())
    await make_lesson(teacher, maths, class_ref=family.class_ref, day=today())
    await make_homework(teacher, maths, class_ref=family.class_ref, due_in_days=(tomorrow - today()).days)
    await make_homework(teacher, maths, class_ref=family.class_ref, due_in_days=(tomorrow - today()).days + 3)
    await make_discussion(teacher, family.student, family.student)
    await sign_in(client, family.student)
    body = (await client.get(f"/api/students/{family.student.id}/home")).json()
    assert len(body["lessons_today"]) == 1 and len(body["homework_tomorrow"]) == 1
    assert body["unread_discussions"] == 1
