"""Issue #14 in the family screens' reads: a homework "à rendre" and where the student stands in the
homework list, today's and tomorrow's menus, the coming week's events, the hand-ins due and the alert
button on Accueil, the events in the timetable week; the school's own day; and the phase-1 family
reads (hand-ins, events, canteen, bulletins) as one statement each with an ETag."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

import msgspec

from api import clock
from api.bulletins.structs import PublishedBulletin
from api.canteen.structs import Menus
from api.events.structs import Events
from api.home.family import Home
from api.homework.family_structs import HomeworkList
from api.homework.submissions_structs import HandInItem
from api.timetable.family import Timetable
from tests.fixtures.api import sign_in
from tests.pairing_builders import pair_phone
from tests.parity_builders import JPEG, PDF, make_homework, setup, signed_in, today
from tests.statements import counting
from tests.test_family_read_models import decoded


def _deadline(days: int, hour: int = 18) -> str:
    return datetime.combine(today() + timedelta(days=days), time(hour)).isoformat()  # the school's local time


async def _mark(teacher, homework, days: int = 3) -> dict:
    response = await teacher.put(
        f"/api/school/homework/{homework.id}/hand-in",
        json={"deadline": _deadline(days), "accepted_types": ["pdf", "jpg"]},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _hand_in(student, s, homework, content=JPEG, name="photo.jpg"):
    response = await student.post(
        f"/api/students/{s.student.id}/homework/{homework.id}/submission/files",
        files={"file": (name, content)},
        data={"client_id": uuid.uuid4().hex},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _items(client, s) -> dict:
    response = await client.get(f"/api/students/{s.student.id}/homework")
    assert response.status_code == 200, response.text
    return {str(item.id): item for item in decoded(response.content, HomeworkList).items}


async def test_the_homework_list_shows_what_is_to_hand_in_and_where_the_student_stands(new_client):
    s = await setup()
    to_hand_in = await make_homework(s.teacher, s.maths, s.class_4a)
    on_paper = await make_homework(s.teacher, s.maths, s.class_4a, due=4)
    teacher, student, parent = [await signed_in(new_client, u) for u in (s.teacher, s.student, s.parent)]
    report = await _mark(teacher, to_hand_in)

    items = await _items(student, s)
    assert items[str(on_paper.id)].hand_in is None and items[str(on_paper.id)].submission is None
    item = items[str(to_hand_in.id)]
    assert item.hand_in.accepted_types == ["pdf", "jpg"] and item.hand_in.accepted_label == "PDF, JPEG"
    assert msgspec.to_builtins(item.hand_in) == report["hand_in"]  # the teacher's deadline, to the second
    assert msgspec.to_builtins(item.submission) == {
        "status": "missing",
        "handed_in_at": None,
        "file_count": 0,
        "returned_at": None,
        "has_comment": False,
    }

    await _hand_in(student, s, to_hand_in)
    handed = await _hand_in(student, s, to_hand_in, PDF, "copie.pdf")
    for reader in (student, parent):  # the parent reads where their child stands
        summary = (await _items(reader, s))[str(to_hand_in.id)].submission
        assert (summary.status, summary.file_count, summary.returned_at) == ("on_time", 2, None)
        assert msgspec.to_builtins(summary.handed_in_at) == handed["submission"]["handed_in_at"]

    lines = (await teacher.get(f"/api/school/homework/{to_hand_in.id}/submissions")).json()["students"]
    [line] = [line for line in lines if line["student_id"] == str(s.student.id)]
    back = f"/api/school/homework/{to_hand_in.id}/submissions/{line['submission_id']}/return"
    form = {"comment": "Très bien.", "client_id": uuid.uuid4().hex}
    returned = await teacher.post(back, data=form, files={"file": ("corrige.pdf", PDF)})
    assert returned.status_code == 200, returned.text
    summary = (await _items(parent, s))[str(to_hand_in.id)].submission
    assert summary.returned_at is not None and summary.has_comment is True


async def test_late_or_on_time_reads_the_same_for_the_family_and_the_teacher(new_client):
    s = await setup()
    late_work = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher, student = await signed_in(new_client, s.teacher), await signed_in(new_client, s.student)
    await _mark(teacher, late_work, days=-2)  # the deadline was two days ago: late is allowed and shown
    handed = await _hand_in(student, s, late_work)
    assert (handed["submission"]["status"], handed["submission"]["status_label"]) == ("late", "Rendu en retard")
    assert (await _items(student, s))[str(late_work.id)].submission.status == "late"
    report = (await teacher.get(f"/api/school/homework/{late_work.id}/submissions")).json()
    [line] = [line for line in report["students"] if line["student_id"] == str(s.student.id)]
    assert line["submission"]["status"] == "late" and report["late"] == 1
    family = handed["submission"]
    assert {k: v for k, v in line["submission"].items() if k not in ("files", "corrections")} == {
        k: v for k, v in family.items() if k not in ("files", "corrections")
    }
    assert [f["filename"] for f in line["submission"]["files"]] == [f["filename"] for f in family["files"]]


async def publish_menus(staff, days: list, *, published: bool = True):
    monday = min(days) - timedelta(days=min(days).weekday())
    week = {
        "monday": str(monday),
        "published": published,
        "days": [
            {
                "day": str(day),
                "dishes": [
                    {"course": "starter", "name": f"Entrée du {day:%d}", "allergens": ["mustard", "eggs"]},
                    {"course": "main", "name": f"Plat du {day:%d}", "allergens": ["gluten"], "vegetarian": True},
                    {"course": "dessert", "name": "Pomme", "vegetarian": True},
                ],
            }
            for day in days
        ],
    }
    response = await staff.put("/api/school/canteen/week", json=week)
    assert response.status_code == 200, response.text


async def add_event(staff, title: str, day, **fields):
    event = {"kind": "outing", "title": title, "first_day": str(day), "last_day": str(day), **fields}
    response = await staff.post("/api/school/events", json=event)
    assert response.status_code == 200, response.text


async def test_accueil_shows_the_menus_the_coming_week_the_hand_ins_due_and_the_alert_button(new_client):
    s = await setup()
    staff, teacher = await signed_in(new_client, s.staff), await signed_in(new_client, s.teacher)
    student, parent = await signed_in(new_client, s.student), await signed_in(new_client, s.parent)
    url = f"/api/students/{s.student.id}/home"
    home = decoded((await parent.get(url)).content, Home)
    assert home.today == today() and (home.canteen, home.events, home.hand_ins_due) == ([], [], 0)

    for week in sorted({d - timedelta(days=d.weekday()) for d in (home.today, home.tomorrow)}):
        await publish_menus(staff, [d for d in (home.today, home.tomorrow) if d - timedelta(days=d.weekday()) == week])
    later = home.tomorrow + timedelta(days=1)
    await add_event(staff, "Sortie au musée", today() + timedelta(days=2), class_ids=[str(s.class_4a.id)])
    await add_event(
        staff, "Journée portes ouvertes", today() + timedelta(days=6), starts_at="09:00:00", ends_at="12:00:00"
    )
    await add_event(staff, "Conseil de classe de 5e A", today() + timedelta(days=1), class_ids=[str(s.class_5a.id)])
    await add_event(staff, "Carnaval", today() + timedelta(days=7))  # beyond the coming week
    for days in (2, 5):
        await _mark(teacher, await make_homework(s.teacher, s.maths, s.class_4a, due=days), days=days)
    handed = await make_homework(s.teacher, s.maths, s.class_4a, due=4)
    await _mark(teacher, handed, days=4)
    await _hand_in(student, s, handed)
    await _mark(teacher, await make_homework(s.teacher, s.maths, s.class_4a, due=0), days=-1)  # deadline passed

    home = decoded((await parent.get(url)).content, Home)
    assert [menu.day for menu in home.canteen] == [home.today, home.tomorrow]
    dishes = home.canteen[0].dishes
    assert [(d.course_label, d.vegetarian) for d in dishes] == [("Entrée", False), ("Plat", True), ("Dessert", True)]
    assert [a.label for a in dishes[0].allergens] == ["Œufs", "Moutarde"]  # in the regulation's order
    assert home.canteen[0].vegetarian is True
    assert [e.title for e in home.events] == ["Sortie au musée", "Journée portes ouvertes"]
    assert home.events[1].starts_at == time(9) and home.events[0].classes[0].name == "4e A"
    assert home.hand_ins_due == 2
    assert home.alert_button is False  # a parent never gets the button
    assert (await student.get(url)).json()["alert_button"] is False  # nobody designated yet

    admin = await signed_in(new_client, s.admin)
    settings = {"enabled": True, "recipient_ids": [str(s.staff.id)]}
    assert (await admin.put("/api/school/alerts/settings", json=settings)).status_code == 200
    assert decoded((await student.get(url)).content, Home).alert_button is True
    assert (await parent.get(url)).json()["alert_button"] is False
    assert (await admin.put("/api/school/alerts/settings", json={**settings, "enabled": False})).status_code == 200
    assert (await student.get(url)).json()["alert_button"] is False  # the school turned it off

    await publish_menus(staff, [later], published=False)  # a draft stays with the school
    week = decoded((await parent.get(f"/api/canteen/menus?start={later}&end={later}")).content, Menus)
    assert week.menus == []


async def test_the_timetable_week_carries_the_school_events_of_those_days(new_client):
    s = await setup()
    staff, parent = await signed_in(new_client, s.staff), await signed_in(new_client, s.parent)
    monday = today() - timedelta(days=today().weekday())
    await add_event(
        staff, "Vacances", monday - timedelta(days=3), last_day=str(monday + timedelta(days=1)), kind="holiday"
    )
    await add_event(staff, "Réunion parents-professeurs", monday + timedelta(days=3), kind="parents_evening")
    await add_event(staff, "Conseil de classe de 5e A", monday + timedelta(days=2), class_ids=[str(s.class_5a.id)])
    await add_event(staff, "Semaine suivante", monday + timedelta(days=7))
    url = f"/api/students/{s.student.id}/timetable?start={monday}&end={monday + timedelta(days=4)}"
    week = decoded((await parent.get(url)).content, Timetable)
    assert [(e.title, e.kind_label) for e in week.events] == [
        ("Vacances", "Vacances"),
        ("Réunion parents-professeurs", "Réunion parents-professeurs"),
    ]
    assert decoded((await parent.get(f"/api/students/{s.student.id}/timetable")).content, Timetable).start == monday


async def test_the_family_day_is_the_schools_not_utcs(client, monkeypatch):
    s = await setup()
    utc_day = clock.now().date()
    late_evening = datetime.combine(utc_day, time(23, 30), timezone.utc)  # already the next day in Paris
    monkeypatch.setattr(clock, "now", lambda: late_evening)
    await sign_in(client, s.parent)
    home = decoded((await client.get(f"/api/students/{s.student.id}/home")).content, Home)
    assert home.today == utc_day + timedelta(days=1)
    homework = decoded((await client.get(f"/api/students/{s.student.id}/homework")).content, HomeworkList)
    assert homework.start == utc_day + timedelta(days=1)


def phase_one_reads(s) -> list[tuple[str, object]]:
    student = f"/api/students/{s.student.id}"
    return [
        (f"{student}/hand-ins", list[HandInItem]),
        (f"{student}/events", Events),
        (f"{student}/bulletins", list[PublishedBulletin]),
        ("/api/canteen/menus", Menus),
    ]


async def test_the_phase_one_family_reads_answer_304_while_unchanged(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher, staff = await signed_in(new_client, s.teacher), await signed_in(new_client, s.staff)
    await _mark(teacher, homework)
    await publish_menus(staff, [today()])
    await add_event(staff, "Sortie au musée", today() + timedelta(days=2))
    parent = await signed_in(new_client, s.parent)
    phone = await pair_phone(await new_client(), await new_client(), s.parent)
    for path, shape in phase_one_reads(s):
        first = await parent.get(path)
        assert first.status_code == 200, (path, first.text)
        decoded(first.content, shape)
        with counting() as sent:
            again = await parent.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", path
        assert len(sent) == 1, (path, sent)
        signed = {**phone.headers("GET", path), "If-None-Match": first.headers["etag"]}
        response = await phone.client.get(path, headers=signed)
        assert response.status_code == 304, (path, response.text)  # the phone's copy is the same
    [item] = (await parent.get(f"/api/students/{s.student.id}/hand-ins")).json()
    assert item["submission"]["status"] == "missing" and item["can_hand_in"] is False  # only the student hands in
    with counting() as sent:
        one = await parent.get(f"/api/students/{s.student.id}/homework/{homework.id}/submission")
    assert one.status_code == 200 and len(sent) == 1 and one.json() == item


async def test_the_phase_one_family_reads_stay_in_the_family_and_the_school(new_client):
    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    await _mark(await signed_in(new_client, s.teacher), homework)
    other_family = await signed_in(new_client, s.parent_5a)
    for path, _ in phase_one_reads(s)[:3]:
        response = await other_family.get(path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", path
    one = await other_family.get(f"/api/students/{s.student.id}/homework/{homework.id}/submission")
    assert one.status_code == 404
    own_child = await other_family.get(f"/api/students/{s.student_5a.id}/homework/{homework.id}/submission")
    assert own_child.status_code == 404 and own_child.json()["error"]["message"] == "Devoir introuvable."
    assert (await (await new_client()).get("/api/canteen/menus")).status_code == 401
    foreign = await signed_in(new_client, s.foreign_parent)
    assert (await foreign.get(f"/api/students/{s.student.id}/events")).status_code == 404
