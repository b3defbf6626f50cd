"""The published menus, for everyone in the school (families, teachers, staff).

GET /api/canteen/menus?start=&end=   published days between two dates (default: this school day and
                                     the six after; at most 31 days), e.g. today and tomorrow for Accueil
"""

from __future__ import annotations

from datetime import date, timedelta

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from api.auth.principal import Principal
from api.canteen.service import menus_between
from api.canteen.structs import Menus
from api.dates import require_school_date, school_today
from api.errors import ApiError
from api.openapi import errors

MAX_DAYS = 31


class CanteenMenusController(Controller):
    path = "/api/canteen/menus"
    tags = ["cantine"]

    @get("/", summary="Published canteen menus between two days", responses=errors())
    async def menus(
        self,
        principal: NamedDependency[Principal],
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
    ) -> Menus:
        start = require_school_date(start or await school_today(principal.school_id), "start")
        end = require_school_date(end or start + timedelta(days=6), "end")
        if not start <= end <= start + timedelta(days=MAX_DAYS - 1):
            raise ApiError(400, "invalid_range", f"Choisissez au plus {MAX_DAYS} jours, dans l'ordre.")
        return Menus(start, end, await menus_between(principal.school_id, start, end, published_only=True))


ROUTES = [CanteenMenusController]
