"""What the phone sends and reads about its notifications."""

from __future__ import annotations

import msgspec


class SubscriptionKeys(msgspec.Struct):
    p256dh: str
    auth: str


class SubscriptionIn(msgspec.Struct):
    """`PushSubscription.toJSON()` as the browser gives it."""

    endpoint: str
    keys: SubscriptionKeys
    expirationTime: int | None = None  # noqa: N815 (the browser's name)


class Kind(msgspec.Struct):
    id: str
    label: str


class PushSettingsIn(msgspec.Struct, forbid_unknown_fields=True):
    muted: list[str]  # "<student id>:<kind>" pairs turned off; every other one is on
    quiet_start: str | None  # "21:00", or null (with quiet_end) for no quiet hours
    quiet_end: str | None
    generic_text: bool
    reminder_enabled: bool
    reminder_time: str  # "18:00"


class PushSettingsOut(msgspec.Struct):
    public_key: str  # VAPID: the applicationServerKey to subscribe with
    subscribed: bool  # this profile on this device has a subscription
    kinds: list[Kind]
    muted: list[str]
    quiet_start: str | None
    quiet_end: str | None
    generic_text: bool
    reminder_enabled: bool
    reminder_time: str
