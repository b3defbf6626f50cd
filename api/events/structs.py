"""Shapes of the school calendar API."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.fields import ClientId

KINDS = {
    "outing": "Sortie",
    "parents_evening": "Réunion parents-professeurs",
    "class_council": "Conseil de classe",
    "holiday": "Vacances",
    "exam": "Examen",
    "other": "Événement",
}
Kind = Literal["outing", "parents_evening", "class_council", "holiday", "exam", "other"]


class EventIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Kind
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    first_day: date
    last_day: date
    starts_at: time | None = None  # both or neither: none is "all day"
    ends_at: time | None = None
    details: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    location: Annotated[str, msgspec.Meta(max_length=200)] = ""
    class_ids: Annotated[list[UUID], msgspec.Meta(max_length=50)] = []  # none: the whole school
    client_id: ClientId | None = None  # creation only: a resent creation adds nothing


class ClassRef(msgspec.Struct):
    id: UUID
    name: str


class EventOut(msgspec.Struct):
    id: UUID
    kind: str
    kind_label: str
    title: str
    details: str
    location: str
    first_day: date
    last_day: date
    starts_at: time | None
    ends_at: time | None
    classes: list[ClassRef]  # empty: the whole school


class Events(msgspec.Struct):
    start: date
    end: date
    events: list[EventOut]
    kinds: dict[str, str] = msgspec.field(default_factory=lambda: dict(KINDS))
