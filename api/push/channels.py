"""Téléservice decisions reach the phones too: the push channel of `api/teleservices/notify.py`.

Registered at import (the app imports every module under api/). The decision is already saved when
the hook runs; its notification rows are written in their own transaction right after.
"""

from __future__ import annotations

from api.push import events
from api.teleservices.notify import FamilyNotice, Guardian, add_channel


async def push_channel(notice: FamilyNotice, guardians: list[Guardian]) -> None:
    async with events.transaction():
        await events.record(
            notice.school_id,
            [
                events.Event("teleservice", notice.student_id, notice.url, {"subject": notice.subject},
                             user_id=guardian.id)  # fmt: skip
                for guardian in guardians
            ],
        )


add_channel(push_channel)
