"""The school calendar as a family reads it: the whole school's events and the child's class's.

GET /api/students/{student_id}/events?start=&end=   (default: today and the 60 days after; at most a year)
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery

from api.auth.principal import Principal, principal_with_roles
from api.auth.scope import family_student_audience
from api.events import service
from api.events.structs import Events
from api.openapi import errors


class FamilyEventsController(Controller):
    path = "/api/students/{student_id:uuid}/events"
    tags = ["agenda"]
    dependencies = {"principal": Provide(principal_with_roles("student", "parent"))}

    @get("/", summary="The school's and the class's events between two days", responses=errors(404))
    async def events(
        self,
        principal: NamedDependency[Principal],
        student_id: FromPath[UUID],
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
    ) -> Events:
        classes, _ = await family_student_audience(principal, student_id)
        start, end = await service.date_range(principal.school_id, start, end)
        return await service.class_events(principal.school_id, classes, start, end)


ROUTES = [FamilyEventsController]
