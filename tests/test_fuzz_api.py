"""Property-based fuzzing of the whole API with Schemathesis, against its own OpenAPI document.

Every operation of /schema/openapi.json gets a few generated requests, valid ones (positive) and
schema-violating ones (negative), each sent as every kind of caller: anonymous, parent, student,
teacher, staff (vie scolaire/CPE) and admin, signed in to a school that holds data, and the parent's
paired phone (a DPoP-bound token, a fresh proof for each request: the phone-only routes answer it
beyond their 401). Requests that
name records by path get a second try with ids that exist, so the handler behind the 404 runs too.
The app runs in-process on the test database (httpx's ASGI transport, the tests' connection pool);
the statements it sends are checked for shard locality like the rest of the suite's.

A run fails on any 5xx, and on any answer the document does not describe: an undeclared status, a
body or a header that does not match its schema, a wrong content type. Generation is seeded
(derandomized Hypothesis), so a run is reproducible; `CARTABLE_FUZZ_EXAMPLES` sets the examples per
operation and mode (default 5: about 10,000 requests, a minute or two on two busy cores).
"""

from __future__ import annotations

import collections
import os
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.family_builders import make_discussion, make_evaluation, make_post
from tests.fixtures.api import sign_in
from tests.pairing_builders import PairedPhone, pair_phone
from tests.parity_builders import make_homework, setup
from tests.school_builders import make_lesson

EXAMPLES = int(os.environ.get("CARTABLE_FUZZ_EXAMPLES", "5"))
ROLES = ("anonymous", "parent", "student", "teacher", "staff", "admin", "phone")
# A phone gone (unpaired by a fuzzed request, or its token refused): paired again.
PHONE_GONE = {"token_invalid", "token_expired", "device_revoked"}
PREPARED = ("method", "url", "headers", "files", "data", "params", "json", "cookies")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def generate_cases(schema) -> tuple[list, int]:
    """A few seeded cases per operation and mode; also the number of operations."""
    operations = [result.ok() for result in schema.get_all_operations()]
    cases: list = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(operation.as_strategy(generation_mode=mode))
            def collect(case) -> None:
                cases.append(case)

            try:
                collect()
            except Exception as error:  # an operation without parameters has no invalid form to draw
                if type(error).__name__ != "Unsatisfiable":
                    raise
    return cases, len(operations)


@dataclass
class Outcome:
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    phone_statuses: collections.Counter = field(default_factory=collections.Counter)
    exercised: set[tuple[str, str]] = field(default_factory=set)


@dataclass(frozen=True)
class Prepared:
    """A case as bytes on the wire, prepared once and sent as every caller."""

    method: str
    url: str
    body: bytes
    headers: dict[str, str]


def prepare(case) -> Prepared | None:
    """The request Schemathesis's own HTTP transport would send for `case` (the bytes `requests` prepares)."""
    kwargs = case.as_transport_kwargs(base_url="http://localhost")
    try:
        prepared = requests.Request(**{key: kwargs.get(key) for key in PREPARED}).prepare()
    except (ValueError, TypeError, UnicodeError):
        return None  # no HTTP client could send it (e.g. a header that is not Latin-1)
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    headers = {name: value for name, value in prepared.headers.items() if name.lower() != "content-length"}
    return Prepared(prepared.method, prepared.url, body or b"", headers)


async def send(client: httpx.AsyncClient, request: Prepared, phone: PairedPhone | None = None) -> httpx.Response | None:
    """Send a prepared case in-process; as `phone` (its token and a proof of that method and URL) when given."""
    headers = request.headers
    if phone is not None:
        headers = {**headers, **phone.headers(request.method, urlsplit(request.url).path)}
    try:
        return await client.request(request.method, request.url, content=request.body, headers=headers)
    except (httpx.LocalProtocolError, UnicodeEncodeError):
        return None


