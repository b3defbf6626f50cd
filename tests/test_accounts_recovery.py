"""Identifiant perdu / Mot de passe perdu: by SMS or e-mail, never telling whether an account exists."""

from __future__ import annotations

from db.accounts.tables import OutboxMessage, UserSession
from tests.accounts_builders import STRONG, last_code, last_message, messages_to, password_sign_in
from tests.factories import PASSWORD, make_family, make_school, make_user
from tests.fixtures.api import sign_in


async def test_lost_identifier_by_sms_and_email(client):
    school = await make_school()
    parent = await make_user(school, "parent", first_name="Sophie", phone="06 11 22 33 44", email="sophie@example.fr")
    by_sms = await client.post("/api/accounts/recovery/identifier", json={"channel": "sms", "value": "+33611223344"})
    assert by_sms.status_code == 200
    assert parent.identifier in await last_message("06 11 22 33 44")
    by_mail = await client.post(
        "/api/accounts/recovery/identifier", json={"channel": "email", "value": "SOPHIE@example.fr"}
    )
    assert by_mail.json() == by_sms.json()
    assert parent.identifier in await last_message("sophie@example.fr")
    unknown = await client.post("/api/accounts/recovery/identifier", json={"channel": "sms", "value": "0799999999"})
    assert unknown.status_code == 200 and unknown.json() == by_sms.json()
    assert await OutboxMessage.count() == 2


async def test_lost_password_by_sms_resets_and_signs_out_everywhere(client, new_client):
    family = await make_family()
    parent = await make_user(family.school, "parent", first_name="Marc", phone="0611223355")
    old_browser = await new_client()
    await sign_in(old_browser, parent)
    start = await client.post(
        "/api/accounts/recovery/password/start", json={"identifier": parent.identifier, "channel": "sms"}
    )
    unknown = await client.post(
        "/api/accounts/recovery/password/start", json={"identifier": "x.personne", "channel": "sms"}
    )
    no_email = await client.post(
        "/api/accounts/recovery/password/start", json={"identifier": parent.identifier, "channel": "email"}
    )
    assert start.json()["message"] == unknown.json()["message"] == no_email.json()["message"]
    flow = start.json()["flow"]
    code = await last_code("0611223355")

    early = await client.post("/api/accounts/recovery/password/complete", json={"flow": flow, "password": STRONG})
    assert early.status_code == 400 and early.json()["error"]["code"] == "flow_expired"
    wrong = await client.post(
        "/api/accounts/recovery/password/verify",
        json={"flow": flow, "code": "000000" if code != "000000" else "111111"},
    )
    assert wrong.json()["error"]["code"] == "wrong_code"
    assert (
        await client.post("/api/accounts/recovery/password/verify", json={"flow": flow, "code": code})
    ).status_code == 200
    weak = await client.post("/api/accounts/recovery/password/complete", json={"flow": flow, "password": "soleil123"})
    assert weak.status_code == 400
    done = await client.post("/api/accounts/recovery/password/complete", json={"flow": flow, "password": STRONG})
    assert done.status_code == 200
    assert not await UserSession.exists().where(UserSession.user_id == parent.id)
    assert (await old_browser.get("/api/session")).status_code == 401
    assert (await password_sign_in(client, parent.identifier, PASSWORD)).status_code == 401
    assert (await password_sign_in(client, parent.identifier, STRONG)).status_code == 200


async def test_password_reset_lifts_a_sign_in_lock(client):
    school = await make_school()
    parent = await make_user(school, "parent", first_name="Lina", email="lina@example.fr")
    for _ in range(5):
        await password_sign_in(client, parent.identifier, "Pas-le-bon-1")
    assert (await password_sign_in(client, parent.identifier)).status_code == 429
    flow = (
        await client.post(
            "/api/accounts/recovery/password/start", json={"identifier": parent.identifier, "channel": "email"}
        )
    ).json()["flow"]
    await client.post(
        "/api/accounts/recovery/password/verify", json={"flow": flow, "code": await last_code("lina@example.fr")}
    )
    await client.post("/api/accounts/recovery/password/complete", json={"flow": flow, "password": STRONG})
    assert (await password_sign_in(client, parent.identifier, STRONG)).status_code == 200


async def test_repeated_requests_stop_sending_but_answer_the_same(client):
    school = await make_school()
    parent = await make_user(school, "parent", first_name="Yves", phone="0611223366")
    answers = [
        await client.post(
            "/api/accounts/recovery/password/start", json={"identifier": parent.identifier, "channel": "sms"}
        )
        for _ in range(4)
    ]
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["message"] for a in answers}) == 1
    assert len(await messages_to("0611223366")) == 3
