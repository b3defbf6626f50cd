"""Shapes of the teacher's evaluations API (competences, optional grades, publication)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

import msgspec

Positive = Annotated[float, msgspec.Meta(gt=0, le=100)]


class CompetenceOut(msgspec.Struct):
    id: UUID
    code: str
    label: str
    domain: str


class EvaluationIn(msgspec.Struct, forbid_unknown_fields=True):
    subject_id: UUID
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    given_on: date
    competence_ids: Annotated[list[UUID], msgspec.Meta(max_length=20)] = []
    class_id: UUID | None = None
    group_id: UUID | None = None
    graded: bool = False
    out_of: Positive | None = None
    coefficient: Positive | None = None


class ResultIn(msgspec.Struct, forbid_unknown_fields=True):
    student_id: UUID
    competence_id: UUID
    level: str | None  # a key of db.evaluations.tables.LEVELS; null erases


class GradeIn(msgspec.Struct, forbid_unknown_fields=True):
    student_id: UUID
    value: Annotated[float, msgspec.Meta(ge=0, le=100)] | None = None
    status: str = ""  # "" | absent | dispensé | non rendu


class ResultsIn(msgspec.Struct, forbid_unknown_fields=True):
    results: Annotated[list[ResultIn], msgspec.Meta(max_length=5000)] = []
    grades: Annotated[list[GradeIn], msgspec.Meta(max_length=500)] = []


class PublishIn(msgspec.Struct, forbid_unknown_fields=True):
    at: datetime | None = None  # null: now


class StudentResults(msgspec.Struct):
    student_id: UUID
    first_name: str
    last_name: str
    levels: dict[str, str]  # competence id -> level
    grade: Decimal | None
    grade_status: str


class EvaluationOut(msgspec.Struct):
    id: UUID
    subject_id: UUID
    class_id: UUID | None
    group_id: UUID | None
    audience: str
    title: str
    given_on: date
    graded: bool
    out_of: Decimal | None
    coefficient: Decimal | None
    publish_at: datetime | None
    competences: list[CompetenceOut]
    levels: dict[str, str]  # the four levels, key -> French label
    students: list[StudentResults] = []
