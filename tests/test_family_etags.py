"""Conditional requests on every family read (issue #9 point 6): each GET route of the API outside the
school's (`/api/school/…`), taken from the app's route table, either answers with an ETag and a `304`
without a body to `If-None-Match`, or is listed in NO_ETAG with the reason it has none.

For each route, as the reader with a session and as the reader's paired phone (DPoP): 200 with a weak
ETag; the same request with `If-None-Match` → 304, empty; then, once the content changed (or, for what
never changes — a stored file, a published bulletin — for another record of the same route), 200 with
another ETag. The OpenAPI document declares the 304.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest

from db.core.tables import SchoolYear
from tests.factories import assign_teacher, enrol, link_parent, make_class, make_user
from tests.family_builders import make_discussion, make_evaluation, make_lesson, make_post, make_vie_scolaire
from tests.family_builders import make_homework as make_homework_due
from tests.pairing_builders import pair_phone
from tests.parity_builders import JPEG, PDF, make_homework, setup, signed_in, today
from tests.push_builders import change_settings
from tests.teleservices_builders import open_campaign, upload
from tests.test_family_parity_reads import add_event, publish_menus

# Family GET routes without an ETag, and why. The test fails if one is no longer a route.
NO_ETAG = {
    "/api/health": "liveness probe: no reader, nothing to keep",
    "/api/demo/outbox": "demo mode's page of the SMS and e-mails sent, opened on the computer: not a family read",
    "/api/calendar/{token:str}": "a calendar feed: its own ETag and Cache-Control for calendar apps, opened by "
    "its secret URL without a session (tests/test_calendar_feeds.py)",
    "/api/session": "the sign-in state with this session's CSRF token, read when a page opens: never kept",
    "/api/accounts/first-login": "the first-login steps, read while they are being done: never kept",
    "/api/accounts/passkeys": "account settings of the espace (the passkeys): never kept",
    "/api/pairing/devices": "account settings of the espace (the paired devices): never kept",
    "/api/pairing/pairings/{pairing_id:uuid}": "a pairing's state, polled until the phone claims it: a question "
    "about a moment, not a read",
    "/api/teleservices/campaigns/{campaign_id:uuid}/simulation": "a computation on its query (resources → "
    "échelon): a POST-like GET",
    "/api/teleservices/orientation-choices": "a constant of the code per level, asked while a form is filled in",
    "/api/teleservices/contact": "account settings (contact details, changes waiting for their code): never kept",
    "/api/me/calendar-feeds": "the feeds' secret URLs, shown when asked for: never kept on the phone",
    "/api/me/alerts": "a student's confidential alerts, read afresh when the screen opens: never kept on the phone",
    "/api/portal": "the espace's ENT tiles and favourites, a settings page of the computer: never kept",
}


def family_get_routes(app) -> set[str]:
    """Every GET route of the API but the school's: what a family's session or phone may read."""
    return {
        route.path
        for route in app.routes
        if route.path.startswith("/api/")
        and not route.path.startswith("/api/school/")
        and any("GET" in (handler.http_methods or ()) for handler in getattr(route, "route_handlers", ()))
    }


@dataclass
class World:
    """A school (tests/parity_builders.py `setup`) where the parent also has Inès (5e A), and the clients."""

    s: object
    new_client: Callable
    clients: dict = field(default_factory=dict)
    phone: object = None

    async def client(self, user):
        if user.id not in self.clients:
            self.clients[user.id] = await signed_in(self.new_client, user)
        return self.clients[user.id]


@dataclass
class Case:
    url: str
    change: Callable[[], Awaitable[None]] | None = None  # changes what `url` answers
    other_url: str | None = None  # or: the same route for another record, whose content differs


Recipe = Callable[[World], Awaitable[Case]]
RECIPES: dict[str, Recipe] = {}
PHONE_ONLY = {"/api/pairing/profile", "/api/push/settings"}  # a session is refused there (401 dpop_required)


def recipe(route: str):
    def register(function: Recipe) -> Recipe:
        RECIPES[route] = function
        return function

    return register


def student_url(w: World, tail: str, student=None) -> str:
    return f"/api/students/{(student or w.s.student).id}{tail}"


@recipe("/api/students/{student_id:uuid}/home")
async def _home(w):
    return Case(
        student_url(w, "/home"), change=lambda: make_homework_due(w.s.teacher, w.s.maths, class_ref=w.s.class_4a)
    )


@recipe("/api/students/{student_id:uuid}/homework")
async def _homework(w):
    return Case(student_url(w, "/homework"), change=lambda: make_homework(w.s.teacher, w.s.maths, w.s.class_4a))


@recipe("/api/students/{student_id:uuid}/timetable")
async def _timetable(w):
    day = today()
    url = student_url(w, f"/timetable?start={day}&end={day}")
    return Case(url, change=lambda: make_lesson(w.s.teacher, w.s.maths, class_ref=w.s.class_4a, day=day))


@recipe("/api/students/{student_id:uuid}/vie-scolaire")
async def _vie_scolaire(w):
    return Case(student_url(w, "/vie-scolaire"), change=lambda: make_vie_scolaire(w.s.teacher, w.s.student))


@recipe("/api/students/{student_id:uuid}/evaluations")
async def _evaluations(w):
    s = w.s
    return Case(
        student_url(w, "/evaluations"),
        change=lambda: make_evaluation(s.teacher, s.maths, s.period, s.class_4a, s.student),
    )


@recipe("/api/students/{student_id:uuid}/events")
async def _events(w):
    staff = await w.client(w.s.staff)
    url = student_url(w, f"/events?start={today()}&end={today() + timedelta(days=7)}")
    return Case(url, change=lambda: add_event(staff, "Sortie au musée", today() + timedelta(days=2)))


@recipe("/api/canteen/menus")
async def _menus(w):
    staff = await w.client(w.s.staff)
    return Case(f"/api/canteen/menus?start={today()}&end={today()}", change=lambda: publish_menus(staff, [today()]))


async def _publish_bulletins(w) -> str:
    admin = await w.client(w.s.admin)
    classes = [str(w.s.class_4a.id), str(w.s.class_5a.id)]
    publication = {"visible_from": str(today()), "class_ids": classes}
    response = await admin.put(f"/api/school/bulletins/{w.s.period.id}/publication", json=publication)
    assert response.status_code == 200, response.text
    return f"/bulletins/{w.s.period.id}"


@recipe("/api/students/{student_id:uuid}/bulletins")
async def _bulletins(w):
    return Case(student_url(w, "/bulletins"), change=lambda: _publish_bulletins(w))


@recipe("/api/students/{student_id:uuid}/bulletins/{period_id:uuid}")
async def _bulletin(w):
    tail = await _publish_bulletins(w)  # published, frozen: another child's is another bulletin
    return Case(student_url(w, tail), other_url=student_url(w, tail, w.s.student_5a))


@recipe("/api/students/{student_id:uuid}/bulletins/{period_id:uuid}/pdf")
async def _bulletin_pdf(w):
    tail = await _publish_bulletins(w) + "/pdf"
    return Case(student_url(w, tail), other_url=student_url(w, tail, w.s.student_5a))


async def _to_hand_in(w):
    """A homework of 4e A to hand in, and the student's client."""
    homework = await make_homework(w.s.teacher, w.s.maths, w.s.class_4a)
    teacher = await w.client(w.s.teacher)
    deadline = f"{today() + timedelta(days=3)}T18:00:00"
    marked = await teacher.put(
        f"/api/school/homework/{homework.id}/hand-in", json={"deadline": deadline, "accepted_types": ["pdf", "jpg"]}
    )
    assert marked.status_code == 200, marked.text
    return homework, await w.client(w.s.student)


