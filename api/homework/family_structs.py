"""What the family app reads and writes about homework ("Travail à faire")."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from api.homework.submissions_structs import HandInOut, SubmissionSummary


class Attachment(msgspec.Struct):
    id: UUID
    filename: str
    content_type: str
    size_bytes: int
    url: str


class LessonContentOut(msgspec.Struct):
    lesson_id: UUID
    date: date
    subject: str
    color: str
    title: str
    html: str


class HomeworkItem(msgspec.Struct):
    id: UUID
    subject: str
    color: str
    teacher: str
    given_on: date
    due_on: date
    html: str
    estimated_minutes: int | None
    attachments: list[Attachment]
    done: bool
    done_changed_at: datetime | None
    lesson_content: LessonContentOut | None
    hand_in: HandInOut | None  # to hand in online ("à rendre"): by when, in which formats
    submission: SubmissionSummary | None  # the student's hand-in, when there is one to make


class HomeworkList(msgspec.Struct):
    student_id: UUID
    start: date
    end: date
    items: list[HomeworkItem]
    contents: list[LessonContentOut]  # contenu du cours of the student's recent lessons
    generated_at: datetime


class DoneChange(msgspec.Struct, forbid_unknown_fields=True):
    done: bool
    changed_at: datetime
    change_id: str = msgspec.field()


class DoneState(msgspec.Struct):
    homework_id: UUID
    done: bool
    changed_at: datetime
    applied: bool  # False when a later change was already there (or this one was a resend)
