"""Handing in work, the teacher's side (teachers, on their own homework).

Under /api/school:
GET    /hand-ins                                    my recent and coming homework, "à rendre" or not
PUT    /homework/{id}/hand-in                       {"deadline", "accepted_types"}: mark it "à rendre" (idempotent)
DELETE /homework/{id}/hand-in                       no longer "à rendre" (while nobody has handed in)
GET    /homework/{id}/submissions                   who handed in, on time or late, and the returns
POST   /homework/{id}/submissions/{sid}/return      multipart `comment` + `client_id` (+ a corrected `file`)
GET    /homework/{id}/submissions/{sid}/files/{file_id}   download
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody

from api.attachments import ALL_TYPES, MAX_BYTES, stored_file_response
from api.auth.principal import Principal, principal_with_roles
from api.clock import now
from api.dates import school_today, school_zone
from api.errors import ApiError
from api.homework.school_service import own_homework
from api.homework.submissions_service import (
    add_file,
    hand_in_out,
    rule_of,
    rules_for,
    submission_file,
    submission_out,
    submissions_for,
)
from api.homework.submissions_structs import (
    HandInIn,
    ReturnForm,
    StudentLine,
    SubmissionsReport,
    TeacherHomework,
)
from api.notifications.notify import Notice, notify_users
from api.openapi import errors
from api.read_models import conditional_responses
from api.timetable.school_service import audience_label, students_of, subject_names
from db.homework.tables import Homework
from db.submissions.tables import HandIn
from db.submissions.tables import Submission as SubmissionRow

SUBMISSION_NOT_FOUND = ApiError(404, "not_found", "Copie introuvable.")
LIST_DAYS = (30, 90)  # the page lists homework due from a month ago to three months ahead
LATEST_DEADLINE = timedelta(days=60)  # after the due date


def _file_url(homework_id: UUID):
    return lambda row, file: f"/api/school/homework/{homework_id}/submissions/{row['id']}/files/{file['id']}"


async def report(principal: Principal, homework_id: UUID) -> SubmissionsReport:
    homework = await own_homework(principal, homework_id)
    rule = await rule_of(principal.school_id, homework_id)
    students = await students_of(principal.school_id, homework["class_id"], homework["group_id"])
    rows = await submissions_for(principal.school_id, [homework_id], [s["id"] for s in students])
    url = _file_url(homework_id)
    lines = []
    for student in students:
        row = rows.get((homework_id, student["id"]))
        lines.append(
            StudentLine(
                student_id=student["id"],
                first_name=student["first_name"],
                last_name=student["last_name"],
                submission_id=row["id"] if row else None,
                submission=submission_out(row, rule, url),
            )
        )
    return SubmissionsReport(
        homework_id=homework_id,
        audience=await audience_label(principal.school_id, homework["class_id"], homework["group_id"]),
        due_on=homework["due_on"],
        hand_in=hand_in_out(rule),
        handed_in=sum(1 for line in lines if line.submission.status != "missing"),
        late=sum(1 for line in lines if line.submission.status == "late"),
        returned=sum(1 for line in lines if line.submission.returned_at),
        student_count=len(lines),
        students=lines,
    )


async def my_homework(principal: Principal) -> list[TeacherHomework]:
    sid = principal.school_id
    today = await school_today(sid)
    rows = (
        await Homework.select()
        .where(
            (Homework.school_id == sid)
            & (Homework.teacher_id == principal.user_id)
            & (Homework.due_on >= today - timedelta(days=LIST_DAYS[0]))
            & (Homework.due_on <= today + timedelta(days=LIST_DAYS[1]))
        )
        .order_by(Homework.due_on, ascending=False)
    )
    ids = [r["id"] for r in rows]
    rules = await rules_for(sid, ids)
    subjects = await subject_names(sid, [r["subject_id"] for r in rows])
    handed = await SubmissionRow.raw(
        "SELECT homework_id, count(*) AS n FROM homework_submission WHERE school_id = {} AND homework_id = ANY({}) "
        "AND handed_in_at IS NOT NULL GROUP BY homework_id",
        sid,
        ids,
    )
    handed_in = {r["homework_id"]: r["n"] for r in handed}
    out = []
    for r in rows:
        out.append(
            TeacherHomework(
                homework_id=r["id"],
                subject=subjects.get(r["subject_id"], ""),
                audience=await audience_label(sid, r["class_id"], r["group_id"]),
                given_on=r["given_on"],
                due_on=r["due_on"],
                html=r["html"],
                hand_in=hand_in_out(rules[r["id"]]) if r["id"] in rules else None,
                handed_in=handed_in.get(r["id"], 0),
                student_count=len(await students_of(sid, r["class_id"], r["group_id"])) if r["id"] in rules else 0,
            )
        )
    return out


async def set_hand_in(principal: Principal, homework_id: UUID, data: HandInIn) -> None:
    homework = await own_homework(principal, homework_id)
    sid = principal.school_id
    zone = await school_zone(sid)  # a deadline typed without an offset is the school's local time
    deadline = data.deadline if data.deadline.tzinfo else data.deadline.replace(tzinfo=zone)
    day = deadline.astimezone(zone).date()
    if day < homework["given_on"] or day > homework["due_on"] + LATEST_DEADLINE:
        raise ApiError(
            400,
            "invalid_deadline",
            "La date limite doit se situer entre le jour où le travail est donné et deux mois après la date prévue.",
            details={"deadline": "range"},
        )
    types = sorted(set(data.accepted_types), key=ALL_TYPES.index)
    await HandIn.raw(
        "INSERT INTO homework_hand_in (id, school_id, homework_id, deadline, accepted_types, updated_at) "
        "VALUES (gen_random_uuid(), {}, {}, {}, {}, {}) ON CONFLICT (school_id, homework_id) DO UPDATE SET "
        "deadline = EXCLUDED.deadline, accepted_types = EXCLUDED.accepted_types, updated_at = EXCLUDED.updated_at",
        sid,
        homework_id,
        deadline,
        types,
        now(),
    )


async def _submission(principal: Principal, homework_id: UUID, submission_id: UUID) -> dict:
    await own_homework(principal, homework_id)
    row = (
        await SubmissionRow.select()
        .where(
            (SubmissionRow.school_id == principal.school_id)
            & (SubmissionRow.id == submission_id)
            & (SubmissionRow.homework_id == homework_id)
        )
        .first()
    )
    if row is None:
        raise SUBMISSION_NOT_FOUND
    return row


async def give_back(principal: Principal, homework_id: UUID, submission_id: UUID, data: ReturnForm) -> None:
    """The teacher's return: a comment, optionally a corrected file. A resent return (same client_id) acts once."""
    row = await _submission(principal, homework_id, submission_id)
    if len(data.client_id) < 8:
        raise ApiError(400, "invalid", "Identifiant d'envoi manquant.", details={"client_id": "required"})
    if row["return_client_id"] == data.client_id:
        return
    comment = data.comment.strip()
    if not comment and data.file is None:
        raise ApiError(400, "empty_return", "Écrivez un commentaire ou joignez la copie corrigée.")
    if data.file is not None:
        await add_file(principal, row, data.file, data.client_id, "correction", ALL_TYPES)
    await SubmissionRow.update(
        {
            SubmissionRow.returned_at: now(),
            SubmissionRow.returned_by_id: principal.user_id,
            SubmissionRow.return_comment: comment,
            SubmissionRow.return_client_id: data.client_id,
        }
    ).where((SubmissionRow.school_id == principal.school_id) & (SubmissionRow.id == submission_id))
    notice = Notice(
        principal.school_id,
        "Travail rendu : la correction est disponible",
        "Ton professeur a rendu ton travail corrigé. Retrouve-le dans Cartable, rubrique « Travail à rendre ».",
        "/espace/rendus.html",
    )
    await notify_users(notice, [row["student_id"]])