def check(case, response: httpx.Response, role: str, outcome: Outcome) -> None:
    outcome.sent += 1
    outcome.statuses[response.status_code] += 1
    if role == "phone":
        outcome.phone_statuses[response.status_code] += 1
    outcome.exercised.add((case.operation.label, role))
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as group:
        for failure in group.exceptions:
            outcome.failures.append(
                f"{case.operation.label} as {role}: {response.status_code} {failure.title}: {failure.message[:500]}"
                f" — {response.text[:300]!r} — sent {case.path_parameters} {case.query} {str(case.body)[:200]}"
            )


def error_code(response: httpx.Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def with_known_ids(case, known: dict) -> bool:
    """Put ids of existing records where `case` names records (path, top of a JSON body); whether any."""
    in_path = set(case.path_parameters or {}) & set(known)
    in_body = set(case.body) & set(known) if isinstance(case.body, dict) else set()
    if in_path:
        case.path_parameters = {**case.path_parameters, **{name: str(known[name]) for name in in_path}}
    if in_body:
        case.body = {**case.body, **{name: str(known[name]) for name in in_body}}
    return bool(in_path or in_body)


async def test_every_operation_as_every_caller_answers_as_documented(app, client, new_client):
    started = time.monotonic()
    document = (await client.get("/schema/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    cases, operations = generate_cases(schema)
    generated = time.monotonic()

    s = await setup()
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    lesson = await make_lesson(s.teacher, s.maths, class_ref=s.class_4a)
    discussion = await make_discussion(s.teacher, s.parent, s.student)
    post = await make_post(s.teacher, [s.parent, s.student])
    evaluation = await make_evaluation(s.teacher, s.maths, s.period, s.class_4a, s.student)
    known = {
        "student_id": s.student.id, "homework_id": homework.id, "class_id": s.class_4a.id,
        "period_id": s.period.id, "lesson_id": lesson.id, "discussion_id": discussion.id, "post_id": post.id,
        "evaluation_id": evaluation.id, "teacher_id": s.teacher.id, "subject_id": s.maths.id,
    }  # fmt: skip
    users = {"parent": s.parent, "student": s.student, "teacher": s.teacher, "staff": s.staff, "admin": s.admin}
    clients = {"anonymous": await new_client()}
    for role, user in users.items():
        clients[role] = await new_client()
        await sign_in(clients[role], user)
    clients["phone"], phone_desktop = await new_client(), await new_client()
    phone = await pair_phone(phone_desktop, clients["phone"], s.parent)

    async def as_every_caller(case) -> None:
        nonlocal phone
        request = prepare(case)
        if request is None:
            return
        for role in ROLES:
            response = await send(clients[role], request, phone if role == "phone" else None)
            if response is None:
                continue
            check(case, response, role, outcome)
            if response.status_code == 401 and role in users:  # signed out (or password changed): sign in again
                await sign_in(clients[role], users[role])
            elif response.status_code == 401 and role == "phone" and error_code(response) in PHONE_GONE:
                phone = await pair_phone(phone_desktop, clients["phone"], s.parent)

    outcome = Outcome()
    for case in cases:
        await as_every_caller(case)
        if case.meta.generation.mode == GenerationMode.POSITIVE and with_known_ids(case, known):
            await as_every_caller(case)

    elapsed = time.monotonic() - started
    print(
        f"\nFuzz: {operations} operations x {len(ROLES)} callers, {len(cases)} cases, {outcome.sent} requests "
        f"in {elapsed:.0f} s (generation {generated - started:.0f} s); "
        f"statuses {dict(sorted(outcome.statuses.items()))}; the phone's {dict(sorted(outcome.phone_statuses.items()))}"
    )
    assert len(outcome.exercised) == operations * len(ROLES)
    assert outcome.phone_statuses[200] > 0  # the phone was signed in: its routes ran beyond their 401
    if report := os.environ.get("CARTABLE_FUZZ_REPORT"):
        with open(report, "w") as output:
            output.write("\n".join(outcome.failures))
    assert outcome.failures == [], "\n".join(outcome.failures[:40]) + f"\n({len(outcome.failures)} in all)"
