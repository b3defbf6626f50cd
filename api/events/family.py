"""The school calendar as a family reads it: the whole school's events and the child's class's, in
one statement with its ETag (api/read_models.py).

GET /api/students/{student_id}/events?start=&end=   (default: today and the 60 days after; at most a year)
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery

from api.events.read import FAMILY_EVENTS_SQL
from api.events.service import date_range
from api.events.structs import Events
from api.read_models import FamilyRead, family_read, read_response, read_responses, reader_today

FAMILY_EVENTS = FamilyRead(FAMILY_EVENTS_SQL)


class FamilyEventsController(Controller):
    path = "/api/students/{student_id:uuid}/events"
    tags = ["agenda"]

    @get("/", summary="The school's and the class's events between two days", responses=read_responses(404))
    async def events(
        self,
        request: Request,
        student_id: FromPath[UUID],
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
    ) -> Response[Events]:
        start, end = date_range(await reader_today(request), start, end)
        return read_response(request, await family_read(request, FAMILY_EVENTS, student_id, start, end), stamped=False)


ROUTES = [FamilyEventsController]
