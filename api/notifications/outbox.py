"""GET /api/demo/outbox: the messages the default sender recorded. Demo mode only (404 otherwise)."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get

from api.config import get_settings
from api.errors import ApiError
from db.accounts.tables import OutboxMessage
from db.core.tables import School

LATEST = 30


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

    @get("/", summary="Demo: the SMS and e-mails sent (newest first)")
    async def outbox(self) -> Outbox:
        # Read per request (not at import) so a process started outside demo mode never shows it.
        if not get_settings().demo_mode:
            raise ApiError(404, "not_found", "Ressource introuvable.")
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
