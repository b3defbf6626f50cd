"""The timetable: lessons and what was done in them (compte rendu de séance)."""

from piccolo.columns import Date, Integer, Text, Time, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import SchoolClass, Subject, TeachingGroup, User
from db.sharding import Ref

LESSON_STATUSES = ("normal", "cancelled", "moved", "exempted")


class Lesson(Table, tablename="lesson"):
    id = primary_key()
    school_id = school_key()
    teacher_id = ref()
    subject_id = ref()
    class_id = ref(null=True)
    group_id = ref(null=True)
    date = Date()
    starts_at = Time()
    ends_at = Time()
    room = Varchar(length=30, default="")
    status = Varchar(length=10, default="normal")  # one of LESSON_STATUSES
    status_note = Varchar(length=200, default="")  # "Déplacé au jeudi 10h", "Professeur absent"
    revision = Integer(default=0)  # +1 at each change families see (calendar feeds' SEQUENCE)


class LessonContent(Table, tablename="lesson_content"):
    id = primary_key()
    school_id = school_key()
    lesson_id = ref()
    title = Varchar(length=200, default="")
    html = Text(default="")  # sanitised with nh3 before it is stored
    created_at = created_at()
    updated_at = Timestamptz()


SHARDED_TABLES = [Lesson, LessonContent]
REFERENCES = [
    Ref(Lesson, "teacher_id", User),
    Ref(Lesson, "subject_id", Subject),
    Ref(Lesson, "class_id", SchoolClass, "CASCADE"),
    Ref(Lesson, "group_id", TeachingGroup, "CASCADE"),
    Ref(LessonContent, "lesson_id", Lesson, "CASCADE"),
]
# Hot read: a class's (or group's) week of lessons.
INDEXES = [
    "CREATE INDEX lesson_class_week_idx ON lesson (school_id, class_id, date)",
    "CREATE INDEX lesson_group_week_idx ON lesson (school_id, group_id, date)",
    "CREATE INDEX lesson_teacher_week_idx ON lesson (school_id, teacher_id, date)",
    "CREATE UNIQUE INDEX lesson_content_lesson_uq ON lesson_content (school_id, lesson_id)",
]
