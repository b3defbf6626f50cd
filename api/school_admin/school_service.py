"""Applying an import to the school: classes, students, legal guardians, teachers.

Re-importing the same file changes nothing (students are matched on name + first name + birth date,
guardians on name + first name + phone or e-mail, teachers on name + first name, classes on name);
a student who changed class is moved. Each line is written in its own transaction: a line that
fails is reported and rolled back, and every other line is kept. The database out of reach or busy is
no line's fault: the import stops there with the request's 503.
"""

from __future__ import annotations

import logging
from uuid import UUID

import msgspec

from api.accounts.directory import set_contacts
from api.accounts.identifiers import allocate_identifier
from api.auth.principal import Principal
from api.errors import OUTAGES
from api.school_admin.csv_rows import Guardian, Rejection, StudentRow, TeacherRow, fold
from api.school_years import current_year
from db.core.tables import Enrolment, Guardianship, SchoolClass, Subject, TeachingService, User
from piccolo_conf import DB

logger = logging.getLogger("cartable.school_admin")


class ImportReport(msgspec.Struct):
    lines: int
    classes_created: int = 0
    students_created: int = 0
    students_updated: int = 0
    parents_created: int = 0
    teachers_created: int = 0
    rejected: list[Rejection] = []


async def _class_id(school_id: UUID, name: str, report: ImportReport) -> UUID:
    rows = await SchoolClass.select(SchoolClass.id, SchoolClass.name).where(SchoolClass.school_id == school_id)
    for row in rows:
        if fold(row["name"]) == fold(name):
            return row["id"]
    created = SchoolClass(
        school_id=school_id, school_year_id=(await current_year(school_id))["id"], name=name, level=name.split()[0][:10]
    )
    await created.save()
    report.classes_created += 1
    return created.id


async def _find_user(school_id: UUID, role: str, last_name: str, first_name: str) -> list[dict]:
    rows = await User.select().where(
        (User.school_id == school_id) & (User.role == role) & User.last_name.ilike(last_name)
    )
    return [r for r in rows if fold(r["first_name"]) == fold(first_name) and fold(r["last_name"]) == fold(last_name)]


async def _guardian(school_id: UUID, student_id: UUID, guardian: Guardian, report: ImportReport) -> UUID:
    linked = {
        r["parent_id"]
        for r in await Guardianship.select(Guardianship.parent_id).where(
            (Guardianship.school_id == school_id) & (Guardianship.student_id == student_id)
        )
    }
    for row in await _find_user(school_id, "parent", guardian.last_name, guardian.first_name):
        same_contact = (guardian.phone and row["phone"] == guardian.phone) or (
            guardian.email and row["email"] == guardian.email
        )
        if same_contact or row["id"] in linked:
            changes = {}
            if guardian.phone and not row["phone"]:
                changes["phone"] = guardian.phone
            if guardian.email and not row["email"]:
                changes["email"] = guardian.email
            if changes:
                await set_contacts(school_id, row["id"], **changes)
            return row["id"]
    # No password, no identifier: the parent activates the account (name + phone + child's birth date).
    parent = User(
        school_id=school_id,
        role="parent",
        identifier="",
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        phone=guardian.phone,
        email=guardian.email,
    )
    await parent.save()
    await set_contacts(school_id, parent.id)  # the contact directory: this school's own entries only
    report.parents_created += 1
    return parent.id


async def _student_line(school_id: UUID, row: StudentRow, report: ImportReport) -> None:
    class_id = await _class_id(school_id, row.class_name, report)
    matches = [
        m
        for m in await _find_user(school_id, "student", row.last_name, row.first_name)
        if m["birth_date"] == row.birth_date
    ]
    if matches:
        student_id = matches[0]["id"]
        enrolled = await Enrolment.select(Enrolment.class_id).where(
            (Enrolment.school_id == school_id) & (Enrolment.student_id == student_id)
        )
        if [e["class_id"] for e in enrolled] != [class_id]:
            await Enrolment.delete().where((Enrolment.school_id == school_id) & (Enrolment.student_id == student_id))
            await Enrolment.insert(Enrolment(school_id=school_id, student_id=student_id, class_id=class_id))
            report.students_updated += 1
    else:
        student = User(
            school_id=school_id,
            role="student",
            identifier="",
            first_name=row.first_name,
            last_name=row.last_name,
            birth_date=row.birth_date,
        )
        await student.save()
        await allocate_identifier(school_id, student.id, row.first_name, row.last_name)
        await Enrolment.insert(Enrolment(school_id=school_id, student_id=student.id, class_id=class_id))
        student_id = student.id
        report.students_created += 1
    for guardian in row.guardians:
        parent_id = await _guardian(school_id, student_id, guardian, report)
        linked = await Guardianship.exists().where(
            (Guardianship.school_id == school_id)
            & (Guardianship.parent_id == parent_id)
            & (Guardianship.student_id == student_id)
        )
        if not linked:
            await Guardianship.insert(Guardianship(school_id=school_id, parent_id=parent_id, student_id=student_id))


async def _teacher_line(school_id: UUID, row: TeacherRow, report: ImportReport) -> None:
    found = await _find_user(school_id, "teacher", row.last_name, row.first_name)
    if found:
        teacher_id = found[0]["id"]
    else:
        teacher = User(
            school_id=school_id,
            role="teacher",
            identifier="",
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            phone=row.phone,
        )
        await teacher.save()
        await set_contacts(school_id, teacher.id)
        await allocate_identifier(school_id, teacher.id, row.first_name, row.last_name)
        teacher_id = teacher.id
        report.teachers_created += 1
    if not row.subject:
        return
    subjects = await Subject.select(Subject.id, Subject.name).where(Subject.school_id == school_id)
    subject_id = next((s["id"] for s in subjects if fold(s["name"]) == fold(row.subject)), None)
    if subject_id is None:
        subject = Subject(school_id=school_id, code=fold(row.subject).upper()[:6], name=row.subject, color="#607d8b")
        await subject.save()
        subject_id = subject.id
    for class_name in row.class_names:
        class_id = await _class_id(school_id, class_name, report)
        exists = await TeachingService.exists().where(
            (TeachingService.school_id == school_id)
            & (TeachingService.teacher_id == teacher_id)
            & (TeachingService.subject_id == subject_id)
            & (TeachingService.class_id == class_id)
        )
        if not exists:
            await TeachingService.insert(
                TeachingService(school_id=school_id, teacher_id=teacher_id, subject_id=subject_id, class_id=class_id)
            )


async def apply_rows(principal: Principal, rows: list, rejected: list[Rejection], total: int) -> ImportReport:
    report = ImportReport(lines=total, rejected=list(rejected))
    write = _student_line if rows and isinstance(rows[0], StudentRow) else _teacher_line
    for row in rows:
        counters = msgspec.structs.asdict(report)
        try:
            async with DB.transaction():
                await write(principal.school_id, row, report)
        except OUTAGES:
            # The database out of reach or too busy fails every line after this one too: the request
            # gets its 503 (the lines before are kept; importing the file again changes nothing).
            raise
        except Exception:  # noqa: BLE001 - one bad line must not stop the import; it is reported
            logger.exception("Import line %s failed", row.line)
            for name, value in counters.items():
                if name != "rejected":
                    setattr(report, name, value)
            report.rejected.append(Rejection(line=row.line, reason="Ligne non enregistrée (erreur inattendue)."))
    report.rejected.sort(key=lambda r: r.line)
    return report