async def _hand_in(w, student, homework, content=JPEG, name="photo.jpg") -> dict:
    response = await student.post(
        student_url(w, f"/homework/{homework.id}/submission/files"),
        files={"file": (name, content)},
        data={"client_id": uuid.uuid4().hex},
    )
    assert response.status_code == 200, response.text
    return response.json()


@recipe("/api/students/{student_id:uuid}/hand-ins")
async def _hand_ins(w):
    homework, student = await _to_hand_in(w)
    return Case(student_url(w, "/hand-ins"), change=lambda: _hand_in(w, student, homework))


@recipe("/api/students/{student_id:uuid}/homework/{homework_id:uuid}/submission")
async def _submission(w):
    homework, student = await _to_hand_in(w)
    url = student_url(w, f"/homework/{homework.id}/submission")
    return Case(url, change=lambda: _hand_in(w, student, homework))


@recipe("/api/students/{student_id:uuid}/homework/{homework_id:uuid}/submission/files/{file_id:uuid}")
async def _submission_file(w):
    homework, student = await _to_hand_in(w)
    await _hand_in(w, student, homework)
    item = await _hand_in(w, student, homework, PDF, "copie.pdf")
    first, second = (f"/homework/{homework.id}/submission/files/{f['id']}" for f in item["submission"]["files"])
    return Case(student_url(w, first), other_url=student_url(w, second))


