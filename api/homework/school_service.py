"""The teacher's cahier de textes: give homework in a lesson for a later date, edit or delete one's own,
see who marked it done. Homework HTML is sanitised before it is stored, so every reader gets inert HTML."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import msgspec
from asyncpg.exceptions import UniqueViolationError

from api.auth.principal import Principal
from api.clock import now
from api.dates import school_today
from api.errors import ApiError
from api.homework.school_structs import AttachmentOut, DoneLine, DoneReport, HomeworkChange, HomeworkIn, HomeworkOut
from api.html import sanitize_html
from api.push import events
from api.timetable.school_service import owned_lesson, students_of, subject_names
from db.homework.tables import Homework, HomeworkAttachment, HomeworkDone

HOMEWORK_NOT_FOUND = ApiError(404, "not_found", "Devoir introuvable.")
# Families hear of new or changed homework due within this many days (not of next term's).
NOTIFY_HORIZON = timedelta(days=14)


def _clean(html: str) -> str:
    cleaned = sanitize_html(html)
    if not cleaned:
        raise ApiError(400, "empty_homework", "Décrivez le travail à faire.")
    return cleaned


def _check_due(given_on, due_on) -> None:
    if due_on <= given_on:
        raise ApiError(400, "due_date_not_later", "La date du travail doit être postérieure au cours.")


async def own_homework(principal: Principal, homework_id: UUID) -> dict:
    row = (
        await Homework.select()
        .where(
            (Homework.school_id == principal.school_id)
            & (Homework.id == homework_id)
            & (Homework.teacher_id == principal.user_id)
        )
        .first()
    )
    if row is None:
        raise HOMEWORK_NOT_FOUND
    return row


async def attachments_of(school_id: UUID, homework_ids: list[UUID]) -> dict[UUID, list[AttachmentOut]]:
    result: dict[UUID, list[AttachmentOut]] = {h: [] for h in homework_ids}
    if not homework_ids:
        return result
    rows = (
        await HomeworkAttachment.select()
        .where((HomeworkAttachment.school_id == school_id) & HomeworkAttachment.homework_id.is_in(homework_ids))
        .order_by(HomeworkAttachment.created_at)
    )
    for r in rows:
        result[r["homework_id"]].append(
            AttachmentOut(
                id=r["id"],
                filename=r["filename"],
                content_type=r["content_type"],
                size_bytes=r["size_bytes"],
                url=f"/api/homework/{r['homework_id']}/attachments/{r['id']}",
            )
        )
    return result


def to_out(row: dict, attachments: list[AttachmentOut] | None = None) -> HomeworkOut:
    return HomeworkOut(
        id=row["id"],
        lesson_id=row["lesson_id"],
        subject_id=row["subject_id"],
        class_id=row["class_id"],
        group_id=row["group_id"],
        given_on=row["given_on"],
        due_on=row["due_on"],
        html=row["html"],
        estimated_minutes=row["estimated_minutes"],
        updated_at=row["updated_at"],
        attachments=attachments or [],
    )


async def _given_with(principal: Principal, client_id: str | None) -> dict | None:
    if not client_id:
        return None
    return (
        await Homework.select(Homework.id)
        .where(
            (Homework.school_id == principal.school_id)
            & (Homework.teacher_id == principal.user_id)
            & (Homework.client_id == client_id)
        )
        .first()
    )


async def _announce(principal: Principal, row: dict, change: str) -> None:
    """Tell the families of the class or group (new or changed homework for the coming days). A device
    whose push about it has not left yet hears nothing more: that one push tells of it (not twice)."""
    today = await school_today(principal.school_id)
    if not today <= row["due_on"] <= today + NOTIFY_HORIZON:
        return
    students = await students_of(principal.school_id, row["class_id"], row["group_id"])
    subject = (await subject_names(principal.school_id, [row["subject_id"]])).get(row["subject_id"], "")
    params = {"subject": subject, "change": change}
    await events.record(
        principal.school_id,
        [events.Event("homework", s["id"], "devoirs", params, source_id=row["id"]) for s in students],
        unsent_stands=True,
    )


async def give(principal: Principal, data: HomeworkIn) -> HomeworkOut:
    lesson = await owned_lesson(principal, data.lesson_id)
    _check_due(lesson["date"], data.due_on)
    if already := await _given_with(principal, data.client_id):
        return to_out(await own_homework(principal, already["id"]))
    row = Homework(
        school_id=principal.school_id,
        teacher_id=principal.user_id,
        subject_id=lesson["subject_id"],
        class_id=lesson["class_id"],
        group_id=lesson["group_id"],
        lesson_id=lesson["id"],
        given_on=lesson["date"],
        due_on=data.due_on,
        html=_clean(data.html),
        estimated_minutes=data.estimated_minutes,
        updated_at=now(),
        client_id=data.client_id or "",
    )
    try:
        async with events.transaction():
            await row.save()
            await _announce(principal, row.to_dict(), "new")
    except UniqueViolationError:  # the same request twice at once: the first one stands
        row.id = (await _given_with(principal, data.client_id))["id"]
    return to_out(await own_homework(principal, row.id))


async def change(principal: Principal, homework_id: UUID, data: HomeworkChange) -> HomeworkOut:
    row = await own_homework(principal, homework_id)
    values = {Homework.updated_at: now(), Homework.revision: Homework.revision + 1}
    if data.due_on is not None:
        _check_due(row["given_on"], data.due_on)
        values[Homework.due_on] = data.due_on
    if data.html is not None:
        values[Homework.html] = _clean(data.html)
    if data.estimated_minutes is not msgspec.UNSET:
        values[Homework.estimated_minutes] = data.estimated_minutes
    async with events.transaction():
        await Homework.update(values).where((Homework.school_id == principal.school_id) & (Homework.id == homework_id))
        row = await own_homework(principal, homework_id)
        if data.due_on is not None or data.html is not None:
            await _announce(principal, row, "changed")
    return to_out(row, (await attachments_of(principal.school_id, [homework_id]))[homework_id])


HANDED_IN = ApiError(409, "already_handed_in", "Des élèves ont déjà rendu ce travail : il ne peut plus être supprimé.")
# School, homework: delete it unless a student handed something in (their work and the teacher's returns
# would go with it). One row: whether it was deleted, and the storage keys of its attachments (read in the
# statement's snapshot, before the cascade), whose files the caller then removes.
_REMOVE = """
WITH removed AS (
    DELETE FROM homework h WHERE h.school_id = {} AND h.id = {}
      AND NOT EXISTS (SELECT 1 FROM homework_submission s WHERE s.school_id = {}
                      AND s.homework_id = h.id AND s.handed_in_at IS NOT NULL)
    RETURNING h.id
)
SELECT EXISTS (SELECT 1 FROM removed) AS removed,
       array(SELECT f.storage_key FROM homework_attachment f
             WHERE f.school_id = {} AND f.homework_id = {}) AS storage_keys
