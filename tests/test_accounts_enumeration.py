"""No account enumeration: a real person and a made-up one get the same status and body at every step
of sign-in, activation and recovery, through the same sequence of attempts (throttles included), and
the same work runs for both before the answer: the same SQL statements in the same order (their
values aside), one argon2 verification, one code comparison; the messages go out only after it."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Awaitable
from datetime import timedelta

import argon2
import httpx
import pytest

from api.accounts import codes, guards
from api.auth import passwords
from api.auth.tokens import REF_LENGTH, decode_ref
from api.notifications.sender import use_sender
from db.accounts.tables import VerificationCode
from db.core.tables import School
from tests.accounts_builders import (
    SoftAuthenticator,
    make_parent_to_activate,
    messages_to,
    password_sign_in,
    register_passkey,
)
from tests.factories import make_family, make_school, make_user
from tests.fixtures.api import client_from, sign_in
from tests.statements import counting

WRONG_PASSWORD = "Mauvais-mot2passe"
BIRTH_DATE = "2013-05-14"  # make_parent_to_activate's child


@pytest.fixture(autouse=True)
def no_progressive_delay(monkeypatch):
    monkeypatch.setattr(guards, "DELAY_STEP", 0)


@pytest.fixture
def code_comparisons(monkeypatch) -> list[str]:
    """Every code-hash comparison the flows make."""
    calls: list[str] = []

    def counting_same(a: str, b: str) -> bool:
        calls.append(b)
        return passwords_same(a, b)

    passwords_same = codes.same
    monkeypatch.setattr(codes, "same", counting_same)
    return calls


def comparable(response: httpx.Response) -> tuple:
    """Status and body, a flow token reduced to its shape (random for everyone), Retry-After's presence."""
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("flow"), str):
        body = {**body, "flow": (len(body["flow"]), decode_ref(body["flow"][:REF_LENGTH]) is not None)}
    return response.status_code, body, "retry-after" in response.headers


def shape(statement: str) -> str:
    """A statement with its literal values masked: which statement runs, whatever it runs on."""
    return " ".join(re.sub(r"'(?:[^']|'')*'|\b\d+\b", "?", statement).split())


class Statements:
    """Clients whose answers come with the SQL statements sent before each answer was complete: what a
    stopwatch on the other side can measure (the message sent afterwards, to a real person only, not)."""

    def __init__(self, app) -> None:
        self.app, self.sent, self.answered = app, [], None

    def client(self, peer: str) -> httpx.AsyncClient:
        async def watched(scope, receive, send):
            async def watching_send(message):
                if message["type"] == "http.response.body" and not message.get("more_body", False):
                    self.answered = len(self.sent)
                await send(message)

            await self.app(scope, receive, watching_send)

        transport = httpx.ASGITransport(app=watched, client=(peer, 123))
        return httpx.AsyncClient(transport=transport, base_url="http://localhost")

    async def of(self, request: Awaitable[httpx.Response]) -> tuple[httpx.Response, tuple[str, ...]]:
        with counting() as sent:
            self.sent, self.answered = sent, None
            response = await request
        assert self.answered is not None
        return response, tuple(shape(statement) for statement in sent[: self.answered])


class Answers:
    """One person's way through a flow: (step, comparable answer, code comparisons the step made, the
    statements it sent before answering)."""

    def __init__(self, statements: Statements, browser: httpx.AsyncClient, base: str, comparisons: list[str]) -> None:
        self.statements, self.browser, self.base, self.comparisons = statements, browser, base, comparisons
        self.steps: list[tuple[str, tuple, int, tuple[str, ...]]] = []

    async def post(self, step: str, body: dict) -> httpx.Response:
        before = len(self.comparisons)
        response, sent = await self.statements.of(self.browser.post(f"{self.base}/{step}", json=body))
        self.steps.append((step, comparable(response), len(self.comparisons) - before, sent))
        return response


async def a_code_never_sent(destination: str) -> str:
    sent = {re.search(r"\b(\d{6})\b", body).group(1) for body in await messages_to(destination)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in sent)


async def expire_every_flow() -> None:
    await VerificationCode.update(
        {VerificationCode.expires_at: VerificationCode.expires_at - timedelta(hours=1)}, force=True
    )


