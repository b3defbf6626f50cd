"""Writing the school calendar (reading it: api/events/read.py); every query names the school by equality."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from asyncpg.exceptions import UniqueViolationError

from api.auth.principal import Principal
from api.clock import now
from api.dates import require_school_date
from api.errors import ApiError
from api.events.read import one_event
from api.events.structs import EventIn, EventOut
from db.core.tables import SchoolClass
from db.events.tables import SchoolEvent, SchoolEventClass
from piccolo_conf import DB

EVENT_NOT_FOUND = ApiError(404, "not_found", "Événement introuvable.")
MAX_LENGTH = timedelta(days=120)  # the longest event (a term's holidays are far shorter)
MAX_RANGE = 366
DEFAULT_RANGE = timedelta(days=60)


def date_range(today: date, start: date | None, end: date | None) -> tuple[date, date]:
    """The days asked for (default: `today`, the school's, and the 60 after)."""
    start = require_school_date(start or today, "start")
    end = require_school_date(end or start + DEFAULT_RANGE, "end")
    if not start <= end <= start + timedelta(days=MAX_RANGE):
        raise ApiError(400, "invalid_range", f"Choisissez au plus {MAX_RANGE} jours, dans l'ordre.")
    return start, end


async def event_by_id(school_id: UUID, event_id: UUID) -> EventOut:
    event = await one_event(school_id, event_id)
    if event is None:
        raise EVENT_NOT_FOUND
    return event


async def _check(principal: Principal, data: EventIn) -> None:
    if not data.title.strip():
        raise ApiError(400, "invalid", "Donnez un titre à l'événement.", details={"title": "empty"})
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
    """The new event (or the one this client id already created); its own transaction, not a caller's."""
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
        async with DB.transaction():
            await row.save()
            await _set_classes(principal.school_id, row.id, data.class_ids)
    except UniqueViolationError:
        # The same creation twice at once: the first one stands. Read once the failed transaction is
        # rolled back (PostgreSQL refuses every statement in it).
        if already := await _created_with(principal, data.client_id):
            return already
        raise
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
