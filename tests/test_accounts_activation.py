"""A parent activates their account: SMS code, children's birth dates, identifier, password."""

from __future__ import annotations

from datetime import timedelta

from db.accounts.tables import OutboxMessage, VerificationCode
from db.core.tables import User
from tests.accounts_builders import STRONG, last_code, make_parent_to_activate, messages_to, password_sign_in
from tests.factories import make_family, make_user

PHONE = "06 12 34 56 78"
START = {"last_name": "Dupont", "first_name": "Sophie", "phone": "+33 6 12 34 56 78"}


async def _start(client, **overrides) -> str:
    response = await client.post("/api/accounts/activation/start", json={**START, **overrides})
    assert response.status_code == 200
    return response.json()["flow"]


async def test_parent_activates_then_signs_in(client):
    family = await make_family()
    await make_user(family.school, "parent", first_name="Simon", last_name="Dupont")  # s.dupont is taken
    parent = await make_parent_to_activate(family)
    flow = await _start(client)
    sms = (await messages_to(PHONE))[0]
    assert "code d'activation" in sms
    code = await last_code(PHONE)
    # The code is not stored in clear anywhere.
    assert code not in str(await VerificationCode.select())

    verified = await client.post(
        "/api/accounts/activation/verify", json={"flow": flow, "code": code, "birth_dates": ["2013-05-14"]}
    )
    assert verified.status_code == 200, verified.text
    assert verified.json() == {"identifier": "s.dupont1", "children": ["Léa"]}

    weak = await client.post("/api/accounts/activation/complete", json={"flow": flow, "password": "azerty123"})
    assert weak.status_code == 400 and weak.json()["error"]["code"] == "weak_password"
    common = await client.post("/api/accounts/activation/complete", json={"flow": flow, "password": "Azerty123!"})
    assert common.status_code == 400 and "courant" in common.json()["error"]["message"]
    done = await client.post("/api/accounts/activation/complete", json={"flow": flow, "password": STRONG})
    assert done.status_code == 200 and "s.dupont1" in done.json()["message"]
    # Replaying the final step does nothing.
    again = await client.post("/api/accounts/activation/complete", json={"flow": flow, "password": "Autre-Mot2passe!"})
    assert again.status_code == 400 and again.json()["error"]["code"] == "flow_expired"

    signed_in = await password_sign_in(client, "s.dupont1", STRONG)
    assert signed_in.status_code == 200
    assert signed_in.json()["user"]["id"] == str(parent.id)
    assert signed_in.json()["children"][0]["first_name"] == "Léa"


async def test_long_passphrase_is_accepted(client):
    family = await make_family()
    await make_parent_to_activate(family)
    flow = await _start(client)
    await client.post(
        "/api/accounts/activation/verify",
        json={"flow": flow, "code": await last_code(PHONE), "birth_dates": ["2013-05-14"]},
    )
    passphrase = "Le petit chat gris dort au soleil sur le muret du jardin de mamie."
    assert len(passphrase) >= 64
    done = await client.post("/api/accounts/activation/complete", json={"flow": flow, "password": passphrase})
    assert done.status_code == 200, done.text


async def test_unknown_details_get_the_same_answer_and_no_sms(client):
    family = await make_family()
    await make_parent_to_activate(family)
    known = await client.post("/api/accounts/activation/start", json=START)
    unknown = await client.post("/api/accounts/activation/start", json={**START, "phone": "07 00 00 00 00"})
    assert unknown.status_code == 200 and unknown.json()["message"] == known.json()["message"]
    assert await OutboxMessage.count() == 1
    wrong = await client.post(
        "/api/accounts/activation/verify",
        json={"flow": unknown.json()["flow"], "code": "123456", "birth_dates": ["2013-05-14"]},
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_code"


async def test_three_wrong_codes_burn_the_code_until_a_new_one_is_sent(client):
    family = await make_family()
    parent = await make_parent_to_activate(family)
    flow = await _start(client)
    code = await last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    body = {"flow": flow, "code": wrong, "birth_dates": ["2013-05-14"]}
    first = await client.post("/api/accounts/activation/verify", json=body)
    assert first.status_code == 400 and "2 essais" in first.json()["error"]["message"]
    await client.post("/api/accounts/activation/verify", json=body)
    third = await client.post("/api/accounts/activation/verify", json=body)
    assert third.json()["error"]["code"] == "code_blocked"
    burnt = await client.post("/api/accounts/activation/verify", json={**body, "code": code})
    assert burnt.json()["error"]["code"] == "code_blocked"
    # A new code on the same flow works.
    assert (await client.post("/api/accounts/activation/resend", json={"flow": flow})).status_code == 200
    new_code = await last_code(PHONE)
    ok = await client.post("/api/accounts/activation/verify", json={**body, "code": new_code})
    assert ok.status_code == 200
    # The code is single use: replaying it is refused.
    replay = await client.post("/api/accounts/activation/verify", json={**body, "code": new_code})
    assert replay.status_code == 400 and replay.json()["error"]["code"] == "code_used"
    assert (await User.select(User.activated_at).where(User.id == parent.id).first())["activated_at"] is None


async def test_wrong_birth_date_is_refused(client):
    family = await make_family()
    await make_parent_to_activate(family)
    flow = await _start(client)
    response = await client.post(
        "/api/accounts/activation/verify",
        json={"flow": flow, "code": await last_code(PHONE), "birth_dates": ["2012-01-01"]},
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "wrong_birth_dates"
    follow = await client.post("/api/accounts/activation/complete", json={"flow": flow, "password": STRONG})
    assert follow.json()["error"]["code"] == "flow_expired"


async def test_expired_code_is_refused(client):
    family = await make_family()
    await make_parent_to_activate(family)
    flow = await _start(client)
    code = await last_code(PHONE)
    await VerificationCode.update(
        {VerificationCode.expires_at: VerificationCode.expires_at - timedelta(minutes=11)}, force=True
    )
    response = await client.post(
        "/api/accounts/activation/verify", json={"flow": flow, "code": code, "birth_dates": ["2013-05-14"]}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "code_expired"


async def test_resend_is_throttled(client):
    family = await make_family()
    await make_parent_to_activate(family)
    flow = await _start(client)
    statuses = [
        (await client.post("/api/accounts/activation/resend", json={"flow": flow})).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert len(await messages_to(PHONE)) == 3


async def test_password_check_gives_live_feedback(client):
    response = await client.post("/api/accounts/password-check", json={"password": "abcdefgh"})
    body = response.json()
    assert body["ok"] is False and body["classes"] == {"lower": True, "upper": False, "digit": False, "special": False}
    assert (await client.post("/api/accounts/password-check", json={"password": STRONG})).json()["ok"] is True


async def test_outbox_page_lists_messages_in_demo_mode(client):
    family = await make_family()
    await make_parent_to_activate(family)
    await _start(client)
    outbox = await client.get("/api/demo/outbox")
    assert outbox.status_code == 200 and "code d'activation" in outbox.json()["messages"][0]["body"]


async def test_outbox_does_not_exist_outside_demo_mode(client, monkeypatch):
    from api.config import get_settings

    monkeypatch.setenv("CARTABLE_DEMO", "0")
    get_settings.cache_clear()
    try:
        assert (await client.get("/api/demo/outbox")).status_code == 404
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert (await client.get("/api/demo/outbox")).status_code == 200
