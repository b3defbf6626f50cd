"""A student's bulletin for a period, built for one student or a whole class at once.

The subjects are those taught to the student's class and groups (with their teachers), plus any
subject with a result or an appreciation; class averages are the mean of the class's students.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from uuid import UUID

from api.bulletins import compute
from api.bulletins.structs import MENTIONS, Bulletin, PeriodOut, SubjectLine
from api.clock import now
from api.errors import ApiError
from api.people import StudentCard, student_cards
from db.bulletins.tables import ReportCardAppreciation, ReportCardCouncil, ReportCardPublication
from db.core.tables import Enrolment, GroupMembership, Period, School, SchoolYear, Subject, TeachingService, User

PERIOD_NOT_FOUND = ApiError(404, "not_found", "Période introuvable.")


async def period_row(school_id: UUID, period_id: UUID) -> dict:
    row = await Period.select().where((Period.school_id == school_id) & (Period.id == period_id)).first()
    if row is None:
        raise PERIOD_NOT_FOUND
    return row


def period_out(row: dict) -> PeriodOut:
    return PeriodOut(id=row["id"], name=row["name"], starts_on=row["starts_on"], ends_on=row["ends_on"])


async def class_members(school_id: UUID, class_ids) -> dict[UUID, list[UUID]]:
    members: dict[UUID, list[UUID]] = defaultdict(list)
    if class_ids:
        rows = await Enrolment.select(Enrolment.class_id, Enrolment.student_id).where(
            (Enrolment.school_id == school_id) & Enrolment.class_id.is_in(list(class_ids))
        )
        for row in rows:
            members[row["class_id"]].append(row["student_id"])
    return members


async def _groups(school_id: UUID, student_ids: list[UUID]) -> dict[UUID, set[UUID]]:
    groups: dict[UUID, set[UUID]] = defaultdict(set)
    rows = await GroupMembership.select(GroupMembership.student_id, GroupMembership.group_id).where(
        (GroupMembership.school_id == school_id) & GroupMembership.student_id.is_in(student_ids)
    )
    for row in rows:
        groups[row["student_id"]].add(row["group_id"])
    return groups


async def _services(school_id: UUID, class_ids: set, group_ids: set) -> list[dict]:
    """Who teaches what to these classes and groups."""
    audiences = [TeachingService.class_id.is_in(list(class_ids))] if class_ids else []
    if group_ids:
        audiences.append(TeachingService.group_id.is_in(list(group_ids)))
    if not audiences:
        return []
    where = audiences[0] if len(audiences) == 1 else audiences[0] | audiences[1]
    return await TeachingService.select().where((TeachingService.school_id == school_id) & where)


async def _period_rows(table, school_id: UUID, period_id: UUID, student_ids: list[UUID]) -> list[dict]:
    return await table.select().where(
        (table.school_id == school_id) & (table.period_id == period_id) & table.student_id.is_in(student_ids)
    )


async def _names(table, school_id: UUID, ids) -> dict[UUID, dict]:
    ids = list({i for i in ids if i})
    if not ids:
        return {}
    rows = await table.select().where((table.school_id == school_id) & table.id.is_in(ids))
    return {r["id"]: r for r in rows}


async def build_bulletins(
    school_id: UUID, period: dict, student_ids: list[UUID], *, as_of: datetime | None = None
) -> dict[UUID, Bulletin]:
    """The bulletins of these students (of this school) for `period`, by student id, from what families
    could read at `as_of` (now by default)."""
    as_of = as_of or now()
    cards: dict[UUID, StudentCard] = await student_cards(school_id, student_ids)
    if not cards:
        return {}
    targets = list(cards)
    class_ids = {card.class_id for card in cards.values() if card.class_id}
    members = await class_members(school_id, class_ids)
    everyone = list({*targets, *(s for ids in members.values() for s in ids)})
    results = await compute.period_results(school_id, period["id"], everyone, as_of)
    averages = compute.subject_averages_by_student(results)
    groups = await _groups(school_id, targets)
    services = await _services(school_id, class_ids, {g for gs in groups.values() for g in gs})
    appreciations = {
        (r["student_id"], r["subject_id"]): r
        for r in await _period_rows(ReportCardAppreciation, school_id, period["id"], targets)
    }
    councils = {r["student_id"]: r for r in await _period_rows(ReportCardCouncil, school_id, period["id"], targets)}
    publications = {
        r["class_id"]: r["visible_from"]
        for r in await ReportCardPublication.select().where(
            (ReportCardPublication.school_id == school_id) & (ReportCardPublication.period_id == period["id"])
        )
    }
    subject_ids = (
        {s["subject_id"] for s in services}
        | {k[1] for k in appreciations}
        | {subject for student in targets for subject in averages.get(student, {})}
        | {k[1] for k in results.points if k[0] in cards}
    )
    subjects = await _names(Subject, school_id, subject_ids)
    teachers = await _names(User, school_id, {s["teacher_id"] for s in services})
    school = await School.select(School.name, School.timezone).where(School.id == school_id).first()
    year = await _names(SchoolYear, school_id, [period["school_year_id"]])
    attendance = await compute.attendance(
        school_id, school["timezone"], period["starts_on"], period["ends_on"], targets, as_of
    )

    def class_average(class_id, subject_id) -> float | None:
        return compute.mean(averages.get(student, {}).get(subject_id) for student in members.get(class_id, []))

    out = {}
    for student_id, card in cards.items():
        taught: dict[UUID, list[str]] = defaultdict(list)
        for service in services:
            if service["class_id"] == card.class_id or service["group_id"] in groups.get(student_id, set()):
                teacher = teachers.get(service["teacher_id"])
                if teacher:
                    taught[service["subject_id"]].append(f"{teacher['first_name'][0]}. {teacher['last_name']}")
        mine = set(taught) | set(averages.get(student_id, {})) | {k[1] for k in results.points if k[0] == student_id}
        mine |= {k[1] for k in appreciations if k[0] == student_id}
        lines = [
            SubjectLine(
                subject_id=subject_id,
                subject=subjects[subject_id]["name"],
                color=subjects[subject_id]["color"],
                teachers=sorted(set(taught.get(subject_id, []))),
                average=averages.get(student_id, {}).get(subject_id),
                class_average=class_average(card.class_id, subject_id),
                positioning=compute.positioning(results.points.get((student_id, subject_id))),
                positioning_label=compute.positioning_label(results.points.get((student_id, subject_id))),
                appreciation=appreciations.get((student_id, subject_id), {}).get("text", ""),
            )
            for subject_id in mine
            if subject_id in subjects
        ]
        lines.sort(key=lambda line: line.subject.lower())
        council = councils.get(student_id, {})
        mention = council.get("mention", "")
        class_students = members.get(card.class_id, [])
        out[student_id] = Bulletin(
            school=school["name"],
            school_year=year.get(period["school_year_id"], {}).get("label", ""),
            period=period_out(period),
            student_id=student_id,
            student=f"{card.first_name} {card.last_name}",
            class_name=card.class_name,
            subjects=lines,
            general_average=compute.mean(line.average for line in lines),
            class_general_average=compute.mean(compute.mean(averages.get(s, {}).values()) for s in class_students),
            council_appreciation=council.get("appreciation", ""),
            mention=mention,
            mention_label=MENTIONS.get(mention, ""),
            attendance=attendance[student_id],
            visible_from=publications.get(card.class_id),
        )
    return out
