"""Shapes of the school-side communication API: information posts, surveys, discussions with families."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.fields import ClientId

Body = Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]


class QuestionIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    kind: Literal["single", "multiple", "text"]
    choices: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=200)]], msgspec.Meta(max_length=20)
    ] = []


class PostIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    html: Annotated[str, msgspec.Meta(max_length=20000)]
    class_ids: Annotated[list[UUID], msgspec.Meta(max_length=50)] = []
    group_ids: Annotated[list[UUID], msgspec.Meta(max_length=50)] = []
    to: Annotated[list[Literal["students", "parents"]], msgspec.Meta(min_length=1, max_length=2)] = msgspec.field(
        default_factory=lambda: ["parents"]
    )
    questions: Annotated[list[QuestionIn], msgspec.Meta(max_length=20)] = []  # non-empty: a survey
    publish_at: datetime | None = None  # null: now


class PostSummary(msgspec.Struct):
    id: UUID
    title: str
    is_survey: bool
    published_at: datetime
    recipients: int
    read: int
    acknowledged: int


class RecipientLine(msgspec.Struct):
    user_id: UUID
    name: str
    role: str
    read_at: datetime | None
    acknowledged_at: datetime | None


class QuestionResult(msgspec.Struct):
    id: UUID
    text: str
    kind: str
    choices: list[str]
    counts: list[int]  # per choice (single/multiple)
    texts: list[str]  # free answers (text)
    answered: int


class PostDetail(msgspec.Struct):
    id: UUID
    title: str
    html: str
    is_survey: bool
    published_at: datetime
    recipients: list[RecipientLine]
    questions: list[QuestionResult]


class ContactIn(msgspec.Struct, forbid_unknown_fields=True):
    """Start a discussion with a student's family (the parents; the student too if `with_student`)."""

    student_id: UUID
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    body: Body
    client_id: ClientId
    with_student: bool = False


class ReplyIn(msgspec.Struct, forbid_unknown_fields=True):
    body: Body
    client_id: ClientId
