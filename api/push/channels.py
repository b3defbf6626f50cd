"""School answers told through `api/notifications/notify.py` reach the phones too: its push channel.

Registered at import (the app imports every module under api/). The school's write is already saved
when the hook runs; the notification rows are written in their own transaction right after. A notice
becomes a push when it is about a student (`notify_guardians`) and its page is one a preference kind
stands for; a tap opens the app's screen for that page. The others (a staff member's alert, a student's
returned copy) stay e-mail only.
"""

from __future__ import annotations

from api.notifications.notify import Notice, Recipient, add_channel
from api.push import events
from api.teleservices.catalogue import FAMILY_PAGE as TELESERVICES_PAGE

# The espace page a notice names → (preference kind, the app's screen a tap opens).
PAGE_KINDS = {TELESERVICES_PAGE: ("teleservice", "demarches")}


async def push_channel(notice: Notice, recipients: list[Recipient]) -> None:
    kind, screen = PAGE_KINDS.get(notice.url, (None, None))
    if notice.student_id is None or kind is None or not recipients:
        return
    async with events.transaction():
        await events.record(
            notice.school_id,
            [
                events.Event(kind, notice.student_id, screen, {"subject": notice.subject}, user_id=recipient.id)
                for recipient in recipients
            ],
        )


add_channel(push_channel)
