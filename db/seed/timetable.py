"""A weekly timetable per class without clashes, its lessons over four weeks, and comptes rendus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from db.seed import content
from db.seed import plan as p
from db.timetable.tables import Lesson, LessonContent

# 55-minute slots: morning break 9h50–10h05, lunch 11h55–13h30, afternoon break 15h20–15h35.
SLOTS = [
    (time(8, 0), time(8, 55)),
    (time(8, 55), time(9, 50)),
    (time(10, 5), time(11, 0)),
    (time(11, 0), time(11, 55)),
    (time(13, 30), time(14, 25)),
    (time(14, 25), time(15, 20)),
    (time(15, 35), time(16, 30)),
    (time(16, 30), time(17, 25)),
]
DAY_SLOTS = {0: 8, 1: 8, 2: 4, 3: 8, 4: 8}  # Wednesday: mornings only
BLOCK_STARTS = {0, 2, 4, 5, 6}  # where a two-hour lesson (EPS) may start
WEEKS = (-1, 0, 1, 2)  # last week (for comptes rendus and past homework), this week and the next two


@dataclass
class Part:
    subject: str
    group_key: str | None
    teacher: p.Person


@dataclass
class Placement:
    day: int
    slot: int
    length: int
    parts: list[Part]


@dataclass
class LessonInfo:
    row: dict
    class_name: str
    subject: str
    group_key: str | None
    teacher: p.Person
    slot: int
    length: int

    @property
    def date(self) -> date:
        return self.row["date"]

    @property
    def series(self) -> tuple[str, str, str | None]:
        return self.class_name, self.subject, self.group_key

    @property
    def held(self) -> bool:
        return self.row["status"] in ("normal", "moved")


def _units(plan: p.Plan, school_class: p.SchoolClass) -> list[list[Placement]]:
    """The class's week as unplaced units, most constrained first (LV2 pairs, two-hour blocks)."""
    pairs, blocks, singles = [], [], []
    for course in content.CURRICULUM[school_class.level]:
        service = lambda subject, key=None: plan.services[(school_class.name, subject, key)]  # noqa: E731
        if course.split == "lv2":
            parts = [Part(subject, subject, service(subject, subject)) for subject in content.LV2]
            pairs += [Placement(-1, -1, 1, parts) for _ in range(course.hours)]
        elif course.split == "halves":
            for key in ("G1", "G2"):
                singles += [
                    Placement(-1, -1, 1, [Part(course.subject, key, service(course.subject, key))])
                    for _ in range(course.hours)
                ]
        else:
            part = Part(course.subject, None, service(course.subject))
            doubles = course.hours // 2 if course.subject == "EPS" else 0
            blocks += [Placement(-1, -1, 2, [part]) for _ in range(doubles)]
            singles += [Placement(-1, -1, 1, [part]) for _ in range(course.hours - 2 * doubles)]
    plan.rng.shuffle(singles)
    return pairs + blocks + singles


def _place_class(plan: p.Plan, school_class: p.SchoolClass, busy: dict) -> list[Placement]:
    rng = plan.rng
    for _attempt in range(60):
        taken: set[tuple[int, int]] = set()
        mine: dict = {}  # this attempt's teacher slots, merged into `busy` on success
        per_day: dict[tuple[int, str], int] = {}
        placed: list[Placement] = []
        for unit in _units(plan, school_class):
            subject = unit.parts[0].subject
            candidates, weights = [], []
            for limit in (1, 2):
                for day, count in DAY_SLOTS.items():
                    if per_day.get((day, subject), 0) >= limit:
                        continue
                    for slot in range(count - unit.length + 1):
                        if unit.length == 2 and slot not in BLOCK_STARTS:
                            continue
                        cells = [(day, s) for s in range(slot, slot + unit.length)]
                        if any(c in taken for c in cells) or any(
                            c in busy.get(part.teacher.id, ()) or c in mine.get(part.teacher.id, ())
                            for part in unit.parts
                            for c in cells
                        ):
                            continue
                        candidates.append((day, slot))
                        weights.append(0.25 if slot + unit.length - 1 == 7 else 1.0)
                if candidates:
                    break
            if not candidates:
                break
            day, slot = rng.choices(candidates, weights=weights)[0]
            for s in range(slot, slot + unit.length):
                taken.add((day, s))
                for part in unit.parts:
                    mine.setdefault(part.teacher.id, set()).add((day, s))
            per_day[(day, subject)] = per_day.get((day, subject), 0) + 1
            placed.append(Placement(day, slot, unit.length, unit.parts))
        else:
            for teacher_id, cells in mine.items():
                busy.setdefault(teacher_id, set()).update(cells)
            return placed
    raise RuntimeError(f"No timetable without clashes found for {school_class.name}")