async def test_sign_in_answers_alike_for_real_inactive_disabled_and_made_up_identifiers(app):
    family = await make_family()
    inactive = await make_user(family.school, "parent", first_name="Noé", password=None, activated_at=None)
    disabled = await make_user(family.school, "parent", first_name="Zoé", disabled=True)
    statements = Statements(app)
    sequences = []
    for n, identifier in enumerate([family.parent.identifier, inactive.identifier, disabled.identifier, "x.personne"]):
        async with statements.client(f"198.51.100.{n + 1}") as browser:
            answers = []
            for _ in range(7):
                response, sent = await statements.of(password_sign_in(browser, identifier, WRONG_PASSWORD))
                answers.append((comparable(response), sent))
            sequences.append(answers)
    assert sequences[0] == sequences[1] == sequences[2] == sequences[3]
    assert [answer[0] for answer, _ in sequences[0]] == [401] * 5 + [429] * 2  # the 6th try locks, for all


async def test_every_sign_in_attempt_costs_one_argon2_verification_of_the_same_cost(client, monkeypatch):
    family = await make_family()
    inactive = await make_user(family.school, "parent", first_name="Noé", password=None, activated_at=None)
    disabled = await make_user(family.school, "parent", first_name="Zoé", disabled=True)
    hashes: list[str] = []
    real_hasher = passwords._hasher

    class CountingHasher:
        def verify(self, password_hash: str, password: str) -> bool:
            hashes.append(password_hash)
            return real_hasher.verify(password_hash, password)

        def __getattr__(self, name: str):
            return getattr(real_hasher, name)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    attempts = [
        (family.parent.identifier, WRONG_PASSWORD, "famille"),
        (family.parent.identifier, "Cartable-Test1!", "personnel"),  # right password, wrong profile
        ("x.personne", WRONG_PASSWORD, "famille"),
        (inactive.identifier, WRONG_PASSWORD, "famille"),
        (disabled.identifier, "Cartable-Test1!", "famille"),
    ]
    for identifier, password, profile in attempts:
        before = len(hashes)
        assert (await password_sign_in(client, identifier, password, profile)).status_code == 401
        assert len(hashes) == before + 1, identifier
    # The stand-in hash for a missing account has the real hashes' parameters: the same cost.
    costs = [argon2.extract_parameters(password_hash) for password_hash in hashes]
    assert all(cost == costs[0] for cost in costs)


async def test_lost_password_answers_alike_at_every_step(app, code_comparisons):
    school = await make_school()
    real = await make_user(school, "parent", first_name="Marc", phone="0611223355")
    disabled = await make_user(school, "parent", first_name="Inès", phone="0611223366", disabled=True)
    no_email = await make_user(school, "parent", first_name="Hugo", phone="0611223377")
    people = [
        (real.identifier, "sms"),
        ("x.personne", "sms"),
        (disabled.identifier, "sms"),
        (no_email.identifier, "email"),
    ]
    wrong = await a_code_never_sent("0611223355")  # none of the codes the real parent will get
    statements = Statements(app)
    sequences = []
    for n, (identifier, channel) in enumerate(people):
        async with statements.client(f"198.51.100.{n + 1}") as browser:
            answers = Answers(statements, browser, "/api/accounts/recovery/password", code_comparisons)
            # Beyond the 3 codes a person may get in 15 minutes.
            starts = [await answers.post("start", {"identifier": identifier, "channel": channel}) for _ in range(4)]
            flow = starts[0].json()["flow"]
            for _ in range(4):  # 2 tries left, 1, then burnt
                await answers.post("verify", {"flow": flow, "code": wrong})
            for _ in range(3):  # two new codes on one flow, then 429
                await answers.post("resend", {"flow": flow})
            await answers.post("verify", {"flow": flow, "code": wrong})
        sequences.append(answers.steps)
    assert sequences[0] == sequences[1] == sequences[2] == sequences[3]
    verifies = [answer for path, answer, *_ in sequences[0] if path == "verify"]
    assert "Il vous reste 2 essais" in verifies[0][1]["error"]["message"]
    assert verifies[2][1]["error"]["code"] == verifies[3][1]["error"]["code"] == "code_blocked"
    assert "Il vous reste 2 essais" in verifies[4][1]["error"]["message"]  # a new code, new tries
    assert [answer[0] for path, answer, *_ in sequences[0] if path == "resend"] == [200, 200, 429]
    # The same code comparison runs on a dead flow as on a live one (none once the code is burnt).
    assert [compared for path, _, compared, _ in sequences[0] if path == "verify"] == [1, 1, 1, 0, 1]
    assert len(await messages_to("0611223355")) == 3  # the 4th start and the resends stayed silent

    expired = []
    for n, (identifier, channel) in enumerate(people):
        async with client_from(app, f"198.51.100.{n + 11}") as browser:
            start = await browser.post(
                "/api/accounts/recovery/password/start", json={"identifier": identifier, "channel": channel}
            )
            await expire_every_flow()
            verify = await browser.post(
                "/api/accounts/recovery/password/verify", json={"flow": start.json()["flow"], "code": wrong}
            )
            expired.append(comparable(verify))
    assert expired[0] == expired[1] == expired[2] == expired[3]
    assert expired[0][1]["error"]["code"] == "code_expired"


