"""What the family app reads and writes in "Communication"."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from api.fields import ClientId


class NewMessage(msgspec.Struct, forbid_unknown_fields=True):
    body: str
    client_id: ClientId  # from the device: a resend adds nothing


class NewDiscussion(msgspec.Struct, forbid_unknown_fields=True):
    teacher_id: UUID
    student_id: UUID
    subject: str
    body: str
    client_id: ClientId


class TeacherOut(msgspec.Struct):
    id: UUID
    name: str
    subjects: list[str]


class QuestionOut(msgspec.Struct):
    id: UUID
    text: str
    kind: str  # single | multiple | text
    choices: list[str]
    answer: Any  # list of choice indexes, {"text": ...}, or None


class PostOut(msgspec.Struct):
    id: UUID
    title: str
    html: str
    author: str
    is_survey: bool
    published_at: datetime
    read: bool
    acknowledged: bool
    questions: list[QuestionOut]


class Answer(msgspec.Struct, forbid_unknown_fields=True):
    question_id: UUID
    choices: list[int] | None = None
    text: str | None = None


class Answers(msgspec.Struct, forbid_unknown_fields=True):
    answers: list[Answer]
    client_id: ClientId | None = None  # from the device: a resend changes nothing
    answered_at: datetime | None = None  # when the reader answered (device time); the latest answer wins
