"""Web Push, the hard cases: a deleted homework is not announced, a post reaching a parent through two
children honours each child's settings, a device that ended hears nothing, a subscription with unusable
keys is forgotten, the worker outlives a database restart, a worker slower than its lease does not undo
the next one's work, and a device's morning digest is never split in two by two workers."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta

from api.push import reminders, worker
from db.devices.tables import Device
from db.push.tables import NotificationDelivery, PushSubscription
from piccolo_conf import DB
from tests.factories import enrol, link_parent, make_user
from tests.family_builders import today
from tests.fixtures.api import sign_in
from tests.push_builders import bodies, deliver, lesson_today, paris_clock, subscribed_phone, utc_now
from tests.school_builders import school_setup
from tests.test_database_outage import _start, _stop
from tests.test_push_delivery import evening_of, give_homework


async def test_a_homework_deleted_before_its_push_left_is_never_announced(client, new_client, push_service):
    setup = await school_setup()
    student = await subscribed_phone(new_client, setup.student_4a, push_service)
    given = await give_homework(client, setup, await lesson_today(setup))
    assert await NotificationDelivery.count() == 1
    assert (await client.delete(f"/api/school/homework/{given['id']}")).status_code == 204
    assert (await deliver(setup.school.id)).sent == 0
    assert bodies(push_service, student) == []


async def test_an_information_reaching_a_parent_through_two_children_honours_each_childs_settings(
    client, new_client, push_service
):
    setup = await school_setup()
    hugo = await make_user(setup.school, "student", first_name="Hugo")
    await enrol(hugo, setup.class_3b)
    await link_parent(setup.parent_4a, hugo)
    first, second = sorted([setup.student_4a.id, hugo.id], key=str)  # the child the post used to be tied to
    muted_first = await subscribed_phone(new_client, setup.parent_4a, push_service, muted=[f"{first}:information"])
    both = await subscribed_phone(new_client, setup.parent_4a, push_service)
    none = await subscribed_phone(new_client, setup.parent_4a, push_service,
                                  muted=[f"{first}:information", f"{second}:information"])  # fmt: skip
    await sign_in(client, setup.staff)
    posted = await client.post("/api/school/posts", json={
        "title": "Sortie", "html": "<p>Sortie au musée</p>", "class_ids": [str(setup.class_4a.id),
        str(setup.class_3b.id)], "to": ["parents"]})  # fmt: skip
    assert posted.status_code == 201, posted.text
    await deliver(setup.school.id)

    assert bodies(push_service, muted_first) == ["Nouvelle information de l'établissement"]
    [message] = push_service.for_endpoint(muted_first.subscription["endpoint"])
    assert message.payload["child"] == str(second)  # the tap opens the child it is not muted for
    assert bodies(push_service, both) == ["Nouvelle information de l'établissement"]  # once, not per child
    assert bodies(push_service, none) == []


async def test_a_device_that_ended_without_being_revoked_hears_nothing(client, new_client, push_service):
    setup = await school_setup()
    shared = await subscribed_phone(new_client, setup.student_4a, push_service, reminder_enabled=True,
                                    reminder_time="18:00")  # fmt: skip
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service)
    lesson = await lesson_today(setup)
    await give_homework(client, setup, lesson, due_in_days=1)  # its delivery is written while the device lives
    # The shared computer's espace session ends (signed out): its profile is over, though nobody revoked it.
    await Device.update({Device.shared_session_id: uuid.uuid4()}).where(
        (Device.school_id == setup.school.id) & (Device.id == shared.device_id)
    )
    await give_homework(client, setup, lesson, due_in_days=1, html="<p>Deux</p>")
    await reminders.queue_due(setup.school.id, evening_of(today()))  # its reminder time has passed
    report = await deliver(setup.school.id)
    assert bodies(push_service, shared) == []
    assert len(bodies(push_service, parent)) == 2 and report.sent == 2
    rows = await NotificationDelivery.select().where(NotificationDelivery.state == "failed")
    assert [row["last_error"] for row in rows] == ["device ended"]  # written before it ended, never sent


async def test_a_subscription_whose_keys_cannot_encrypt_is_forgotten_and_the_others_still_hear(
    client, new_client, push_service
):
    setup = await school_setup()
    broken = await subscribed_phone(new_client, setup.student_4a, push_service)
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service)
    # Stored before keys were decoded strictly: base64url with junk after it, which nothing can encrypt to.
    endpoint = broken.subscription["endpoint"]
    await PushSubscription.update({PushSubscription.p256dh: PushSubscription.p256dh + "!!"}).where(
        PushSubscription.endpoint == endpoint
    )
    await give_homework(client, setup, await lesson_today(setup))
    report = await deliver(setup.school.id)
    assert report.sent == 1 and len(bodies(push_service, parent)) == 1
    assert bodies(push_service, broken) == []
    assert not await PushSubscription.exists().where(PushSubscription.endpoint == endpoint)


async def test_the_worker_outlives_a_database_restart_and_delivers_once_it_is_back(
    embedded_postgres, client, new_client, push_service
):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service)
    lesson = await lesson_today(setup)
    running = worker.DeliveryWorker(sweep_seconds=0.2)
    task = asyncio.create_task(running.run())
    try:
        await asyncio.sleep(0.3)
        await _stop(embedded_postgres)
        await asyncio.sleep(1.5)  # sweeps meet the outage
        assert running.failures >= 1 and not task.done(), task.exception() if task.done() else None
        await _start(embedded_postgres)
        deadline = time.monotonic() + 30
        while True:  # the app's pool renews its connections by itself
            try:
                await give_homework(client, setup, lesson)
                break
            except Exception:  # 503 (an AssertionError) or the session's write refused
                assert time.monotonic() < deadline
                await asyncio.sleep(0.5)
        while not bodies(push_service, phone):
            assert time.monotonic() < deadline, "no notification after the restart"
            assert not task.done(), task.exception() if task.done() else None
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert bodies(push_service, phone) == ["Nouveau travail en mathématiques pour Léa"]


async def test_a_worker_slower_than_its_lease_leaves_the_next_workers_outcome_alone(
    client, new_client, push_service, monkeypatch
):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service, answers=[500])
    await give_homework(client, setup, await lesson_today(setup))
    sent, delays = worker.send, [1.0, 2.0]

    async def slow_answer(*args, **kwargs):  # the push service's answers come late: 1 s, then 2 s
        answer = await sent(*args, **kwargs)
        await asyncio.sleep(delays.pop(0))
        return answer

    monkeypatch.setattr(worker, "send", slow_answer)
    claimed = utc_now()
    first = asyncio.create_task(deliver(setup.school.id, claimed))  # its push meets a 500: "retry later"
    token = phone.subscription["endpoint"].rsplit("/", 1)[1]
    for _ in range(500):  # until the push service has answered it
        if not push_service.answers[token]:
            break
        await asyncio.sleep(0.01)
    # Past the first one's lease: another worker takes the row over, and is still sending when the first
    # one comes back with its "500, retry later".
    second = asyncio.create_task(deliver(setup.school.id, claimed + worker.LEASE + timedelta(minutes=1)))
    slow, on_time = await asyncio.gather(first, second)
    assert (slow.sent, on_time.sent) == (0, 1)
    row = await NotificationDelivery.select().first()
    assert row["state"] == "sent"
    assert (await deliver(setup.school.id, claimed + timedelta(hours=2))).sent == 0  # not sent again
    assert bodies(push_service, phone) == ["Nouveau travail en mathématiques pour Léa"]


async def test_two_workers_never_split_a_devices_morning_digest(client, new_client, push_service, monkeypatch):
    setup = await school_setup()
    moment = utc_now()
    start = (datetime.combine(moment.date(), paris_clock(moment)) - timedelta(hours=1)).time().replace(second=0)
    end = (datetime.combine(moment.date(), paris_clock(moment)) + timedelta(hours=2)).time().replace(second=0)
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service,
                                    quiet_start=start.strftime("%H:%M"), quiet_end=end.strftime("%H:%M"))  # fmt: skip
    lesson = await lesson_today(setup)
    for n in range(3):
        await give_homework(client, setup, lesson, due_in_days=n + 1, html=f"<p>{n}</p>")
    (morning,) = {row["due_at"] for row in await NotificationDelivery.select()}
    monkeypatch.setattr(worker, "BATCH", 1)  # each worker's claims are as small as they get
    with monkeypatch.context() as patched:
        patched.setattr(DB, "pool", _Rendezvous(DB.pool))
        await asyncio.gather(deliver(setup.school.id, morning), deliver(setup.school.id, morning))
    assert bodies(push_service, parent) == ["Pendant la nuit : 3 nouveautés pour Léa"]


class _Rendezvous:
    """The pool, except that each of two workers' first claim waits until the other's is done too, so
    their claims interleave as they would under load (the first worker does not finish alone)."""

    def __init__(self, pool) -> None:
        self.pool, self.seen, self.both = pool, set(), asyncio.Event()

    async def fetch(self, *args):
        rows = await self.pool.fetch(*args)
        task = asyncio.current_task()
        if task not in self.seen:
            self.seen.add(task)
            if len(self.seen) == 2:
                self.both.set()
            await asyncio.wait_for(self.both.wait(), 10)
        return rows

    def __getattr__(self, name):
        return getattr(self.pool, name)
