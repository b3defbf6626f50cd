"""GET /api/health: the process is up and the database answers."""

import msgspec
from litestar import Controller, get

from api.errors import ApiError
from piccolo_conf import DB


class Health(msgspec.Struct):
    status: str
    database: str


class HealthController(Controller):
    path = "/api/health"
    tags = ["health"]

    @get("/", summary="Liveness and database check")
    async def health(self) -> Health:
        try:
            await DB.run_ddl("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            raise ApiError(503, "database_unavailable", "La base de données ne répond pas.") from exc
        return Health(status="ok", database="ok")


ROUTES = [HealthController]
