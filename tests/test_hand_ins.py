"""Handing in work: the teacher marks a homework "à rendre", the student hands in files (idempotent,
sniffed, on time or late), the teacher downloads them and returns a comment and a corrected copy."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from api.clock import now
from api.ratelimit import _window_start
from db.accounts.tables import RateLimitCounter
from db.submissions.tables import SubmissionFile
from tests.parity_builders import JPEG, PDF, PNG, make_homework, setup, signed_in, today
from tests.statements import counting


def _deadline(days: int, hour: int = 8) -> str:
    return datetime.combine(today() + timedelta(days=days), time(hour)).isoformat()  # school's local time


async def _hand_in(client, s, homework, content=PDF, name="copie.pdf", client_id=None, student=None):
    student = student or s.student
    return await client.post(
        f"/api/students/{student.id}/homework/{homework.id}/submission/files",
        files={"file": (name, content)},
        data={"client_id": client_id or uuid.uuid4().hex},
    )


async def _mark(teacher, homework, days: int = 3, types=("pdf", "jpg")):
    response = await teacher.put(
        f"/api/school/homework/{homework.id}/hand-in", json={"deadline": _deadline(days), "accepted_types": list(types)}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_student_hands_in_and_the_teacher_returns_a_corrected_copy(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher, student, parent = [await signed_in(new_client, u) for u in (s.teacher, s.student, s.parent)]
    assert (await student.get(f"/api/students/{s.student.id}/hand-ins")).json() == []
    await _mark(teacher, homework)
    report = await _mark(teacher, homework)  # idempotent
    assert report["hand_in"]["accepted_label"] == "PDF, JPEG" and report["student_count"] == 2
    listed = {h["homework_id"]: h for h in (await teacher.get("/api/school/hand-ins")).json()}
    assert listed[str(homework.id)]["hand_in"]["accepted_types"] == ["pdf", "jpg"]

    [item] = (await student.get(f"/api/students/{s.student.id}/hand-ins")).json()
    assert (item["submission"]["status"], item["can_hand_in"], item["subject"]) == ("missing", True, "Mathématiques")

    key = uuid.uuid4().hex
    for _ in range(2):  # the phone's queue may send it twice
        sent = await _hand_in(student, s, homework, client_id=key)
        assert sent.status_code == 200, sent.text
    assert len(sent.json()["submission"]["files"]) == 1
    assert sent.json()["submission"]["status_label"] == "Rendu"
    photo = await _hand_in(student, s, homework, JPEG, "photo.jpg")
    assert [f["filename"] for f in photo.json()["submission"]["files"]] == ["copie.pdf", "photo.jpg"]
    refused = await _hand_in(student, s, homework, PNG, "capture.png")
    assert refused.status_code == 415 and "PDF, JPEG" in refused.json()["error"]["message"]

    seen_by_parent = (await parent.get(f"/api/students/{s.student.id}/homework/{homework.id}/submission")).json()
    assert len(seen_by_parent["submission"]["files"]) == 2 and seen_by_parent["can_hand_in"] is False
    assert (await _hand_in(parent, s, homework)).status_code == 403  # only the student hands in

    report = (await teacher.get(f"/api/school/homework/{homework.id}/submissions")).json()
    lines = {line["first_name"]: line for line in report["students"]}
    assert (report["handed_in"], report["late"]) == (1, 0)
    assert lines["Lucas"]["submission"]["status"] == "on_time" and lines["Léa"]["submission"]["status"] == "missing"
    download = await teacher.get(lines["Lucas"]["submission"]["files"][0]["url"])
    assert download.content == PDF and download.headers["content-disposition"].startswith("attachment;")

    back = f"/api/school/homework/{homework.id}/submissions/{lines['Lucas']['submission_id']}/return"
    form = {"comment": "Bon travail, attention aux unités.", "client_id": uuid.uuid4().hex}
    for _ in range(2):
        returned = await teacher.post(back, data=form, files={"file": ("corrige.pdf", PDF)})
        assert returned.status_code == 200, returned.text
    assert returned.json()["returned"] == 1

    mine = (await student.get(f"/api/students/{s.student.id}/homework/{homework.id}/submission")).json()
    assert mine["submission"]["return_comment"] == "Bon travail, attention aux unités."
    [correction] = mine["submission"]["corrections"]
    assert (await student.get(correction["url"])).content == PDF
    assert mine["can_hand_in"] is False
    assert (await _hand_in(student, s, homework)).status_code == 409
    first = mine["submission"]["files"][0]["url"]
    assert (await student.delete(first)).status_code == 409


async def test_late_work_is_flagged_and_taking_every_file_back_unhands_it(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a, given=-5, due=-1)
    teacher, student = await signed_in(new_client, s.teacher), await signed_in(new_client, s.student)
    await _mark(teacher, homework, days=-1)
    sent = (await _hand_in(student, s, homework)).json()
    assert sent["submission"]["status"] == "late" and sent["submission"]["status_label"] == "Rendu en retard"
    assert (await teacher.get(f"/api/school/homework/{homework.id}/submissions")).json()["late"] == 1
    assert (await teacher.delete(f"/api/school/homework/{homework.id}/hand-in")).status_code == 409
    taken_back = await student.delete(sent["submission"]["files"][0]["url"])
    assert taken_back.status_code == 200 and taken_back.json()["submission"]["status"] == "missing"
    assert (await teacher.delete(f"/api/school/homework/{homework.id}/hand-in")).status_code == 204
    assert (await student.get(f"/api/students/{s.student.id}/homework/{homework.id}/submission")).status_code == 404


async def test_each_side_reaches_only_its_own_work(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher = await signed_in(new_client, s.teacher)
    await _mark(teacher, homework)
    student = await signed_in(new_client, s.student)
    file_url = (await _hand_in(student, s, homework)).json()["submission"]["files"][0]["url"]
    path = f"/api/students/{s.student.id}/homework/{homework.id}/submission"

    classmate, other_family, foreign = [
        await signed_in(new_client, u) for u in (s.classmate, s.parent_5a, s.foreign_parent)
    ]
    for client in (classmate, other_family, foreign):
        assert (await client.get(path)).status_code == 404
        assert (await client.get(file_url)).status_code == 404
        assert (await client.get(f"/api/students/{s.student.id}/hand-ins")).status_code == 404
    other_class = await signed_in(new_client, s.student_5a)  # the homework is not for 5e A
    assert (
        await other_class.get(f"/api/students/{s.student_5a.id}/homework/{homework.id}/submission")
    ).status_code == 404
    assert (await _hand_in(other_class, s, homework, student=s.student_5a)).status_code == 404

    other_teacher, staff = await signed_in(new_client, s.other_teacher), await signed_in(new_client, s.staff)
    assert (await other_teacher.get(f"/api/school/homework/{homework.id}/submissions")).status_code == 404
    body = {"deadline": _deadline(2), "accepted_types": ["pdf"]}
    assert (await other_teacher.put(f"/api/school/homework/{homework.id}/hand-in", json=body)).status_code == 404
    assert (await staff.put(f"/api/school/homework/{homework.id}/hand-in", json=body)).status_code == 403
    assert (await staff.get(f"/api/school/homework/{homework.id}/submissions")).status_code == 403
    assert (await student.get(f"/api/school/homework/{homework.id}/submissions")).status_code == 403


async def test_who_may_see_a_hand_in_is_decided_by_the_one_sql_rule(new_client):
    """Upload, removal and download ask `family_audience` and `reaches` whether the homework reaches the
    student, in one statement: no second reading of the homework, no rule re-written in Python."""
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    await _mark(await signed_in(new_client, s.teacher), homework)
    student, parent = await signed_in(new_client, s.student), await signed_in(new_client, s.parent)
    file_url = (await _hand_in(student, s, homework)).json()["submission"]["files"][0]["url"]
    assert (await parent.get(file_url)).content == PDF  # warm: a new connection may introspect types

    with counting() as sent:
        assert (await parent.get(file_url)).content == PDF
    [decision] = [sql for sql in sent if "family_audience" in sql]
    assert "reaches(" in decision
    assert not [sql for sql in sent if sql != decision and ('FROM "homework"' in sql or "FROM homework " in sql)]
    with counting() as sent:
        removed = await student.delete(file_url)
    assert removed.status_code == 200 and removed.json()["submission"]["files"] == []
    assert "reaches(" in [sql for sql in sent if "family_audience" in sql][0]

    other = await make_homework(s.teacher, s.maths, s.class_5a)  # for 5e A: not the student's
    refused = await student.get(f"/api/students/{s.student.id}/homework/{other.id}/submission/files/{uuid.uuid4()}")
    assert refused.status_code == 404 and refused.json()["error"]["message"] == "Devoir introuvable."
    stranger = await signed_in(new_client, s.parent_5a)
    refused = await stranger.get(file_url)
    assert refused.status_code == 404 and refused.json()["error"]["message"] == "Élève introuvable."


async def test_bad_input_is_a_clean_4xx(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher, student = await signed_in(new_client, s.teacher), await signed_in(new_client, s.student)
    assert (await _hand_in(student, s, homework)).status_code == 404  # not "à rendre" yet
    url = f"/api/school/homework/{homework.id}/hand-in"
    for body in (
        {"deadline": _deadline(200), "accepted_types": ["pdf"]},
        {"deadline": _deadline(-30), "accepted_types": ["pdf"]},
        {"deadline": _deadline(2), "accepted_types": []},
        {"deadline": _deadline(2), "accepted_types": ["exe"]},
        {"deadline": "demain", "accepted_types": ["pdf"]},
    ):
        response = await teacher.put(url, json=body)
        assert response.status_code == 400 and response.json()["error"]["message"], body
    await _mark(teacher, homework)
    no_key = await student.post(
        f"/api/students/{s.student.id}/homework/{homework.id}/submission/files", files={"file": ("a.pdf", PDF)}
    )
    assert no_key.status_code == 400
    too_big = await _hand_in(student, s, homework, PDF + b"0" * (5 * 1024 * 1024))
    assert too_big.status_code == 413
    empty = await _hand_in(student, s, homework, b"")
    assert empty.status_code == 400
    report = (await teacher.get(f"/api/school/homework/{homework.id}/submissions")).json()
    assert report["handed_in"] == 0


async def _uploads_used_up(user) -> str:
    """`user` already sent the hour's 60 files (hand-ins, corrections, attachments alike)."""
    key = f"upload:{user.id}"
    await RateLimitCounter.delete().where(RateLimitCounter.key == key)  # the files they did send
    await RateLimitCounter.insert(
        RateLimitCounter(key=key, window_start=_window_start(timedelta(hours=1), now()), hits=60)
    )
    return key


