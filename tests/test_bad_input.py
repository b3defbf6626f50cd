"""Bad input, as an attacker or a broken client sends it, gets a clean 4xx in the one error shape, never
a 500: each class of input is refused at the boundary (api/boundary.py), whichever endpoint it hits."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import asyncpg
import httpx
import pytest
from litestar import Litestar, get
from litestar.params import FromQuery

from api.auth.tokens import b64url, b64url_decode
from api.errors import EXCEPTION_HANDLERS
from db.evaluations.tables import Competence
from db.push.tables import PushSubscription
from db.vie_scolaire.tables import Absence
from piccolo_conf import DB
from tests.accounts_builders import SoftAuthenticator
from tests.factories import make_family
from tests.fixtures.api import sign_in
from tests.pairing_builders import pair_phone
from tests.parity_builders import PDF, make_homework, signed_in, today
from tests.parity_builders import setup as parity_setup
from tests.school_builders import school_setup


@dataclass
class World:
    """One school and a client signed in per role (None: anonymous)."""

    setup: object
    clients: dict
    evaluation_id: str


@pytest.fixture
async def world(new_client) -> World:
    s = await school_setup()
    clients = {"anonymous": await new_client()}
    for role, user in (("teacher", s.teacher_4a), ("student", s.student_4a), ("parent", s.parent_4a)):
        clients[role] = await new_client()
        await sign_in(clients[role], user)
    competence = Competence(school_id=s.school.id, code="D1.1", label="Comprendre", domain="Langages")
    await competence.save()
    created = await clients["teacher"].post(
        "/api/school/evaluations",
        json={"subject_id": str(s.subject.id), "class_id": str(s.class_4a.id), "title": "Contrôle",
              "given_on": "2026-11-20", "competence_ids": [str(competence.id)]},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    return World(setup=s, clients=clients, evaluation_id=created.json()["id"])


def assert_clean_refusal(response, statuses: set[int], code: str | None = None) -> dict:
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"} and error["message"]
    if code:
        assert error["code"] == code, error
    return error


# (role, method, path template, a valid body): JSON writes across roles and domains.
def json_writes(w: World) -> list[tuple[str, str, str, dict]]:
    s = w.setup
    homework = {"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-26", "html": "<p>Exercice</p>"}
    return [
        ("anonymous", "POST", "/api/accounts/recovery/password/start", {"identifier": "p.bernard", "channel": "sms"}),
        ("anonymous", "POST", "/api/accounts/passkeys/signin/options", {"identifier": "p.bernard"}),
        ("teacher", "POST", "/api/school/homework", homework),
        ("teacher", "POST", f"/api/school/evaluations/{w.evaluation_id}/publish", {}),
        ("parent", "POST", f"/api/students/{s.student_4a.id}/absences",
         {"starts_at": "2026-11-24T08:00:00+01:00", "ends_at": "2026-11-24T17:00:00+01:00", "reason": "Malade"}),
        ("student", "POST", "/api/me/discussions",
         {"teacher_id": str(s.teacher_4a.id), "subject": "Question", "body": "Bonjour", "client_id": "c" * 12}),
    ]  # fmt: skip


WRITES = range(6)


async def send(w: World, index: int, *, content: bytes, content_type: str = "application/json"):
    role, method, path, _ = json_writes(w)[index]
    return await w.clients[role].request(method, path, content=content, headers={"Content-Type": content_type})


def body_of(w: World, index: int) -> dict:
    return json_writes(w)[index][3]


@pytest.mark.parametrize("index", WRITES)
async def test_a_nul_character_in_any_json_string_is_refused(world, index):
    body = body_of(world, index) or {"at": "2026-12-01T08:00:00+01:00"}
    field = next(iter(body))
    poisoned = {**body, field: "a\u0000b"}
    response = await send(world, index, content=json.dumps(poisoned).encode())
    assert_clean_refusal(response, {400}, "invalid_character")


async def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(world):
    # `\\u0000` in JSON is the six characters \u0000: legitimate text (a teacher writing about escapes).
    s = world.setup
    body = {"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-26", "html": "<p>Écrire \\u0000 en Python</p>"}
    response = await world.clients["teacher"].post("/api/school/homework", json=body)
    assert response.status_code == 201 and "\\u0000" in response.json()["html"]


@pytest.mark.parametrize(
    "url",
    ["/api/students/{student}/homework?start=2026%00-01-01", "/api/school/lessons?week=%00",
     "/api/me/discussions?x=%00", "/api/accounts/passkeys?%00=1"],
)  # fmt: skip
async def test_a_nul_character_in_a_query_is_refused(world, url):
    role = "teacher" if "/school/" in url else "parent"
    response = await world.clients[role].get(url.format(student=world.setup.student_4a.id))
    assert_clean_refusal(response, {400}, "invalid_character")


@pytest.mark.parametrize(
    "path", ["/espace/%00", "/%00.js", "/espace/index.html%00.png", "/vendor/idb/%00", "/api/students/%00/homework"]
)
async def test_a_nul_character_in_a_path_is_not_found(client, path):
    assert_clean_refusal(await client.get(path), {404})


@pytest.mark.parametrize("index", WRITES)
async def test_deeply_nested_json_is_refused_before_decoding(world, index):
    response = await send(world, index, content=b"[" * 100_000 + b"]" * 100_000)
    assert_clean_refusal(response, {400}, "too_deep")
    response = await send(world, index, content=b'{"a":' * 50_000 + b"1" + b"}" * 50_000)
    assert_clean_refusal(response, {400}, "too_deep")


@pytest.mark.parametrize("index", WRITES)
async def test_a_body_that_is_not_utf8_is_refused(world, index):
    body = body_of(world, index) or {"at": "2026-12-01T08:00:00+01:00"}
    field = next(iter(body))
    raw = json.dumps({**body, field: "@@"}).encode().replace(b"@@", b"\xff\xfe\xc3\x28")
    assert_clean_refusal(await send(world, index, content=raw), {400}, "invalid_encoding")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "text/html", ""])
@pytest.mark.parametrize("index", [0, 2, 4])
async def test_a_json_body_sent_as_another_type_is_unsupported(world, index, content_type):
    raw = json.dumps(body_of(world, index)).encode()
    response = await send(world, index, content=raw, content_type=content_type)
    assert_clean_refusal(response, {415}, "unsupported_media_type")


async def test_an_oversized_json_body_is_too_large(world):
    s = world.setup
    body = {"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-26", "html": "x" * (2 * 1024 * 1024)}
    assert_clean_refusal(await world.clients["teacher"].post("/api/school/homework", json=body), {413}, "too_large")


OUT_OF_RANGE = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1899-12-31T12:00:00Z",
    "2201-01-01T00:00:00Z",
]


@pytest.mark.parametrize("moment", [*OUT_OF_RANGE, 6607, 1_700_000_000.5, True, "6607"])
async def test_a_time_out_of_range_or_not_written_as_a_time_is_refused(world, moment):
    s = world.setup
    publish = f"/api/school/evaluations/{world.evaluation_id}/publish"
    assert_clean_refusal(await world.clients["teacher"].post(publish, json={"at": moment}), {400}, "invalid")
    report = {"starts_at": moment, "ends_at": "2026-11-24T17:00:00+01:00", "reason": "Malade"}
    response = await world.clients["parent"].post(f"/api/students/{s.student_4a.id}/absences", json=report)
    assert_clean_refusal(response, {400}, "invalid")
    assert await Absence.count() == 0


async def test_an_integer_is_not_a_publication_date(world):
    # It used to publish on 1970-01-01T01:50:07: the integer was read as seconds since 1970.
    publish = f"/api/school/evaluations/{world.evaluation_id}/publish"
    error = assert_clean_refusal(await world.clients["teacher"].post(publish, json={"at": 6607}), {400}, "invalid")
    assert error["details"] == [{"message": "Expected `datetime | null`, got `int`", "key": "at", "source": "body"}]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1800-06-01"])
async def test_a_date_out_of_range_is_refused_in_bodies_and_queries(world, day):
    s = world.setup
    homework = {"lesson_id": str(s.lesson_4a.id), "due_on": day, "html": "<p>x</p>"}
    assert_clean_refusal(await world.clients["teacher"].post("/api/school/homework", json=homework), {400}, "invalid")
    for role, url in (
        ("parent", f"/api/students/{s.student_4a.id}/homework?start={day}"),
        ("parent", f"/api/students/{s.student_4a.id}/events?start={day}&end={day}"),
        ("teacher", f"/api/school/lessons?week={day}"),
        ("teacher", f"/api/school/canteen/week?monday={day}"),
    ):
        assert_clean_refusal(await world.clients[role].get(url), {400, 403}, None)


async def test_malformed_passkey_credentials_are_refused(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    authenticator = SoftAuthenticator()
    garbage = ['{"id": 1}', "[]", '{"id":"x","rawId":"x","response":{},"type":"public-key"}', "null", "{", "x" * 5000]
    for credential in garbage:
        started = (await client.post("/api/accounts/passkeys/register/options")).json()
        response = await client.post(
            "/api/accounts/passkeys/register", json={"flow": started["flow"], "name": "PC", "credential": credential}
        )
        assert_clean_refusal(response, {400})
    started = (await client.post("/api/accounts/passkeys/register/options")).json()
    good = authenticator.create(started["options"])
    registered = await client.post(
        "/api/accounts/passkeys/register", json={"flow": started["flow"], "name": "PC", "credential": good}
    )
    assert registered.status_code == 201

    browser = await new_client()
    raw_id = authenticator._b64(authenticator.credential_id)
    broken = [
        {"id": raw_id, "rawId": raw_id, "type": "public-key", "response": {}},
        {"id": raw_id, "rawId": raw_id, "type": "public-key",
         "response": {"clientDataJSON": "!!", "authenticatorData": 3, "signature": None}},
        {"rawId": raw_id},
    ]  # fmt: skip
    for credential in broken:
        options = (
            await browser.post("/api/accounts/passkeys/signin/options", json={"identifier": family.parent.identifier})
        ).json()
        response = await browser.post(
            "/api/accounts/passkeys/signin", json={"flow": options["flow"], "credential": json.dumps(credential)}
        )
        assert_clean_refusal(response, {400, 401})


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 40, b"PK\x03\x04\x14\x00\x06\x00" + bytes(2000),
     b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"Nom;Pr\x00nom\n"],
)  # fmt: skip
async def test_a_binary_file_sent_as_csv_is_refused_in_french(new_client, content):
    s = await school_setup()
    staff = await new_client()
    await sign_in(staff, s.staff)
    for kind in ("students", "teachers"):
        response = await staff.post(f"/api/school/import/{kind}", files={"file": ("eleves.csv", content, "text/csv")})
        error = assert_clean_refusal(response, {400}, "not_csv")
        assert error["message"].startswith("Ce fichier n'est pas un fichier CSV")


async def test_a_nul_character_in_a_multipart_field_is_refused(new_client):
    s = await parity_setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher, student = await signed_in(new_client, s.teacher), await signed_in(new_client, s.student)
    deadline = datetime.combine(today() + timedelta(days=3), time(8)).isoformat()
    marked = await teacher.put(
        f"/api/school/homework/{homework.id}/hand-in", json={"deadline": deadline, "accepted_types": ["pdf"]}
    )
    assert marked.status_code == 200
    url = f"/api/students/{s.student.id}/homework/{homework.id}/submission/files"
    response = await student.post(url, files={"file": ("a.pdf", PDF)}, data={"client_id": "abc\u0000defgh"})
    assert_clean_refusal(response, {400}, "invalid_character")


async def test_unknown_json_fields_and_wrong_types_still_name_the_field(world):
    s = world.setup
    body = {"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-26", "html": "<p>x</p>", "estimated_minutes": "30"}
    error = assert_clean_refusal(await world.clients["teacher"].post("/api/school/homework", json=body), {400})
    assert error["details"][0]["key"] == "estimated_minutes"
    assert uuid.UUID(str(s.lesson_4a.id))


async def test_a_multipart_text_field_that_is_not_utf8_is_refused(new_client):
    s = await school_setup()
    staff = await new_client()
    await sign_in(staff, s.staff)
    boundary = "frontiere"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n'.encode()
        + b"\xff\xfe\x97 pas du texte\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    response = await staff.post(
        "/api/school/import/students",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_clean_refusal(response, {400}, "invalid_encoding")


def test_base64url_is_decoded_strictly():
    """Python's decoder skips what is not base64: a push key with 200 "!" after it passed the 65-byte
    check and overflowed its column (a 500)."""
    for size in range(40):
        data = bytes(range(size))
        assert b64url_decode(b64url(data)) == data
        assert b64url_decode(base64.urlsafe_b64encode(data).decode()) == data  # padded
    for text in ("AAAA!!!", "AAAA AAAA", "AAAA\n", "AA+/", "AAAAA", "AA=", "AA===", "====", "AAé"):
        with pytest.raises(ValueError):
            b64url_decode(text)


async def test_a_push_key_with_characters_outside_base64url_is_refused(new_client, push_service):
    s = await school_setup()
    phone = await pair_phone(await new_client(), await new_client(), s.student_4a)
    good = push_service.subscription()
    for junk in ("!" * 200, "!" * 10, " \n", "%"):
        keys = {**good["keys"], "p256dh": good["keys"]["p256dh"] + junk}
        response = await phone.request("PUT", "/api/push/subscription", json={**good, "keys": keys})
        assert_clean_refusal(response, {400}, "invalid")
    assert await PushSubscription.count() == 0
    assert (await phone.request("PUT", "/api/push/subscription", json=good)).status_code == 200


async def test_a_value_the_database_refuses_is_a_400_in_the_one_shape(db, caplog):
    """Whatever route lets a value through unchecked, PostgreSQL's refusal (SQLSTATE class 22) is the
    client's 400, not a 500; logged, with its traceback, as a check to add where it came in."""

    @get("/too-long")
    async def too_long(value: FromQuery[str]) -> None:
        async with DB.transaction():
            connection = DB.current_transaction.get().connection
            await connection.execute("CREATE TEMP TABLE too_short (v varchar(3)) ON COMMIT DROP")
            await connection.execute("INSERT INTO too_short VALUES ($1)", value)

    @get("/out-of-range")
    async def out_of_range(value: FromQuery[int]) -> None:
        await DB.pool.fetchval("SELECT $1::int4 * 100000", value)

    app = Litestar([too_long, out_of_range], exception_handlers=EXCEPTION_HANDLERS, logging_config=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as raw:
        with caplog.at_level(logging.WARNING, logger="cartable.errors"):
            long_text = await raw.get("/too-long", params={"value": "abcd"})
            large = await raw.get("/out-of-range", params={"value": "100000"})
        assert (await raw.get("/too-long", params={"value": "abc"})).status_code == 200
    error = assert_clean_refusal(long_text, {400}, "too_long")
    assert error["message"] == "Un des textes envoyés est trop long."
    assert_clean_refusal(large, {400}, "invalid_value")
    refused = [record.exc_info[0] for record in caplog.records if record.exc_info]
    assert refused == [asyncpg.StringDataRightTruncationError, asyncpg.NumericValueOutOfRangeError]


@pytest.mark.parametrize("day", ["9999%2D12%2D31", "0001%2d01%2d01", "9999-12%2D31"])
async def test_a_percent_encoded_date_out_of_range_is_refused_in_queries(world, new_client, day):
    """The query is decoded before it is read: `%2D` is a "-" (the boundary once looked for a raw "-"
    first, and a route that does not check its dates itself answered a 500 or a year 9999)."""
    s = world.setup
    staff = await new_client()
    await sign_in(staff, s.staff)
    for client, url in (
        (staff, f"/api/school/absences?day={day}"),
        (world.clients["parent"], f"/api/students/{s.student_4a.id}/homework?start={day}"),
        (world.clients["teacher"], f"/api/school/lessons?week={day}"),
    ):
        error = assert_clean_refusal(await client.get(url), {400}, "invalid")
        assert error["message"] == "Date hors limites (1900-2200).", url
        assert error["details"] == {url.rsplit("?", 1)[1].split("=")[0]: "range"}, url


def _multipart_routes(homework_id: str) -> list[tuple[str, str]]:
    return [
        ("staff", "/api/school/import/students"),
        ("staff", "/api/school/import/teachers"),
        ("teacher", f"/api/school/homework/{homework_id}/attachments"),
    ]


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/x-www-form-urlencoded", ""])
async def test_a_form_sent_as_another_type_is_unsupported(new_client, content_type):
    """A file upload or a CSV import takes `multipart/form-data`: JSON or text there is the client's wrong
    type (415, as for JSON routes), not a form with a missing field (400 `bad_request`)."""
    s = await school_setup()
    clients = {"staff": await new_client(), "teacher": await new_client()}
    await sign_in(clients["staff"], s.staff)
    await sign_in(clients["teacher"], s.teacher_4a)
    homework = await clients["teacher"].post(
        "/api/school/homework", json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": "<p>Lire</p>"}
    )
    for role, path in _multipart_routes(homework.json()["id"]):
        body = b'{"file": "Nom;Pr\xc3\xa9nom"}' if "json" in content_type else b"Nom;Prenom\nRoux;Anne\n"
        response = await clients[role].post(path, content=body, headers={"Content-Type": content_type})
        error = assert_clean_refusal(response, {415}, "unsupported_media_type")
        assert "multipart/form-data" in error["message"], path
    imported = await clients["staff"].post(
        "/api/school/import/teachers", files={"file": ("profs.csv", b"Nom;Prenom\nQuintal;Zephyr\n", "text/csv")}
    )
    assert imported.status_code == 200 and imported.json()["teachers_created"] == 1, imported.text
    schema = (await clients["staff"].get("/schema/openapi.json")).json()
    for path in ("/api/school/import/students", "/api/school/homework/{homework_id}/attachments"):
        assert "415" in schema["paths"][path]["post"]["responses"], path


async def test_a_multipart_part_in_an_unknown_charset_is_refused(new_client):
    s = await school_setup()
    teacher = await new_client()
    await sign_in(teacher, s.teacher_4a)
    boundary = "frontiere"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="client_id"\r\n'
            "Content-Type: text/plain; charset=klingon\r\n\r\nabcdefgh\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    homework = await teacher.post(
        "/api/school/homework", json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": "<p>Lire</p>"}
    )
    response = await teacher.post(
        f"/api/school/homework/{homework.json()['id']}/attachments",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_clean_refusal(response, {400}, "invalid_encoding")


async def test_a_decoding_error_of_the_servers_own_is_a_logged_500(db, caplog):
    """Only text the client sent is the client's fault: the server decoding its own bytes wrongly (a
    file, a stored value, another service's answer) is a bug, answered 500 and logged."""

    @get("/decode")
    async def decode_own_bytes() -> str:
        return b"\xff\xfe\xc3\x28".decode()

    @get("/charset")
    async def unknown_charset() -> str:
        return b"abc".decode("klingon")

    @get("/key")
    async def missing_key() -> str:
        return {}["absent"]

    app = Litestar(
        [decode_own_bytes, unknown_charset, missing_key], exception_handlers=EXCEPTION_HANDLERS, logging_config=None
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as raw:
        with caplog.at_level(logging.ERROR, logger="cartable.errors"):
            answers = [await raw.get(path) for path in ("/decode", "/charset", "/key")]
    for response in answers:
        assert_clean_refusal(response, {500}, "server_error")
    logged = [record.exc_info[0] for record in caplog.records if record.exc_info]
    assert logged == [UnicodeDecodeError, LookupError, KeyError]
