"""School side of evaluations (teachers).

GET  /api/school/competences                     the school's competence list
GET  /api/school/evaluations                     the teacher's evaluations
POST /api/school/evaluations                     create one for a class or group they teach
GET  /api/school/evaluations/{id}                with the class list and what was recorded
PUT  /api/school/evaluations/{id}/results        record levels and grades (upsert)
POST /api/school/evaluations/{id}/publish        publish to families now, or at {"at": ...}
POST /api/school/evaluations/{id}/unpublish      hide it again
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.evaluations import school_service as service
from api.evaluations.school_structs import CompetenceOut, EvaluationIn, EvaluationOut, PublishIn, ResultsIn


class SchoolEvaluationsController(Controller):
    path = "/api/school"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("teacher"))}

    @get("/competences", summary="The school's competences")
    async def competences(self, principal: NamedDependency[Principal]) -> list[CompetenceOut]:
        return await service.competences(principal.school_id)

    @get("/evaluations", summary="The teacher's evaluations")
    async def listing(self, principal: NamedDependency[Principal]) -> list[EvaluationOut]:
        return await service.listing(principal)

    @post("/evaluations", summary="Create an evaluation")
    async def create(self, principal: NamedDependency[Principal], data: JSONBody[EvaluationIn]) -> EvaluationOut:
        return await service.create(principal, data)

    @get("/evaluations/{evaluation_id:uuid}", summary="An evaluation with its class list")
    async def detail(self, principal: NamedDependency[Principal], evaluation_id: FromPath[UUID]) -> EvaluationOut:
        return await service.detail(principal, evaluation_id)

    @put("/evaluations/{evaluation_id:uuid}/results", summary="Record levels and grades")
    async def record(
        self, principal: NamedDependency[Principal], evaluation_id: FromPath[UUID], data: JSONBody[ResultsIn]
    ) -> EvaluationOut:
        return await service.record(principal, evaluation_id, data)

    @post("/evaluations/{evaluation_id:uuid}/publish", summary="Publish to families", status_code=200)
    async def publish(
        self, principal: NamedDependency[Principal], evaluation_id: FromPath[UUID], data: JSONBody[PublishIn]
    ) -> EvaluationOut:
        return await service.publish(principal, evaluation_id, data)

    @post("/evaluations/{evaluation_id:uuid}/unpublish", summary="Hide from families", status_code=200)
    async def unpublish(self, principal: NamedDependency[Principal], evaluation_id: FromPath[UUID]) -> EvaluationOut:
        return await service.unpublish(principal, evaluation_id)


ROUTES = [SchoolEvaluationsController]
