"""School side of the cahier de textes (teachers only).

GET    /api/school/lessons/{id}/homework   homework given in that lesson
POST   /api/school/homework                give homework in a lesson, due a later date
PATCH  /api/school/homework/{id}           edit one's own
DELETE /api/school/homework/{id}           delete one's own (not once work was handed in)
GET    /api/school/homework/{id}/done      which students marked it done
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.attachments import remove_stored
from api.auth.principal import Principal, principal_with_roles
from api.homework import school_service as service
from api.homework.school_structs import DoneReport, HomeworkChange, HomeworkIn, HomeworkOut
from api.openapi import errors


class SchoolHomeworkController(Controller):
    path = "/api/school"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("teacher"))}

    @get("/lessons/{lesson_id:uuid}/homework", summary="Homework given in a lesson")
    async def of_lesson(self, principal: NamedDependency[Principal], lesson_id: FromPath[UUID]) -> list[HomeworkOut]:
        return await service.of_lesson(principal, lesson_id)

    @post("/homework", summary="Give homework")
    async def give(self, principal: NamedDependency[Principal], data: JSONBody[HomeworkIn]) -> HomeworkOut:
        return await service.give(principal, data)

    @patch("/homework/{homework_id:uuid}", summary="Edit one's homework")
    async def change(
        self, principal: NamedDependency[Principal], homework_id: FromPath[UUID], data: JSONBody[HomeworkChange]
    ) -> HomeworkOut:
        return await service.change(principal, homework_id, data)

    @delete(
        "/homework/{homework_id:uuid}",
        summary="Delete one's homework (not once a student handed in work for it)",
        responses=errors(404, 409),
    )
    async def remove(self, principal: NamedDependency[Principal], homework_id: FromPath[UUID]) -> None:
        for key in await service.remove(principal, homework_id):  # once the rows are gone for good
            remove_stored(principal.school_id, key)

    @get("/homework/{homework_id:uuid}/done", summary="Who marked the homework done")
    async def done(self, principal: NamedDependency[Principal], homework_id: FromPath[UUID]) -> DoneReport:
        return await service.done_report(principal, homework_id)


ROUTES = [SchoolHomeworkController]
