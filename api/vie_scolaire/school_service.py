"""Vie scolaire, school side: a teacher calls the roll of their lesson and writes remarks; the vie
scolaire lists absences by day, justifies them and records punishments.

The roll call is idempotent: each entry sets the student's state for this lesson (a corrected roll
leaves no stale absence; a resent one keeps an absence already justified). Absences that families
reported outside a lesson are untouched.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from uuid import UUID

from api.auth.principal import Principal
from api.auth.scope import require_student
from api.bulletins.frozen import freeze_due
from api.clock import now
from api.dates import require_school_date, school_zone
from api.errors import ApiError
from api.push import events
from api.timetable.school_service import at, names_by_id, owned_lesson, students_of
from api.vie_scolaire.school_structs import (
    AbsenceLine,
    JustifyIn,
    PunishmentIn,
    PunishmentOut,
    RemarkIn,
    RemarkOut,
    Roll,
    RollIn,
    RollLine,
)
from db.core.tables import Enrolment, SchoolClass, User
from db.vie_scolaire.tables import Absence, Lateness, Punishment, Remark


async def roll(principal: Principal, lesson_id: UUID) -> Roll:
    lesson = await owned_lesson(principal, lesson_id)
    sid = principal.school_id
    students = await students_of(sid, lesson["class_id"], lesson["group_id"])
    absent = {
        r["student_id"]
        for r in await Absence.select(Absence.student_id).where(
            (Absence.school_id == sid) & (Absence.lesson_id == lesson_id)
        )
    }
    late = {
        r["student_id"]: r["minutes"]
        for r in await Lateness.select(Lateness.student_id, Lateness.minutes).where(
            (Lateness.school_id == sid) & (Lateness.lesson_id == lesson_id)
        )
    }
    lines = [
        RollLine(
            student_id=s["id"],
            first_name=s["first_name"],
            last_name=s["last_name"],
            status="absent" if s["id"] in absent else "late" if s["id"] in late else "present",
            minutes=late.get(s["id"]),
        )
        for s in students
    ]
    return Roll(lesson_id=lesson_id, called=bool(absent or late), students=lines)


async def call_roll(principal: Principal, lesson_id: UUID, data: RollIn) -> Roll:
    lesson = await owned_lesson(principal, lesson_id)
    sid = principal.school_id
    register = {s["id"] for s in await students_of(sid, lesson["class_id"], lesson["group_id"])}
    if any(entry.student_id not in register for entry in data.entries):
        raise ApiError(400, "not_in_lesson", "Un élève de l'appel n'est pas inscrit à ce cours.")
    zone = await school_zone(sid)
    starts, ends = at(lesson["date"], lesson["starts_at"], zone), at(lesson["date"], lesson["ends_at"], zone)
    await freeze_due(sid)  # a published bulletin keeps the absences it showed
    async with events.transaction():
        recorded = await _record_roll(principal, lesson_id, data, starts, ends)
        day = lesson["date"].isoformat()
        await events.record(
            sid,
            [
                events.Event("vie_scolaire", student, "vie-scolaire", {"what": what, "day": day}, source_id=lesson_id)
                for student, what in recorded
            ],
        )
    return await roll(principal, lesson_id)


# School, student, lesson, starts, ends, teacher, now (Piccolo's raw: in the roll's transaction). An
# absence already recorded is kept as is (`absence_lesson_uq`): a resent roll, even two at once, must
# not undo its justification.
_RECORD_ABSENCE = """
INSERT INTO absence (id, school_id, student_id, lesson_id, starts_at, ends_at, reason, justification_state,
                     reported_by_id, created_at, client_id)
VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, '', 'unjustified', {}, {}, '')
ON CONFLICT (school_id, lesson_id, student_id) DO NOTHING
RETURNING true AS recorded
"""
# School, student, lesson, occurred at, minutes, now: `recorded` when newly recorded, false when
# only its minutes changed (`lateness_lesson_uq`).
_RECORD_LATENESS = """
INSERT INTO lateness (id, school_id, student_id, lesson_id, occurred_at, minutes, justified, reason, created_at)
VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, false, '', {})
ON CONFLICT (school_id, lesson_id, student_id) DO UPDATE SET minutes = EXCLUDED.minutes
RETURNING xmax = 0 AS recorded
"""


async def _record_roll(principal: Principal, lesson_id: UUID, data: RollIn, starts, ends) -> list[tuple[UUID, str]]:
    """Write the roll; (student, "absence" | "lateness") for each one newly recorded."""
    sid = principal.school_id
    recorded = []
    for entry in data.entries:
        if entry.status != "absent":
            await Absence.delete().where(
                (Absence.school_id == sid) & (Absence.lesson_id == lesson_id) & (Absence.student_id == entry.student_id)
            )
        if entry.status != "late":
            await Lateness.delete().where(
                (Lateness.school_id == sid)
                & (Lateness.lesson_id == lesson_id)
                & (Lateness.student_id == entry.student_id)
            )
        if entry.status == "absent":
            teacher = principal.user_id
            if await Absence.raw(_RECORD_ABSENCE, sid, entry.student_id, lesson_id, starts, ends, teacher, now()):
                recorded.append((entry.student_id, "absence"))
        elif entry.status == "late":
            minutes = entry.minutes or 5
            rows = await Lateness.raw(_RECORD_LATENESS, sid, entry.student_id, lesson_id, starts, minutes, now())
            if rows[0]["recorded"]:
                recorded.append((entry.student_id, "lateness"))
    return recorded


async def add_remark(principal: Principal, data: RemarkIn) -> RemarkOut:
    await require_student(principal, data.student_id)
    if data.lesson_id is not None:
        lesson = await owned_lesson(principal, data.lesson_id)
        # The remark is shown as "during this lesson": the student must attend it.
        register = {s["id"] for s in await students_of(principal.school_id, lesson["class_id"], lesson["group_id"])}
        if data.student_id not in register:
            raise ApiError(400, "not_in_lesson", "Cet élève n'est pas inscrit à ce cours.")
    row = Remark(
        school_id=principal.school_id,
        student_id=data.student_id,
        author_id=principal.user_id,
        lesson_id=data.lesson_id,
        kind=data.kind.strip(),
        text=data.text.strip(),
    )
    await row.save()
    return RemarkOut(
        id=row.id,
        student_id=row.student_id,
        kind=row.kind,
        text=row.text,
        lesson_id=row.lesson_id,
        created_at=row.created_at,
    )


async def _people(school_id: UUID, student_ids) -> tuple[dict, dict]:
    ids = list(set(student_ids))
    if not ids:
        return {}, {}
    users = {
        u["id"]: u
        for u in await User.select(User.id, User.first_name, User.last_name).where(
            (User.school_id == school_id) & User.id.is_in(ids)
        )
    }
    enrolments = await Enrolment.select().where((Enrolment.school_id == school_id) & Enrolment.student_id.is_in(ids))
    classes = await names_by_id(SchoolClass, school_id, [e["class_id"] for e in enrolments])
    class_of = {e["student_id"]: classes.get(e["class_id"], "") for e in enrolments}
    return users, class_of


async def absences_of_day(principal: Principal, day: date) -> list[AbsenceLine]:
    require_school_date(day, "day")
    zone = await school_zone(principal.school_id)
    start, end = at(day, time(0), zone), at(day + timedelta(days=1), time(0), zone)
    rows = (
        await Absence.select()
        .where((Absence.school_id == principal.school_id) & (Absence.starts_at < end) & (Absence.ends_at > start))
        .order_by(Absence.starts_at)
    )
    users, class_of = await _people(principal.school_id, [r["student_id"] for r in rows])
    lines = [
        AbsenceLine(
            id=r["id"],
            student_id=r["student_id"],
            first_name=users[r["student_id"]]["first_name"],
            last_name=users[r["student_id"]]["last_name"],
            class_name=class_of.get(r["student_id"], ""),
            starts_at=r["starts_at"],
            ends_at=r["ends_at"],
            reason=r["reason"],
            justification_state=r["justification_state"],
        )
        for r in rows
    ]
    return sorted(lines, key=lambda a: (a.class_name, a.last_name, a.first_name, a.starts_at))


async def justify(principal: Principal, absence_id: UUID, data: JustifyIn) -> None:
    where = (Absence.school_id == principal.school_id) & (Absence.id == absence_id)
    if not await Absence.exists().where(where):
        raise ApiError(404, "not_found", "Absence introuvable.")
    values = {Absence.justification_state: data.state}
    if data.reason.strip():
        values[Absence.reason] = data.reason.strip()
    await freeze_due(principal.school_id)  # a published bulletin keeps what it showed
    await Absence.update(values).where(where)


async def punishments(principal: Principal, student_id: UUID | None = None) -> list[PunishmentOut]:
    where = Punishment.school_id == principal.school_id
    if student_id:
        where = where & (Punishment.student_id == student_id)
    rows = await Punishment.select().where(where).order_by(Punishment.created_at, ascending=False).limit(500)
    users, _ = await _people(principal.school_id, [r["student_id"] for r in rows])
    return [
        PunishmentOut(
            id=r["id"],
            student_id=r["student_id"],
            first_name=users[r["student_id"]]["first_name"],
            last_name=users[r["student_id"]]["last_name"],
            kind=r["kind"],
            reason=r["reason"],
            due_on=r["due_on"],
            done=r["done"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def give_punishment(principal: Principal, data: PunishmentIn) -> PunishmentOut:
    await require_student(principal, data.student_id)
    row = Punishment(
        school_id=principal.school_id,
        student_id=data.student_id,
        author_id=principal.user_id,
        kind=data.kind,
        reason=data.reason.strip(),
        due_on=data.due_on,
    )
    await row.save()
    return next(p for p in await punishments(principal, data.student_id) if p.id == row.id)


async def mark_punishment(principal: Principal, punishment_id: UUID, done: bool) -> None:
    where = (Punishment.school_id == principal.school_id) & (Punishment.id == punishment_id)
    if not await Punishment.exists().where(where):
        raise ApiError(404, "not_found", "Punition introuvable.")
    await Punishment.update({Punishment.done: done}).where(where)
