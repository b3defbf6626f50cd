"""School side of vie scolaire.

Teachers (their own lessons and students):
  GET /api/school/lessons/{id}/roll      the register with today's marks
  PUT /api/school/lessons/{id}/roll      call the roll (absent / late), idempotent
  POST /api/school/remarks               a remark about a student
Vie scolaire / direction (whole school):
  GET  /api/school/absences?day=YYYY-MM-DD
  POST /api/school/absences/{id}/justification   {"state": justified|refused|unjustified, "reason"}
  GET  /api/school/punishments[?student_id=]
  POST /api/school/punishments
  PATCH /api/school/punishments/{id}             {"done": true}
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.dates import school_today
from api.vie_scolaire import school_service as service
from api.vie_scolaire.school_structs import (
    AbsenceLine,
    JustifyIn,
    PunishmentChange,
    PunishmentIn,
    PunishmentOut,
    RemarkIn,
    RemarkOut,
    Roll,
    RollIn,
)


class SchoolRollController(Controller):
    path = "/api/school"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("teacher", "staff", "admin"))}

    @get("/lessons/{lesson_id:uuid}/roll", summary="A lesson's register")
    async def roll(self, principal: NamedDependency[Principal], lesson_id: FromPath[UUID]) -> Roll:
        return await service.roll(principal, lesson_id)

    @put("/lessons/{lesson_id:uuid}/roll", summary="Call the roll")
    async def call_roll(
        self, principal: NamedDependency[Principal], lesson_id: FromPath[UUID], data: JSONBody[RollIn]
    ) -> Roll:
        return await service.call_roll(principal, lesson_id, data)

    @post("/remarks", summary="A remark about a student")
    async def remark(self, principal: NamedDependency[Principal], data: JSONBody[RemarkIn]) -> RemarkOut:
        return await service.add_remark(principal, data)


class VieScolaireController(Controller):
    path = "/api/school"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get("/absences", summary="Absences of a day")
    async def absences(
        self, principal: NamedDependency[Principal], day: FromQuery[date | None] = None
    ) -> list[AbsenceLine]:
        return await service.absences_of_day(principal, day or await school_today(principal.school_id))

    @post("/absences/{absence_id:uuid}/justification", summary="Justify or refuse an absence", status_code=204)
    async def justify(
        self, principal: NamedDependency[Principal], absence_id: FromPath[UUID], data: JSONBody[JustifyIn]
    ) -> None:
        await service.justify(principal, absence_id, data)

    @get("/punishments", summary="Punishments")
    async def punishments(
        self, principal: NamedDependency[Principal], student_id: FromQuery[UUID | None] = None
    ) -> list[PunishmentOut]:
        return await service.punishments(principal, student_id)

    @post("/punishments", summary="Give a punishment")
    async def give(self, principal: NamedDependency[Principal], data: JSONBody[PunishmentIn]) -> PunishmentOut:
        return await service.give_punishment(principal, data)

    @patch("/punishments/{punishment_id:uuid}", summary="Mark a punishment done", status_code=204)
    async def mark(
        self, principal: NamedDependency[Principal], punishment_id: FromPath[UUID], data: JSONBody[PunishmentChange]
    ) -> None:
        await service.mark_punishment(principal, punishment_id, data.done)


ROUTES = [SchoolRollController, VieScolaireController]
