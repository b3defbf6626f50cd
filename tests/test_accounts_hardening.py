"""Account flows an attacker cannot turn against their owner: "Mot de passe perdu" still reaches the
owner's own browser once strangers spent the person's codes; one phone is one contact however typed,
and lost identifiers spend the person's send budget; with PUBLIC_URL set, the Host header plays no
part in the same-origin check or in WebAuthn (passkeys, the phone's app lock)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from api import clock
from api.accounts import codes, guards
from tests.accounts_builders import SoftAuthenticator, last_code, messages_to, password_sign_in
from tests.factories import make_family, make_school, make_user
from tests.fixtures.api import client_from, sign_in
from tests.pairing_builders import pair_phone
from tests.test_accounts_enumeration import Statements, comparable

START = "/api/accounts/recovery/password/start"
PUBLIC = "https://cartable.example"
FORGED = {"Host": "evil.example", "Origin": "http://evil.example"}


@pytest.fixture(autouse=True)
def no_progressive_delay(monkeypatch):
    monkeypatch.setattr(guards, "DELAY_STEP", 0)


async def test_the_owners_browser_still_gets_a_recovery_code_when_strangers_spent_the_persons(app):
    school = await make_school()
    parent = await make_user(school, "parent", first_name="Marc", phone="0611223355")
    start = {"identifier": parent.identifier, "channel": "sms"}
    async with client_from(app, "198.51.100.10") as owner:
        assert (await password_sign_in(owner, parent.identifier)).status_code == 200  # yesterday, on this browser
        assert (await owner.delete("/api/session")).status_code == 204
        stranger_answers = []
        for address in ("203.0.113.1", "203.0.113.2"):  # anyone, asking for Marc's codes
            async with client_from(app, address) as stranger:
                stranger_answers += [await stranger.post(START, json=start) for _ in range(4)]
        assert len(await messages_to("0611223355")) == codes.SENDS_PER_WINDOW  # the person's cap is spent

        mine = await owner.post(START, json=start)
        assert (mine.status_code, mine.json()["message"]) == (200, stranger_answers[-1].json()["message"])
        assert len(await messages_to("0611223355")) == codes.SENDS_PER_WINDOW + 1  # the owner's browser: a code
        verified = await owner.post(
            "/api/accounts/recovery/password/verify",
            json={"flow": mine.json()["flow"], "code": await last_code("0611223355")},
        )
        assert verified.status_code == 200, verified.text

        async with client_from(app, "203.0.113.3") as stranger:  # strangers stay silenced
            assert (await stranger.post(START, json=start)).status_code == 200
        assert len(await messages_to("0611223355")) == codes.SENDS_PER_WINDOW + 1
        # The owner's browser has a limit of its own: its resends count on it, then it is silent too.
        flow = (await owner.post(START, json=start)).json()["flow"]
        assert (await owner.post("/api/accounts/recovery/password/resend", json={"flow": flow})).status_code == 200
        assert len(await messages_to("0611223355")) == 2 * codes.SENDS_PER_WINDOW
        assert (await owner.post(START, json=start)).status_code == 200
        assert len(await messages_to("0611223355")) == 2 * codes.SENDS_PER_WINDOW


async def test_a_browser_known_to_another_account_asks_for_a_real_and_a_made_up_person_alike(app):
    family = await make_family()
    parent = await make_user(family.school, "parent", first_name="Marc", phone="0611223355")
    statements = Statements(app)
    sequences = []
    for n, identifier in enumerate([parent.identifier, "x.personne"]):
        async with statements.client(f"198.51.100.{n + 1}") as browser:
            assert (await password_sign_in(browser, family.parent.identifier)).status_code == 200  # not Marc
            answers = []
            for _ in range(4):
                response, sent = await statements.of(
                    browser.post(START, json={"identifier": identifier, "channel": "sms"})
                )
                answers.append((comparable(response), sent))
            sequences.append(answers)
    assert sequences[0] == sequences[1]


@pytest.fixture
def hour_start(monkeypatch):
    """The app's clock at the start of an hour; move it with `clock.moment += …`."""

    class Clock:
        moment = datetime.now(timezone.utc).replace(minute=0, second=1, microsecond=0)

    monkeypatch.setattr(clock, "source", lambda: Clock.moment)
    return Clock


async def test_lost_identifier_counts_a_phone_once_however_it_is_typed(app, hour_start):
    school = await make_school()
    await make_user(school, "parent", first_name="Sophie", phone="06 11 22 33 44")
    spellings = ["0611223344", "06 11 22 33 44", "1 0611223344", "+33 6 11 22 33 44", "0033611223344"]
    answers = []
    for n, value in enumerate(spellings):
        if n == 3:  # half an hour on: the person's send budget (15 minutes, sliding) is back, not the contact's
            hour_start.moment += timedelta(minutes=31)
        async with client_from(app, f"203.0.113.{n + 1}") as stranger:
            response = await stranger.post("/api/accounts/recovery/identifier", json={"channel": "sms", "value": value})
            answers.append((response.status_code, response.json()))
    assert all(answer == answers[0] for answer in answers) and answers[0][0] == 200
    assert len(await messages_to("06 11 22 33 44")) == 3  # the contact's limit: 3 an hour, one phone


