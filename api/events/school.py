"""The school's calendar, managed by the vie scolaire and the direction; teachers read it.

GET    /api/school/events?start=&end=   every event in the range (default: today and 60 days)
POST   /api/school/events               create (idempotent by client_id)
PUT    /api/school/events/{id}          change
DELETE /api/school/events/{id}          remove
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.dates import school_today
from api.events import service
from api.events.read import school_events
from api.events.structs import EventIn, EventOut, Events
from api.openapi import errors
from piccolo_conf import DB

MANAGERS = principal_with_roles("staff", "admin")


class SchoolEventsController(Controller):
    path = "/api/school/events"
    tags = ["agenda"]
    dependencies = {"principal": Provide(MANAGERS)}

    @get(
        "/",
        summary="The school's events between two days",
        dependencies={"principal": Provide(principal_with_roles("teacher", "staff", "admin"))},
        responses=errors(),
    )
    async def events(
        self,
        principal: NamedDependency[Principal],
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
    ) -> Events:
        start, end = service.date_range(await school_today(principal.school_id), start, end)
        return await school_events(principal.school_id, start, end)

    @post("/", summary="Add an event (idempotent by client_id)", status_code=200, responses=errors(404))
    async def create(self, principal: NamedDependency[Principal], data: JSONBody[EventIn]) -> EventOut:
        event_id = await service.create_event(principal, data)  # in its own transaction
        return await service.event_by_id(principal.school_id, event_id)

    @put("/{event_id:uuid}", summary="Change an event", responses=errors(404))
    async def change(
        self, principal: NamedDependency[Principal], event_id: FromPath[UUID], data: JSONBody[EventIn]
    ) -> EventOut:
        async with DB.transaction():
            await service.change_event(principal, event_id, data)
        return await service.event_by_id(principal.school_id, event_id)

    @delete("/{event_id:uuid}", summary="Remove an event", status_code=204, responses=errors(404))
    async def remove(self, principal: NamedDependency[Principal], event_id: FromPath[UUID]) -> None:
        await service.remove_event(principal, event_id)


ROUTES = [SchoolEventsController]
