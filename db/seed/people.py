"""The school's structure and people: year, periods, subjects, classes, groups, staff, families."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from db.core.tables import (
    Enrolment,
    GroupMembership,
    Guardianship,
    LoginIdentifier,
    Period,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingGroup,
    TeachingService,
    User,
)
from db.seed import content, names
from db.seed import plan as p


@dataclass
class PersonSpec:
    """A fixed (hand-written) person: the demo cast."""

    first_name: str
    last_name: str
    gender: str
    state: str = "inactive"
    role: str = ""
    subject: str | None = None  # teachers
    class_name: str | None = None  # students
    birthday: tuple[int, int] | None = None  # (month, day); the year follows the class level
    ability: float | None = None
    relation: str = ""  # parents; by default from the gender (mère, père)


@dataclass
class FamilySpec:
    parents: list[PersonSpec]
    children: list[PersonSpec]


@dataclass
class SchoolSpec:
    uai: str
    name: str
    academy: str
    city: str
    classes: list[tuple[str, str]]  # (name, level)
    students: int
    teacher_hours: int = 18  # weekly service, decides how many teachers a subject needs
    staff: list[PersonSpec] = field(default_factory=list)  # roles staff/admin
    teachers: list[PersonSpec] = field(default_factory=list)  # fixed teachers, by subject
    families: list[FamilySpec] = field(default_factory=list)


def school_year_start(today: date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def build(plan: p.Plan, spec: SchoolSpec) -> None:
    """Everything but identifiers, which depend on the deployment (see `assign_identifiers`)."""
    plan.rows[School].append(
        dict(
            id=plan.school_id,
            uai=spec.uai,
            name=spec.name,
            academy=spec.academy,
            city=spec.city,
            timezone="Europe/Paris",
        )
    )
    start = school_year_start(plan.today)
    plan.year_start = date(start, 9, 1)
    year_id = plan.add(
        SchoolYear, label=f"{start}-{start + 1}", starts_on=plan.year_start, ends_on=date(start + 1, 7, 4)
    )["id"]
    bounds = [
        (date(start, 9, 1), date(start, 11, 30)),
        (date(start, 12, 1), date(start + 1, 3, 1) - timedelta(1)),
        (date(start + 1, 3, 1), date(start + 1, 7, 4)),
    ]
    for number, (first, last) in enumerate(bounds, 1):
        row = plan.add(Period, school_year_id=year_id, name=f"Trimestre {number}", starts_on=first, ends_on=last)
        plan.periods.append(p.Period(row["id"], row["name"], first, last))
    for code, name, color in content.SUBJECTS:
        plan.subjects[code] = plan.add(Subject, code=code, name=name, color=color)["id"]

    for class_name, level in spec.classes:
        school_class = p.SchoolClass(plan.new_id(), class_name, level)
        plan.add(SchoolClass, id=school_class.id, school_year_id=year_id, name=class_name, level=level)
        splits = {course.split for course in content.CURRICULUM[level]}
        keys = (["ESP", "ALL"] if "lv2" in splits else []) + (["G1", "G2"] if "halves" in splits else [])
        for key in keys:
            label = {"ESP": "Espagnol", "ALL": "Allemand", "G1": "Groupe 1", "G2": "Groupe 2"}[key]
            group = p.Group(plan.new_id(), key, f"{class_name} {label}", class_name)
            plan.add(TeachingGroup, id=group.id, school_year_id=year_id, name=group.name, class_id=school_class.id)
            school_class.groups[key] = group
        plan.classes[class_name] = school_class

    cast = [*spec.staff, *spec.teachers, *(person for f in spec.families for person in f.parents + f.children)]
    plan.cast_names = {(person.first_name, person.last_name) for person in cast}
    plan.used_names = set(plan.cast_names)
    mails = plan.mails = names.MailBook()
    plan.phones = names.PhoneBook(plan.rng)
    staff_specs = spec.staff or [PersonSpec(*_adult_name(plan), role=role) for role in ("staff", "staff", "admin")]
    for staff_spec in staff_specs:
        person = _person(plan, staff_spec, staff_spec.role)
        person.email = mails.take(person.first_name, person.last_name, names.STAFF_MAIL_DOMAIN)
        plan.staff.append(person)
    _teachers_and_services(plan, spec)
    _families(plan, spec)
    _rows(plan)


def assign_identifiers(plan: p.Plan, taken: set[str]) -> None:
    """Give everyone an identifier free in the whole deployment (`taken`), and its directory row."""
    allocator = names.IdentifierAllocator(taken)
    for person in plan.people:
        person.identifier = allocator.allocate(person.first_name, person.last_name)
        plan.user_rows[person.id]["identifier"] = person.identifier
        plan.add(LoginIdentifier, identifier=person.identifier, user_id=person.id)


def _adult_name(plan: p.Plan) -> tuple[str, str, str]:
    gender = plan.rng.choice("FM")
    last = plan.rng.choice(names.LAST_NAMES)
    return _free_first(plan, names.WOMEN if gender == "F" else names.MEN, last), last, gender


def _person(plan: p.Plan, spec: PersonSpec, role: str, cls=p.Person, **extra) -> p.Person:
    person = cls(
        id=plan.new_id(),
        role=role,
        first_name=spec.first_name,
        last_name=spec.last_name,
        gender=spec.gender,
        state=spec.state,
        **extra,
    )
    plan.people.append(person)
    return person


def _teachers_and_services(plan: p.Plan, spec: SchoolSpec) -> None:
    hours: dict[str, int] = {code: 0 for code, _, _ in content.SUBJECTS}
    for school_class in plan.classes.values():
        for course in content.CURRICULUM[school_class.level]:
            for subject in content.LV2 if course.split == "lv2" else [course.subject]:
                hours[subject] += course.hours * (2 if course.split == "halves" else 1)
    rooms: dict[str, int] = {}
    by_subject: dict[str, list[p.Person]] = {}
    for subject, total in hours.items():
        fixed = [t for t in spec.teachers if t.subject == subject]
        count = max(len(fixed), math.ceil(total / spec.teacher_hours)) if total else 0
        specs = fixed + [PersonSpec(*_adult_name(plan)) for _ in range(count - len(fixed))]
        for teacher_spec in specs:
            teacher = _person(plan, teacher_spec, "teacher", subject=subject)
            teacher.email = plan.mails.take(teacher.first_name, teacher.last_name, names.STAFF_MAIL_DOMAIN)
            if subject == "EPS":
                teacher.room = "Gymnase"
            else:
                prefix = content.ROOM_PREFIX[subject]
                rooms[prefix] = rooms.get(prefix, 0) + 1
                teacher.room = f"{prefix}{rooms[prefix]}"
            plan.teachers.append(teacher)
            by_subject.setdefault(subject, []).append(teacher)
    load = {teacher.id: 0 for teacher in plan.teachers}

    def assign(class_name: str, subject: str, key: str | None, weekly: int, teacher: p.Person | None = None):
        teacher = teacher or min(by_subject[subject], key=lambda t: load[t.id])
        load[teacher.id] += weekly
        plan.services[(class_name, subject, key)] = teacher
        school_class = plan.classes[class_name]
        plan.add(
            TeachingService,
            teacher_id=teacher.id,
            subject_id=plan.subjects[subject],
            class_id=None if key else school_class.id,
            group_id=school_class.groups[key].id if key else None,
            weekly_hours=weekly,
        )
        return teacher

    for school_class in plan.classes.values():
        for course in content.CURRICULUM[school_class.level]:
            if course.split == "lv2":
                for subject in content.LV2:
                    assign(school_class.name, subject, subject, course.hours)
            elif course.split == "halves":
                teacher = assign(school_class.name, course.subject, "G1", course.hours)
                assign(school_class.name, course.subject, "G2", course.hours, teacher)
            else:
                assign(school_class.name, course.subject, None, course.hours)


def _birth_date(plan: p.Plan, level: str, birthday: tuple[int, int] | None, held_back: bool) -> date:
    year = plan.year_start.year - 11 - content.LEVELS.index(level) - (1 if held_back else 0)
    if birthday:
        return date(year, *birthday)
    return date(year, 1, 1) + timedelta(days=plan.rng.randrange(365))


def _families(plan: p.Plan, spec: SchoolSpec) -> None:
    rng = plan.rng
    classes = list(plan.classes.values())
    per_class, extra = divmod(spec.students, len(classes))
    seats = {c.name: per_class + (1 if i < extra else 0) for i, c in enumerate(classes)}
    families: list[tuple[list[PersonSpec], list[PersonSpec]]] = []
    for family in spec.families:
        for child in family.children:
            seats[child.class_name] -= 1
        families.append((family.parents, family.children))
    while sum(seats.values()) > 0:
        open_classes = [name for name, left in seats.items() if left > 0]
        size = min(rng.choices([1, 2, 3], weights=[76, 18, 6])[0], len({plan.classes[n].level for n in open_classes}))
        last_name = rng.choice(names.LAST_NAMES)
        children, levels, first_names = [], set(), set()
        for _ in range(size):
            choices = [n for n in open_classes if seats[n] > 0 and plan.classes[n].level not in levels]
            class_name = rng.choices(choices, weights=[seats[n] for n in choices])[0]
            gender = rng.choice("FM")
            first = _free_first(plan, names.GIRLS if gender == "F" else names.BOYS, last_name, first_names)
            first_names.add(first)
            seats[class_name] -= 1
            levels.add(plan.classes[class_name].level)
            children.append(PersonSpec(first, last_name, gender, class_name=class_name))
        shape = rng.choices(["couple", "mother", "father", "guardian"], weights=[74, 18, 6, 2])[0]
        parents = []
        if shape in ("couple", "father"):
            parents.append(PersonSpec(_free_first(plan, names.MEN, last_name), last_name, "M"))
        if shape in ("couple", "mother"):
            own_name = shape == "couple" and rng.random() < 0.35
            mother_name = rng.choice(names.LAST_NAMES) if own_name else last_name
            parents.insert(0, PersonSpec(_free_first(plan, names.WOMEN, mother_name), mother_name, "F"))
        if shape == "guardian":
            first, last, gender = _adult_name(plan)
            parents.append(PersonSpec(first, last, gender, relation="tuteur" if gender == "M" else "tutrice"))
        families.append((parents, children))

    for parent_specs, child_specs in families:
        parents = []
        for parent_spec in parent_specs:
            parent = _person(plan, parent_spec, "parent")
            parent.relation = parent_spec.relation or ("mère" if parent.gender == "F" else "père")
            parent.phone = plan.phones.take()
            if rng.random() < 0.9 or parent.state != "inactive":
                domain = rng.choice(names.PARENT_MAIL_DOMAINS)
                parent.email = plan.mails.take(parent.first_name, parent.last_name, domain)
            plan.parents.append(parent)
            parents.append(parent)
        for child_spec in child_specs:
            school_class = plan.classes[child_spec.class_name]
            held_back = child_spec.birthday is None and len(child_specs) == 1 and rng.random() < 0.04
            student = _person(
                plan,
                child_spec,
                "student",
                p.Student,
                class_name=school_class.name,
                level=school_class.level,
                parents=parents,
            )
            student.birth_date = _birth_date(plan, school_class.level, child_spec.birthday, held_back)
            student.ability = child_spec.ability or min(19.0, max(4.0, rng.gauss(12.5, 3.2)))
            school_class.students.append(student)
            plan.students.append(student)

    for school_class in plan.classes.values():
        school_class.students.sort(key=lambda s: (names.ascii_letters(s.last_name), names.ascii_letters(s.first_name)))
        half = (len(school_class.students) + 1) // 2
        for index, student in enumerate(school_class.students):
            keys = []
            if "ESP" in school_class.groups:
                keys.append("ESP" if rng.random() < 0.65 else "ALL")
            if "G1" in school_class.groups:
                keys.append("G1" if index < half else "G2")
            for key in keys:
                student.groups.append(key)
                school_class.groups[key].students.append(student)


def _free_first(plan: p.Plan, pool: list[str], last_name: str, avoid: set[str] = frozenset()) -> str:
    """A first name nobody in the school has with this last name (namesakes only in very big schools)."""
    for attempt in range(60):
        first = plan.rng.choice(pool)
        if first in avoid or (first, last_name) in plan.cast_names:
            continue
        if attempt >= 40 or (first, last_name) not in plan.used_names:
            plan.used_names.add((first, last_name))
            return first
    return first  # too many namesakes already: give up on uniqueness (the cast is still protected)


def _rows(plan: p.Plan) -> None:
    imported = plan.at(plan.year_start - timedelta(days=4), time(9, 30))
    activated = plan.past(plan.at(plan.year_start + timedelta(days=2), time(18, 40)))
    for person in plan.people:
        row = plan.add(
            User,
            id=person.id,
            role=person.role,
            identifier="",
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
            phone=person.phone,
            email=person.email,
            password_hash=None,
            created_at=plan.past(imported),
            must_change_password=person.state == "first_login",
        )
        if person.state == "ready":
            row.update(
                activated_at=activated,
                first_login_done_at=activated,
                charter_accepted_at=activated,
                email_verified_at=activated if person.email else None,
            )
        elif person.state == "first_login":
            row.update(activated_at=plan.past(plan.at(plan.today - timedelta(days=1), time(10, 15))))
        plan.user_rows[person.id] = row
    for school_class in plan.classes.values():
        for student in school_class.students:
            plan.add(Enrolment, student_id=student.id, class_id=school_class.id)
            for key in student.groups:
                plan.add(GroupMembership, student_id=student.id, group_id=school_class.groups[key].id)
    for student in plan.students:
        for parent in student.parents:
            plan.add(Guardianship, parent_id=parent.id, student_id=student.id, relation=parent.relation)
