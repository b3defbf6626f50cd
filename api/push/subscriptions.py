"""Forgetting a device's push subscription: when the phone asks, and when the device is revoked or unpaired."""

from __future__ import annotations

from uuid import UUID

from db.push.tables import PushSubscription


async def forget_device(school_id: UUID, device_id: UUID) -> None:
    """Delete a device's subscription (its undelivered notifications go with it)."""
    await PushSubscription.delete().where(
        (PushSubscription.school_id == school_id) & (PushSubscription.device_id == device_id)
    )
