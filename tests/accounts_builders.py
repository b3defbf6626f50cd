"""Helpers for the account tests: reading the demo outbox, extracting codes, password sign-in."""

from __future__ import annotations

import re

import httpx

from db.accounts.tables import OutboxMessage
from tests.factories import PASSWORD

STRONG = "Vélo-Rouge-42!"


async def last_message(destination: str) -> str:
    row = await OutboxMessage.select(OutboxMessage.body).where(OutboxMessage.destination == destination).order_by(
        OutboxMessage.created_at, ascending=False).first()
    assert row is not None, f"no message sent to {destination}"
    return row["body"]


async def messages_to(destination: str) -> list[str]:
    rows = await OutboxMessage.select(OutboxMessage.body).where(OutboxMessage.destination == destination)
    return [row["body"] for row in rows]


async def last_code(destination: str) -> str:
    return re.search(r"\b(\d{6})\b", await last_message(destination)).group(1)


async def password_sign_in(client: httpx.AsyncClient, identifier: str, password: str = PASSWORD,
                           profile: str = "famille") -> httpx.Response:
    response = await client.post("/api/session", json={"identifier": identifier, "password": password,
                                                       "profile": profile})
    if response.status_code == 200:
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return response
