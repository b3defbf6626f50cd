"""Phones that take notifications, for the push tests: paired, subscribed to the tests' push service."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from api.push.worker import Report, deliver_due
from tests.family_builders import today
from tests.pairing_builders import PairedPhone, pair_phone
from tests.push_service import PushService
from tests.school_builders import make_lesson

NO_QUIET_HOURS = {"quiet_start": None, "quiet_end": None}


async def subscribed_phone(new_client, user, push: PushService, *, answers=None, **settings) -> PairedPhone:
    """`user` pairs a phone, subscribes it (its own keys, made by the push service) and sets `settings`
    (no quiet hours unless given, so that tests do not depend on the hour they run at)."""
    phone = await pair_phone(await new_client(), await new_client(), user)
    phone.subscription = push.subscription(answers)
    response = await phone.request("PUT", "/api/push/subscription", json=phone.subscription)
    assert response.status_code == 200, response.text
    await change_settings(phone, **{**NO_QUIET_HOURS, **settings})
    return phone


async def change_settings(phone: PairedPhone, **changes) -> dict:
    current = (await phone.request("GET", "/api/push/settings")).json()
    body = {key: current[key] for key in ("muted", "quiet_start", "quiet_end", "generic_text", "reminder_enabled",
                                          "reminder_time")}  # fmt: skip
    response = await phone.request("PUT", "/api/push/settings", json={**body, **changes})
    assert response.status_code == 200, response.text
    return response.json()


async def deliver(school_id, moment: datetime | None = None) -> Report:
    """Run the delivery worker for a school (its statements are the app's: tests/statements.py)."""
    return await deliver_due(school_id, moment=moment)


def bodies(push: PushService, phone: PairedPhone) -> list[str]:
    return [message.payload["body"] for message in push.for_endpoint(phone.subscription["endpoint"])]


async def lesson_today(setup, teacher=None, class_ref=None):
    return await make_lesson(teacher or setup.teacher_4a, setup.subject, class_ref=class_ref or setup.class_4a,
                             day=today())  # fmt: skip


def paris_clock(moment: datetime) -> time:
    """The wall-clock time in the schools' time zone (tests' schools are in Europe/Paris)."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Paris")).time()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def in_days(days: int) -> str:
    """A day `days` after the school's today, as the API takes it."""
    return (today() + timedelta(days=days)).isoformat()