async def test_uploads_beyond_the_hours_limit_are_refused_on_both_sides(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher, student = await signed_in(new_client, s.teacher), await signed_in(new_client, s.student)
    await _mark(teacher, homework)
    handed = await _hand_in(student, s, homework, client_id="first-copy-1")
    assert handed.status_code == 200, handed.text

    key = await _uploads_used_up(s.student)
    refused = await _hand_in(student, s, homework, JPEG, "photo.jpg", client_id="second-copy")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_requests"
    assert 0 < int(refused.headers["retry-after"]) <= 2 * 3600  # the hour slides (api/ratelimit.py)
    assert await SubmissionFile.count() == 1  # nothing kept
    await RateLimitCounter.delete().where(RateLimitCounter.key == key)  # the next hour, the phone sends it again
    assert (await _hand_in(student, s, homework, JPEG, "photo.jpg", client_id="second-copy")).status_code == 200

    report = (await teacher.get(f"/api/school/homework/{homework.id}/submissions")).json()
    [lucas] = [line for line in report["students"] if line["first_name"] == "Lucas"]
    back = f"/api/school/homework/{homework.id}/submissions/{lucas['submission_id']}/return"
    form = {"comment": "Bien.", "client_id": uuid.uuid4().hex}
    key = await _uploads_used_up(s.teacher)
    refused = await teacher.post(back, data=form, files={"file": ("corrige.pdf", PDF)})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_requests"
    assert 0 < int(refused.headers["retry-after"]) <= 2 * 3600  # the hour slides (api/ratelimit.py)
    report = (await teacher.get(f"/api/school/homework/{homework.id}/submissions")).json()
    assert report["returned"] == 0 and await SubmissionFile.count() == 2  # not returned, no correction kept
    await RateLimitCounter.delete().where(RateLimitCounter.key == key)
    returned = await teacher.post(back, data=form, files={"file": ("corrige.pdf", PDF)})
    assert returned.status_code == 200 and returned.json()["returned"] == 1
