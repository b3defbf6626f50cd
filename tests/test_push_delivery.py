"""Web Push end to end, through the tests' own push service (tests/push_service.py): a school-side
write records its notifications in the same transaction, the worker sends them signed (VAPID) and
encrypted for each subscription, retries with backoff, forgets subscriptions answered 404/410, never
sends a delivery twice, holds quiet hours for one morning digest, and sends the daily reminder."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from api import clock
from api.push import keys, reminders, worker
from db.push.tables import NotificationDelivery, NotificationEvent, PushSubscription
from tests import statements
from tests.factories import enrol, link_parent, make_user
from tests.family_builders import today
from tests.fixtures.api import sign_in
from tests.push_builders import (
    bodies,
    deliver,
    in_days,
    lesson_today,
    paris_clock,
    subscribed_phone,
    utc_now,
)
from tests.school_builders import school_setup
from tests.shard_check import SHARDED, violations


async def give_homework(client, setup, lesson, due_in_days: int = 2, html: str = "<p>Exercice 5</p>"):
    await sign_in(client, setup.teacher_4a)
    response = await client.post(
        "/api/school/homework", json={"lesson_id": str(lesson.id), "due_on": in_days(due_in_days), "html": html}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_new_homework_reaches_the_student_and_the_parent_signed_and_encrypted(client, new_client, push_service):
    setup = await school_setup()
    student = await subscribed_phone(new_client, setup.student_4a, push_service)
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service)
    classmate = await subscribed_phone(new_client, setup.other_4a, push_service)
    elsewhere = await subscribed_phone(new_client, setup.student_3b, push_service)  # another class
    lesson = await lesson_today(setup)

    await give_homework(client, setup, lesson)
    # Written with the homework, in its transaction: one event per student, one delivery per subscription.
    assert await NotificationEvent.count().where(NotificationEvent.kind == "homework") == 2
    assert await NotificationDelivery.count() == 3
    report = await deliver(setup.school.id)
    assert (report.sent, report.failed, push_service.refused) == (3, 0, [])

    assert bodies(push_service, student) == ["Nouveau travail en mathématiques pour Léa"]
    assert bodies(push_service, parent) == ["Nouveau travail en mathématiques pour Léa"]
    assert bodies(push_service, classmate) == ["Nouveau travail en mathématiques pour Tom"]
    assert bodies(push_service, elsewhere) == []
    message = push_service.for_endpoint(parent.subscription["endpoint"])[0]
    # The tap opens "Travail à faire" of this profile (the device) and this child.
    assert message.payload["profile"] == parent.device_id and message.payload["child"] == str(setup.student_4a.id)
    assert message.payload["screen"] == "devoirs" and message.payload["title"] == "Cartable"
    # Signed by the server's VAPID key, for this push service, by someone reachable.
    assert message.claims["k"] == keys.public_key() and message.claims["aud"] == push_service.origin
    assert message.claims["sub"].startswith("mailto:")
    assert message.headers["content-encoding"] == "aes128gcm" and int(message.headers["ttl"]) > 0
    assert message.headers["topic"] == message.payload["tag"]

    # Sent once: a second run has nothing to do; an edit of the text is news again.
    assert (await deliver(setup.school.id)).sent == 0
    homework = (await client.get(f"/api/school/lessons/{lesson.id}/homework")).json()[0]
    changed = await client.patch(f"/api/school/homework/{homework['id']}", json={"html": "<p>Exercice 6</p>"})
    assert changed.status_code == 200
    await deliver(setup.school.id)
    assert bodies(push_service, student)[-1] == "Travail modifié en mathématiques pour Léa"


async def test_far_away_homework_is_not_announced(client, new_client, push_service):
    setup = await school_setup()
    await subscribed_phone(new_client, setup.student_4a, push_service)
    await give_homework(client, setup, await lesson_today(setup), due_in_days=30)
    assert await NotificationDelivery.count() == 0


async def test_each_school_write_says_what_happened_in_a_few_words(client, new_client, push_service):
    setup = await school_setup()
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service)
    tom = await subscribed_phone(new_client, setup.other_4a, push_service)
    lesson = await lesson_today(setup)
    await sign_in(client, setup.teacher_4a)
    day = today()

    change = {"status": "cancelled", "status_note": "Professeur absent"}
    cancelled = await client.patch(f"/api/school/lessons/{lesson.id}", json=change)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    absent = {"entries": [{"student_id": str(setup.student_4a.id), "status": "absent"},
                          {"student_id": str(setup.other_4a.id), "status": "late", "minutes": 10}]}  # fmt: skip
    roll = await client.put(f"/api/school/lessons/{lesson.id}/roll", json=absent)
    assert roll.status_code == 200, roll.text
    contact = await client.post("/api/school/discussions", json={
        "student_id": str(setup.student_4a.id), "subject": "Travail", "body": "Bonjour", "client_id": "contact-001",
        "with_student": False})  # fmt: skip
    assert contact.status_code == 201, contact.text
    posted = await client.post("/api/school/posts", json={
        "title": "Sortie", "html": "<p>Sortie au musée</p>", "class_ids": [str(setup.class_4a.id)],
        "to": ["parents"]})  # fmt: skip
    assert posted.status_code == 201, posted.text
    await deliver(setup.school.id)

    from api.push.texts import french_day

    on = french_day(day.isoformat())
    # Messages go out side by side: which reaches the push service first is not theirs to say.
    sent = {m.payload["body"]: m.payload["screen"] for m in push_service.for_endpoint(parent.subscription["endpoint"])}
    assert sorted(bodies(push_service, parent)) == sorted(sent) and sent == {
        f"Cours de mathématiques annulé le {on} pour Léa": f"edt/{day.isoformat()}",
        f"Absence de Léa enregistrée le {on}": "vie-scolaire",
        "Nouveau message au sujet de Léa": f"messages/d/{contact.json()['id']}",
        "Nouvelle information de l'établissement": "messages/infos",
    }
    assert sorted(bodies(push_service, tom)) == sorted(
        [  # the information was for the parents
            f"Cours de mathématiques annulé le {on} pour Tom",
            f"Retard de Tom enregistré le {on}",
        ]
    )


async def test_an_evaluation_is_announced_when_it_is_published_and_not_if_withdrawn_before(
    client, new_client, push_service
):
    setup = await school_setup()
    student = await subscribed_phone(new_client, setup.student_4a, push_service)
    await sign_in(client, setup.teacher_4a)
    created = await client.post("/api/school/evaluations", json={
        "subject_id": str(setup.subject.id), "class_id": str(setup.class_4a.id), "title": "Fractions",
        "given_on": "2026-11-20", "graded": True, "out_of": 20, "competence_ids": []})  # fmt: skip
    assert created.status_code == 201, created.text
    evaluation = created.json()["id"]
    later = utc_now() + timedelta(hours=2)
    await client.post(f"/api/school/evaluations/{evaluation}/publish", json={"at": later.isoformat()})
    assert (await deliver(setup.school.id)).sent == 0  # families do not see it yet
    assert (await deliver(setup.school.id, later + timedelta(minutes=1))).sent == 1
    assert bodies(push_service, student) == ["Nouvelle évaluation en mathématiques pour Léa"]

    second = await client.post("/api/school/evaluations", json={
        "subject_id": str(setup.subject.id), "class_id": str(setup.class_4a.id), "title": "Géométrie",
        "given_on": "2026-11-21", "graded": True, "out_of": 20, "competence_ids": []})  # fmt: skip
    await client.post(f"/api/school/evaluations/{second.json()['id']}/publish", json={"at": later.isoformat()})
    await client.post(f"/api/school/evaluations/{second.json()['id']}/unpublish")
    assert (await deliver(setup.school.id, later + timedelta(minutes=1))).sent == 0


async def test_preferences_per_child_and_kind_and_generic_lock_screen_text(client, new_client, push_service):
    setup = await school_setup()
    brother = await make_user(setup.school, "student", first_name="Hugo")
    await enrol(brother, setup.class_4a)
    await link_parent(setup.parent_4a, brother)
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service,
                                    muted=[f"{setup.student_4a.id}:homework"])  # fmt: skip
    discreet = await subscribed_phone(new_client, setup.student_4a, push_service, generic_text=True)
    await give_homework(client, setup, await lesson_today(setup))
    await deliver(setup.school.id)
    assert bodies(push_service, parent) == ["Nouveau travail en mathématiques pour Hugo"]  # Léa's is muted
    assert bodies(push_service, discreet) == ["Du nouveau dans Cartable."]
    message = push_service.for_endpoint(discreet.subscription["endpoint"])[0]
    assert message.payload["screen"] == "devoirs"  # the tap still opens the right screen


async def test_quiet_hours_hold_everything_for_one_morning_digest(client, new_client, push_service):
    setup = await school_setup()
    moment = utc_now()
    start = (
        (datetime.combine(moment.date(), paris_clock(moment)) - timedelta(hours=1))
        .time()
        .replace(second=0, microsecond=0)
    )
    end = (
        (datetime.combine(moment.date(), paris_clock(moment)) + timedelta(hours=2))
        .time()
        .replace(second=0, microsecond=0)
    )
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service,
                                    quiet_start=start.strftime("%H:%M"), quiet_end=end.strftime("%H:%M"))  # fmt: skip
    lesson = await lesson_today(setup)
    await give_homework(client, setup, lesson, html="<p>Un</p>")
    await give_homework(client, setup, lesson, due_in_days=3, html="<p>Deux</p>")
    await client.patch(f"/api/school/lessons/{lesson.id}", json={"status": "cancelled"})
    assert (await deliver(setup.school.id)).sent == 0  # nothing during quiet hours
    rows = await NotificationDelivery.select()
    assert len(rows) == 3 and all(row["digest"] for row in rows)
    (morning,) = {row["due_at"] for row in rows}
    assert paris_clock(morning) == end

    assert (await deliver(setup.school.id, morning)).sent == 1  # one message for the three
    assert bodies(push_service, parent) == ["Pendant la nuit : 3 nouveautés pour Léa"]
    assert push_service.for_endpoint(parent.subscription["endpoint"])[0].payload["screen"] == "accueil"
    assert (await deliver(setup.school.id, morning + timedelta(minutes=5))).sent == 0


async def test_the_default_quiet_hours_are_21_to_7(new_client, push_service):
    setup = await school_setup()
    from tests.pairing_builders import pair_phone

    phone = await pair_phone(await new_client(), await new_client(), setup.parent_4a)
    settings = (await phone.request("GET", "/api/push/settings")).json()
    assert (settings["quiet_start"], settings["quiet_end"]) == ("21:00", "07:00")
    assert (settings["reminder_enabled"], settings["reminder_time"]) == (False, "18:00")
    assert settings["subscribed"] is False and settings["public_key"] == keys.public_key()


async def test_failures_are_retried_with_backoff_and_sent_once_they_pass(client, new_client, push_service):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service, answers=[500, 503])
    await give_homework(client, setup, await lesson_today(setup))
    first = utc_now()
    assert (await deliver(setup.school.id, first)).retried == 1
    row = await NotificationDelivery.select().first()
    assert row["state"] == "pending" and row["attempts"] == 1 and row["last_error"] == "HTTP 500"
    wait = row["due_at"] - first
    assert timedelta(seconds=24) <= wait <= timedelta(seconds=36)
    assert (await deliver(setup.school.id, first + timedelta(seconds=10))).sent == 0  # not yet
    second = row["due_at"] + timedelta(seconds=1)
    assert (await deliver(setup.school.id, second)).retried == 1
    row = await NotificationDelivery.select().first()
    assert timedelta(seconds=48) <= row["due_at"] - second <= timedelta(seconds=72)  # doubled
    assert (await deliver(setup.school.id, row["due_at"] + timedelta(seconds=1))).sent == 1
    row = await NotificationDelivery.select().first()
    assert (row["state"], row["attempts"]) == ("sent", 3)
    assert bodies(push_service, phone) == ["Nouveau travail en mathématiques pour Léa"]


def test_backoff_grows_to_an_hour_and_respects_retry_after():
    assert worker.backoff(1, None) <= timedelta(seconds=36)
    assert timedelta(minutes=48) <= worker.backoff(12, None) <= timedelta(minutes=72)
    assert worker.backoff(1, 600) >= timedelta(seconds=600)


async def test_a_delivery_that_keeps_failing_gives_up(client, new_client, push_service, monkeypatch):
    monkeypatch.setattr(worker, "MAX_ATTEMPTS", 2)
    setup = await school_setup()
    await subscribed_phone(new_client, setup.student_4a, push_service, answers=[500, 500, 500])
    await give_homework(client, setup, await lesson_today(setup))
    await deliver(setup.school.id)
    row = await NotificationDelivery.select().first()
    assert (await deliver(setup.school.id, row["due_at"] + timedelta(seconds=1))).failed == 1
    assert (await NotificationDelivery.select().first())["state"] == "failed"


async def test_a_subscription_answered_404_or_410_is_deleted(client, new_client, push_service):
    setup = await school_setup()
    gone = await subscribed_phone(new_client, setup.student_4a, push_service, answers=[410])
    unknown = await subscribed_phone(new_client, setup.other_4a, push_service, answers=[404])
    parent = await subscribed_phone(new_client, setup.parent_4a, push_service)
    await give_homework(client, setup, await lesson_today(setup))
    report = await deliver(setup.school.id)
    assert (report.sent, report.gone) == (1, 2)
    left = {row["device_id"] for row in await PushSubscription.select(PushSubscription.device_id)}
    assert {str(d) for d in left} == {parent.device_id}
    assert await NotificationDelivery.count() == 1  # theirs went with them
    settings = (await gone.request("GET", "/api/push/settings")).json()
    assert settings["subscribed"] is False  # the app subscribes again when it next opens Réglages
    assert unknown.device_id not in left


async def test_two_workers_at_once_never_send_a_delivery_twice(client, new_client, push_service):
    setup = await school_setup()
    phones = [await subscribed_phone(new_client, setup.student_4a, push_service) for _ in range(6)]
    lesson = await lesson_today(setup)
    for n in range(5):
        await give_homework(client, setup, lesson, html=f"<p>Exercice {n}</p>")
    reports = await asyncio.gather(*(deliver(setup.school.id) for _ in range(4)))
    assert sum(report.sent for report in reports) == 30
    for phone in phones:
        assert len(bodies(push_service, phone)) == 5
    assert len({m.payload["tag"] for m in push_service.received}) == 30


async def test_a_delivery_left_by_a_dead_worker_goes_after_its_lease_with_the_same_topic(
    client, new_client, push_service
):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service)
    await give_homework(client, setup, await lesson_today(setup))
    delivery = await NotificationDelivery.select().first()
    lease_end = utc_now() + timedelta(minutes=1)
    await NotificationDelivery.update({NotificationDelivery.state: "sending",
                                       NotificationDelivery.claimed_until: lease_end}).where(
        NotificationDelivery.school_id == setup.school.id)  # fmt: skip
    assert (await deliver(setup.school.id)).sent == 0  # another worker holds it
    assert (await deliver(setup.school.id, lease_end + timedelta(seconds=1))).sent == 1
    (message,) = push_service.for_endpoint(phone.subscription["endpoint"])
    assert message.headers["topic"] == delivery["id"].hex == message.payload["tag"]


def evening_of(day: date) -> datetime:
    """19:00 in the test school's zone on `day`: after the reminders' 18:00, before quiet hours."""
    return datetime.combine(day, time(19), ZoneInfo("Europe/Paris")).astimezone(timezone.utc)


async def test_the_daily_reminder_lists_homework_due_tomorrow_not_done(client, new_client, push_service, monkeypatch):
    moment = utc_now()
    monkeypatch.setattr(clock, "source", lambda: moment)  # the app's clock stands still: one school day
    setup = await school_setup()
    student = await subscribed_phone(new_client, setup.student_4a, push_service, reminder_enabled=True,
                                     reminder_time="18:00")  # fmt: skip
    silent = await subscribed_phone(new_client, setup.other_4a, push_service)  # not opted in
    lesson = await lesson_today(setup)
    first = await give_homework(client, setup, lesson, due_in_days=1, html="<p>Un</p>")  # the school's tomorrow
    await give_homework(client, setup, lesson, due_in_days=1, html="<p>Deux</p>")
    await give_homework(client, setup, lesson, due_in_days=4, html="<p>Plus tard</p>")
    await deliver(setup.school.id)  # the homework notifications themselves
    push_service.clear()
    mark = {"done": True, "changed_at": moment.isoformat(), "change_id": "done-0001"}
    done = await student.request("PUT", f"/api/students/{setup.student_4a.id}/homework/{first['id']}/done", json=mark)
    assert done.status_code == 200, done.text

    evening = evening_of(today())  # whatever the hour the test runs at (just after midnight too)
    monkeypatch.setattr(clock, "source", lambda: evening)
    await reminders.queue_due(setup.school.id, clock.now())
    await reminders.queue_due(setup.school.id, clock.now() + timedelta(minutes=5))  # once a day
    await deliver(setup.school.id)
    assert bodies(push_service, student) == ["Pour demain, Léa a encore 1 travail non fait"]
    assert bodies(push_service, silent) == []


async def test_a_commit_wakes_the_worker_of_this_process_at_once(client, new_client, push_service):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service)
    lesson = await lesson_today(setup)
    running = worker.DeliveryWorker(sweep_seconds=3600)
    running.next_sweep = float("inf")  # only woken schools: the sweep would look at every school
    task = asyncio.create_task(running.run())
    try:
        await asyncio.sleep(0.05)
        await give_homework(client, setup, lesson)
        for _ in range(200):
            if bodies(push_service, phone):
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert bodies(push_service, phone) == ["Nouveau travail en mathématiques pour Léa"]


async def test_a_sweep_round_of_the_workers_loop_delivers_and_every_statement_it_sends_is_shard_local(
    client, new_client, push_service
):
    """One round of `run()` as the server runs it (a sweep: every school, reminders, pruning, delivery);
    its statements are recorded like any of the app's (tests/statements.py) and pin their school."""
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.student_4a, push_service)
    await give_homework(client, setup, await lesson_today(setup))  # due now; no worker runs yet
    running = worker.DeliveryWorker(sweep_seconds=3600)  # the first round is a sweep, the next in an hour
    with statements.counting() as sent:
        task = asyncio.create_task(running.run())
        try:
            for _ in range(500):
                if running.last_prune is not None:  # set once the round went through every school
                    break
                await asyncio.sleep(0.01)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert running.last_prune is not None and running.failures == 0
    assert bodies(push_service, phone) == ["Nouveau travail en mathématiques pour Léa"]
    sent = [" ".join(sql.split()) for sql in sent]
    for part in ("SELECT id FROM school", "DELETE FROM notification_delivery", "DELETE FROM notification_event"):
        assert any(part in sql for sql in sent), (part, sent)
    assert {sql: found for sql in sent if (found := violations(sql, SHARDED))} == {}


@pytest.mark.parametrize("quiet", [(time(21), time(7)), (time(12), time(14))])
async def test_quiet_hours_end_where_they_should(db, quiet):
    from piccolo_conf import DB

    start, end = quiet
    late = await DB.pool.fetchval("SELECT push_due_at('2026-11-25 22:30+01', $1, $2, 'Europe/Paris')", start, end)
    noon = await DB.pool.fetchval("SELECT push_due_at('2026-11-25 12:30+01', $1, $2, 'Europe/Paris')", start, end)
    if start == time(21):
        assert late.isoformat() == "2026-11-26T06:00:00+00:00" and noon.isoformat() == "2026-11-25T11:30:00+00:00"
    else:
        assert late.isoformat() == "2026-11-25T21:30:00+00:00" and noon.isoformat() == "2026-11-25T13:00:00+00:00"
