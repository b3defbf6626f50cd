"""The one way to find, open and change a request (a bourse request or a fiche dialogue), and its history.

`open_or_get` gives a child's request for a campaign: the one already open (by either guardian),
or a new draft while the campaign is open. `move` locks the request row, checks the move is allowed
from its current state, applies it and writes a `teleservice_event` (who, when, from, to, message)
and, for a school decision, the families' push events, in one transaction. Two people acting at
once cannot both win: the second finds the new state and gets a 409 telling who acted and when.

A phone may retry: an action carrying a `client_id` already recorded for this request is answered
with the request as it is, without acting twice; so is the same person repeating the move that
brought the request to its current state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import NamedTuple
from uuid import UUID

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.table import Table

from api.auth.principal import Principal
from api.clock import now
from api.dates import school_zone
from api.errors import ApiError
from api.people import Person, people, require_guardian
from api.push import events as push_events
from api.teleservices import campaigns
from api.teleservices.catalogue import BOURSE_SERVICES, ORIENTATION_SERVICES, STATE_LABELS
from db.teleservices.tables import BourseRequest, OrientationForm, TeleserviceEvent
from piccolo_conf import DB

ACTION_LABELS = {
    "create": "Demande ouverte",
    "file": "Demande déposée",
    "request_piece": "Pièce demandée par l'établissement",
    "complete": "Pièce envoyée par la famille",
    "grant": "Bourse accordée",
    "refuse": "Bourse refusée",
    "withdraw": "Demande retirée",
    "reopen": "Demande reprise",
    "take_over": "Demande reprise à son nom par un autre responsable légal (brouillon précédent effacé)",
    "wishes": "Vœux enregistrés",
    "submit": "Vœux transmis à l'établissement",
    "answer": "Réponse du conseil de classe",
    "propose": "Proposition du conseil de classe (aucun vœu transmis)",
    "accept": "Réponse acceptée par la famille",
    "decline": "Réponse refusée — rendez-vous demandé",
}


SCHOOL_ROLES = ("staff", "admin")


class Move(NamedTuple):
    sources: tuple[str, ...]
    target: str


class Kind(NamedTuple):
    """A kind of request: its table, the event column pointing at it, the services it serves."""

    name: str  # bourse | orientation (the key of its state labels)
    table: type[Table]
    event_column: str
    services: tuple[str, ...]
    not_found: ApiError
    wrong_service: ApiError


BOURSE = Kind(
    "bourse",
    BourseRequest,
    "bourse_request_id",
    BOURSE_SERVICES,
    ApiError(404, "not_found", "Demande introuvable."),
    ApiError(400, "not_a_bourse", "Ce téléservice n'est pas une demande de bourse."),
)
ORIENTATION = Kind(
    "orientation",
    OrientationForm,
    "orientation_form_id",
    ORIENTATION_SERVICES,
    ApiError(404, "not_found", "Fiche introuvable."),
    ApiError(400, "not_orientation", "Ce téléservice n'est pas une fiche d'orientation."),
)


async def find(kind: Kind, school_id: UUID, request_id: UUID) -> dict:
    row = await kind.table.select().where((kind.table.school_id == school_id) & (kind.table.id == request_id)).first()
    if row is None:
        raise kind.not_found
    return row


async def find_for_family(kind: Kind, principal: Principal, request_id: UUID) -> dict:
    """The request, if the principal is a legal guardian of its student (else a 404, as if it did not exist)."""
    row = await find(kind, principal.school_id, request_id)
    try:
        await require_guardian(principal, row["student_id"])
    except ApiError:
        raise kind.not_found from None
    return row


async def kind_campaign(kind: Kind, school_id: UUID, campaign_id: UUID) -> dict:
    campaign = await campaigns.campaign_by_id(school_id, campaign_id)
    if campaign["service"] not in kind.services:
        raise kind.wrong_service
    return campaign


async def open_or_get(kind: Kind, principal: Principal, campaign_id: UUID, student_id: UUID, **fields) -> UUID:
    """The child's request for the campaign: the existing one, else a new draft (campaign open) with `fields`."""
    card = await require_guardian(principal, student_id)
    campaign = await kind_campaign(kind, principal.school_id, campaign_id)
    campaigns.require_concerned(campaign, card.level)
    table = kind.table
    where = (
        (table.school_id == principal.school_id) & (table.campaign_id == campaign["id"]) & (table.student_id == card.id)
    )
    existing = await table.select(table.id).where(where).first()
    if existing:
        return existing["id"]
    campaigns.require_open(campaign, await campaigns.school_today(principal.school_id))
    row = table(
        school_id=principal.school_id, campaign_id=campaign["id"], student_id=card.id, updated_at=now(), **fields
    )
    try:
        async with DB.transaction():
            await row.save()
            await record(kind, principal, row.id, "create", ("", "draft"))
    except UniqueViolationError:  # the other guardian (or a retry) opened it at the same moment
        return (await table.select(table.id).where(where).first())["id"]
    return row.id


