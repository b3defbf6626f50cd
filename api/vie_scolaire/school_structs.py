"""Shapes of the school-side vie scolaire API: roll call, remarks, absences by day, punishments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

Text200 = Annotated[str, msgspec.Meta(max_length=200)]


class RollEntry(msgspec.Struct, forbid_unknown_fields=True):
    student_id: UUID
    status: Literal["present", "absent", "late"]
    minutes: Annotated[int, msgspec.Meta(ge=1, le=240)] | None = None  # lateness only


class RollIn(msgspec.Struct, forbid_unknown_fields=True):
    entries: Annotated[list[RollEntry], msgspec.Meta(max_length=200)]


class RollLine(msgspec.Struct):
    student_id: UUID
    first_name: str
    last_name: str
    status: str  # present | absent | late
    minutes: int | None


class Roll(msgspec.Struct):
    lesson_id: UUID
    called: bool  # the roll was taken at least once
    students: list[RollLine]


class RemarkIn(msgspec.Struct, forbid_unknown_fields=True):
    student_id: UUID
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    text: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    lesson_id: UUID | None = None


class RemarkOut(msgspec.Struct):
    id: UUID
    student_id: UUID
    kind: str
    text: str
    lesson_id: UUID | None
    created_at: datetime


class AbsenceLine(msgspec.Struct):
    id: UUID
    student_id: UUID
    first_name: str
    last_name: str
    class_name: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    justification_state: str


class JustifyIn(msgspec.Struct, forbid_unknown_fields=True):
    state: Literal["justified", "refused", "unjustified"]
    reason: Text200 = ""


class PunishmentIn(msgspec.Struct, forbid_unknown_fields=True):
    student_id: UUID
    kind: Literal["retenue", "devoir supplémentaire", "exclusion de cours", "avertissement"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    due_on: date | None = None


class PunishmentChange(msgspec.Struct, forbid_unknown_fields=True):
    done: bool


class PunishmentOut(msgspec.Struct):
    id: UUID
    student_id: UUID
    first_name: str
    last_name: str
    kind: str
    reason: str
    due_on: date | None
    done: bool
    created_at: datetime
