"""The vie scolaire's side of the canteen menus (staff and administrators).

GET /api/school/canteen/week?monday=   the week's menus, drafts included (default: this week)
PUT /api/school/canteen/week           {"monday", "days": [...], "published": bool}: the whole week (idempotent)
"""

from __future__ import annotations

from datetime import date, timedelta

from litestar import Controller, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.canteen.catalogue import ALLERGENS, COURSES
from api.canteen.read import menus_with_drafts
from api.canteen.service import labels, require_monday, save_week
from api.canteen.structs import WeekIn, WeekOut
from api.dates import require_school_date, school_today
from api.openapi import errors
from api.timetable.school_service import monday_of
from piccolo_conf import DB


async def week_out(principal: Principal, monday: date) -> WeekOut:
    days = await menus_with_drafts(principal.school_id, monday, monday + timedelta(days=6))
    return WeekOut(
        monday=monday,
        published=bool(days) and all(day.published_at for day in days),
        days=days,
        courses=labels(COURSES),
        allergens=labels(ALLERGENS),
    )


class SchoolCanteenController(Controller):
    path = "/api/school/canteen/week"
    tags = ["cantine"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get("/", summary="A week's menus, drafts included", responses=errors())
    async def week(self, principal: NamedDependency[Principal], monday: FromQuery[date | None] = None) -> WeekOut:
        monday = monday or monday_of(await school_today(principal.school_id))
        require_monday(require_school_date(monday, "monday"))
        return await week_out(principal, monday)

    @put("/", summary="Save a week's menus, as a draft or published (idempotent)", responses=errors())
    async def save(self, principal: NamedDependency[Principal], data: JSONBody[WeekIn]) -> WeekOut:
        require_monday(require_school_date(data.monday, "monday"))
        async with DB.transaction():
            await save_week(principal, data)
        return await week_out(principal, data.monday)


ROUTES = [SchoolCanteenController]
