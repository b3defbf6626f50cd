"""The rows of one school being seeded, built in memory before one bulk write."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from piccolo.table import Table

PARIS = ZoneInfo("Europe/Paris")


@dataclass(eq=False)  # people are compared (and hashed) by identity
class Person:
    id: UUID
    role: str  # student | parent | teacher | staff | admin
    first_name: str
    last_name: str
    gender: str  # F | M (not stored; picks words such as "mère")
    birth_date: date | None = None
    phone: str | None = None
    email: str | None = None
    identifier: str = ""
    # inactive: no password yet (activation) | ready: can sign in | first_login: temporary password
    state: str = "inactive"
    password: str | None = None
    subject: str | None = None  # a teacher's subject code
    room: str = ""
    relation: str = ""  # a parent's link to their children: mère, père, tuteur…

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(eq=False)
class Student(Person):
    class_name: str = ""
    level: str = ""
    ability: float = 12.0  # expected mark out of 20: keeps grades and competences consistent
    groups: list[str] = field(default_factory=list)  # keys of the class's groups
    parents: list[Person] = field(default_factory=list)


@dataclass
class Group:
    id: UUID
    key: str  # ESP | ALL | G1 | G2
    name: str  # "4e A Espagnol"
    class_name: str
    students: list[Student] = field(default_factory=list)


@dataclass
class SchoolClass:
    id: UUID
    name: str
    level: str
    students: list[Student] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)


@dataclass
class Period:
    id: UUID
    name: str
    starts_on: date
    ends_on: date


class Plan:
    """Ids, random choices and rows of one school; nothing touches the database here."""

    def __init__(self, *, uai: str, today: date, now: datetime):
        self.uai = uai
        self.today = today
        self.now = now
        self.rng = random.Random(f"cartable:{uai}")
        # Ids come from their own stream, so adding a random choice never changes every id.
        self._ids = random.Random(f"cartable-ids:{uai}")
        self.school_id = self.new_id()
        self.rows: dict[type[Table], list[dict]] = defaultdict(list)
        # Filled in by the builders, read by the ones after them.
        self.subjects: dict[str, UUID] = {}
        self.periods: list[Period] = []
        self.classes: dict[str, SchoolClass] = {}
        self.people: list[Person] = []
        self.students: list[Student] = []
        self.parents: list[Person] = []
        self.teachers: list[Person] = []
        self.staff: list[Person] = []  # CPE, principal, admin
        # (class name, subject code, group key or None) -> teacher
        self.services: dict[tuple[str, str, str | None], Person] = {}
        self.lessons: list = []  # timetable.LessonInfo, by date and time once the timetable is built
        self.class_lessons: dict[str, list] = {}  # the same, by class (group lessons with their class)
        self.user_rows: dict[UUID, dict] = {}
        self.year_start = today
        self.used_names: set[tuple[str, str]] = set()
        self.cast_names: set[tuple[str, str]] = set()  # hand-written people: never given to anyone else
        self.mails = None  # names.MailBook
        self.phones = None  # names.PhoneBook
        # (class name, subject code, group key or None) -> the chapter being taught
        self.chapters: dict[tuple[str, str, str | None], str] = {}
        # Timetable changes: who is away (and when), which class goes on an outing (and when).
        self.absent_teacher: Person | None = None
        self.absence_day = today
        self.outing_class: str | None = None
        self.outing_day = today
        self.featured: list[Student] = []  # the demo's own students: their records are written by hand
        self.pristine: set[UUID] = set()  # people who never used the app: no reads, answers or ticks

    def new_id(self) -> UUID:
        return UUID(int=self._ids.getrandbits(128), version=4)

    def add(self, table: type[Table], **values) -> dict:
        """Queue a row for `table` (its school and, unless given, a new id); return it."""
        if table._meta.primary_key._meta.name == "id":
            values.setdefault("id", self.new_id())
        values["school_id"] = self.school_id
        self.rows[table].append(values)
        return values

    # Time helpers: dates are relative to `today`; moments never lie in the future.
    def at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=PARIS)

    def past(self, moment: datetime) -> datetime:
        latest = self.now - timedelta(minutes=5)
        return moment if moment <= latest else latest

    def random_time(self, day: date, start_hour: int, end_hour: int) -> datetime:
        minutes = self.rng.randint(start_hour * 60, end_hour * 60 - 1)
        return self.past(self.at(day, time(minutes // 60, minutes % 60)))

    def school_days(self, start: date, end: date) -> list[date]:
        days, day = [], start
        while day <= end:
            if day.weekday() < 5:
                days.append(day)
            day += timedelta(days=1)
        return days

    @property
    def set_up_at(self) -> datetime:
        """When the staff set the school up in Cartable (settings, calendar): before the year began."""
        return self.past(self.at(self.year_start - timedelta(days=4), time(10, 0)))

    @property
    def monday(self) -> date:
        return self.today - timedelta(days=self.today.weekday())

    @property
    def current_period(self) -> Period:
        for period in self.periods:
            if period.starts_on <= self.today <= period.ends_on:
                return period
        return self.periods[-1] if self.today > self.periods[-1].ends_on else self.periods[0]

    def students_of(self, class_name: str, group_key: str | None) -> list[Student]:
        school_class = self.classes[class_name]
        return school_class.groups[group_key].students if group_key else school_class.students
