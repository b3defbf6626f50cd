"""Family "Travail à faire": the homework list by due date, and the student's "Fait" toggle.

A student marks their own homework done; parents read it. A phone may resend a queued change any
number of times: the write carries a change id and the device's time, and the later change wins.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from litestar import Controller, Request, Response, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api import clock
from api.auth.principal import Principal
from api.auth.scope import require_student
from api.dates import check_range, parse_day
from api.errors import ApiError
from api.homework.family_read import HOMEWORK_LIST_SQL, HOMEWORK_REACHES_SQL
from api.homework.family_service import set_done
from api.homework.family_structs import DoneChange, DoneState, HomeworkList
from api.read_models import READ_RESPONSES, FamilyRead, family_read, read_response, reader_today
from piccolo_conf import DB

DEFAULT_WEEKS = 3
MAX_DAYS = 120
# A device clock far in the future would freeze the state (a later change always wins): clamp it.
CLOCK_SKEW = timedelta(minutes=5)
HOMEWORK_LIST = FamilyRead(HOMEWORK_LIST_SQL)


class FamilyHomeworkController(Controller):
    path = "/api/students/{student_id:uuid}/homework"
    tags = ["homework"]

    @get("/", summary="Homework of a student by due date, with lesson content", responses=READ_RESPONSES)
    async def homework_list(
        self,
        request: Request,
        student_id: FromPath[UUID],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
    ) -> Response[HomeworkList]:
        first = parse_day(start, await reader_today(request), "start")
        last = parse_day(end, first + timedelta(weeks=DEFAULT_WEEKS), "end")
        check_range(first, last, MAX_DAYS)
        return read_response(request, await family_read(request, HOMEWORK_LIST, student_id, first, last))

    @put("/{homework_id:uuid}/done", summary="Mark a homework done or not (students; idempotent by change_id)")
    async def toggle_done(
        self,
        principal: NamedDependency[Principal],
        student_id: FromPath[UUID],
        homework_id: FromPath[UUID],
        data: JSONBody[DoneChange],
    ) -> DoneState:
        if principal.role != "student" or principal.user_id != student_id:
            if principal.role == "parent":
                await require_student(principal, student_id)
                raise ApiError(403, "forbidden", "Seul l'élève peut indiquer qu'un travail est fait.")
            raise ApiError(404, "not_found", "Élève introuvable.")
        change_id = data.change_id.strip()
        if not 8 <= len(change_id) <= 64:
            raise ApiError(400, "invalid", "Identifiant de modification invalide.", details={"change_id": "length"})
        if data.changed_at.tzinfo is None:
            raise ApiError(
                400,
                "invalid",
                "La date de modification doit préciser le fuseau horaire.",
                details={"changed_at": "timezone"},
            )
        changed_at = min(data.changed_at, clock.now() + CLOCK_SKEW)
        if not await DB.pool.fetchval(HOMEWORK_REACHES_SQL, principal.school_id, homework_id, student_id, student_id):
            raise ApiError(404, "not_found", "Devoir introuvable.")
        done, at, applied = await set_done(
            principal.school_id, homework_id, student_id, data.done, changed_at, change_id
        )
        return DoneState(homework_id=homework_id, done=done, changed_at=at, applied=applied)


ROUTES = [FamilyHomeworkController]
