"""Handing in work, shared by the students' and the teacher's sides: the hand-in setting of a
homework, each student's submission and its files, on time or late.

A submission is "late" when its last file came after the deadline; files are kept like homework
attachments (api/attachments.py: sniffed type among the accepted ones, 5 MB, rate-limited).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from uuid import UUID

import msgspec
from asyncpg.exceptions import UniqueViolationError
from litestar.datastructures import UploadFile

from api.attachments import TYPE_NAMES, remove_stored, store_upload
from api.auth.principal import Principal
from api.clock import now
from api.errors import ApiError
from api.homework.submissions_structs import STATUS_LABELS, FileOut, HandInOut, Submission
from db.submissions.tables import HandIn, SubmissionFile
from db.submissions.tables import Submission as SubmissionRow

NOT_TO_HAND_IN = ApiError(404, "not_found", "Ce travail n'est pas à rendre en ligne.")
FILE_NOT_FOUND = ApiError(404, "not_found", "Fichier introuvable.")
MAX_FILES = 10

FileUrl = Callable[[dict, dict], str]  # (submission row, file row) -> download URL


def hand_in_out(rule: dict) -> HandInOut:
    types = list(rule["accepted_types"])
    return HandInOut(rule["deadline"], types, ", ".join(TYPE_NAMES[t] for t in types))


async def rules_for(school_id: UUID, homework_ids: list[UUID]) -> dict[UUID, dict]:
    if not homework_ids:
        return {}
    rows = await HandIn.select().where((HandIn.school_id == school_id) & HandIn.homework_id.is_in(homework_ids))
    return {row["homework_id"]: row for row in rows}


async def rule_of(school_id: UUID, homework_id: UUID) -> dict:
    rule = (await rules_for(school_id, [homework_id])).get(homework_id)
    if rule is None:
        raise NOT_TO_HAND_IN
    return rule


async def submissions_for(school_id: UUID, homework_ids: list[UUID], student_ids: list[UUID]) -> dict:
    """{(homework id, student id): submission row} with each row's files under "files"."""
    if not homework_ids or not student_ids:
        return {}
    rows = await SubmissionRow.select().where(
        (SubmissionRow.school_id == school_id)
        & SubmissionRow.homework_id.is_in(homework_ids)
        & SubmissionRow.student_id.is_in(student_ids)
    )
    files: dict[UUID, list[dict]] = defaultdict(list)
    if rows:
        for file in (
            await SubmissionFile.select()
            .where(
                (SubmissionFile.school_id == school_id) & SubmissionFile.submission_id.is_in([r["id"] for r in rows])
            )
            .order_by(SubmissionFile.created_at)
        ):
            files[file["submission_id"]].append(file)
    return {(r["homework_id"], r["student_id"]): {**r, "files": files[r["id"]]} for r in rows}


def status_of(row: dict | None, rule: dict) -> str:
    if row is None or row["handed_in_at"] is None:
        return "missing"
    return "late" if row["handed_in_at"] > rule["deadline"] else "on_time"


def submission_out(row: dict | None, rule: dict, url: FileUrl) -> Submission:
    status = status_of(row, rule)

    def files(kind: str) -> list[FileOut]:
        return [
            FileOut(f["id"], f["filename"], f["content_type"], f["size_bytes"], f["created_at"], url(row, f))
            for f in (row or {}).get("files", [])
            if f["kind"] == kind
        ]

    return Submission(
        status=status,
        status_label=STATUS_LABELS[status],
        handed_in_at=row["handed_in_at"] if row else None,
        files=files("work"),
        returned_at=row["returned_at"] if row else None,
        return_comment=row["return_comment"] if row else "",
        corrections=files("correction"),
    )


async def open_submission(school_id: UUID, homework_id: UUID, student_id: UUID) -> dict:
    """The student's submission row for the homework, created on first use."""
    await SubmissionRow.raw(
        "INSERT INTO homework_submission (id, school_id, homework_id, student_id, created_at) "
        "VALUES (gen_random_uuid(), {}, {}, {}, {}) ON CONFLICT (school_id, homework_id, student_id) DO NOTHING",
        school_id,
        homework_id,
        student_id,
        now(),
    )
    return (
        await SubmissionRow.select()
        .where(
            (SubmissionRow.school_id == school_id)
            & (SubmissionRow.homework_id == homework_id)
            & (SubmissionRow.student_id == student_id)
        )
        .first()
    )


async def add_file(
    principal: Principal, submission: dict, upload: UploadFile, client_id: str, kind: str, types: tuple[str, ...]
) -> bool:
    """Keep one uploaded file on a submission; False if this client_id was already received."""
    sid = principal.school_id
    where = (SubmissionFile.school_id == sid) & (SubmissionFile.submission_id == submission["id"])
    if await SubmissionFile.exists().where(where & (SubmissionFile.client_id == client_id)):
        return False
    if await SubmissionFile.count().where(where & (SubmissionFile.kind == kind)) >= MAX_FILES:
        raise ApiError(400, "too_many_files", f"{MAX_FILES} fichiers au plus.")
    stored = await store_upload(principal, upload, types)
    row = SubmissionFile(
        school_id=sid,
        submission_id=submission["id"],
        kind=kind,
        uploaded_by_id=principal.user_id,
        client_id=client_id,
        created_at=now(),
        **msgspec.structs.asdict(stored),
    )
    try:
        await row.save()
    except UniqueViolationError:  # the same upload twice at once: the first one stands
        remove_stored(sid, stored.storage_key)
        return False
    return True


async def submission_file(school_id: UUID, submission_id: UUID, file_id: UUID) -> dict:
    row = (
        await SubmissionFile.select()
        .where(
            (SubmissionFile.school_id == school_id)
            & (SubmissionFile.submission_id == submission_id)
            & (SubmissionFile.id == file_id)
        )
        .first()
    )
    if row is None:
        raise FILE_NOT_FOUND
    return row
