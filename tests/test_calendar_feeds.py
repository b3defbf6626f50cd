"""Calendar feeds: a secret iCalendar URL per reader and child (a teacher's, a staff member's or the
head's: their own timetable), read back with `icalendar` as a calendar app would; stable UIDs and
SEQUENCE across changes, caching headers, a token that opens nothing else, revocation and renewal,
rate limiting, and who may make one. (The espace's and the phone's pages: test_calendar_feeds_browser.py.)

Every test runs at one fixed moment on the app's clock (api/clock.py): 00:30 in Paris, still the day
before in UTC, so that a feed built on the UTC day instead of the school's would show.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar

from api import clock
from db.core.tables import Guardianship, User
from db.evaluations.tables import Evaluation
from tests.factories import enrol, link_parent, make_user
from tests.family_builders import make_evaluation, make_homework, make_period
from tests.fixtures.api import client_from, sign_in
from tests.pairing_builders import pair_phone
from tests.school_builders import make_lesson, school_setup

PARIS = ZoneInfo("Europe/Paris")
MOMENT = datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc)  # Wednesday 25 November, 00:30 in Paris
TODAY = MOMENT.astimezone(PARIS).date()  # the school's day, as every screen and feed counts it
assert TODAY != MOMENT.date()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Every clock of the app (Python's and, through its parameters, SQL's) at MOMENT."""
    monkeypatch.setattr(clock, "source", lambda: MOMENT)


async def published(evaluation) -> None:
    """Published an hour before MOMENT (the builder publishes on the wall clock, not the app's)."""
    await Evaluation.update({Evaluation.publish_at: MOMENT - timedelta(hours=1)}).where(
        (Evaluation.school_id == evaluation.school_id) & (Evaluation.id == evaluation.id)
    )


def paris(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS).astimezone(timezone.utc)


async def make_feed(client: httpx.AsyncClient, user, student) -> str:
    await sign_in(client, user)
    made = await client.post("/api/me/calendar-feeds", json={"student_id": str(student.id)})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["webcal_url"].startswith("webcal://") and body["url"].endswith(".ics")
    return urlsplit(body["url"]).path