def build(plan: p.Plan) -> None:
    busy: dict = {}
    weekly = {name: _place_class(plan, school_class, busy) for name, school_class in plan.classes.items()}
    for week in WEEKS:
        monday = plan.monday + timedelta(weeks=week)
        for class_name, placements in weekly.items():
            school_class = plan.classes[class_name]
            for placement in sorted(placements, key=lambda x: (x.day, x.slot)):
                for part in placement.parts:
                    row = plan.add(
                        Lesson,
                        teacher_id=part.teacher.id,
                        subject_id=plan.subjects[part.subject],
                        class_id=None if part.group_key else school_class.id,
                        group_id=school_class.groups[part.group_key].id if part.group_key else None,
                        date=monday + timedelta(days=placement.day),
                        starts_at=SLOTS[placement.slot][0],
                        ends_at=SLOTS[placement.slot + placement.length - 1][1],
                        room=part.teacher.room,
                        status="normal",
                        status_note="",
                    )
                    plan.lessons.append(
                        LessonInfo(
                            row,
                            class_name,
                            part.subject,
                            part.group_key,
                            part.teacher,
                            placement.slot,
                            placement.length,
                        )
                    )
    for lesson in plan.lessons:
        if lesson.series not in plan.chapters:
            level = plan.classes[lesson.class_name].level
            plan.chapters[lesson.series] = plan.rng.choice(content.chapters(lesson.subject, level))
    _changes(plan)
    for lesson in plan.lessons:
        plan.class_lessons.setdefault(lesson.class_name, []).append(lesson)
    _reports(plan)


def _next_school_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _changes(plan: p.Plan) -> None:
    """A teacher away for a day, a class on an outing, and a few lessons moved."""
    rng = plan.rng
    future = [lesson for lesson in plan.lessons if lesson.date > plan.today]
    absent = plan.absent_teacher = plan.absent_teacher or rng.choice(plan.teachers)
    day, last = _next_school_day(plan.today), max(lesson.date for lesson in future)
    while not any(lesson.teacher is absent and lesson.date == day for lesson in future) and day < last:
        day = _next_school_day(day)
    plan.absence_day = day
    for lesson in future:
        if lesson.teacher is absent and lesson.date == day:
            lesson.row.update(status="cancelled", status_note="Professeur absent")

    outing_class = plan.outing_class = plan.outing_class or rng.choice(list(plan.classes))
    plan.outing_day = plan.monday + timedelta(weeks=1, days=3)  # next Thursday
    for lesson in future:
        if lesson.class_name == outing_class and lesson.date == plan.outing_day and lesson.row["status"] == "normal":
            lesson.row.update(status="exempted", status_note="Classe en sortie pédagogique (Futuroscope)")

    movable = [
        lesson
        for lesson in future
        if lesson.row["status"] == "normal"
        and lesson.length == 1
        and lesson.group_key is None
        and lesson.date < plan.monday + timedelta(weeks=2)
    ]
    for lesson in rng.sample(movable, min(3, len(movable))):
        monday = lesson.date - timedelta(days=lesson.date.weekday())
        week = [other for other in plan.lessons if monday <= other.date < monday + timedelta(days=7)]
        class_busy = {
            (o.date, s) for o in week if o.class_name == lesson.class_name for s in range(o.slot, o.slot + o.length)
        }
        teacher_busy = {
            (o.date, s) for o in week if o.teacher is lesson.teacher for s in range(o.slot, o.slot + o.length)
        }
        free = [
            (d, s)
            for d in plan.school_days(max(monday, plan.today + timedelta(days=1)), monday + timedelta(4))
            for s in range(min(DAY_SLOTS[d.weekday()], 7))
            if (d, s) not in class_busy and (d, s) not in teacher_busy and d != lesson.date
        ]
        if not free:
            continue
        new_day, new_slot = rng.choice(free)
        was = f"{content.DAYS[lesson.date.weekday()]} à {content.french_time(*_hm(SLOTS[lesson.slot][0]))}"
        lesson.row.update(
            date=new_day,
            starts_at=SLOTS[new_slot][0],
            ends_at=SLOTS[new_slot][1],
            status="moved",
            status_note=f"Cours déplacé (initialement prévu le {was})",
        )
        lesson.slot = new_slot
    plan.lessons.sort(key=lambda lesson: (lesson.date, lesson.row["starts_at"]))


def _hm(moment: time) -> tuple[int, int]:
    return moment.hour, moment.minute


def _reports(plan: p.Plan) -> None:
    """Comptes rendus for most lessons already taught."""
    for lesson in plan.lessons:
        if lesson.date >= plan.today or not lesson.held or plan.rng.random() < 0.12:
            continue
        title, html = content.lesson_report(lesson.subject, plan.chapters[lesson.series], plan.rng)
        written = plan.at(lesson.date, lesson.row["ends_at"]) + timedelta(minutes=plan.rng.randint(5, 240))
        written = plan.past(written)
        plan.add(
            LessonContent, lesson_id=lesson.row["id"], title=title, html=html, created_at=written, updated_at=written
        )
