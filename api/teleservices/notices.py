"""What a family hears when the school decides on a téléservice request (a piece asked, a bourse
granted or refused, the class council's answer), and what the school hears when a family declines
the council's answer and asks for a meeting with the head of school.

The push is recorded by `requests.move` in the decision's own transaction (`api/push/events.py`),
one event per legal guardian (not the student: the request is the parents'): a decision rolled back
announces nothing, a decision committed is always announced. The e-mail goes through the one sender
after the commit (`api/notifications/notify.py`), since an external provider cannot take part in the
transaction. Neither carries a detail of the request: only that something changed and where to read it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from api.notifications.notify import Notice, notify_guardians, notify_users
from api.push import events
from api.teleservices.catalogue import FAMILY_PAGE, SCHOOL_PAGE
from db.core.tables import Guardianship, User

KIND, SCREEN = "teleservice", "demarches"  # the preference kind, the app's screen a tap opens


def push_guardians(subject: str) -> Callable[[dict], Awaitable[None]]:
    """For `requests.move(announce=...)`: record the push of `subject` to the request's student's guardians."""

    async def announce(row: dict) -> None:
        school_id, student_id = row["school_id"], row["student_id"]
        links = await Guardianship.select(Guardianship.parent_id).where(
            (Guardianship.school_id == school_id) & (Guardianship.student_id == student_id)
        )
        guardians = (
            await User.select(User.id).where(
                (User.school_id == school_id)
                & User.id.is_in([link["parent_id"] for link in links])
                & (User.disabled == False)
            )
            if links
            else []
        )
        await events.record(
            school_id,
            [events.Event(KIND, student_id, SCREEN, {"subject": subject}, user_id=g["id"]) for g in guardians],
        )

    return announce


async def email_guardians(school_id: UUID, student_id: UUID, subject: str, text: str) -> None:
    """After the commit: the e-mail to each guardian (a provider's failure is logged, the decision stands)."""
    await notify_guardians(Notice(school_id, subject, text, FAMILY_PAGE), student_id)


async def email_school(school_id: UUID, subject: str, text: str) -> None:
    """After the commit: the e-mail to the school's téléservices staff (secretariat, CPE) and administrator
    (the head of school), each active account with an address."""
    staff = await User.select(User.id).where(
        (User.school_id == school_id) & User.role.is_in(["staff", "admin"]) & (User.disabled == False)
    )
    await notify_users(Notice(school_id, subject, text, SCHOOL_PAGE), [row["id"] for row in staff])
