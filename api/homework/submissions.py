"""Handing in work, the family side: a student hands in files for a homework "à rendre" and reads
the teacher's return; their parents read the same (only the student hands in).

Under /api/students/{student_id}:
GET    /hand-ins                                          the work to hand in (recent and coming)
GET    /homework/{homework_id}/submission                 one, with my files and the return
POST   /homework/{homework_id}/submission/files           multipart `file` + `client_id` (idempotent)
DELETE /homework/{homework_id}/submission/files/{id}      until the teacher returns it
GET    /homework/{homework_id}/submission/files/{id}      download (mine or the corrected copy)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from api.attachments import MAX_BYTES, remove_stored, stored_file_response
from api.auth.principal import Principal, principal_with_roles
from api.auth.scope import family_student_audience
from api.dates import school_today
from api.errors import ApiError
from api.homework.submissions_service import (
    add_file,
    hand_in_out,
    open_submission,
    rule_of,
    rules_for,
    submission_file,
    submission_out,
    submissions_for,
)
from api.homework.submissions_structs import HandInItem, UploadForm
from api.openapi import errors
from api.people import people
from db.core.tables import Subject
from db.homework.tables import Homework
from db.submissions.tables import Submission as SubmissionRow
from db.submissions.tables import SubmissionFile

HOMEWORK_NOT_FOUND = ApiError(404, "not_found", "Devoir introuvable.")
RETURNED = ApiError(
    409, "already_returned", "Le professeur a déjà rendu la copie corrigée : elle ne peut plus changer."
)
PAST_DAYS = 30  # the list keeps a month of past work, for the returns

_HAND_INS_SQL = """
SELECT h.* FROM homework h
JOIN homework_hand_in r ON r.school_id = h.school_id AND r.homework_id = h.id
WHERE h.school_id = {} AND r.school_id = {} AND (h.class_id = ANY({}::uuid[]) OR h.group_id = ANY({}::uuid[]))
  AND h.due_on >= {}
