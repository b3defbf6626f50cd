"""Cahier de textes: homework given for a class or a group, and each student's "done" state."""

from piccolo.columns import Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import SchoolClass, Subject, TeachingGroup, User
from db.sharding import Ref
from db.timetable.tables import Lesson


class Homework(Table, tablename="homework"):
    id = primary_key()
    school_id = school_key()
    teacher_id = ref()
    subject_id = ref()
    class_id = ref(null=True)
    group_id = ref(null=True)
    lesson_id = ref(null=True)  # the lesson it was given in
    given_on = Date()
    due_on = Date()
    html = Text()  # sanitised with nh3 before it is stored
    estimated_minutes = Integer(null=True, default=None)
    created_at = created_at()
    updated_at = Timestamptz()
    client_id = Varchar(length=64, default="")  # idempotency key of the teacher's request ("" if none)
    revision = Integer(default=0)  # +1 at each change (calendar feeds' SEQUENCE)


class HomeworkAttachment(Table, tablename="homework_attachment"):
    id = primary_key()
    school_id = school_key()
    homework_id = ref()
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size_bytes = Integer()
    storage_key = Varchar(length=100)  # opaque name on disk, never the uploaded name
    created_at = created_at()


class HomeworkDone(Table, tablename="homework_done"):
    """A student's "Fait" state; `changed_at` is the device's time of the change (last one wins)."""

    id = primary_key()
    school_id = school_key()
    homework_id = ref()
    student_id = ref()
    done = Boolean(default=False)
    changed_at = Timestamptz()
    last_change_id = Varchar(length=64, default="")  # idempotency key of the last applied change


SHARDED_TABLES = [Homework, HomeworkAttachment, HomeworkDone]
REFERENCES = [
    Ref(Homework, "teacher_id", User),
    Ref(Homework, "subject_id", Subject),
    Ref(Homework, "class_id", SchoolClass, "CASCADE"),
    Ref(Homework, "group_id", TeachingGroup, "CASCADE"),
    Ref(Homework, "lesson_id", Lesson),
    Ref(HomeworkAttachment, "homework_id", Homework, "CASCADE"),
    Ref(HomeworkDone, "homework_id", Homework, "CASCADE"),
    Ref(HomeworkDone, "student_id", User, "CASCADE"),
]
# Hot read: a student's homework by due date goes class/group -> due_on.
INDEXES = [
    "CREATE INDEX homework_class_due_idx ON homework (school_id, class_id, due_on)",
    "CREATE INDEX homework_group_due_idx ON homework (school_id, group_id, due_on)",
    "CREATE UNIQUE INDEX homework_done_student_uq ON homework_done (school_id, homework_id, student_id)",
    # A student's own "Fait" of one homework (the family lists), and their rows when they leave.
    "CREATE INDEX homework_done_by_student_idx ON homework_done (school_id, student_id, homework_id)",
]
