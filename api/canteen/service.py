"""Writing menus (reading them: api/canteen/read.py); every query names the school by equality."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from api.auth.principal import Principal
from api.canteen.catalogue import ALLERGENS
from api.canteen.structs import Label, WeekIn
from api.clock import now
from api.errors import ApiError
from db.canteen.tables import CanteenDish, CanteenMenu


def labels(names: dict[str, str]) -> list[Label]:
    return [Label(code, label) for code, label in names.items()]


def require_monday(monday: date) -> date:
    if monday.weekday() != 0:
        raise ApiError(400, "not_a_monday", "Une semaine de menus commence un lundi.", details={"monday": "weekday"})
    return monday


# One save of a school's week at a time (a double click, two staff members): the second one waits for
# the first to commit, then finds its rows, instead of inserting the same days (a unique violation).
_LOCK_WEEK = "SELECT pg_advisory_xact_lock(hashtextextended({}, 0))"


async def save_week(principal: Principal, data: WeekIn) -> None:
    """The week becomes exactly `data` (days left out are removed), published or as a draft. In a
    transaction: it holds the week's lock until the commit."""
    sid, monday = principal.school_id, data.monday
    sunday = monday + timedelta(days=6)
    days = [d.day for d in data.days]
    if any(not monday <= day <= sunday for day in days) or len(set(days)) != len(days):
        raise ApiError(400, "invalid_day", "Chaque menu doit tenir dans la semaine, un seul par jour.")
    for i, day_in in enumerate(data.days):
        for j, dish in enumerate(day_in.dishes):
            if not dish.name.strip():
                details = {f"days.{i}.dishes.{j}.name": "empty"}
                raise ApiError(400, "invalid", "Donnez un nom à chaque plat.", details=details)
    await CanteenMenu.raw(_LOCK_WEEK, f"canteen-week:{sid}:{monday.isoformat()}")
    moment = now()
    existing = {
        m["day"]: m
        for m in await CanteenMenu.select().where(
            (CanteenMenu.school_id == sid) & (CanteenMenu.day >= monday) & (CanteenMenu.day <= sunday)
        )
    }
    gone = [m["id"] for day, m in existing.items() if day not in days]
    if gone:
        await CanteenMenu.delete().where((CanteenMenu.school_id == sid) & CanteenMenu.id.is_in(gone))
    for day_in in data.days:
        menu = existing.get(day_in.day)
        published_at = ((menu and menu["published_at"]) or moment) if data.published else None
        if menu is None:
            row = CanteenMenu(
                school_id=sid,
                day=day_in.day,
                published_at=published_at,
                updated_by_id=principal.user_id,
                updated_at=moment,
            )
            await row.save()
            menu_id = row.id
        else:
            menu_id = menu["id"]
            await CanteenMenu.update(
                {
                    CanteenMenu.published_at: published_at,
                    CanteenMenu.updated_by_id: principal.user_id,
                    CanteenMenu.updated_at: moment,
                }
            ).where((CanteenMenu.school_id == sid) & (CanteenMenu.id == menu_id))
            await CanteenDish.delete().where((CanteenDish.school_id == sid) & (CanteenDish.menu_id == menu_id))
        positions: dict[str, int] = defaultdict(int)
        dishes = []
        for dish in day_in.dishes:
            positions[dish.course] += 1
            dishes.append(
                CanteenDish(
                    school_id=sid,
                    menu_id=menu_id,
                    course=dish.course,
                    position=positions[dish.course],
                    name=dish.name.strip(),
                    allergens=sorted(set(dish.allergens), key=list(ALLERGENS).index),
                    vegetarian=dish.vegetarian,
                )
            )
        await CanteenDish.insert(*dishes)
