"""Shapes of the bulletins API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

import msgspec

# Class council mentions, as on a French collège bulletin ("" : none).
MENTIONS = {
    "felicitations": "Félicitations",
    "compliments": "Compliments",
    "encouragements": "Encouragements",
    "mise_en_garde_travail": "Mise en garde (travail)",
    "mise_en_garde_comportement": "Mise en garde (comportement)",
}
Mention = Literal[
    "", "felicitations", "compliments", "encouragements", "mise_en_garde_travail", "mise_en_garde_comportement"
]
Appreciation = Annotated[str, msgspec.Meta(max_length=600)]
MAX_STUDENTS = 60


class PeriodOut(msgspec.Struct):
    id: UUID
    name: str
    starts_on: date
    ends_on: date


class SubjectLine(msgspec.Struct):
    subject_id: UUID
    subject: str
    color: str
    teachers: list[str]
    average: float | None  # on 20, weighted by coefficient; None when nothing is graded
    class_average: float | None
    positioning: str | None  # a level of db/evaluations/tables.LEVELS, from the competences evaluated
    positioning_label: str | None
    appreciation: str


class Attendance(msgspec.Struct):
    absent_half_days: int = 0
    unjustified_half_days: int = 0
    late: int = 0


class Bulletin(msgspec.Struct):
    school: str
    school_year: str
    period: PeriodOut
    student_id: UUID
    student: str
    class_name: str
    subjects: list[SubjectLine]
    general_average: float | None
    class_general_average: float | None
    council_appreciation: str
    mention: str
    mention_label: str
    attendance: Attendance
    visible_from: date | None  # when the family may read it (None: not published)


class PublishedBulletin(msgspec.Struct):
    period: PeriodOut
    visible_from: date
    pdf_url: str


class ClassOut(msgspec.Struct):
    id: UUID
    name: str


class BulletinsContext(msgspec.Struct):
    periods: list[PeriodOut]
    current_period_id: UUID | None
    classes: list[ClassOut]  # vie scolaire and direction: every class
    mentions: dict[str, str]


class AppreciationEntry(msgspec.Struct, forbid_unknown_fields=True):
    student_id: UUID
    text: Appreciation  # "" removes it


class AppreciationsIn(msgspec.Struct, forbid_unknown_fields=True):
    subject_id: UUID
    entries: Annotated[list[AppreciationEntry], msgspec.Meta(max_length=MAX_STUDENTS)]
    class_id: UUID | None = None
    group_id: UUID | None = None


class AppreciationLine(msgspec.Struct):
    student_id: UUID
    first_name: str
    last_name: str
    average: float | None
    positioning_label: str | None
    text: str
    locked: bool  # the bulletin is published: the appreciation can no longer change


class AppreciationsOut(msgspec.Struct):
    period_id: UUID
    subject_id: UUID
    audience: str
    students: list[AppreciationLine]


class CouncilEntry(msgspec.Struct, forbid_unknown_fields=True):
    student_id: UUID
    appreciation: Appreciation
    mention: Mention = ""


class CouncilIn(msgspec.Struct, forbid_unknown_fields=True):
    entries: Annotated[list[CouncilEntry], msgspec.Meta(max_length=MAX_STUDENTS)]


class CouncilLine(msgspec.Struct):
    student_id: UUID
    first_name: str
    last_name: str
    general_average: float | None
    appreciations: int  # subjects with a teacher's appreciation
    subjects: int
    appreciation: str
    mention: str


class CouncilOut(msgspec.Struct):
    period_id: UUID
    class_id: UUID
    class_name: str
    visible_from: date | None
    locked: bool
    students: list[CouncilLine]


class PublicationIn(msgspec.Struct, forbid_unknown_fields=True):
    visible_from: date
    class_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=50)]


class PublicationLine(msgspec.Struct):
    class_id: UUID
    class_name: str
    visible_from: date | None
    visible: bool  # families read it today
