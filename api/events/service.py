"""Reading and writing the school calendar; every query names the school by equality."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from uuid import UUID

from asyncpg.exceptions import UniqueViolationError

from api.auth.principal import Principal
from api.clock import now
from api.dates import require_school_date, school_today
from api.errors import ApiError
from api.events.structs import KINDS, ClassRef, EventIn, EventOut, Events
from db.core.tables import SchoolClass
from db.events.tables import SchoolEvent, SchoolEventClass

EVENT_NOT_FOUND = ApiError(404, "not_found", "Événement introuvable.")
MAX_LENGTH = timedelta(days=120)  # the longest event (a term's holidays are far shorter)
MAX_RANGE = 366
DEFAULT_RANGE = timedelta(days=60)

_RANGE_SQL = """
SELECT e.* FROM school_event e
WHERE e.school_id = {} AND e.first_day <= {} AND e.last_day >= {}
ORDER BY e.first_day, e.starts_at NULLS FIRST, e.title
"""
# A class's view: the whole school's events (no class) and those of its classes.
_FOR_CLASSES_SQL = """
SELECT e.* FROM school_event e
WHERE e.school_id = {} AND e.first_day <= {} AND e.last_day >= {}
  AND (NOT EXISTS (SELECT 1 FROM school_event_class c WHERE c.school_id = {} AND c.event_id = e.id)
       OR EXISTS (SELECT 1 FROM school_event_class c
                  WHERE c.school_id = {} AND c.event_id = e.id AND c.class_id = ANY({}::uuid[])))
ORDER BY e.first_day, e.starts_at NULLS FIRST, e.title
"""


async def date_range(school_id: UUID, start: date | None, end: date | None) -> tuple[date, date]:
    start = require_school_date(start or await school_today(school_id), "start")
    end = require_school_date(end or start + DEFAULT_RANGE, "end")
    if not start <= end <= start + timedelta(days=MAX_RANGE):
        raise ApiError(400, "invalid_range", f"Choisissez au plus {MAX_RANGE} jours, dans l'ordre.")
    return start, end


async def _out(school_id: UUID, rows: list[dict]) -> list[EventOut]:
    links: dict[UUID, list[ClassRef]] = defaultdict(list)
    if rows:
        link_rows = await SchoolEventClass.select(SchoolEventClass.event_id, SchoolEventClass.class_id).where(
            (SchoolEventClass.school_id == school_id) & SchoolEventClass.event_id.is_in([r["id"] for r in rows])
        )
        names = {
            c["id"]: c["name"]
            for c in await SchoolClass.select(SchoolClass.id, SchoolClass.name).where(
                SchoolClass.school_id == school_id
            )
        }
        for link in link_rows:
            links[link["event_id"]].append(ClassRef(link["class_id"], names.get(link["class_id"], "")))
    return [
        EventOut(
            id=r["id"],
            kind=r["kind"],
            kind_label=KINDS[r["kind"]],
            title=r["title"],
            details=r["details"],
            location=r["location"],
            first_day=r["first_day"],
            last_day=r["last_day"],
            starts_at=r["starts_at"],
            ends_at=r["ends_at"],
            classes=sorted(links[r["id"]], key=lambda c: c.name),
        )
        for r in rows
    ]


async def school_events(school_id: UUID, start: date, end: date) -> Events:
    return Events(start, end, await _out(school_id, await SchoolEvent.raw(_RANGE_SQL, school_id, end, start)))


async def class_events(school_id: UUID, class_ids: list[UUID], start: date, end: date) -> Events:
    rows = await SchoolEvent.raw(_FOR_CLASSES_SQL, school_id, end, start, school_id, school_id, class_ids)
    return Events(start, end, await _out(school_id, rows))


async def event_by_id(school_id: UUID, event_id: UUID) -> EventOut:
    rows = await SchoolEvent.select().where((SchoolEvent.school_id == school_id) & (SchoolEvent.id == event_id))
    if not rows:
        raise EVENT_NOT_FOUND
    return (await _out(school_id, rows))[0]


async def _check(principal: Principal, data: EventIn) -> None:
    require_school_date(data.first_day, "first_day")
    require_school_date(data.last_day, "last_day")
    if not data.first_day <= data.last_day <= data.first_day + MAX_LENGTH:
        raise ApiError(400, "invalid_days", "La fin doit suivre le début, sur quatre mois au plus.")
    if (data.starts_at is None) != (data.ends_at is None):
        raise ApiError(
            400, "invalid_times", "Indiquez l'heure de début et l'heure de fin, ou aucune (toute la journée)."
        )
    if data.starts_at and data.first_day == data.last_day and data.ends_at <= data.starts_at:
        raise ApiError(400, "invalid_times", "L'heure de fin doit suivre l'heure de début.")
    wanted = set(data.class_ids)
    if wanted:
        known = await SchoolClass.select(SchoolClass.id).where(
            (SchoolClass.school_id == principal.school_id) & SchoolClass.id.is_in(list(wanted))
        )
        if len(known) != len(wanted):
            raise ApiError(404, "not_found", "Classe introuvable.")


def _values(data: EventIn) -> dict:
    return {
        "kind": data.kind,
        "title": data.title.strip(),
        "details": data.details.strip(),
        "location": data.location.strip(),
        "first_day": data.first_day,
        "last_day": data.last_day,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
    }


async def _set_classes(school_id: UUID, event_id: UUID, class_ids: list[UUID]) -> None:
    await SchoolEventClass.delete().where(
        (SchoolEventClass.school_id == school_id) & (SchoolEventClass.event_id == event_id)
    )
    if class_ids:
        await SchoolEventClass.insert(
            *[SchoolEventClass(school_id=school_id, event_id=event_id, class_id=c) for c in dict.fromkeys(class_ids)]
        )


async def _created_with(principal: Principal, client_id: str | None) -> UUID | None:
    if not client_id:
        return None
    row = (
        await SchoolEvent.select(SchoolEvent.id)
        .where(
            (SchoolEvent.school_id == principal.school_id)
            & (SchoolEvent.created_by_id == principal.user_id)
            & (SchoolEvent.client_id == client_id)
        )
        .first()
    )
    return row["id"] if row else None


async def create_event(principal: Principal, data: EventIn) -> UUID:
    if already := await _created_with(principal, data.client_id):
        return already
    await _check(principal, data)
    row = SchoolEvent(
        school_id=principal.school_id,
        created_by_id=principal.user_id,
        updated_at=now(),
        client_id=data.client_id or "",
        **_values(data),
    )
    try:
        await row.save()
    except UniqueViolationError:  # the same creation twice at once
        return await _created_with(principal, data.client_id)
    await _set_classes(principal.school_id, row.id, data.class_ids)
    return row.id


async def change_event(principal: Principal, event_id: UUID, data: EventIn) -> None:
    await event_by_id(principal.school_id, event_id)
    await _check(principal, data)
    values = {getattr(SchoolEvent, k): v for k, v in _values(data).items()}
    await SchoolEvent.update(
        {**values, SchoolEvent.updated_at: now(), SchoolEvent.revision: SchoolEvent.revision + 1}
    ).where((SchoolEvent.school_id == principal.school_id) & (SchoolEvent.id == event_id))
    await _set_classes(principal.school_id, event_id, data.class_ids)


async def remove_event(principal: Principal, event_id: UUID) -> None:
    await event_by_id(principal.school_id, event_id)
    await SchoolEvent.delete().where((SchoolEvent.school_id == principal.school_id) & (SchoolEvent.id == event_id))
