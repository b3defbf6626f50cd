"""Small builders for test data (the demo seed is for people; tests build exactly what they assert on)."""

from __future__ import annotations

import itertools
from datetime import date
from uuid import UUID

import msgspec

from api.auth.passwords import hash_password
from db.core.tables import (
    Enrolment,
    GroupMembership,
    Guardianship,
    LoginIdentifier,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingGroup,
    TeachingService,
    User,
)

_counter = itertools.count(1)
PASSWORD = "Cartable-Test1!"
_PASSWORD_HASH: str | None = None


class Ref(msgspec.Struct):
    id: UUID
    school_id: UUID
    identifier: str = ""
    role: str = ""


async def make_school(name: str = "Collège Test") -> Ref:
    n = next(_counter)
    school = School(uai=f"0{n:06d}T"[-8:], name=f"{name} {n}", academy="Poitiers", city="Niort")
    await school.save()
    year = SchoolYear(school_id=school.id, label="2026-2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 7, 4))
    await year.save()
    return Ref(id=school.id, school_id=school.id)


async def _school_year(school: Ref) -> UUID:
    row = await SchoolYear.select(SchoolYear.id).where(SchoolYear.school_id == school.school_id).first()
    return row["id"]


async def make_user(
    school: Ref,
    role: str,
    *,
    first_name: str = "Camille",
    last_name: str | None = None,
    password: str | None = PASSWORD,
    **fields,
) -> Ref:
    """A ready account (activated, first login done) unless fields say otherwise."""
    global _PASSWORD_HASH
    n = next(_counter)
    last_name = last_name or f"Martin{n}"
    identifier = f"{first_name[0].lower()}.{last_name.lower()}"
    if password == PASSWORD:
        _PASSWORD_HASH = _PASSWORD_HASH or hash_password(PASSWORD)
        password_hash = _PASSWORD_HASH
    else:
        password_hash = hash_password(password) if password else None
    from api.auth.sessions import now

    defaults = dict(activated_at=now(), first_login_done_at=now(), charter_accepted_at=now(), email_verified_at=now())
    defaults.update(fields)
    user = User(
        school_id=school.school_id,
        role=role,
        identifier=identifier,
        first_name=first_name,
        last_name=last_name,
        password_hash=password_hash,
        **defaults,
    )
    await user.save()
    await LoginIdentifier.insert(LoginIdentifier(identifier=identifier, school_id=school.school_id, user_id=user.id))
    if user.phone or user.email:  # the contact directory follows every phone and e-mail, as the import does
        from api.accounts.directory import set_contacts

        await set_contacts(school.school_id, user.id)
    return Ref(id=user.id, school_id=school.school_id, identifier=identifier, role=role)


async def make_class(school: Ref, name: str = "4e A") -> Ref:
    row = SchoolClass(
        school_id=school.school_id, school_year_id=await _school_year(school), name=name, level=name.split()[0]
    )
    await row.save()
    return Ref(id=row.id, school_id=school.school_id)


async def make_group(school: Ref, name: str, class_ref: Ref | None = None) -> Ref:
    row = TeachingGroup(
        school_id=school.school_id,
        school_year_id=await _school_year(school),
        name=name,
        class_id=class_ref.id if class_ref else None,
    )
    await row.save()
    return Ref(id=row.id, school_id=school.school_id)


async def make_subject(school: Ref, name: str = "Mathématiques", color: str = "#1f77b4") -> Ref:
    row = Subject(school_id=school.school_id, code=name[:6].upper(), name=name, color=color)
    await row.save()
    return Ref(id=row.id, school_id=school.school_id)


async def enrol(student: Ref, class_ref: Ref) -> None:
    await Enrolment.insert(Enrolment(school_id=student.school_id, student_id=student.id, class_id=class_ref.id))


async def add_to_group(student: Ref, group: Ref) -> None:
    await GroupMembership.insert(GroupMembership(school_id=student.school_id, student_id=student.id, group_id=group.id))


async def link_parent(parent: Ref, student: Ref) -> None:
    await Guardianship.insert(Guardianship(school_id=parent.school_id, parent_id=parent.id, student_id=student.id))


async def assign_teacher(teacher: Ref, subject: Ref, *, class_ref: Ref | None = None, group: Ref | None = None) -> None:
    await TeachingService.insert(
        TeachingService(
            school_id=teacher.school_id,
            teacher_id=teacher.id,
            subject_id=subject.id,
            class_id=class_ref.id if class_ref else None,
            group_id=group.id if group else None,
        )
    )


class Family(msgspec.Struct):
    school: Ref
    class_ref: Ref
    student: Ref
    parent: Ref


async def make_family(school: Ref | None = None, class_name: str = "4e A") -> Family:
    """A school (or the given one) with a class, one student and their parent."""
    school = school or await make_school()
    class_ref = await make_class(school, class_name)
    student = await make_user(school, "student", first_name="Léa")
    parent = await make_user(school, "parent", first_name="Sophie")
    await enrol(student, class_ref)
    await link_parent(parent, student)
    return Family(school=school, class_ref=class_ref, student=student, parent=parent)
