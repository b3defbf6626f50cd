"""Calendar feeds: a secret iCalendar URL per reader and child, read back with `icalendar` as a calendar
app would; stable UIDs and SEQUENCE across changes, caching headers, a token that opens nothing else,
revocation and renewal, rate limiting, and who may make one."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar

from db.core.tables import Guardianship
from tests.factories import enrol, link_parent, make_user
from tests.family_builders import make_evaluation, make_homework, make_period
from tests.fixtures.api import client_from, sign_in
from tests.pairing_builders import pair_phone
from tests.school_builders import make_lesson, school_setup

TODAY = datetime.now(timezone.utc).date()


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
    assert event["DTSTART"].dt.astimezone(timezone.utc) == datetime.combine(
        TODAY + timedelta(days=1), time(14), tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Paris")
    ).astimezone(timezone.utc)
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
    assert outing["DTSTART"].dt.astimezone(timezone.utc) == datetime.combine(
        day, time(9), tzinfo=ZoneInfo("Europe/Paris")
    ).astimezone(timezone.utc)
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


async def test_a_feed_url_is_rate_limited(client, new_client):
    setup = await school_setup()
    url = await make_feed(client, setup.student_4a, setup.student_4a)
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


async def test_who_may_make_a_feed(client, new_client):
    setup = await school_setup()
    await sign_in(client, setup.teacher_4a)
    assert (
        await client.post("/api/me/calendar-feeds", json={"student_id": str(setup.student_4a.id)})
    ).status_code == 403
    await sign_in(client, setup.parent_4a)
    other = await client.post("/api/me/calendar-feeds", json={"student_id": str(setup.other_4a.id)})
    assert other.status_code == 404  # another family's child
    await sign_in(client, setup.student_4a)
    assert (await client.post("/api/me/calendar-feeds", json={"student_id": str(setup.other_4a.id)})).status_code == 404
    phone = await pair_phone(await new_client(), await new_client(), setup.student_4a)  # from Réglages on the phone
    made = await phone.request("POST", "/api/me/calendar-feeds", json={"student_id": str(setup.student_4a.id)})
    assert made.status_code == 201 and (await phone.request("GET", "/api/me/calendar-feeds")).json()[0]["active"]


@pytest.mark.browser
async def test_the_espace_agenda_page_makes_and_revokes_a_link(browser, live_server):
    from tests.fixtures.browser import artifact, check_screen, espace_context

    setup = await school_setup()
    context, page = await espace_context(browser, live_server, setup.parent_4a)
    try:
        await page.goto(f"{live_server}/espace/agenda.html")
        await page.click("text=Créer le lien")
        url = await page.input_value(f"#url-{setup.student_4a.id}")
        assert (
            url.startswith(live_server + "/api/calendar/")
            and await page.evaluate("() => document.activeElement.id") == f"url-{setup.student_4a.id}"
        )
        async with httpx.AsyncClient() as calendar_app:
            assert (await calendar_app.get(url)).status_code == 200
            await check_screen(page, "espace-agenda-lien", sizes=((1280, 900),))
            await page.click("text=Révoquer")
            await page.wait_for_selector("text=Aucun lien.")
            assert (await calendar_app.get(url)).status_code == 404
        await page.screenshot(path=artifact("espace-agenda-revoque.png"))
    finally:
        await context.close()