async def test_lost_identifiers_spend_the_persons_send_budget(client):
    school = await make_school()
    parent = await make_user(school, "parent", first_name="Yves", phone="0611223366")
    for _ in range(codes.SENDS_PER_WINDOW):
        await client.post(START, json={"identifier": parent.identifier, "channel": "sms"})
    assert len(await messages_to("0611223366")) == codes.SENDS_PER_WINDOW
    sent = await client.post("/api/accounts/recovery/identifier", json={"channel": "sms", "value": "0611223366"})
    assert sent.status_code == 200
    assert len(await messages_to("0611223366")) == codes.SENDS_PER_WINDOW  # no SMS past the person's budget


async def test_with_public_url_set_the_same_origin_check_ignores_the_host(app, client, configure):
    family = await make_family()
    body = {"identifier": family.parent.identifier, "password": "Mauvais-mot2passe", "profile": "famille"}
    # Development: the origin the request was addressed to is this app's.
    assert (await client.post("/api/session", json=body, headers=FORGED)).status_code == 401
    configure(PUBLIC_URL=PUBLIC)
    refused = await client.post("/api/session", json=body, headers=FORGED)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    for host in ("localhost", "cartable.example"):
        forged = await client.post("/api/session", json=body, headers={"Host": host, "Origin": f"http://{host}"})
        assert forged.status_code == 403, host
    public = await client.post("/api/session", json=body, headers={"Host": "evil.example", "Origin": PUBLIC})
    assert public.status_code == 401


async def test_with_public_url_set_passkeys_belong_to_its_host_whatever_the_host_header(client, configure):
    family = await make_family()
    configure(PUBLIC_URL=PUBLIC)
    await sign_in(client, family.parent)
    headers = {"Host": "localhost"}  # the loopback name development accepts, sent by anyone
    started = (await client.post("/api/accounts/passkeys/register/options", headers=headers)).json()
    assert json.loads(started["options"])["rp"]["id"] == "cartable.example"
    authenticator = SoftAuthenticator()
    for_localhost = json.dumps({**json.loads(started["options"]), "rp": {"id": "localhost", "name": "Cartable"}})
    forged = {"flow": started["flow"], "name": "Clé", "credential": authenticator.create(for_localhost)}
    refused = await client.post("/api/accounts/passkeys/register", json=forged, headers=headers)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "passkey_invalid"
    started = (await client.post("/api/accounts/passkeys/register/options", headers=headers)).json()
    credential = authenticator.create(started["options"], origin=PUBLIC)
    added = await client.post(
        "/api/accounts/passkeys/register", json={"flow": started["flow"], "name": "Clé", "credential": credential}
    )
    assert added.status_code == 201, added.text

    options = (
        await client.post(
            "/api/accounts/passkeys/signin/options", json={"identifier": family.parent.identifier}, headers=headers
        )
    ).json()
    assert json.loads(options["options"])["rpId"] == "cartable.example"
    assertion = authenticator.get(options["options"], family.parent.id, origin="http://localhost")
    refused = await client.post(
        "/api/accounts/passkeys/signin", json={"flow": options["flow"], "credential": assertion}, headers=headers
    )
    assert refused.status_code == 401


async def test_with_public_url_set_the_app_lock_belongs_to_its_host_whatever_the_host_header(new_client, configure):
    family = await make_family()
    phone = await pair_phone(await new_client(), await new_client(), family.parent)
    configure(PUBLIC_URL=PUBLIC)

    async def post(path: str, **kwargs):
        url = f"/api/pairing/webauthn/{path}"
        signed = {
            **FORGED,
            "Authorization": f"DPoP {phone.access_token}",
            "DPoP": phone.key.proof("POST", f"{PUBLIC}{url}", access_token=phone.access_token),
        }
        return await phone.client.post(url, headers=signed, **kwargs)

    options = (await post("register-options")).json()["options"]
    assert options["rp"]["id"] == "cartable.example"
    authenticator = SoftAuthenticator()
    for_evil = json.dumps({**options, "rp": {"id": "evil.example", "name": "Cartable"}})
    credential = json.loads(authenticator.create(for_evil, origin="http://evil.example"))
    refused = await post("register", json={"credential": credential})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "webauthn_invalid"
    options = (await post("register-options")).json()["options"]
    credential = json.loads(authenticator.create(json.dumps(options), origin=PUBLIC))
    registered = await post("register", json={"credential": credential})
    assert registered.status_code == 201 and registered.json()["unlocked"], registered.text
