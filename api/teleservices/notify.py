"""Telling a family that the school answered: one hook, several channels.

    await notify_family(FamilyNotice(school_id, student_id, subject, text, url))

reaches every legal guardian of the student through each registered channel. E-mail (through the
one sender, `api/notifications/sender.py`) is the first; Web Push (issue #13) plugs in with
`add_channel(push_channel)` and needs no change here or in the callers. A failing channel is
logged and never undoes the school's decision, which is already saved.

Messages carry no personal detail (no income, no échelon): only that something changed and where
to read it, since an e-mail may be read by anyone who shares the mailbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from uuid import UUID

import msgspec

from api.config import get_settings
from api.notifications.sender import send_email
from db.core.tables import Guardianship, User

logger = logging.getLogger("cartable.teleservices")


FAMILY_PAGE = "/espace/teleservices.html"


class FamilyNotice(msgspec.Struct, frozen=True):
    school_id: UUID
    student_id: UUID
    subject: str
    text: str
    url: str = FAMILY_PAGE  # where the family reads the answer, relative to the public origin


class Guardian(msgspec.Struct, frozen=True):
    id: UUID
    first_name: str
    last_name: str
    email: str | None


Channel = Callable[[FamilyNotice, list[Guardian]], Awaitable[None]]


async def email_channel(notice: FamilyNotice, guardians: list[Guardian]) -> None:
    link = get_settings().public_url.rstrip("/") + notice.url
    for guardian in guardians:
        if guardian.email:
            text = f"Bonjour {guardian.first_name} {guardian.last_name},\n\n{notice.text}\n\n{link}\n"
            await send_email(notice.school_id, guardian.email, notice.subject, text)


_channels: list[Channel] = [email_channel]


def add_channel(channel: Channel) -> None:
    if channel not in _channels:
        _channels.append(channel)


async def guardians_of(school_id: UUID, student_id: UUID) -> list[Guardian]:
    links = await Guardianship.select(Guardianship.parent_id).where(
        (Guardianship.school_id == school_id) & (Guardianship.student_id == student_id)
    )
    ids = [link["parent_id"] for link in links]
    if not ids:
        return []
    rows = await User.select(User.id, User.first_name, User.last_name, User.email).where(
        (User.school_id == school_id) & User.id.is_in(ids) & (User.disabled == False)
    )
    return [Guardian(**row) for row in rows]


async def notify_family(notice: FamilyNotice) -> None:
    guardians = await guardians_of(notice.school_id, notice.student_id)
    for channel in _channels:
        try:
            await channel(notice, guardians)
        except Exception:  # a provider outage must not turn a saved decision into an error
            logger.exception("Family notice through %s failed", getattr(channel, "__name__", channel))
