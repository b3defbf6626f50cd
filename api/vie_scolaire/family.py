"""Family "Vie scolaire": absences, lateness, remarks, punishments; a parent reports an absence."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal
from api.auth.scope import require_student
from api.bulletins.frozen import freeze_due
from api.clock import now
from api.errors import ApiError
from api.fields import ClientId
from api.openapi import errors
from api.ratelimit import limit
from api.read_models import READ_RESPONSES, FamilyRead, family_read, read_response
from api.vie_scolaire.family_read import JUSTIFICATION_LABELS, VIE_SCOLAIRE_SQL
from db.vie_scolaire.tables import Absence
from piccolo_conf import DB

VIE_SCOLAIRE = FamilyRead(VIE_SCOLAIRE_SQL)

# $1 school, $2 student, $3 starts, $4 ends, $5 reason, $6 parent, $7 client id, $8 now: a parent's report,
# unless the same client id (`absence_client_uq`) or the same period (`absence_family_period_uq`) was
# already stored by this parent: then nothing, even for two sent at once.
_REPORT = """
INSERT INTO absence (id, school_id, student_id, lesson_id, starts_at, ends_at, reason, justification_state,
                     reported_by_id, created_at, client_id)
VALUES (gen_random_uuid(), $1, $2, NULL, $3, $4, $5, 'pending', $6, $8, $7)
ON CONFLICT DO NOTHING
RETURNING id, starts_at, ends_at, reason, justification_state
"""


class AbsenceOut(msgspec.Struct):
    id: UUID
    starts_at: datetime
    ends_at: datetime
    reason: str
    justification_state: str
    justification_label: str
    reported_by_family: bool


class LatenessOut(msgspec.Struct):
    id: UUID
    occurred_at: datetime
    minutes: int
    justified: bool
    reason: str


class RemarkOut(msgspec.Struct):
    id: UUID
    kind: str
    text: str
    author: str
    created_at: datetime


class PunishmentOut(msgspec.Struct):
    id: UUID
    kind: str
    reason: str
    due_on: date | None
    done: bool
    author: str


class VieScolaire(msgspec.Struct):
    student_id: UUID
    absences: list[AbsenceOut]
    lateness: list[LatenessOut]
    remarks: list[RemarkOut]
    punishments: list[PunishmentOut]
    generated_at: datetime


class AbsenceReport(msgspec.Struct, forbid_unknown_fields=True):
    starts_at: datetime
    ends_at: datetime
    reason: str
    client_id: ClientId | None = None  # from the device (a report queued offline, sent again)


class FamilyVieScolaireController(Controller):
    path = "/api/students/{student_id:uuid}"
    tags = ["vie scolaire"]

    @get(
        "/vie-scolaire",
        summary="Absences, lateness, remarks and punishments of a student",
        responses=READ_RESPONSES,
    )
    async def vie_scolaire(self, request: Request, student_id: FromPath[UUID]) -> Response[VieScolaire]:
        return read_response(request, await family_read(request, VIE_SCOLAIRE, student_id))

    @post(
        "/absences",
        summary="A parent reports an absence of their child (idempotent by client_id, and for the same period)",
        responses=errors(404, 429),
    )
    async def report_absence(
        self, principal: NamedDependency[Principal], student_id: FromPath[UUID], data: JSONBody[AbsenceReport]
    ) -> AbsenceOut:
        if principal.role != "parent":
            raise ApiError(403, "forbidden", "Seul un responsable peut signaler une absence.")
        await require_student(principal, student_id)
        reason = data.reason.strip()
        if not reason or len(reason) > 200:
            raise ApiError(400, "invalid", "Indiquez un motif (200 caractères au plus).", details={"reason": "length"})
        if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None or data.ends_at <= data.starts_at:
            raise ApiError(400, "invalid", "La fin de l'absence doit suivre son début.", details={"ends_at": "order"})
        if data.ends_at - data.starts_at > timedelta(days=31):
            raise ApiError(400, "invalid", "Une absence signalée dure au plus 31 jours.", details={"ends_at": "range"})
        client_id = data.client_id or ""
        await limit("absence-report", str(principal.user_id), max_hits=30, window=timedelta(hours=1))
        sid = principal.school_id
        mine = (Absence.school_id == sid) & (Absence.reported_by_id == principal.user_id)
        same_period = (
            (Absence.student_id == student_id)
            & Absence.lesson_id.is_null()
            & (Absence.starts_at == data.starts_at)
            & (Absence.ends_at == data.ends_at)
        )
        already = (same_period | (Absence.client_id == client_id)) if client_id else same_period
        same = await Absence.select().where(mine & already).first()
        if same is None:  # a resend of the same report creates nothing new
            await freeze_due(sid)  # a published bulletin keeps the absences it showed
            same = await DB.pool.fetchrow(
                _REPORT, sid, student_id, data.starts_at, data.ends_at, reason, principal.user_id, client_id, now()
            )
            if same is None:  # the same report sent twice at once (the unique indexes): the first one stands
                same = await Absence.select().where(mine & already).first()
        return AbsenceOut(
            id=same["id"],
            starts_at=same["starts_at"],
            ends_at=same["ends_at"],
            reason=same["reason"],
            justification_state=same["justification_state"],
            justification_label=JUSTIFICATION_LABELS[same["justification_state"]],
            reported_by_family=True,
        )


ROUTES = [FamilyVieScolaireController]
