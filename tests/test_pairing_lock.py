"""App lock endpoints and who may call what (desktop session vs. paired phone)."""

from __future__ import annotations

from db.core.tables import User
from tests.factories import make_family
from tests.fixtures.api import sign_in
from tests.pairing_builders import claim, create_pairing, pair_phone


def error_code(response) -> str:
    return response.json()["error"]["code"]


async def test_unlock_needs_a_registered_credential_and_a_fresh_challenge(client, new_client):
    family = await make_family()
    phone = await pair_phone(client, await new_client(), family.parent)
    response = await phone.request("POST", "/api/pairing/webauthn/unlock-options")
    assert response.status_code == 409 and error_code(response) == "lock_unavailable"
    # Without options first, there is no challenge to answer.
    response = await phone.request("POST", "/api/pairing/webauthn/register", json={"credential": {"id": "x"}})
    assert response.status_code == 400 and error_code(response) == "challenge_expired"
    options = await phone.request("POST", "/api/pairing/webauthn/register-options")
    assert options.status_code == 201
    body = options.json()["options"]
    assert body["rp"]["id"] == "localhost" and body["authenticatorSelection"]["userVerification"] == "required"
    # A forged answer is refused, and it used up the challenge.
    forged = await phone.request("POST", "/api/pairing/webauthn/register", json={"credential": {"id": "x"}})
    assert forged.status_code == 400 and error_code(forged) == "webauthn_invalid"
    again = await phone.request("POST", "/api/pairing/webauthn/register", json={"credential": {"id": "x"}})
    assert error_code(again) == "challenge_expired"


async def test_phones_cannot_create_pairings_and_sessions_cannot_use_phone_endpoints(client, new_client):
    family = await make_family()
    phone = await pair_phone(client, await new_client(), family.parent)
    from_phone = await phone.request("POST", "/api/pairing/pairings", json={"code": "K7P2"})
    assert from_phone.status_code == 403 and error_code(from_phone) == "desktop_only"
    from_desktop = await client.get("/api/pairing/profile")
    assert from_desktop.status_code == 401 and error_code(from_desktop) == "dpop_required"


async def test_a_disabled_account_cannot_claim_its_pending_qr(client, new_client):
    family = await make_family()
    await sign_in(client, family.student)
    created = await create_pairing(client)
    await User.update({User.disabled: True}).where(User.id == family.student.id)
    response = await claim(await new_client(), created["link"])
    assert response.status_code == 403 and error_code(response) == "account_disabled"