ORDER BY r.deadline
"""


def _file_url(student_id: UUID):
    return lambda row, file: f"/api/students/{student_id}/homework/{row['homework_id']}/submission/files/{file['id']}"


async def _visible_homework(principal: Principal, student_id: UUID, homework_id: UUID) -> dict:
    classes, groups = await family_student_audience(principal, student_id)
    row = (
        await Homework.select()
        .where((Homework.school_id == principal.school_id) & (Homework.id == homework_id))
        .first()
    )
    if row is None or not (row["class_id"] in classes or row["group_id"] in groups):
        raise HOMEWORK_NOT_FOUND
    return row


async def _items(principal: Principal, student_id: UUID, homework: list[dict]) -> list[HandInItem]:
    if not homework:
        return []
    sid = principal.school_id
    ids = [h["id"] for h in homework]
    rules = await rules_for(sid, ids)
    submissions = await submissions_for(sid, ids, [student_id])
    subjects = {
        s["id"]: s
        for s in await Subject.select().where(
            (Subject.school_id == sid) & Subject.id.is_in([h["subject_id"] for h in homework])
        )
    }
    teachers = await people(sid, [h["teacher_id"] for h in homework])
    items = []
    for h in homework:
        row = submissions.get((h["id"], student_id))
        items.append(
            HandInItem(
                homework_id=h["id"],
                subject=subjects[h["subject_id"]]["name"],
                color=subjects[h["subject_id"]]["color"],
                teacher=teachers[h["teacher_id"]].name if h["teacher_id"] in teachers else "",
                given_on=h["given_on"],
                due_on=h["due_on"],
                html=h["html"],
                hand_in=hand_in_out(rules[h["id"]]),
                submission=submission_out(row, rules[h["id"]], _file_url(student_id)),
                can_hand_in=principal.user_id == student_id and not (row and row["returned_at"]),
            )
        )
    return items


async def hand_in_item(principal: Principal, student_id: UUID, homework_id: UUID) -> HandInItem:
    homework = await _visible_homework(principal, student_id, homework_id)
    await rule_of(principal.school_id, homework_id)
    return (await _items(principal, student_id, [homework]))[0]


async def _own_open_submission(principal: Principal, student_id: UUID, homework_id: UUID) -> tuple[dict, dict]:
    """(rule, submission) for the student themself, while the teacher has not returned it."""
    await _visible_homework(principal, student_id, homework_id)
    if principal.user_id != student_id:
        raise ApiError(403, "forbidden", "Seul l'élève peut rendre son travail.")
    rule = await rule_of(principal.school_id, homework_id)
    submission = await open_submission(principal.school_id, homework_id, student_id)
    if submission["returned_at"] is not None:
        raise RETURNED
    return rule, submission


async def _touch(school_id: UUID, submission_id: UUID) -> None:
    """The submission's time is its last file's; with no file left, it is not handed in."""
    latest = (
        await SubmissionFile.select(SubmissionFile.created_at)
        .where(
            (SubmissionFile.school_id == school_id)
            & (SubmissionFile.submission_id == submission_id)
            & (SubmissionFile.kind == "work")
        )
        .order_by(SubmissionFile.created_at, ascending=False)
        .first()
    )
    await SubmissionRow.update({SubmissionRow.handed_in_at: latest["created_at"] if latest else None}).where(
        (SubmissionRow.school_id == school_id) & (SubmissionRow.id == submission_id)
    )


class FamilyHandInsController(Controller):
    path = "/api/students/{student_id:uuid}"
    tags = ["homework"]
    dependencies = {"principal": Provide(principal_with_roles("student", "parent"))}

    @get("/hand-ins", summary="The work to hand in online, its deadline and my submission", responses=errors(404))
    async def hand_ins(self, principal: NamedDependency[Principal], student_id: FromPath[UUID]) -> list[HandInItem]:
        sid = principal.school_id
        classes, groups = await family_student_audience(principal, student_id)
        since = await school_today(sid) - timedelta(days=PAST_DAYS)
        homework = await Homework.raw(_HAND_INS_SQL, sid, sid, classes, groups, since)
        return await _items(principal, student_id, homework)

    @get(
        "/homework/{homework_id:uuid}/submission",
        summary="A homework to hand in, my files and the teacher's return",
        responses=errors(404),
    )
    async def submission(
        self, principal: NamedDependency[Principal], student_id: FromPath[UUID], homework_id: FromPath[UUID]
    ) -> HandInItem:
        return await hand_in_item(principal, student_id, homework_id)

    @post(
        "/homework/{homework_id:uuid}/submission/files",
        summary="Hand in a file (the student; idempotent by client_id; late is allowed and shown)",
        status_code=200,
        request_max_body_size=MAX_BYTES + 64 * 1024,
        responses=errors(404, 409, 413, 415, 429),
    )
    async def upload(
        self,
        principal: NamedDependency[Principal],
        student_id: FromPath[UUID],
        homework_id: FromPath[UUID],
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> HandInItem:
        rule, submission = await _own_open_submission(principal, student_id, homework_id)
        if await add_file(principal, submission, data.file, data.client_id, "work", tuple(rule["accepted_types"])):
            await _touch(principal.school_id, submission["id"])
        return await hand_in_item(principal, student_id, homework_id)

    @delete(
        "/homework/{homework_id:uuid}/submission/files/{file_id:uuid}",
        summary="Take a file back (the student, until the teacher returns the work)",
        status_code=200,
        responses=errors(404, 409),
    )
    async def remove(
        self,
        principal: NamedDependency[Principal],
        student_id: FromPath[UUID],
        homework_id: FromPath[UUID],
        file_id: FromPath[UUID],
    ) -> HandInItem:
        _, submission = await _own_open_submission(principal, student_id, homework_id)
        file = await submission_file(principal.school_id, submission["id"], file_id)
        if file["kind"] != "work":
            raise ApiError(404, "not_found", "Fichier introuvable.")
        await SubmissionFile.delete().where(
            (SubmissionFile.school_id == principal.school_id) & (SubmissionFile.id == file_id)
        )
        remove_stored(principal.school_id, file["storage_key"])
        await _touch(principal.school_id, submission["id"])
        return await hand_in_item(principal, student_id, homework_id)

    @get(
        "/homework/{homework_id:uuid}/submission/files/{file_id:uuid}",
        summary="Download a handed-in file or the corrected copy",
        responses=errors(404),
    )
    async def download(
        self,
        principal: NamedDependency[Principal],
        student_id: FromPath[UUID],
        homework_id: FromPath[UUID],
        file_id: FromPath[UUID],
    ) -> Response:
        await _visible_homework(principal, student_id, homework_id)
        row = (await submissions_for(principal.school_id, [homework_id], [student_id])).get((homework_id, student_id))
        if row is None:
            raise ApiError(404, "not_found", "Fichier introuvable.")
        return stored_file_response(principal.school_id, await submission_file(principal.school_id, row["id"], file_id))


ROUTES = [FamilyHandInsController]
