"""GET /api/health: the process is up and the database answers.

Not healthy answers as every other route does when the database fails it (`api/errors.py`): 503
`service_unavailable` (out of reach) or `server_busy` (every connection taken), with `Retry-After`;
a probe and the PWA read one contract."""

import logging

import msgspec
from litestar import Controller, get

from api.errors import OUTAGES, unavailable
from piccolo_conf import DB

logger = logging.getLogger("cartable.health")


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
        except OUTAGES:
            raise  # the app's own answer for it (and the pool renewed)
        except Exception as exc:  # noqa: BLE001 - any other failure still means "not healthy"
            logger.warning("Health check failed: %r", exc, exc_info=exc)
            raise unavailable() from exc
        return Health(status="ok", database="ok")


ROUTES = [HealthController]
