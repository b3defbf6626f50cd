"""The family writes a phone may queue offline and send later, maybe twice: replies and new messages,
survey answers, acknowledgements, a parent's absence report. Each is idempotent by its client id, and a
conflict gets a clear answer (a discussion closed meanwhile, a later survey answer given elsewhere)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from api import clock
from api.ratelimit import _window_start
from db.accounts.tables import RateLimitCounter
from db.communication.tables import Discussion, Message, SurveyAnswer, SurveyQuestion
from db.vie_scolaire.tables import Absence
from tests.factories import make_family
from tests.family_builders import make_discussion, make_post, make_teacher_of
from tests.fixtures.api import sign_in
from tests.pairing_builders import pair_phone
from tests.school_builders import school_setup

NOW = datetime.now(timezone.utc)


async def test_a_reply_sent_twice_is_stored_once_and_a_closed_discussion_refuses_it_clearly(client, new_client):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    discussion = await make_discussion(teacher, family.parent, family.student)
    phone = await pair_phone(await new_client(), await new_client(), family.parent)
    path = f"/api/me/discussions/{discussion.id}/messages"
    reply = {"body": "Merci, bonne journée.", "client_id": "reply-0001"}
    for _ in range(2):
        assert (await phone.request("POST", path, json=reply)).status_code == 201
    assert await Message.count().where(Message.discussion_id == discussion.id) == 2  # the teacher's and one reply

    await sign_in(client, teacher)
    closed = await client.post(f"/api/school/discussions/{discussion.id}/close")
    assert closed.status_code == 200 and closed.json()["closed"] is True
    late = await phone.request("POST", path, json={"body": "Une dernière question…", "client_id": "reply-0002"})
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "discussion_closed" and "conservé" in error["message"]
    assert (await phone.request("POST", path, json=reply)).status_code == 201  # sent before closing: still fine
    assert await Message.count().where(Message.discussion_id == discussion.id) == 2
    detail = (await phone.request("GET", f"/api/me/discussions/{discussion.id}")).json()
    assert detail["closed"] is True


async def test_a_new_discussion_sent_twice_starts_once(new_client):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    phone = await pair_phone(await new_client(), await new_client(), family.parent)
    body = {"teacher_id": str(teacher.id), "student_id": str(family.student.id), "subject": "Sortie",
            "body": "Bonjour, Léa sera absente vendredi.", "client_id": "start-00001"}  # fmt: skip
    first = await phone.request("POST", "/api/me/discussions", json=body)
    second = await phone.request("POST", "/api/me/discussions", json=body)
    assert first.status_code == second.status_code == 201 and first.json()["id"] == second.json()["id"]
    assert await Discussion.count() == 1


async def test_survey_answers_are_idempotent_and_the_latest_answer_wins(new_client):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    post = await make_post(teacher, [family.parent], survey=True)
    question = (await SurveyQuestion.select(SurveyQuestion.id).first())["id"]
    phone = await pair_phone(await new_client(), await new_client(), family.parent)
    desktop = await pair_phone(await new_client(), await new_client(), family.parent)
    path = f"/api/me/information/{post.id}/answers"

    def answer(choice: int, at: datetime, client_id: str) -> dict:
        return {"answers": [{"question_id": str(question), "choices": [choice]}], "answered_at": at.isoformat(),
                "client_id": client_id}  # fmt: skip

    yes_offline = answer(0, NOW - timedelta(hours=2), "answer-offline")
    no_later = answer(1, NOW - timedelta(hours=1), "answer-desktop")
    assert (await desktop.request("POST", path, json=no_later)).status_code == 201
    refused = await phone.request("POST", path, json=yes_offline)  # typed before, sent after
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "answer_outdated"
    stored = await SurveyAnswer.select(SurveyAnswer.answer).first()
    assert stored["answer"] in ([1], "[1]")
    again = await desktop.request("POST", path, json=no_later)  # its answer was lost: sent again
    assert again.status_code == 201 and again.json()["questions"][0]["answer"] == [1]
    newer = await phone.request("POST", path, json=answer(0, NOW, "answer-newest"))
    assert newer.status_code == 201 and newer.json()["questions"][0]["answer"] == [0]
    assert await SurveyAnswer.count() == 1


async def test_acknowledging_twice_changes_nothing(new_client):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    post = await make_post(teacher, [family.parent])
    phone = await pair_phone(await new_client(), await new_client(), family.parent)
    path = f"/api/me/information/{post.id}/acknowledge"
    first = await phone.request("POST", path, json={"client_id": "ack-000001"})
    second = await phone.request("POST", path, json={"client_id": "ack-000001"})
    assert first.status_code == second.status_code == 201 and second.json()["acknowledged"] is True


async def test_an_absence_report_sent_twice_is_recorded_once(new_client):
    family = await make_family()
    phone = await pair_phone(await new_client(), await new_client(), family.parent)
    starts, ends = NOW + timedelta(days=1), NOW + timedelta(days=1, hours=8)
    report = {"starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
              "reason": "Rendez-vous médical", "client_id": "absence-0001"}  # fmt: skip
    path = f"/api/students/{family.student.id}/absences"
    first = await phone.request("POST", path, json=report)
    second = await phone.request("POST", path, json=report)
    assert first.status_code == second.status_code == 201 and first.json()["id"] == second.json()["id"]
    assert await Absence.count() == 1
    bad = await phone.request("POST", path, json={**report, "client_id": "x"})
    assert bad.status_code == 400


async def test_another_family_cannot_write_in_this_familys_discussion_or_survey(new_client):
    family, other = await make_family(), await make_family()
    teacher, _ = await make_teacher_of(family)
    discussion = await make_discussion(teacher, family.parent, family.student)
    post = await make_post(teacher, [family.parent], survey=True)
    stranger = await pair_phone(await new_client(), await new_client(), other.parent)
    reply = await stranger.request("POST", f"/api/me/discussions/{discussion.id}/messages",
                                   json={"body": "Intrus", "client_id": "intrus-0001"})  # fmt: skip
    assert reply.status_code == 404
    answer = await stranger.request("POST", f"/api/me/information/{post.id}/answers", json={"answers": []})
    assert answer.status_code == 404
    absence = await stranger.request("POST", f"/api/students/{family.student.id}/absences", json={
        "starts_at": NOW.isoformat(), "ends_at": (NOW + timedelta(hours=1)).isoformat(), "reason": "x"})  # fmt: skip
    assert absence.status_code == 404


async def _twice_at_once(client, path: str, body: dict):
    """The same write sent twice at the same moment (a phone's retry racing its first try)."""
    first, second = await asyncio.gather(client.post(path, json=body), client.post(path, json=body))
    assert first.status_code == second.status_code, (first.text, second.text)
    assert first.json() == second.json()
    return first


async def test_writes_sent_twice_at_the_same_moment_are_stored_once_and_answered_alike(client, new_client):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    discussion = await make_discussion(teacher, family.parent, family.student)
    await sign_in(client, family.parent)

    reply = {"body": "Merci, bonne journée.", "client_id": "reply-race-01"}
    answer = await _twice_at_once(client, f"/api/me/discussions/{discussion.id}/messages", reply)
    assert answer.status_code == 201 and [m["body"] for m in answer.json()].count("Merci, bonne journée.") == 1
    assert await Message.count().where(Message.client_id == "reply-race-01") == 1

    start = {"teacher_id": str(teacher.id), "student_id": str(family.student.id), "subject": "Sortie",
             "body": "Bonjour, Léa sera absente vendredi.", "client_id": "start-race-01"}  # fmt: skip
    answer = await _twice_at_once(client, "/api/me/discussions", start)
    assert answer.status_code == 201 and len(answer.json()["messages"]) == 1
    assert await Discussion.count() == 2  # make_discussion's and this one
    assert await Message.count().where(Message.client_id == "start-race-01") == 1

    starts, ends = NOW + timedelta(days=1), NOW + timedelta(days=1, hours=8)
    report = {"starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
              "reason": "Rendez-vous médical", "client_id": "absence-race-1"}  # fmt: skip
    answer = await _twice_at_once(client, f"/api/students/{family.student.id}/absences", report)
    assert answer.status_code == 201 and answer.json()["reason"] == "Rendez-vous médical"
    assert await Absence.count() == 1

    # The desktop form sends no client id: a double click still reports the period once.
    later = {"starts_at": (starts + timedelta(days=7)).isoformat(), "ends_at": (ends + timedelta(days=7)).isoformat(),
             "reason": "Compétition sportive"}  # fmt: skip
    answer = await _twice_at_once(client, f"/api/students/{family.student.id}/absences", later)
    assert answer.status_code == 201 and answer.json()["reason"] == "Compétition sportive"
    assert await Absence.count() == 2


async def test_staff_contacting_a_family_twice_at_the_same_moment_opens_one_discussion(client):
    s = await school_setup()
    await sign_in(client, s.staff)
    contact = {"student_id": str(s.student_4a.id), "subject": "Absence du 23/11", "body": "Bonjour,",
               "client_id": "contact-race-1"}  # fmt: skip
    answer = await _twice_at_once(client, "/api/school/discussions", contact)
    assert answer.status_code == 201 and [m["body"] for m in answer.json()["messages"]] == ["Bonjour,"]
    assert await Discussion.count() == 1 and await Message.count() == 1


async def test_a_new_discussion_refused_for_too_many_messages_leaves_nothing_behind(client, monkeypatch):
    moment = clock.now()
    monkeypatch.setattr(clock, "source", lambda: moment)  # the hour's window stays the one filled below
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    await sign_in(client, family.parent)
    # This parent already sent the hour's 60 messages.
    key = f"message:{family.parent.id}"
    await RateLimitCounter.insert(
        RateLimitCounter(key=key, window_start=_window_start(timedelta(hours=1), moment), hits=60)
    )
    start = {"teacher_id": str(teacher.id), "student_id": str(family.student.id), "subject": "Sortie",
             "body": "Bonjour, Léa sera absente vendredi.", "client_id": "start-limited"}  # fmt: skip
    refused = await client.post("/api/me/discussions", json=start)
    assert refused.status_code == 429
    assert await Discussion.count() == 0  # no empty discussion

    await RateLimitCounter.delete().where(RateLimitCounter.key == key)  # an hour later, the phone sends it again
    sent = await client.post("/api/me/discussions", json=start)
    assert sent.status_code == 201 and [m["body"] for m in sent.json()["messages"]] == [start["body"]]
    assert await Discussion.count() == 1
