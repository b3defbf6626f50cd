"""Shapes of the teacher's cahier de textes API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from api.fields import ClientId

Minutes = Annotated[int, msgspec.Meta(ge=1, le=600)]
Html = Annotated[str, msgspec.Meta(max_length=20000)]


class HomeworkIn(msgspec.Struct, forbid_unknown_fields=True):
    lesson_id: UUID
    due_on: date
    html: Html
    estimated_minutes: Minutes | None = None
    client_id: ClientId | None = None


class HomeworkChange(msgspec.Struct, forbid_unknown_fields=True):
    due_on: date | None = None
    html: Html | None = None
    # Absent: unchanged; null: the estimate is removed.
    estimated_minutes: Minutes | None | msgspec.UnsetType = msgspec.UNSET


class AttachmentOut(msgspec.Struct):
    id: UUID
    filename: str
    content_type: str
    size_bytes: int
    url: str


class HomeworkOut(msgspec.Struct):
    id: UUID
    lesson_id: UUID | None
    subject_id: UUID
    class_id: UUID | None
    group_id: UUID | None
    given_on: date
    due_on: date
    html: str
    estimated_minutes: int | None
    updated_at: datetime
    attachments: list[AttachmentOut] = []


class DoneLine(msgspec.Struct):
    student_id: UUID
    first_name: str
    last_name: str
    done: bool
    changed_at: datetime | None


class DoneReport(msgspec.Struct):
    homework_id: UUID
    done_count: int
    student_count: int
    students: list[DoneLine]