"""


async def remove(principal: Principal, homework_id: UUID) -> list[str]:
    """Delete one's homework; the storage keys of its attachments, whose files the caller removes."""
    await own_homework(principal, homework_id)
    sid = principal.school_id
    async with events.transaction():
        [outcome] = await Homework.raw(_REMOVE, sid, homework_id, sid, sid, homework_id)
        if not outcome["removed"]:
            raise HANDED_IN
        await events.withdraw(sid, homework_id)  # its pushes not sent yet go with it
    return outcome["storage_keys"]


async def of_lesson(principal: Principal, lesson_id: UUID) -> list[HomeworkOut]:
    await owned_lesson(principal, lesson_id)
    rows = (
        await Homework.select()
        .where(
            (Homework.school_id == principal.school_id)
            & (Homework.lesson_id == lesson_id)
            & (Homework.teacher_id == principal.user_id)
        )
        .order_by(Homework.due_on)
    )
    files = await attachments_of(principal.school_id, [r["id"] for r in rows])
    return [to_out(r, files[r["id"]]) for r in rows]


async def done_report(principal: Principal, homework_id: UUID) -> DoneReport:
    row = await own_homework(principal, homework_id)
    students = await students_of(principal.school_id, row["class_id"], row["group_id"])
    states = await HomeworkDone.select().where(
        (HomeworkDone.school_id == principal.school_id) & (HomeworkDone.homework_id == homework_id)
    )
    by_student = {s["student_id"]: s for s in states}
    lines = [
        DoneLine(
            student_id=s["id"],
            first_name=s["first_name"],
            last_name=s["last_name"],
            done=bool(by_student.get(s["id"], {}).get("done")),
            changed_at=by_student.get(s["id"], {}).get("changed_at"),
        )
        for s in students
    ]
    return DoneReport(
        homework_id=homework_id,
        done_count=sum(1 for line in lines if line.done),
        student_count=len(lines),
        students=lines,
    )
