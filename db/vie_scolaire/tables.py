"""Vie scolaire: absences, lateness, remarks and punishments."""

from piccolo.columns import Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref
from db.timetable.tables import Lesson

JUSTIFICATION_STATES = ("unjustified", "pending", "justified", "refused")


class Absence(Table, tablename="absence"):
    id = primary_key()
    school_id = school_key()
    student_id = ref()
    lesson_id = ref(null=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    reason = Varchar(length=200, default="")
    justification_state = Varchar(length=12, default="unjustified")
    reported_by_id = ref(null=True)  # a teacher's roll call, or a parent's report
    created_at = created_at()
    client_id = Varchar(length=64, default="")  # idempotency key of a parent's report ("" otherwise)


class Lateness(Table, tablename="lateness"):
    id = primary_key()
    school_id = school_key()
    student_id = ref()
    lesson_id = ref(null=True)
    occurred_at = Timestamptz()
    minutes = Integer()
    justified = Boolean(default=False)
    reason = Varchar(length=200, default="")
    created_at = created_at()


class Remark(Table, tablename="remark"):
    """An observation by a teacher: forgotten material, good participation…"""

    id = primary_key()
    school_id = school_key()
    student_id = ref()
    author_id = ref()
    lesson_id = ref(null=True)
    kind = Varchar(length=40)
    text = Text(default="")
    created_at = created_at()


class Punishment(Table, tablename="punishment"):
    id = primary_key()
    school_id = school_key()
    student_id = ref()
    author_id = ref()
    kind = Varchar(length=40)  # retenue, devoir supplémentaire, exclusion de cours
    reason = Text()
    due_on = Date(null=True, default=None)
    done = Boolean(default=False)
    created_at = created_at()


SHARDED_TABLES = [Absence, Lateness, Remark, Punishment]
REFERENCES = [
    Ref(Absence, "student_id", User, "CASCADE"),
    Ref(Absence, "lesson_id", Lesson),
    Ref(Absence, "reported_by_id", User),
    Ref(Lateness, "student_id", User, "CASCADE"),
    Ref(Lateness, "lesson_id", Lesson),
    Ref(Remark, "student_id", User, "CASCADE"),
    Ref(Remark, "author_id", User),
    Ref(Remark, "lesson_id", Lesson),
    Ref(Punishment, "student_id", User, "CASCADE"),
    Ref(Punishment, "author_id", User),
]
INDEXES = [
    "CREATE UNIQUE INDEX absence_client_uq ON absence (school_id, reported_by_id, client_id) WHERE client_id <> ''",
    "CREATE UNIQUE INDEX absence_lesson_uq ON absence (school_id, lesson_id, student_id)",
    "CREATE UNIQUE INDEX absence_family_period_uq ON absence "
    "(school_id, reported_by_id, student_id, starts_at, ends_at) WHERE lesson_id IS NULL",
    "CREATE UNIQUE INDEX lateness_lesson_uq ON lateness (school_id, lesson_id, student_id)",
]
