"""Who hears what, and how many times: a disabled account hears nothing (recorded, queued or sent), a
lesson put back after a cancellation or a move is announced, and homework edited before its push left
is announced once."""

from __future__ import annotations

from datetime import datetime, timedelta

from api.push import reminders
from api.push.texts import french_day
from db.core.tables import User
from db.push.tables import NotificationDelivery, NotificationEvent, PushSubscription
from tests.family_builders import today
from tests.fixtures.api import sign_in
from tests.push_builders import bodies, deliver, in_days, lesson_today, paris_clock, subscribed_phone, utc_now
from tests.school_builders import school_setup
from tests.test_push_delivery import evening_of, give_homework


async def disable(user) -> None:
    await User.update({User.disabled: True}).where((User.school_id == user.school_id) & (User.id == user.id))


async def deliveries_of(phone) -> list[dict]:
    subscription = (
        await PushSubscription.select(PushSubscription.id).where(PushSubscription.device_id == phone.device_id).first()
    )
    return await NotificationDelivery.select().where(NotificationDelivery.subscription_id == subscription["id"])


async def test_a_disabled_account_hears_nothing_recorded_queued_or_sent(client, new_client, push_service):
    setup = await school_setup()
    student = await subscribed_phone(new_client, setup.student_4a, push_service, reminder_enabled=True,
                                     reminder_time="18:00")  # fmt: skip
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service)
    tom = await subscribed_phone(new_client, setup.other_4a, push_service)
    lesson = await lesson_today(setup)
    await give_homework(client, setup, lesson, due_in_days=1)  # written while every account is active

    await disable(setup.parent_4a)
    await give_homework(client, setup, lesson, due_in_days=1, html="<p>Deux</p>")
    assert len(await deliveries_of(parent)) == 1  # the second one is not recorded for the disabled parent
    assert len(await deliveries_of(student)) == 2

    await disable(setup.student_4a)
    await reminders.queue_due(setup.school.id, evening_of(today()))  # her reminder time has passed
    assert await NotificationEvent.count().where(NotificationEvent.kind == "reminder") == 0

    report = await deliver(setup.school.id)
    assert bodies(push_service, parent) == [] and bodies(push_service, student) == []
    assert bodies(push_service, tom) == ["Nouveau travail en mathématiques pour Tom"] * 2
    assert (report.sent, report.failed) == (2, 3)
    failed = await NotificationDelivery.select().where(NotificationDelivery.state == "failed")
    assert [row["last_error"] for row in failed] == ["account disabled"] * 3  # written before, never sent


async def test_a_lesson_put_back_after_a_cancellation_or_a_move_is_announced(client, new_client, push_service):
    setup = await school_setup()
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service)
    lesson = await lesson_today(setup)
    await sign_in(client, setup.teacher_4a)
    url = f"/api/school/lessons/{lesson.id}"
    day, later = today(), today() + timedelta(days=2)

    async def change(body: dict) -> None:
        response = await client.patch(url, json=body)
        assert response.status_code == 200, response.text
        await deliver(setup.school.id)

    await change({"status": "cancelled", "status_note": "Professeur absent"})
    await change({"status": "normal"})
    await change({"status": "moved", "date": later.isoformat()})
    await change({"status": "normal", "date": day.isoformat()})
    await change({"status": "normal", "room": "C3"})  # already normal: nothing to announce
    assert bodies(push_service, parent) == [
        f"Cours de mathématiques annulé le {french_day(day.isoformat())} pour Léa",
        f"Cours de mathématiques rétabli le {french_day(day.isoformat())} pour Léa",
        f"Cours de mathématiques déplacé le {french_day(day.isoformat())} pour Léa",
        f"Cours de mathématiques rétabli le {french_day(day.isoformat())} pour Léa",
    ]
    screens = [m.payload["screen"] for m in push_service.for_endpoint(parent.subscription["endpoint"])]
    assert screens == [f"edt/{day.isoformat()}", f"edt/{day.isoformat()}", f"edt/{later.isoformat()}",
                       f"edt/{day.isoformat()}"]  # fmt: skip


async def test_homework_edited_before_its_push_left_is_announced_once(client, new_client, push_service):
    setup = await school_setup()
    moment = utc_now()
    start = (datetime.combine(moment.date(), paris_clock(moment)) - timedelta(hours=1)).time().replace(second=0)
    end = (datetime.combine(moment.date(), paris_clock(moment)) + timedelta(hours=2)).time().replace(second=0)
    student = await subscribed_phone(new_client, setup.student_4a, push_service)
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service,  # in its quiet hours now
                                    quiet_start=start.strftime("%H:%M"), quiet_end=end.strftime("%H:%M"))  # fmt: skip
    given = await give_homework(client, setup, await lesson_today(setup))
    url = f"/api/school/homework/{given['id']}"

    # Edited twice before any push left (the worker is behind, or the parent's digest waits for morning):
    # the pushes waiting tell of it, each device hears of it once, as new.
    assert (await client.patch(url, json={"html": "<p>Exercice 6</p>"})).status_code == 200
    assert (await client.patch(url, json={"due_on": in_days(3)})).status_code == 200
    assert await NotificationDelivery.count() == 2
    await deliver(setup.school.id)
    assert bodies(push_service, student) == ["Nouveau travail en mathématiques pour Léa"]
    (morning,) = {row["due_at"] for row in await deliveries_of(parent)}
    await deliver(setup.school.id, morning)
    assert bodies(push_service, parent) == ["Pendant la nuit : 1 nouveauté pour Léa"]

    # Once told, a device hears of the next change.
    assert (await client.patch(url, json={"html": "<p>Exercice 7</p>"})).status_code == 200
    await deliver(setup.school.id)
    assert bodies(push_service, student) == ["Nouveau travail en mathématiques pour Léa",
                                             "Travail modifié en mathématiques pour Léa"]  # fmt: skip
    assert len(await deliveries_of(parent)) == 2  # its own news of the change waits for the next morning