async def test_activation_answers_alike_at_every_step_and_checks_the_code_first(app, code_comparisons):
    family = await make_family()
    await make_parent_to_activate(family)
    people = [
        {"last_name": "Dupont", "first_name": "Sophie", "phone": "+33 6 12 34 56 78"},  # the real parent
        {"last_name": "Dupont", "first_name": "Sophie", "phone": "07 00 00 00 00"},
        {"last_name": "Inconnue", "first_name": "Sophie", "phone": "06 12 34 56 78"},
    ]
    wrong = await a_code_never_sent("06 12 34 56 78")
    statements = Statements(app)
    sequences = []
    for n, person in enumerate(people):
        async with statements.client(f"198.51.100.{n + 1}") as browser:
            answers = Answers(statements, browser, "/api/accounts/activation", code_comparisons)
            starts = [await answers.post("start", person) for _ in range(4)]
            flow = starts[0].json()["flow"]
            for birth_dates in ([BIRTH_DATE], ["2001-01-01"]):
                await answers.post("verify", {"flow": flow, "code": wrong, "birth_dates": birth_dates})
            for _ in range(3):
                await answers.post("resend", {"flow": flow})
            for birth_dates in (["2001-01-01"], [BIRTH_DATE], [BIRTH_DATE]):
                await answers.post("verify", {"flow": flow, "code": wrong, "birth_dates": birth_dates})
        sequences.append(answers.steps)
    assert sequences[0] == sequences[1] == sequences[2]
    assert [answer[0] for _, answer, *_ in sequences[0]] == [200] * 4 + [400, 400, 200, 200, 429, 400, 400, 400]
    verifies = [answer for path, answer, *_ in sequences[0] if path == "verify"]
    assert verifies[1][1]["error"]["code"] == "wrong_code"  # wrong dates too, but the code speaks first
    assert "Il vous reste 1 essai." in verifies[1][1]["error"]["message"]
    assert verifies[-1][1]["error"]["code"] == "code_blocked"
    assert [compared for path, _, compared, _ in sequences[0] if path == "verify"] == [1, 1, 1, 1, 1]
    assert len(await messages_to("06 12 34 56 78")) == 3  # no 4th SMS, and no 429 to say so


async def test_lost_identifier_answers_alike_until_the_address_limit(app):
    school = await make_school()
    await make_user(school, "parent", first_name="Sophie", phone="06 11 22 33 44")
    statements = Statements(app)
    sequences = []
    for n, value in enumerate(["06 11 22 33 44", "07 99 99 99 99"]):
        async with statements.client(f"198.51.100.{n + 1}") as browser:
            answers = []
            for _ in range(11):
                response, sent = await statements.of(
                    browser.post("/api/accounts/recovery/identifier", json={"channel": "sms", "value": value})
                )
                answers.append((comparable(response), sent))
            sequences.append(answers)
    assert sequences[0] == sequences[1]
    assert [answer[0] for answer, _ in sequences[0]] == [200] * 10 + [429]
    assert len(await messages_to("06 11 22 33 44")) == 3  # then silence, for this contact


async def test_passkey_sign_in_answers_alike_for_a_real_and_a_made_up_identifier(app):
    family = await make_family()
    statements = Statements(app)
    sequences = []
    for n, identifier in enumerate([family.parent.identifier, "x.personne"]):
        async with statements.client(f"198.51.100.{n + 1}") as browser:
            options, started = await statements.of(
                browser.post("/api/accounts/passkeys/signin/options", json={"identifier": identifier})
            )
            assertion = SoftAuthenticator().get(options.json()["options"], family.parent.id)
            refused, finished = await statements.of(
                browser.post(
                    "/api/accounts/passkeys/signin", json={"flow": options.json()["flow"], "credential": assertion}
                )
            )
            sequences.append([options.status_code, len(options.json()["flow"]), comparable(refused), started, finished])
    assert sequences[0] == sequences[1] and sequences[0][2][0] == 401


