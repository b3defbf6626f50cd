"""Shapes of the hand-in API ("Travail à rendre")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

from api.fields import ClientId

FileType = Literal["pdf", "png", "jpg", "odt", "docx"]
# missing: nothing handed in; on_time / late: the last file came before / after the deadline.
Status = Literal["missing", "on_time", "late"]
STATUS_LABELS = {"missing": "Non rendu", "on_time": "Rendu", "late": "Rendu en retard"}
Comment = Annotated[str, msgspec.Meta(max_length=2000)]


class HandInIn(msgspec.Struct, forbid_unknown_fields=True):
    deadline: datetime  # without an offset: the school's local time
    accepted_types: Annotated[list[FileType], msgspec.Meta(min_length=1, max_length=5)]


class HandInOut(msgspec.Struct):
    deadline: datetime
    accepted_types: list[str]
    accepted_label: str  # "PDF, JPEG"


class FileOut(msgspec.Struct):
    id: UUID
    filename: str
    content_type: str
    size_bytes: int
    created_at: datetime
    url: str


class UploadForm(msgspec.Struct):
    file: UploadFile
    client_id: ClientId


class ReturnForm(msgspec.Struct):
    # Everything is optional here so that the role is checked before the form (a family gets a 403);
    # give_back requires the client_id.
    client_id: Annotated[str, msgspec.Meta(max_length=64)] = ""
    comment: Comment = ""
    file: UploadFile | None = None


class Submission(msgspec.Struct):
    """One student's hand-in as the student, their parents and the teacher see it."""

    status: Status
    status_label: str
    handed_in_at: datetime | None
    files: list[FileOut]
    returned_at: datetime | None
    return_comment: str
    corrections: list[FileOut]


class SubmissionSummary(msgspec.Struct):
    """Where a student's hand-in stands, on a homework of the family list (the details: HandInItem)."""

    status: Status
    handed_in_at: datetime | None
    file_count: int
    returned_at: datetime | None
    has_comment: bool  # the teacher's return carries a comment


class HandInItem(msgspec.Struct):
    """A homework to hand in, with the student's files and the teacher's return ("Travail à rendre")."""

    homework_id: UUID
    subject: str
    color: str
    teacher: str
    given_on: date
    due_on: date
    html: str
    hand_in: HandInOut
    submission: Submission
    can_hand_in: bool  # the student may still add or remove files (not returned yet)


class StudentLine(msgspec.Struct):
    student_id: UUID
    first_name: str
    last_name: str
    submission_id: UUID | None
    submission: Submission


class SubmissionsReport(msgspec.Struct):
    homework_id: UUID
    audience: str
    due_on: date
    hand_in: HandInOut
    handed_in: int
    late: int
    returned: int
    student_count: int
    students: list[StudentLine]


class TeacherHomework(msgspec.Struct):
    """One of the teacher's homework, with its hand-in setting if any (the page's list)."""

    homework_id: UUID
    subject: str
    audience: str
    given_on: date
    due_on: date
    html: str
    hand_in: HandInOut | None
    handed_in: int
    student_count: int
