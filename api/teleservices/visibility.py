"""What the school sees of the families' requests: nothing before the family sends it.

A bourse request is the family's own while it is a draft (its figures, its tax notice): the school
sees it once it is filed. A request withdrawn while still a draft was never filed, and stays unseen;
one withdrawn after filing stays on the school's lists, as filed. A fiche dialogue reaches the school
when its wishes are sent, or when the class council, the families' window closed, makes its proposal
without wishes (orientation_proposal.py): the wishes the family saved and never sent then stay its
own (`origin` "unsent"), out of the school's sight. What the school may not see is a 404 to it, as if
it did not exist: it is not listed, not read, not exported, and its pieces are not downloaded.
"""

from __future__ import annotations

from uuid import UUID

from api.teleservices.requests import BOURSE, ORIENTATION, find
from db.teleservices.tables import TeleserviceEvent

# States in which a request is still the family's alone.
UNSENT = "draft"


async def unfiled_bourses(school_id: UUID, rows: list[dict]) -> set[UUID]:
    """The bourse requests among `rows` the school may not see: drafts, and requests withdrawn as drafts."""
    hidden = {row["id"] for row in rows if row["state"] == UNSENT}
    withdrawn = [row["id"] for row in rows if row["state"] == "withdrawn"]
    if withdrawn:
        events = (
            await TeleserviceEvent.select(TeleserviceEvent.bourse_request_id, TeleserviceEvent.from_state)
            .where(
                (TeleserviceEvent.school_id == school_id)
                & TeleserviceEvent.bourse_request_id.is_in(withdrawn)
                & (TeleserviceEvent.action == "withdraw")
            )
            .order_by(TeleserviceEvent.created_at)
        )
        withdrawn_from = {event["bourse_request_id"]: event["from_state"] for event in events}  # the last one
        hidden |= {request_id for request_id, state in withdrawn_from.items() if state == UNSENT}
    return hidden


async def school_bourses(school_id: UUID, rows: list[dict]) -> list[dict]:
    hidden = await unfiled_bourses(school_id, rows)
    return [row for row in rows if row["id"] not in hidden]


def school_forms(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row["state"] != UNSENT]


async def school_bourse(school_id: UUID, request_id: UUID) -> dict:
    """A bourse request the school may see (filed at least once), else a 404."""
    row = await find(BOURSE, school_id, request_id)
    if not await school_bourses(school_id, [row]):
        raise BOURSE.not_found
    return row


async def school_form(school_id: UUID, form_id: UUID) -> dict:
    """A fiche dialogue whose wishes were sent, else a 404."""
    row = await find(ORIENTATION, school_id, form_id)
    if not school_forms([row]):
        raise ORIENTATION.not_found
    return row