def malformed_credentials(raw_id: str, real: str) -> list[str]:
    """Credentials a browser never sends; `raw_id` is a registered passkey's, `real` a valid assertion."""
    valid = json.loads(real)
    deep_client_data = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).rstrip(b"=").decode()
    return [
        "[" * 1000,
        "{",
        "[]",
        "x" * 5000,
        json.dumps({"rawId": 5}),
        json.dumps({"rawId": "a\u0000b"}),
        json.dumps({"id": raw_id, "rawId": raw_id, "type": "public-key", "response": 5}),
        json.dumps({"id": raw_id, "rawId": raw_id, "type": "public-key", "response": {}}),
        json.dumps({**valid, "type": "pas-une-cle"}),
        json.dumps({**valid, "response": {**valid["response"], "clientDataJSON": deep_client_data}}),
        json.dumps({**valid, "response": {**valid["response"], "clientDataJSON": "!!"}}),
        json.dumps({**valid, "response": {**valid["response"], "signature": None}}),
    ]


async def test_a_malformed_passkey_credential_answers_alike_for_a_real_and_a_made_up_identifier(app, client):
    family = await make_family()
    await sign_in(client, family.parent)
    authenticator = SoftAuthenticator()
    await register_passkey(client, authenticator)
    raw_id = authenticator._b64(authenticator.credential_id)
    statements = Statements(app)
    sequences = []
    for n, identifier in enumerate([family.parent.identifier, "x.personne"]):
        answers = []
        async with statements.client(f"198.51.100.{n + 1}") as browser:
            options = await browser.post("/api/accounts/passkeys/signin/options", json={"identifier": identifier})
            real = authenticator.get(options.json()["options"], family.parent.id)
            for credential in malformed_credentials(raw_id, real):
                options = await browser.post("/api/accounts/passkeys/signin/options", json={"identifier": identifier})
                refused, sent = await statements.of(
                    browser.post(
                        "/api/accounts/passkeys/signin", json={"flow": options.json()["flow"], "credential": credential}
                    )
                )
                answers.append((comparable(refused), sent))
        sequences.append(answers)
    assert sequences[0] == sequences[1]
    assert {answer[0] for answer, _ in sequences[0]} <= {400, 401}


async def test_a_flow_token_names_a_school_drawn_at_random_not_the_persons(client):
    schools = [await make_school() for _ in range(11)]
    parent = await make_user(schools[0], "parent", first_name="Marc", phone="0611223355")

    async def school_of_flow(identifier: str):
        started = await client.post(
            "/api/accounts/recovery/password/start", json={"identifier": identifier, "channel": "sms"}
        )
        return decode_ref(started.json()["flow"][:REF_LENGTH])[0]

    real = [await school_of_flow(parent.identifier) for _ in range(6)]
    made_up = [await school_of_flow("x.personne") for _ in range(3)]
    every_school = {row["id"] for row in await School.select(School.id)}
    assert set(real) | set(made_up) <= every_school  # both are real flows, routed alike
    assert len(set(real)) > 1  # not always the person's school (chance of that: 11⁻⁵)


async def test_messages_go_out_only_after_the_answer(app):
    """A provider's latency cannot tell a real person from a made-up one: nothing is sent before the
    answer is complete."""
    school = await make_school()
    family = await make_family()
    await make_parent_to_activate(family)
    parent = await make_user(school, "parent", first_name="Marc", phone="0611223355", email="marc@example.fr")
    answered: list[bool] = []
    sent_after_answer: list[bool] = []

    async def watched(scope, receive, send):
        answered.append(False)

        async def watching_send(message):
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered[-1] = True

        await app(scope, receive, watching_send)

    class Recorder:
        async def send(self, **message) -> None:
            sent_after_answer.append(answered[-1])

    use_sender(Recorder())
    try:
        transport = httpx.ASGITransport(app=watched, client=("198.51.100.9", 1))
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as browser:
            started = await browser.post(
                "/api/accounts/activation/start",
                json={"last_name": "Dupont", "first_name": "Sophie", "phone": "06 12 34 56 78"},
            )
            await browser.post("/api/accounts/activation/resend", json={"flow": started.json()["flow"]})
            for channel in ("sms", "email"):
                await browser.post(
                    "/api/accounts/recovery/password/start", json={"identifier": parent.identifier, "channel": channel}
                )
                await browser.post("/api/accounts/recovery/identifier", json={"channel": "sms", "value": "0611223355"})
    finally:
        use_sender(None)
    assert len(sent_after_answer) >= 5 and all(sent_after_answer)
