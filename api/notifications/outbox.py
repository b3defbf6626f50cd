"""GET /api/demo/outbox: the messages the default sender recorded. Demo mode only (404 otherwise),
and to this machine only (403 to any other peer, to anything a proxy forwarded, and to a request for
another host name: a DNS-rebinding page in a local browser): the codes it shows would let anyone take
over an account."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, Request, get

from api.client_address import from_this_machine
from api.config import get_settings
from api.errors import ApiError
from api.openapi import errors
from db.accounts.tables import OutboxMessage
from db.core.tables import School

LATEST = 30
NOT_FROM_HERE = ApiError(
    403, "local_only", "Les SMS et e-mails de démonstration ne se lisent que sur l'ordinateur où Cartable tourne."
)


class OutboxItem(msgspec.Struct):
    channel: str
    destination: str
    subject: str
    body: str
    created_at: datetime


class Outbox(msgspec.Struct):
    messages: list[OutboxItem]


class DemoOutboxController(Controller):
    path = "/api/demo/outbox"
    tags = ["demo"]

    @get("/", summary="Demo: the SMS and e-mails sent (newest first), to this machine", responses=errors(404))
    async def outbox(self, request: Request) -> Outbox:
        # Read per request (not at import) so a process started outside demo mode never shows it.
        if not get_settings().demo_mode:
            raise ApiError(404, "not_found", "Ressource introuvable.")
        if not from_this_machine(request):
            raise NOT_FROM_HERE
        # One school at a time (each a shard of its own), newest first overall.
        rows = []
        for school in await School.select(School.id):
            rows += (
                await OutboxMessage.select()
                .where(OutboxMessage.school_id == school["id"])
                .order_by(OutboxMessage.created_at, ascending=False)
                .limit(LATEST)
            )
        rows = sorted(rows, key=lambda row: row["created_at"], reverse=True)[:LATEST]
        return Outbox(
            messages=[
                OutboxItem(
                    channel=r["channel"],
                    destination=r["destination"],
                    subject=r["subject"],
                    body=r["body"],
                    created_at=r["created_at"],
                )
                for r in rows
            ]
        )


ROUTES = [DemoOutboxController]