class EventOut(msgspec.Struct):
    action: str
    label: str
    from_state: str
    to_state: str
    by: str  # the person's name
    by_school: bool  # the school acted (else the family)
    message: str
    at: datetime


def _event_where(kind: Kind, school_id: UUID, request_id: UUID):
    column = getattr(TeleserviceEvent, kind.event_column)
    return (TeleserviceEvent.school_id == school_id) & (column == request_id)


async def _last_event(kind: Kind, school_id: UUID, request_id: UUID, client_id: str = "") -> dict | None:
    where = _event_where(kind, school_id, request_id)
    if client_id:
        where = where & (TeleserviceEvent.client_id == client_id)
    return await TeleserviceEvent.select().where(where).order_by(TeleserviceEvent.created_at, ascending=False).first()


async def record(
    kind: Kind,
    principal: Principal,
    request_id: UUID,
    action: str,
    states: tuple[str, str],
    *,
    message: str = "",
    client_id: str = "",
) -> None:
    """Write one event (inside the caller's transaction when there is one); `states` is (before, after)."""
    await TeleserviceEvent.insert(
        TeleserviceEvent(
            school_id=principal.school_id,
            action=action,
            from_state=states[0],
            to_state=states[1],
            actor_id=principal.user_id,
            message=message,
            client_id=client_id,
            **{kind.event_column: request_id},
        )
    )


async def conflict(kind: Kind, school_id: UUID, request_id: UUID, state: str) -> ApiError:
    """A 409 that says what happened: the current state, who brought it there and when."""
    last = await _last_event(kind, school_id, request_id)
    label = STATE_LABELS[kind.name][state].lower()
    if last is None:
        return ApiError(409, "state_conflict", f"Impossible : la demande est {label}.", details={"state": state})
    who = (await people(school_id, [last["actor_id"]])).get(last["actor_id"], Person("quelqu'un", ""))
    when = last["created_at"].astimezone(await school_zone(school_id)).strftime("%d/%m/%Y à %H:%M")
    return ApiError(
        409,
        "state_conflict",
        f"Impossible : la demande est déjà « {STATE_LABELS[kind.name][state]} » ({who.name}, le {when}).",
        details={"state": state},
    )


Within = Callable[[dict], Awaitable[bool | None]]
Announce = Callable[[dict], Awaitable[None]]


async def move(
    kind: Kind,
    principal: Principal,
    request_id: UUID,
    action: str,
    allowed: Move,
    *,
    message: str = "",
    client_id: str = "",
    values: dict | None = None,
    within: Within | None = None,
    announce: Announce | None = None,
) -> bool:
    """Apply `action` to the request; True if it changed something, False for a replay.

    `within(row)` runs in the transaction once the move is allowed: it may refuse (raise), write
    what goes with the move, or return False when the action changes nothing (no event is written).
    `announce(row)` records in the same transaction the push events of the move (`notices.py`): they
    exist if and only if the move is committed, and the commit wakes the push worker.
    """
    table = kind.table
    where = (table.school_id == principal.school_id) & (table.id == request_id)
    try:
        async with push_events.transaction():
            row = await table.select().where(where).lock_rows().first()
            if row is None:
                raise kind.not_found
            if client_id and await _last_event(kind, principal.school_id, request_id, client_id):
                return False
            if row["state"] not in allowed.sources:
                last = await _last_event(kind, principal.school_id, request_id)
                repeated = (
                    row["state"] == allowed.target
                    and last is not None
                    and (last["action"], last["actor_id"]) == (action, principal.user_id)
                )
                if repeated:
                    return False
                raise await conflict(kind, principal.school_id, request_id, row["state"])
            if within is not None and await within(row) is False:
                return False
            changes = {table.state: allowed.target, table.updated_at: now()}
            changes.update({getattr(table, name): value for name, value in (values or {}).items()})
            await table.update(changes).where(where)
            if announce is not None:
                await announce(row)
            await record(
                kind,
                principal,
                request_id,
                action,
                (row["state"], allowed.target),
                message=message,
                client_id=client_id,
            )
    except UniqueViolationError:  # the same client_id twice at once: the first one stands
        return False
    return True


async def history(kind: Kind, school_id: UUID, request_id: UUID) -> list[EventOut]:
    rows = (
        await TeleserviceEvent.select()
        .where(_event_where(kind, school_id, request_id))
        .order_by(TeleserviceEvent.created_at)
    )
    actors = await people(school_id, [row["actor_id"] for row in rows])
    nobody = Person("", "")
    return [
        EventOut(
            action=row["action"],
            label=ACTION_LABELS.get(row["action"], row["action"]),
            from_state=row["from_state"],
            to_state=row["to_state"],
            by=actors.get(row["actor_id"], nobody).name,
            by_school=actors.get(row["actor_id"], nobody).role in SCHOOL_ROLES,
            message=row["message"],
            at=row["created_at"],
        )
        for row in rows
    ]
