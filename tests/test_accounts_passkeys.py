"""Passkeys: a signed-in user adds one, then signs in with it and no password."""

from __future__ import annotations

from api.auth.sessions import cookie_name
from db.accounts.tables import PasskeyCredential, UserSession
from tests.accounts_builders import SoftAuthenticator, password_sign_in, register_passkey
from tests.factories import make_family
from tests.fixtures.api import sign_in


async def test_add_a_passkey_then_sign_in_without_password(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    authenticator = SoftAuthenticator()
    await register_passkey(client, authenticator)
    assert [p["name"] for p in (await client.get("/api/accounts/passkeys")).json()] == ["Ordinateur du salon"]

    browser = await new_client()
    options = (
        await browser.post("/api/accounts/passkeys/signin/options", json={"identifier": family.parent.identifier})
    ).json()
    assertion = authenticator.get(options["options"], family.parent.id)
    signed_in = await browser.post(
        "/api/accounts/passkeys/signin", json={"flow": options["flow"], "credential": assertion}
    )
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["user"]["id"] == str(family.parent.id)
    assert browser.cookies.get(cookie_name())
    # The same assertion cannot be replayed (the challenge is single use).
    again = await browser.post("/api/accounts/passkeys/signin", json={"flow": options["flow"], "credential": assertion})
    assert again.status_code == 401


async def test_passkey_of_someone_else_or_forged_is_refused(client, new_client):
    first, second = await make_family(), await make_family()
    await sign_in(client, first.parent)
    authenticator = SoftAuthenticator()
    await register_passkey(client, authenticator)
    browser = await new_client()
    # First parent's passkey presented for the second parent's identifier: refused.
    options = (
        await browser.post("/api/accounts/passkeys/signin/options", json={"identifier": second.parent.identifier})
    ).json()
    refused = await browser.post(
        "/api/accounts/passkeys/signin",
        json={"flow": options["flow"], "credential": authenticator.get(options["options"], first.parent.id)},
    )
    assert refused.status_code == 401
    # A different key with the same credential id (forgery): refused.
    options = (
        await browser.post("/api/accounts/passkeys/signin/options", json={"identifier": first.parent.identifier})
    ).json()
    forger = SoftAuthenticator()
    forger.credential_id = authenticator.credential_id
    forged = await browser.post(
        "/api/accounts/passkeys/signin",
        json={"flow": options["flow"], "credential": forger.get(options["options"], first.parent.id)},
    )
    assert forged.status_code == 401
    assert await UserSession.count() == 1  # only the first parent's own session


async def test_unknown_identifier_gets_options_too(client):
    response = await client.post("/api/accounts/passkeys/signin/options", json={"identifier": "x.personne"})
    assert response.status_code == 200 and "challenge" in response.json()["options"]


async def test_adding_a_passkey_needs_a_session_and_csrf(client):
    assert (await client.post("/api/accounts/passkeys/register/options")).status_code == 401
    family = await make_family()
    await password_sign_in(client, family.parent.identifier)
    response = await client.post("/api/accounts/passkeys/register/options", headers={"X-CSRF-Token": "x"})
    assert response.status_code == 403
    assert await PasskeyCredential.count() == 0


async def test_a_parent_cannot_see_or_remove_another_familys_passkey(client, new_client):
    first, second = await make_family(), await make_family()
    await sign_in(client, first.parent)
    await register_passkey(client, SoftAuthenticator())
    passkey_id = (await client.get("/api/accounts/passkeys")).json()[0]["id"]
    other = await new_client()
    await sign_in(other, second.parent)
    assert (await other.get("/api/accounts/passkeys")).json() == []
    assert (await other.delete(f"/api/accounts/passkeys/{passkey_id}")).status_code == 204
    assert await PasskeyCredential.count() == 1  # untouched
    assert (await client.delete(f"/api/accounts/passkeys/{passkey_id}")).status_code == 204
    assert await PasskeyCredential.count() == 0
