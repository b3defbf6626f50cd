"""Web Push and time: a retry respects the device's quiet hours (it joins the morning digest instead
of waking anyone at night), and no send outlives the lease it was claimed under, however slowly the push
service answers, so that another worker taking the row over never sends it a second time."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.push import worker
from db.push.tables import NotificationDelivery
from tests.family_builders import today
from tests.push_builders import bodies, change_settings, deliver, lesson_today, subscribed_phone
from tests.school_builders import school_setup
from tests.test_push_delivery import give_homework

PARIS = ZoneInfo("Europe/Paris")  # the test schools' zone


def at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, PARIS)


def token_of(phone) -> str:
    return phone.subscription["endpoint"].rsplit("/", 1)[1]


async def test_a_retry_that_would_land_in_quiet_hours_waits_for_the_morning_digest(client, new_client, push_service):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service, answers=[500, 500])
    other = await subscribed_phone(new_client, setup.other_4a, push_service, answers=[500])
    await give_homework(client, setup, await lesson_today(setup))  # due at once: no quiet hours yet
    for each in (phone, other):
        await change_settings(each, quiet_start="21:00", quiet_end="07:00")
    day = today() + timedelta(days=1)

    # Its first try fails ten seconds before quiet hours: the retry (in 24 to 36 s) would wake the phone.
    late = at(day, time(20, 59, 50))
    assert (await deliver(setup.school.id, late)).retried == 2
    morning = at(day + timedelta(days=1), time(7))
    rows = await NotificationDelivery.select().order_by(NotificationDelivery.due_at)
    assert [(row["state"], row["due_at"], row["digest"]) for row in rows] == [("pending", morning, True)] * 2
    assert (await deliver(setup.school.id, at(day + timedelta(days=1), time(3)))).sent == 0  # nothing at night

    # In the morning both go, each in its device's digest; a second failure is retried at once (07:00 is
    # outside quiet hours) and stays in the digest it was folded into.
    report = await deliver(setup.school.id, morning)
    assert (report.sent, report.retried) == (1, 1)
    assert bodies(push_service, other) == ["Pendant la nuit : 1 nouveauté pour Tom"]
    row = await NotificationDelivery.select().where(NotificationDelivery.state == "pending").first()
    assert row["digest"] and timedelta(seconds=48) <= row["due_at"] - morning <= timedelta(seconds=72)
    assert (await deliver(setup.school.id, row["due_at"])).sent == 1
    assert bodies(push_service, phone) == ["Pendant la nuit : 1 nouveauté pour Léa"]


async def test_a_retry_outside_quiet_hours_stays_a_notification_of_its_own(client, new_client, push_service):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service, answers=[500])
    await give_homework(client, setup, await lesson_today(setup))
    await change_settings(phone, quiet_start="21:00", quiet_end="07:00")
    noon = at(today() + timedelta(days=1), time(12))
    assert (await deliver(setup.school.id, noon)).retried == 1
    row = await NotificationDelivery.select().first()
    assert not row["digest"] and timedelta(seconds=24) <= row["due_at"] - noon <= timedelta(seconds=36)
    assert (await deliver(setup.school.id, row["due_at"])).sent == 1
    assert bodies(push_service, phone) == ["Nouveau travail en mathématiques pour Léa"]


@pytest.fixture
def short_lease(monkeypatch):
    """A lease of 2 s and sends of at most 1 s, so that the tests wait seconds, not minutes."""
    monkeypatch.setattr(worker, "LEASE", timedelta(seconds=2))
    monkeypatch.setattr(worker, "SEND_TIMEOUT", timedelta(seconds=1))
    monkeypatch.setattr(worker, "LEASE_MARGIN", timedelta(seconds=0.5))


async def test_a_send_to_a_slow_push_service_is_cut_off_within_its_lease_and_goes_once(
    client, new_client, push_service, short_lease
):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service)
    push_service.delays[token_of(phone)] = [4.0]  # the push service takes 4 s to take the first request
    await give_homework(client, setup, await lesson_today(setup))

    first = asyncio.create_task(deliver(setup.school.id))
    await asyncio.sleep(2.3)
    # The first worker's lease has ended: another worker may take the row now. The first one's send must
    # not be in flight any more, or the push service would take both.
    second = await deliver(setup.school.id)
    slow = await first
    assert (slow.sent, slow.retried, second.sent) == (0, 1, 0)
    assert push_service.abandoned == [token_of(phone)] and bodies(push_service, phone) == []
    row = await NotificationDelivery.select().first()
    assert (row["state"], row["last_error"], row["claimed_until"]) == ("pending", "network", None)

    assert (await deliver(setup.school.id, row["due_at"])).sent == 1  # its retry goes, once
    assert bodies(push_service, phone) == ["Nouveau travail en mathématiques pour Léa"]
    await asyncio.sleep(0.5)
    assert len(push_service.for_endpoint(phone.subscription["endpoint"])) == 1


async def test_no_send_starts_when_its_lease_could_end_before_it_does(client, new_client, push_service, monkeypatch):
    monkeypatch.setattr(worker, "LEASE", timedelta(seconds=3))
    monkeypatch.setattr(worker, "SEND_TIMEOUT", timedelta(seconds=2))
    monkeypatch.setattr(worker, "LEASE_MARGIN", timedelta(seconds=0.25))
    monkeypatch.setattr(worker, "CONCURRENCY", 1)  # one send at a time: the second waits for the first
    setup = await school_setup()
    phones = [await subscribed_phone(new_client, user, push_service) for user in (setup.student_4a, setup.other_4a)]
    for phone in phones:
        push_service.delays[token_of(phone)] = [1.3]  # each request takes 1.3 s (less than a send may)
    await give_homework(client, setup, await lesson_today(setup))

    # The first send ends 1.3 s into the 3 s lease: 1.7 s are left, less than a send may take (2 s) and
    # the margin, so the second one is not started; its row waits for the lease to end.
    report = await deliver(setup.school.id)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    rows = await NotificationDelivery.select().order_by(NotificationDelivery.state)
    assert [row["state"] for row in rows] == ["sending", "sent"]
    assert push_service.abandoned == []  # nothing was started to be cut off

    assert (await deliver(setup.school.id, rows[0]["claimed_until"] + timedelta(seconds=1))).sent == 1
    for phone in phones:
        assert len(bodies(push_service, phone)) == 1
