"""A teacher deletes a homework: its attached files go with it, and never the work students handed in."""

from __future__ import annotations

import uuid
from datetime import timedelta

from api.attachments import _path
from db.homework.tables import Homework, HomeworkAttachment
from tests.parity_builders import PDF, make_homework, setup, signed_in, today


async def _attach(teacher, homework) -> str:
    sent = await teacher.post(f"/api/school/homework/{homework.id}/attachments", files={"file": ("fiche.pdf", PDF)})
    assert sent.status_code in (200, 201), sent.text
    row = await HomeworkAttachment.select().where(HomeworkAttachment.id == sent.json()["id"]).first()
    return row["storage_key"]


async def test_deleting_a_homework_removes_its_attached_files(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher = await signed_in(new_client, s.teacher)
    stored = _path(s.school.id, await _attach(teacher, homework))
    assert stored.exists()
    assert (await teacher.delete(f"/api/school/homework/{homework.id}")).status_code == 204
    assert not await Homework.exists().where(Homework.id == homework.id)
    assert not stored.exists()  # no orphan file left in the store


async def test_a_homework_students_handed_in_cannot_be_deleted(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher, student = [await signed_in(new_client, u) for u in (s.teacher, s.student)]
    stored = _path(s.school.id, await _attach(teacher, homework))
    marked = await teacher.put(
        f"/api/school/homework/{homework.id}/hand-in",
        json={"deadline": f"{today() + timedelta(days=3)}T08:00:00", "accepted_types": ["pdf"]},
    )
    assert marked.status_code == 200, marked.text
    handed = await student.post(
        f"/api/students/{s.student.id}/homework/{homework.id}/submission/files",
        files={"file": ("copie.pdf", PDF)},
        data={"client_id": uuid.uuid4().hex},
    )
    assert handed.status_code == 200, handed.text

    refused = await teacher.delete(f"/api/school/homework/{homework.id}")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_handed_in"
    assert "déjà rendu" in refused.json()["error"]["message"]
    assert await Homework.exists().where(Homework.id == homework.id) and stored.exists()
    mine = await student.get(f"/api/students/{s.student.id}/homework/{homework.id}/submission")
    assert [f["filename"] for f in mine.json()["submission"]["files"]] == ["copie.pdf"]
