"""Shapes and words of the alerts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.fields import ClientId

ROLES = {"victim": "Je suis victime", "witness": "Je suis témoin"}
CATEGORIES = {
    "harcelement": "Harcèlement (moqueries, insultes, mise à l'écart)",
    "cyberharcelement": "Cyberharcèlement (réseaux sociaux, messages)",
    "violence": "Violences physiques",
    "autre": "Autre situation qui m'inquiète",
}
# Always shown next to the button: the national numbers, free and anonymous.
HELP = "Tu peux aussi appeler le 3018 (gratuit, anonyme, 7 jours sur 7) ; en cas de danger, le 17 ou le 112."


class AlertIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Literal["victim", "witness"]
    category: Literal["harcelement", "cyberharcelement", "violence", "autre"]
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=3000)]
    client_id: ClientId


class MyAlert(msgspec.Struct):
    id: UUID
    created_at: datetime
    role: str
    category: str
    category_label: str
    body: str
    acknowledged_at: datetime | None  # "pris en compte" (never who read it)


class MyAlerts(msgspec.Struct):
    open: bool  # the school keeps the button on and has designated someone
    help: str
    categories: dict[str, str]
    alerts: list[MyAlert]


class AlertLine(msgspec.Struct):
    """The list shows no name and no text: opening an alert is what reads it (and is logged)."""

    id: UUID
    created_at: datetime
    role_label: str
    category_label: str
    acknowledged_at: datetime | None
    reads: int


class ReadOut(msgspec.Struct):
    reader: str
    read_at: datetime


class AlertDetail(msgspec.Struct):
    id: UUID
    created_at: datetime
    student_id: UUID
    student: str
    class_name: str
    role_label: str
    category_label: str
    body: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    reads: list[ReadOut]


class Person(msgspec.Struct):
    id: UUID
    name: str
    role: str


class AlertSettingsOut(msgspec.Struct):
    enabled: bool
    open: bool  # enabled and at least one designated person
    recipients: list[Person]
    candidates: list[Person]  # the school's staff and administrators


class AlertSettingsIn(msgspec.Struct, forbid_unknown_fields=True):
    enabled: bool
    recipient_ids: Annotated[list[UUID], msgspec.Meta(max_length=20)]


class AuditLine(msgspec.Struct):
    alert_id: UUID
    alert_created_at: datetime
    reader: str
    read_at: datetime
