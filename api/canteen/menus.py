"""The published menus, for everyone in the school (families, teachers, staff): one statement with
its ETag (api/read_models.py), so a phone that has the week downloads it once.

GET /api/canteen/menus?start=&end=   published days between two dates (default: this school day and
                                     the six after; at most 31 days), e.g. the week screen
"""

from __future__ import annotations

from datetime import date, timedelta

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery

from api.canteen.read import MENUS_SQL
from api.canteen.structs import Menus
from api.dates import require_school_date
from api.errors import ApiError
from api.read_models import SCHOOL_ROLES, FamilyRead, family_read, read_response, read_responses, reader_today

MAX_DAYS = 31
MENUS = FamilyRead(MENUS_SQL, roles=SCHOOL_ROLES)


class CanteenMenusController(Controller):
    path = "/api/canteen/menus"
    tags = ["cantine"]

    @get("/", summary="Published canteen menus between two days", responses=read_responses())
    async def menus(
        self, request: Request, start: FromQuery[date | None] = None, end: FromQuery[date | None] = None
    ) -> Response[Menus]:
        start = require_school_date(start or await reader_today(request), "start")
        end = require_school_date(end or start + timedelta(days=6), "end")
        if not start <= end <= start + timedelta(days=MAX_DAYS - 1):
            raise ApiError(400, "invalid_range", f"Choisissez au plus {MAX_DAYS} jours, dans l'ordre.")
        return read_response(request, await family_read(request, MENUS, start, end), stamped=False)


ROUTES = [CanteenMenusController]
