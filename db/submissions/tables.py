"""Handing in work: a homework the teacher marks "à rendre", each student's files, the teacher's return.

Files live in the attachment store (api/attachments.py) under random keys, like homework attachments.
"""

from piccolo.columns import Array, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.homework.tables import Homework
from db.sharding import Ref


class HandIn(Table, tablename="homework_hand_in"):
    """A homework to hand in online: by when, and in which formats (keys of api/attachments.TYPE_NAMES)."""

    id = primary_key()
    school_id = school_key()
    homework_id = ref()
    deadline = Timestamptz()
    accepted_types = Array(base_column=Varchar(length=8))
    updated_at = Timestamptz()


class Submission(Table, tablename="homework_submission"):
    """One student's hand-in of one homework, and the teacher's return of it."""

    id = primary_key()
    school_id = school_key()
    homework_id = ref()
    student_id = ref()
    handed_in_at = Timestamptz(null=True, default=None)  # when the last file was added (on time or late)
    created_at = created_at()
    returned_at = Timestamptz(null=True, default=None)
    returned_by_id = ref(null=True)
    return_comment = Text(default="")
    return_client_id = Varchar(length=64, default="")  # idempotency key of the return ("" if none)


class SubmissionFile(Table, tablename="homework_submission_file"):
    """A file of a submission: the student's work, or the teacher's corrected copy."""

    id = primary_key()
    school_id = school_key()
    submission_id = ref()
    kind = Varchar(length=10)  # work | correction
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size_bytes = Integer()
    storage_key = Varchar(length=100)
    uploaded_by_id = ref()
    client_id = Varchar(length=64, default="")  # idempotency key of the upload ("" if none)
    created_at = created_at()


SHARDED_TABLES = [HandIn, Submission, SubmissionFile]
REFERENCES = [
    Ref(HandIn, "homework_id", Homework, "CASCADE"),
    Ref(Submission, "homework_id", Homework, "CASCADE"),
    Ref(Submission, "student_id", User, "CASCADE"),
    Ref(Submission, "returned_by_id", User),
    Ref(SubmissionFile, "submission_id", Submission, "CASCADE"),
    Ref(SubmissionFile, "uploaded_by_id", User),
]
INDEXES = [
    "CREATE UNIQUE INDEX homework_hand_in_uq ON homework_hand_in (school_id, homework_id)",
    "CREATE UNIQUE INDEX homework_submission_uq ON homework_submission (school_id, homework_id, student_id)",
    "CREATE INDEX homework_submission_by_student_idx ON homework_submission (school_id, student_id)",
    (
        "CREATE UNIQUE INDEX homework_submission_file_client_uq ON homework_submission_file "
        "(school_id, submission_id, client_id) WHERE client_id <> ''"
    ),
]