@recipe("/api/homework/{homework_id:uuid}/attachments/{attachment_id:uuid}")
async def _attachment(w):
    homework = await make_homework(w.s.teacher, w.s.maths, w.s.class_4a)
    teacher = await w.client(w.s.teacher)
    ids = []
    for name, content in (("consignes.pdf", PDF), ("schema.jpg", JPEG)):
        response = await teacher.post(
            f"/api/school/homework/{homework.id}/attachments", files={"file": (name, content)}
        )
        assert response.status_code in (200, 201), response.text
        ids.append(response.json()["id"])
    first, second = (f"/api/homework/{homework.id}/attachments/{id_}" for id_ in ids)
    return Case(first, other_url=second)


@recipe("/api/students/{student_id:uuid}/teachers")
async def _teachers(w):
    async def new_teacher() -> None:
        teacher = await make_user(w.s.school, "teacher", first_name="Nadia", last_name="Roux")
        await assign_teacher(teacher, w.s.french, class_ref=w.s.class_4a)

    return Case(student_url(w, "/teachers"), change=new_teacher)


@recipe("/api/me/discussions")
async def _discussions(w):
    return Case("/api/me/discussions", change=lambda: make_discussion(w.s.teacher, w.s.parent, w.s.student))


@recipe("/api/me/discussions/{discussion_id:uuid}")
async def _discussion(w):
    discussion = await make_discussion(w.s.teacher, w.s.parent, w.s.student)
    teacher = await w.client(w.s.teacher)

    async def reply() -> None:
        body = {"body": "Merci pour votre message.", "client_id": uuid.uuid4().hex}
        response = await teacher.post(f"/api/school/discussions/{discussion.id}/messages", json=body)
        assert response.status_code == 201, response.text

    return Case(f"/api/me/discussions/{discussion.id}", change=reply)


@recipe("/api/me/information")
async def _information(w):
    return Case("/api/me/information", change=lambda: make_post(w.s.teacher, [w.s.parent]))


@recipe("/api/pairing/profile")
async def _profile(w):
    return Case("/api/pairing/profile", change=lambda: link_parent(w.s.parent, w.s.classmate))  # a third child


@recipe("/api/push/settings")
async def _push_settings(w):
    async def mute() -> None:
        await change_settings(w.phone, reminder_enabled=True, reminder_time="19:00")

    return Case("/api/push/settings", change=mute)


async def _campaign(w, service: str, level: str = ""):
    year = await SchoolYear.select(SchoolYear.id).where(SchoolYear.school_id == w.s.school.id).first()
    return await open_campaign(SimpleNamespace(school=w.s.school, year_id=year["id"]), service, level)