def events_of(response: httpx.Response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def test_the_feed_holds_lessons_homework_and_published_evaluations_with_stable_uids(client, new_client):
    setup = await school_setup()
    lesson = await make_lesson(setup.teacher_4a, setup.subject, class_ref=setup.class_4a, day=TODAY + timedelta(days=1),
                               starts=time(10), ends=time(11))  # fmt: skip
    other_class = await make_lesson(setup.teacher_3b, setup.subject, class_ref=setup.class_3b, day=TODAY)
    homework = await make_homework(setup.teacher_4a, setup.subject, class_ref=setup.class_4a, due_in_days=2,
                                   html="<p>Exercice 5 &amp; 6</p><p>Page 42</p>")  # fmt: skip
    period = await make_period(setup.school)
    shown = await make_evaluation(setup.teacher_4a, setup.subject, period, setup.class_4a, setup.student_4a,
                                  title="Fractions", grade="14")  # fmt: skip
    await published(shown)
    url = await make_feed(client, setup.parent_4a, setup.student_4a)
    calendar_app = await new_client()  # no session: the URL is all it has

    first = await calendar_app.get(url)
    events = events_of(first)
    assert first.headers["cache-control"] == "private, max-age=900" and first.headers["etag"]
    assert f"lesson-{other_class.id}@cartable" not in events  # another class's
    lesson_event = events[f"lesson-{lesson.id}@cartable"]
    assert str(lesson_event["SUMMARY"]) == "Mathématiques" and str(lesson_event["STATUS"]) == "CONFIRMED"
    assert str(lesson_event["LOCATION"]) == "Salle B12" and lesson_event["SEQUENCE"] == 0
    assert "Paul DURAND" in str(lesson_event["DESCRIPTION"])
    work = events[f"homework-{homework.id}@cartable"]
    assert str(work["SUMMARY"]) == "Travail à faire : Mathématiques"
    assert str(work["DESCRIPTION"]) == "Exercice 5 & 6\nPage 42"
    assert work["DTSTART"].dt == TODAY + timedelta(days=2)
    assert f"evaluation-{shown.id}@cartable" in events

    # Unchanged: the same ETag, and 304 to a calendar app that has it.
    again = await calendar_app.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304

    # Moved, then cancelled: the same event, a higher SEQUENCE, the new time, then CANCELLED.
    await sign_in(client, setup.teacher_4a)
    moved = {"status": "moved", "status_note": "Déplacé en salle C3", "starts_at": "14:00:00", "ends_at": "15:00:00",
             "room": "C3"}  # fmt: skip
    assert (await client.patch(f"/api/school/lessons/{lesson.id}", json=moved)).status_code == 200
    changed = await calendar_app.get(url, headers={"If-None-Match": first.headers["etag"]})
    event = events_of(changed)[f"lesson-{lesson.id}@cartable"]
    assert event["SEQUENCE"] == 1 and str(event["SUMMARY"]) == "Déplacé : Mathématiques"
    assert event["DTSTART"].dt.astimezone(timezone.utc) == paris(TODAY + timedelta(days=1), 14)
    assert (await client.patch(f"/api/school/lessons/{lesson.id}", json={"status": "cancelled"})).status_code == 200
    event = events_of(await calendar_app.get(url))[f"lesson-{lesson.id}@cartable"]
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"


async def test_the_feed_holds_the_school_calendar_for_the_whole_school_and_the_childs_class(client, new_client):
    setup = await school_setup()
    await sign_in(client, setup.staff)
    day = TODAY + timedelta(days=3)

    async def add(title: str, classes: list, **times) -> str:
        body = {"kind": "outing", "title": title, "first_day": str(day), "last_day": str(day + timedelta(days=1)),
                "location": "Musée d'Orsay", "details": "Prévoir un pique-nique", "class_ids": classes,
                **times}  # fmt: skip
        created = await client.post("/api/school/events", json=body)
        assert created.status_code == 200, created.text
        return created.json()["id"]

    everyone = await add("Journée portes ouvertes", [])
    for_4a = await add("Sortie au musée", [str(setup.class_4a.id)], starts_at="09:00:00", ends_at="17:00:00")
    for_3b = await add("Sortie au zoo", [str(setup.class_3b.id)])
    url = await make_feed(client, setup.parent_4a, setup.student_4a)
    calendar_app = await new_client()

    events = events_of(await calendar_app.get(url))
    assert f"event-{for_3b}@cartable" not in events  # another class's
    whole = events[f"event-{everyone}@cartable"]
    assert str(whole["SUMMARY"]) == "Sortie : Journée portes ouvertes" and str(whole["LOCATION"]) == "Musée d'Orsay"
    assert (whole["DTSTART"].dt, whole["DTEND"].dt) == (day, day + timedelta(days=2))  # two whole days
    outing = events[f"event-{for_4a}@cartable"]
    assert outing["DTSTART"].dt.astimezone(timezone.utc) == paris(day, 9)
    assert str(outing["DESCRIPTION"]) == "Prévoir un pique-nique"

    # Changed by the school: the same UID, a higher SEQUENCE, so the calendar app updates it.
    await sign_in(client, setup.staff)
    moved = {"kind": "outing", "title": "Sortie au musée (reportée)", "first_day": str(day + timedelta(days=7)),
             "last_day": str(day + timedelta(days=7)), "class_ids": [str(setup.class_4a.id)]}  # fmt: skip
    assert (await client.put(f"/api/school/events/{for_4a}", json=moved)).status_code == 200
    updated = events_of(await calendar_app.get(url))[f"event-{for_4a}@cartable"]
    assert updated["SEQUENCE"] > outing["SEQUENCE"] and updated["DTSTART"].dt == day + timedelta(days=7)
    assert str(updated["SUMMARY"]) == "Sortie : Sortie au musée (reportée)"


async def test_unpublished_evaluations_and_other_children_stay_out(client, new_client):
    setup = await school_setup()
    brother = await make_user(setup.school, "student", first_name="Hugo")
    await enrol(brother, setup.class_3b)
    await link_parent(setup.parent_4a, brother)
    period = await make_period(setup.school)
    hidden = await make_evaluation(setup.teacher_4a, setup.subject, period, setup.class_4a, setup.student_4a,
                                   title="Pas encore", grade="12", published=False)  # fmt: skip
    brothers = await make_homework(setup.teacher_3b, setup.subject, class_ref=setup.class_3b, due_in_days=1)
    events = events_of(await (await new_client()).get(await make_feed(client, setup.parent_4a, setup.student_4a)))
    assert f"evaluation-{hidden.id}@cartable" not in events and f"homework-{brothers.id}@cartable" not in events
    hugo = events_of(await (await new_client()).get(await make_feed(client, setup.parent_4a, brother)))
    assert f"homework-{brothers.id}@cartable" in hugo


async def test_the_feed_token_opens_that_feed_only_and_can_be_revoked_and_remade(client, new_client):
    setup = await school_setup()
    url = await make_feed(client, setup.parent_4a, setup.student_4a)
    token = url.removeprefix("/api/calendar/").removesuffix(".ics")
    stranger = await new_client()
    for headers in ({"Authorization": f"Bearer {token}"}, {"Authorization": f"DPoP {token}"},
                    {"Cookie": f"cartable_session={token}"}):  # fmt: skip
        response = await stranger.get("/api/me/calendar-feeds", headers=headers)
        assert response.status_code == 401, headers
        assert (await stranger.get(f"/api/students/{setup.student_4a.id}/homework", headers=headers)).status_code == 401
    assert (await stranger.get(url[:-10] + "AAAAAA.ics")).status_code == 404  # a wrong secret
    assert (await stranger.get("/api/calendar/nonsense.ics")).status_code == 404

    listed = (await client.get("/api/me/calendar-feeds")).json()
    assert [(f["first_name"], f["active"]) for f in listed] == [("Léa", True)]
    remade = await make_feed(client, setup.parent_4a, setup.student_4a)
    assert (await stranger.get(url)).status_code == 404 and (await stranger.get(remade)).status_code == 200
    assert (await client.delete(f"/api/me/calendar-feeds/{setup.student_4a.id}")).status_code == 204
    assert (await stranger.get(remade)).status_code == 404
    assert [f["active"] for f in (await client.get("/api/me/calendar-feeds")).json()] == [False]

    # A parent who is no longer the child's guardian: the URL stops working.
    again = await make_feed(client, setup.parent_4a, setup.student_4a)
    await Guardianship.delete().where(Guardianship.parent_id == setup.parent_4a.id)
    assert (await stranger.get(again)).status_code == 404


@pytest.mark.parametrize("reader", ["student_4a", "teacher_4a"])
async def test_a_feed_url_is_rate_limited(client, new_client, reader):
    setup = await school_setup()
    own = getattr(setup, reader)
    url = await make_feed(client, own, own)
    app = await new_client()
    statuses = [(await app.get(url)).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


async def test_wrong_urls_count_against_their_address_never_against_the_real_feed(app, client, new_client):
    setup = await school_setup()
    url = await make_feed(client, setup.student_4a, setup.student_4a)
    wrong = url[:-10] + "AAAAAA.ics"  # the real feed's id, a wrong secret
    async with client_from(app, "203.0.113.9") as guesser:
        statuses = [(await guesser.get(wrong)).status_code for _ in range(61)]
        assert statuses[:60] == [404] * 60 and statuses[60] == 429
        assert (await guesser.get("/api/calendar/nonsense.ics")).status_code == 429  # bounded per address
    calendar_app = await new_client()  # elsewhere: the real URL still works, its quota untouched
    assert (await calendar_app.get(url)).status_code == 200


async def test_an_evaluations_sequence_follows_its_publication(client, new_client):
    setup = await school_setup()
    period = await make_period(setup.school)
    evaluation = await make_evaluation(setup.teacher_4a, setup.subject, period, setup.class_4a, setup.student_4a,
                                       title="Fractions", grade="14")  # fmt: skip
    await published(evaluation)
    url = await make_feed(client, setup.parent_4a, setup.student_4a)
    uid = f"evaluation-{evaluation.id}@cartable"
    calendar_app = await new_client()
    first = events_of(await calendar_app.get(url))[uid]["SEQUENCE"]
    await sign_in(client, setup.teacher_4a)
    path = f"/api/school/evaluations/{evaluation.id}"
    assert (await client.post(f"{path}/unpublish")).status_code == 200
    assert uid not in events_of(await calendar_app.get(url))
    assert (await client.post(f"{path}/publish", json={})).status_code == 200
    # Shown again: the calendar app updates its event instead of keeping the old one.
    assert events_of(await calendar_app.get(url))[uid]["SEQUENCE"] > first


async def test_who_may_make_a_feed(client, new_client, monkeypatch):
    setup = await school_setup()
    await sign_in(client, setup.teacher_4a)
    for someone_else in (setup.student_4a, setup.teacher_3b, setup.staff):  # a teacher's feed is their own only
        made = await client.post("/api/me/calendar-feeds", json={"student_id": str(someone_else.id)})
        assert made.status_code == 404, someone_else
        assert (await client.delete(f"/api/me/calendar-feeds/{someone_else.id}")).status_code == 404
    await sign_in(client, setup.parent_4a)
    other = await client.post("/api/me/calendar-feeds", json={"student_id": str(setup.other_4a.id)})
    assert other.status_code == 404  # another family's child
    own = await client.post("/api/me/calendar-feeds", json={"student_id": str(setup.parent_4a.id)})
    assert own.status_code == 404  # a parent's feeds are their children's
    await sign_in(client, setup.student_4a)
    assert (await client.post("/api/me/calendar-feeds", json={"student_id": str(setup.other_4a.id)})).status_code == 404
    monkeypatch.setattr(clock, "source", clock.wall_clock)  # the test phone's DPoP proofs carry the wall clock's time
    phone = await pair_phone(await new_client(), await new_client(), setup.student_4a)  # from Réglages on the phone
    made = await phone.request("POST", "/api/me/calendar-feeds", json={"student_id": str(setup.student_4a.id)})
    assert made.status_code == 201 and (await phone.request("GET", "/api/me/calendar-feeds")).json()[0]["active"]


async def test_a_teachers_feed_is_their_own_timetable_with_changes_in_place(client, new_client):
    setup = await school_setup()
    tomorrow = TODAY + timedelta(days=1)
    lesson = await make_lesson(setup.teacher_4a, setup.subject, class_ref=setup.class_4a, day=tomorrow,
                               starts=time(10), ends=time(11))  # fmt: skip
    colleagues = await make_lesson(setup.teacher_3b, setup.subject, class_ref=setup.class_3b, day=tomorrow)
    homework = await make_homework(setup.teacher_4a, setup.subject, class_ref=setup.class_4a, due_in_days=2,
                                   html="<p>Exercice 5</p>")  # fmt: skip
    colleagues_homework = await make_homework(setup.teacher_3b, setup.subject, class_ref=setup.class_3b, due_in_days=2)

    await sign_in(client, setup.teacher_4a)
    listed = (await client.get("/api/me/calendar-feeds")).json()
    assert [(f["student_id"], f["first_name"], f["active"]) for f in listed] == [
        (str(setup.teacher_4a.id), "Paul", False)
    ]
    url = await make_feed(client, setup.teacher_4a, setup.teacher_4a)
    assert [f["active"] for f in (await client.get("/api/me/calendar-feeds")).json()] == [True]
    calendar_app = await new_client()  # no session: the URL is all it has

    first = await calendar_app.get(url)
    assert first.headers["cache-control"] == "private, max-age=900" and first.headers["etag"]
    calendar = Calendar.from_ical(first.content)
    assert str(calendar["X-WR-CALNAME"]) == "Cartable — Paul"
    events = events_of(first)
    assert f"lesson-{colleagues.id}@cartable" not in events
    assert f"homework-{colleagues_homework.id}@cartable" not in events
    assert f"lesson-{setup.lesson_4a.id}@cartable" in events  # Monday's, in the four weeks shown back
    event = events[f"lesson-{lesson.id}@cartable"]
    assert str(event["SUMMARY"]) == "Mathématiques — 4e A" and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Salle B12" and event["SEQUENCE"] == 0
    assert event["DTSTART"].dt.astimezone(timezone.utc) == paris(tomorrow, 10)
    work = events[f"homework-{homework.id}@cartable"]
    assert str(work["SUMMARY"]) == "Travail à faire : Mathématiques — 4e A" and str(work["DESCRIPTION"]) == "Exercice 5"
    assert work["DTSTART"].dt == TODAY + timedelta(days=2)  # the school's day, not UTC's
    assert (await calendar_app.get(url, headers={"If-None-Match": first.headers["etag"]})).status_code == 304

    # Moved to another day, then cancelled: the same event, a higher SEQUENCE each time.
    later = TODAY + timedelta(days=3)
    moved = {"status": "moved", "status_note": "Salle C3", "date": str(later), "starts_at": "14:00:00",
             "ends_at": "15:00:00", "room": "C3"}  # fmt: skip
    assert (await client.patch(f"/api/school/lessons/{lesson.id}", json=moved)).status_code == 200
    changed = await calendar_app.get(url, headers={"If-None-Match": first.headers["etag"]})
    event = events_of(changed)[f"lesson-{lesson.id}@cartable"]
    assert event["SEQUENCE"] == 1 and str(event["SUMMARY"]) == "Déplacé : Mathématiques — 4e A"
    assert event["DTSTART"].dt.astimezone(timezone.utc) == paris(later, 14) and str(event["LOCATION"]) == "Salle C3"
    assert str(event["DESCRIPTION"]) == "Salle C3"
    assert (await client.patch(f"/api/school/lessons/{lesson.id}", json={"status": "cancelled"})).status_code == 200
    event = events_of(await calendar_app.get(url))[f"lesson-{lesson.id}@cartable"]
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Annulé : Mathématiques — 4e A"


async def test_school_events_in_a_teachers_feed_are_their_classes_and_in_staffs_the_whole_schools(client, new_client):
    setup = await school_setup()
    head = await make_user(setup.school, "admin", first_name="Claire")
    await sign_in(client, setup.staff)
    day = TODAY + timedelta(days=3)

    async def add(title: str, classes: list) -> str:
        body = {"kind": "other", "title": title, "first_day": str(day), "last_day": str(day), "class_ids": classes}
        created = await client.post("/api/school/events", json=body)
        assert created.status_code == 200, created.text
        return created.json()["id"]

    everyone = await add("Conseil pédagogique", [])
    for_4a = await add("Réunion parents 4e A", [str(setup.class_4a.id)])
    for_3b = await add("Réunion parents 3e B", [str(setup.class_3b.id)])
    # The CPE gives a lesson too (an hour of vie de classe): it is in their timetable, hence their feed.
    staffs_lesson = await make_lesson(setup.staff, setup.subject, class_ref=setup.class_3b, day=day)

    teachers = events_of(await (await new_client()).get(await make_feed(client, setup.teacher_4a, setup.teacher_4a)))
    assert {f"event-{everyone}@cartable", f"event-{for_4a}@cartable"} <= set(teachers)
    assert f"event-{for_3b}@cartable" not in teachers and f"lesson-{staffs_lesson.id}@cartable" not in teachers
    staffs = events_of(await (await new_client()).get(await make_feed(client, setup.staff, setup.staff)))
    assert {f"event-{e}@cartable" for e in (everyone, for_4a, for_3b)} <= set(staffs)
    assert str(staffs[f"lesson-{staffs_lesson.id}@cartable"]["SUMMARY"]) == "Mathématiques — 3e B"
    assert not any(uid.startswith("lesson-") and uid != f"lesson-{staffs_lesson.id}@cartable" for uid in staffs)
    heads = events_of(await (await new_client()).get(await make_feed(client, head, head)))
    assert {f"event-{e}@cartable" for e in (everyone, for_4a, for_3b)} == set(heads)  # no lessons: the calendar


async def test_a_teachers_feed_token_opens_that_feed_only_and_can_be_revoked_and_remade(client, new_client):
    setup = await school_setup()
    url = await make_feed(client, setup.teacher_4a, setup.teacher_4a)
    token = url.removeprefix("/api/calendar/").removesuffix(".ics")
    stranger = await new_client()
    for headers in ({"Authorization": f"Bearer {token}"}, {"Authorization": f"DPoP {token}"},
                    {"Cookie": f"cartable_session={token}"}):  # fmt: skip
        assert (await stranger.get("/api/school/lessons", headers=headers)).status_code == 401, headers
        assert (await stranger.get("/api/me/calendar-feeds", headers=headers)).status_code == 401, headers
    assert (await stranger.get(url[:-10] + "AAAAAA.ics")).status_code == 404  # a wrong secret

    remade = await make_feed(client, setup.teacher_4a, setup.teacher_4a)
    assert (await stranger.get(url)).status_code == 404 and (await stranger.get(remade)).status_code == 200
    assert (await client.delete(f"/api/me/calendar-feeds/{setup.teacher_4a.id}")).status_code == 204
    assert (await stranger.get(remade)).status_code == 404
    assert [f["active"] for f in (await client.get("/api/me/calendar-feeds")).json()] == [False]

    # An account closed (a teacher who left): the URL stops working.
    again = await make_feed(client, setup.teacher_4a, setup.teacher_4a)
    assert (await stranger.get(again)).status_code == 200
    await User.update({User.disabled: True}).where(User.id == setup.teacher_4a.id)
    assert (await stranger.get(again)).status_code == 404
