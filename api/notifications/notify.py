"""Telling people that something changed for them: one hook, several channels.

    await notify_users(Notice(school_id, subject, text, url), user_ids)
    await notify_guardians(Notice(...), student_id)      # every legal guardian of the student

E-mail goes through the one sender (`api/notifications/sender.py`), after the action is saved: a
failing channel is logged and never undoes the action. Push notifications are not sent from here:
the school write records them in its own transaction (`api/push/events.py`; téléservices:
`api/teleservices/notices.py`).

Messages carry no personal detail (no income, no name of a pupil who raised an alert): only that
something changed and where to read it, since an e-mail may be read by anyone who shares the mailbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from uuid import UUID

import msgspec

from api.config import get_settings
from api.notifications.sender import send_email
from db.core.tables import Guardianship, User

logger = logging.getLogger("cartable.notifications")


class Notice(msgspec.Struct, frozen=True):
    school_id: UUID
    subject: str
    text: str
    url: str  # where to read more, relative to the public origin
    student_id: UUID | None = None  # the student it is about (set by `notify_guardians`)


class Recipient(msgspec.Struct, frozen=True):
    id: UUID
    first_name: str
    last_name: str
    email: str | None


Channel = Callable[[Notice, list[Recipient]], Awaitable[None]]


async def email_channel(notice: Notice, recipients: list[Recipient]) -> None:
    link = get_settings().public_url.rstrip("/") + notice.url
    for recipient in recipients:
        if recipient.email:
            text = f"Bonjour {recipient.first_name} {recipient.last_name},\n\n{notice.text}\n\n{link}\n"
            await send_email(notice.school_id, recipient.email, notice.subject, text)


_channels: list[Channel] = [email_channel]


async def notify_users(notice: Notice, user_ids: list[UUID]) -> None:
    if not user_ids:
        return
    rows = await User.select(User.id, User.first_name, User.last_name, User.email).where(
        (User.school_id == notice.school_id) & User.id.is_in(list(user_ids)) & (User.disabled == False)
    )
    recipients = [Recipient(**row) for row in rows]
    for channel in _channels:
        try:
            await channel(notice, recipients)
        except Exception:  # a provider outage must not turn a saved action into an error
            logger.exception("Notice through %s failed", getattr(channel, "__name__", channel))


async def notify_guardians(notice: Notice, student_id: UUID) -> None:
    links = await Guardianship.select(Guardianship.parent_id).where(
        (Guardianship.school_id == notice.school_id) & (Guardianship.student_id == student_id)
    )
    about = msgspec.structs.replace(notice, student_id=student_id)
    await notify_users(about, [link["parent_id"] for link in links])