async def _open(w, kind: str, campaign, student) -> dict:
    parent = await w.client(w.s.parent)
    body = {"campaign_id": str(campaign.id), "student_id": str(student.id)}
    response = await parent.post(f"/api/teleservices/{kind}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@recipe("/api/teleservices/summary")
async def _summary(w):
    campaign = await _campaign(w, "bourse_college")
    return Case("/api/teleservices/summary", change=lambda: _open(w, "bourses", campaign, w.s.student))


@recipe("/api/teleservices/bourses/{request_id:uuid}")
async def _bourse(w):
    draft = await _open(w, "bourses", await _campaign(w, "bourse_college"), w.s.student)
    parent = await w.client(w.s.parent)

    async def fill_in() -> None:
        form = {"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True}
        assert (await parent.put(f"/api/teleservices/bourses/{draft['id']}", json=form)).status_code == 200

    return Case(f"/api/teleservices/bourses/{draft['id']}", change=fill_in)


@recipe("/api/teleservices/bourses/{request_id:uuid}/pieces/{piece_id:uuid}")
async def _piece(w):
    draft = await _open(w, "bourses", await _campaign(w, "bourse_college"), w.s.student)
    parent = await w.client(w.s.parent)
    assert (await upload(parent, draft["id"])).status_code == 200
    pieces = (await upload(parent, draft["id"], JPEG, "avis.jpg")).json()["pieces"]
    first, second = (f"/api/teleservices/bourses/{draft['id']}/pieces/{piece['id']}" for piece in pieces)
    return Case(first, other_url=second)


@recipe("/api/teleservices/orientation/{form_id:uuid}")
async def _orientation(w):
    pupil = await make_user(w.s.school, "student", first_name="Hugo", last_name="Moreau")
    await enrol(pupil, await make_class(w.s.school, "3e A"))
    await link_parent(w.s.parent, pupil)
    form = await _open(w, "orientation", await _campaign(w, "orientation_provisional", "3e"), pupil)
    parent = await w.client(w.s.parent)

    async def wish() -> None:
        wishes = {"wishes": [{"track": "2gt"}]}
        assert (await parent.put(f"/api/teleservices/orientation/{form['id']}/wishes", json=wishes)).status_code == 200

    return Case(f"/api/teleservices/orientation/{form['id']}", change=wish)


async def test_every_family_get_route_is_held_to_its_etag_or_listed_with_a_reason(app, client):
    routes = family_get_routes(app)
    assert set(RECIPES) <= routes, set(RECIPES) - routes  # a recipe for a route that is gone
    assert set(NO_ETAG) <= routes, set(NO_ETAG) - routes  # a reason for a route that is gone
    assert not set(RECIPES) & set(NO_ETAG)
    assert routes - set(NO_ETAG) - set(RECIPES) == set(), "a family GET route without its ETag check or a reason"
    assert len(RECIPES) >= 20
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for route in RECIPES:
        documented = paths[route.replace(":uuid", "").replace(":str", "")]["get"]["responses"]
        assert "304" in documented, route


@pytest.mark.parametrize("route", sorted(RECIPES))
async def test_a_family_read_answers_304_while_unchanged_and_200_once_changed(route, new_client):
    s = await setup()
    await link_parent(s.parent, s.student_5a)  # a second child, in 5e A
    w = World(s, new_client)
    w.phone = await pair_phone(await new_client(), await new_client(), s.parent)
    session = await w.client(s.parent)
    case = await RECIPES[route](w)

    async def get(caller: str, url: str, etag: str | None = None):
        headers = {"If-None-Match": etag} if etag else {}
        if caller == "phone":
            headers |= w.phone.headers("GET", url.split("?")[0])
            return await w.phone.client.get(url, headers=headers)
        return await session.get(url, headers=headers)

    callers = ("phone",) if route in PHONE_ONLY else ("session", "phone")
    if route in PHONE_ONLY:
        refused = await get("session", case.url)
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "dpop_required")
    first = {}
    for caller in callers:
        response = await get(caller, case.url)
        assert response.status_code == 200, (caller, response.text)
        first[caller] = etag = response.headers.get("etag")
        assert etag and etag.startswith('W/"'), (caller, response.headers)
        again = await get(caller, case.url, etag)
        assert (again.status_code, again.content, again.headers.get("etag")) == (304, b"", etag), caller
    if case.change is not None:
        await case.change()
        for caller in callers:
            changed = await get(caller, case.url, first[caller])
            assert changed.status_code == 200 and changed.content, (caller, changed.status_code)
            assert changed.headers["etag"] not in (first[caller], None), caller
    else:
        for caller in callers:
            other = await get(caller, case.other_url, first[caller])
            assert other.status_code == 200 and other.content, (caller, other.status_code)
            assert other.headers["etag"] not in (first[caller], None), caller
