"""Handing in work, the family side: a student hands in files for a homework "à rendre" and reads
the teacher's return; their parents read the same (only the student hands in).

The reads are one statement each with an ETag (api/homework/submissions_read.py builds the JSON).

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

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from api.attachments import MAX_BYTES, remove_stored, stored_file_response
from api.auth.principal import Principal, principal_with_roles
from api.auth.scope import NOT_YOURS
from api.errors import ApiError
from api.homework.family_read import HOMEWORK_REACHES_SQL
from api.homework.submissions_read import HAND_IN_ITEMS_SQL, ONE_HAND_IN_SQL
from api.homework.submissions_service import add_file, open_submission, rule_of, submission_file, submissions_for
from api.homework.submissions_structs import HandInItem, UploadForm
from api.openapi import errors
from api.read_models import (
    FamilyRead,
    conditional_responses,
    family_read,
    read_response,
    read_responses,
    reader_today,
)
from db.submissions.tables import Submission as SubmissionRow
from db.submissions.tables import SubmissionFile
from piccolo_conf import DB

HOMEWORK_NOT_FOUND = ApiError(404, "not_found", "Devoir introuvable.")
RETURNED = ApiError(
    409, "already_returned", "Le professeur a déjà rendu la copie corrigée : elle ne peut plus changer."
)
PAST_DAYS = 30  # the list keeps a month of past work, for the returns
HAND_IN_ITEMS = FamilyRead(HAND_IN_ITEMS_SQL)
ONE_HAND_IN = FamilyRead(ONE_HAND_IN_SQL)


async def _visible_homework(principal: Principal, student_id: UUID, homework_id: UUID) -> None:
    """A 404 unless the student is the reader's and the homework reaches them (the one SQL rule)."""
    sid = principal.school_id
    reaches = await DB.pool.fetchval(HOMEWORK_REACHES_SQL, sid, homework_id, student_id, principal.user_id)
    if reaches is None:
        raise NOT_YOURS
    if not reaches:
        raise HOMEWORK_NOT_FOUND


async def hand_in_item(principal: Principal, student_id: UUID, homework_id: UUID) -> HandInItem:
    """The item as the family reads it (after a write: the reader is known)."""
    text = await DB.pool.fetchval(ONE_HAND_IN_SQL, principal.school_id, principal.user_id, student_id, homework_id)
    if text is None:
        raise HOMEWORK_NOT_FOUND
    return msgspec.json.decode(text, type=HandInItem)


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

    @get(
        "/hand-ins",
        summary="The work to hand in online, its deadline and my submission",
        responses=read_responses(404),
    )
    async def hand_ins(self, request: Request, student_id: FromPath[UUID]) -> Response[list[HandInItem]]:
        since = await reader_today(request) - timedelta(days=PAST_DAYS)
        return read_response(request, await family_read(request, HAND_IN_ITEMS, student_id, since), stamped=False)

    @get(
        "/homework/{homework_id:uuid}/submission",
        summary="A homework to hand in, my files and the teacher's return",
        responses=read_responses(404),
    )
    async def submission(
        self, request: Request, student_id: FromPath[UUID], homework_id: FromPath[UUID]
    ) -> Response[HandInItem]:
        body = await family_read(request, ONE_HAND_IN, student_id, homework_id, missing=HOMEWORK_NOT_FOUND)
        return read_response(request, body, stamped=False)

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
        responses=conditional_responses(404),
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
