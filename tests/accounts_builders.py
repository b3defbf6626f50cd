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


async def make_parent_to_activate(family, *, first_name="Sophie", last_name="Dupont", phone="06 12 34 56 78",
                                  birth_date=None):
    """A parent the school knows (name, phone) who never activated: no identifier, no password.

    Linked to `family.student`, whose birth date is set to `birth_date` (default 2013-05-14)."""
    from datetime import date

    from db.core.tables import Guardianship, User
    from tests.factories import Ref

    await User.update({User.birth_date: birth_date or date(2013, 5, 14)}).where(User.id == family.student.id)
    user = User(school_id=family.school.id, role="parent", identifier="", first_name=first_name,
                last_name=last_name, phone=phone, password_hash=None)
    await user.save()
    await Guardianship.insert(Guardianship(school_id=family.school.id, parent_id=user.id,
                                           student_id=family.student.id))
    return Ref(id=user.id, school_id=family.school.id, role="parent")