class SchoolHandInsController(Controller):
    path = "/api/school"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("teacher"))}

    @get("/hand-ins", summary="My recent and coming homework, with their hand-in setting", responses=errors())
    async def hand_ins(self, principal: NamedDependency[Principal]) -> list[TeacherHomework]:
        return await my_homework(principal)

    @put(
        "/homework/{homework_id:uuid}/hand-in",
        summary="Mark my homework to hand in online: deadline and accepted formats (idempotent)",
        responses=errors(404),
    )
    async def set_hand_in(
        self, principal: NamedDependency[Principal], homework_id: FromPath[UUID], data: JSONBody[HandInIn]
    ) -> SubmissionsReport:
        await set_hand_in(principal, homework_id, data)
        return await report(principal, homework_id)

    @delete(
        "/homework/{homework_id:uuid}/hand-in",
        summary="No longer to hand in online (while nobody has handed anything in)",
        status_code=204,
        responses=errors(404, 409),
    )
    async def remove_hand_in(self, principal: NamedDependency[Principal], homework_id: FromPath[UUID]) -> None:
        await own_homework(principal, homework_id)
        sid = principal.school_id
        if await SubmissionRow.exists().where(
            (SubmissionRow.school_id == sid) & (SubmissionRow.homework_id == homework_id)
            & SubmissionRow.handed_in_at.is_not_null()
        ):  # fmt: skip
            raise ApiError(409, "already_handed_in", "Des élèves ont déjà rendu ce travail : il reste à rendre.")
        await HandIn.delete().where((HandIn.school_id == sid) & (HandIn.homework_id == homework_id))

    @get(
        "/homework/{homework_id:uuid}/submissions",
        summary="Who handed in, on time or late, their files and my returns",
        responses=errors(404),
    )
    async def submissions(
        self, principal: NamedDependency[Principal], homework_id: FromPath[UUID]
    ) -> SubmissionsReport:
        return await report(principal, homework_id)

    @post(
        "/homework/{homework_id:uuid}/submissions/{submission_id:uuid}/return",
        summary="Return a student's work: a comment and optionally the corrected copy (idempotent by client_id)",
        status_code=200,
        request_max_body_size=MAX_BYTES + 64 * 1024,
        responses=errors(404, 413, 415, 429),
    )
    async def give_back(
        self,
        principal: NamedDependency[Principal],
        homework_id: FromPath[UUID],
        submission_id: FromPath[UUID],
        data: Annotated[ReturnForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> SubmissionsReport:
        await give_back(principal, homework_id, submission_id, data)
        return await report(principal, homework_id)

    @get(
        "/homework/{homework_id:uuid}/submissions/{submission_id:uuid}/files/{file_id:uuid}",
        summary="Download a handed-in file or my corrected copy (ETag, 304)",
        responses=conditional_responses(404),
    )
    async def download(
        self,
        principal: NamedDependency[Principal],
        homework_id: FromPath[UUID],
        submission_id: FromPath[UUID],
        file_id: FromPath[UUID],
    ) -> Response:
        row = await _submission(principal, homework_id, submission_id)
        return stored_file_response(principal.school_id, await submission_file(principal.school_id, row["id"], file_id))


ROUTES = [SchoolHandInsController]
