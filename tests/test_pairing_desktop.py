"""'Ouvrir sur cet ordinateur': a signed-in espace session adds its own browser as a profile, no QR or code."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from db.accounts.tables import UserSession
from db.devices.tables import Device, Pairing
from tests.factories import link_parent, make_family, make_user
from tests.fixtures.api import sign_in
from tests.pairing_builders import (
    BASE_URL,
    BROWSER,
    DeviceKey,
    PairedPhone,
    open_browser_profile,
    open_here,
    pair_phone,
)

PROFILE = "/api/pairing/profile"


def error_code(response) -> str:
    return response.json()["error"]["code"]


async def device_count() -> int:
    return await Device.count()


async def test_a_signed_in_parent_adds_this_browser_with_all_their_children(client):
    family = await make_family()
    hugo = await make_user(family.school, "student", first_name="Hugo")
    await link_parent(family.parent, hugo)
    await sign_in(client, family.parent)
    key = DeviceKey()
    response = await open_here(client, key=key, shared=False, device_name="Ordinateur  (Windows)")
    assert response.status_code == 201, response.text
    opened = response.json()
    assert opened["token_type"] == "DPoP" and opened["shared"] is False and opened["idle_timeout"] is None
    assert opened["profile"]["role"] == "parent"
    assert [child["first_name"] for child in opened["profile"]["children"]] == ["Hugo", "Léa"]
    # The same device-bound tokens as a phone: the family reads work with this key's proofs.
    browser = PairedPhone(client, key, opened)
    profile = await browser.request("GET", PROFILE)
    assert profile.status_code == 200 and profile.json()["display_name"].startswith("Sophie")
    student_id = opened["profile"]["children"][1]["id"]
    assert (await browser.request("GET", f"/api/students/{student_id}/homework")).status_code == 200
    # Listed with the phones ("Appareils associés").
    devices = (await client.get("/api/pairing/devices")).json()
    listed = [(d["id"], d["name"], d["shared"]) for d in devices]
    assert listed == [(opened["device_id"], "Ordinateur (Windows)", False)]


async def test_a_student_adds_this_browser_and_sees_only_themself(client):
    family = await make_family()
    await sign_in(client, family.student)
    response = await open_here(client)
    assert response.status_code == 201, response.text
    assert [child["id"] for child in response.json()["profile"]["children"]] == [str(family.student.id)]


async def test_only_a_family_session_may_add_a_browser(client, new_client):
    family = await make_family()
    for role in ("teacher", "staff", "admin"):
        await sign_in(client, await make_user(family.school, role, first_name="Paul"))
        response = await open_here(client)
        assert response.status_code == 403 and error_code(response) == "forbidden", role
    anonymous = await new_client()
    response = await open_here(anonymous)
    assert response.status_code == 401 and error_code(response) == "not_authenticated"
    # A paired phone cannot mint itself more devices with its own token.
    phone = await pair_phone(await new_client(), await new_client(), family.parent)
    key = DeviceKey()
    headers = {**phone.headers("POST", BROWSER), "DPoP": key.proof("POST", f"{BASE_URL}{BROWSER}")}
    response = await phone.client.post(BROWSER, headers=headers, json={"client_id": "a" * 16})
    assert response.status_code == 401  # that proof is not the phone's: the device token is refused first
    response = await phone.client.post(BROWSER, headers=phone.headers("POST", BROWSER), json={"client_id": "a" * 16})
    assert response.status_code == 403 and error_code(response) == "desktop_only"
    assert await device_count() == 1  # the phone only


async def test_without_the_csrf_token_nothing_is_added(client):
    family = await make_family()
    await sign_in(client, family.parent)
    del client.headers["X-CSRF-Token"]
    response = await open_here(client)
    assert response.status_code == 403 and error_code(response) == "csrf"
    client.headers["X-CSRF-Token"] = "not-the-session-token"
    assert error_code(await open_here(client)) == "csrf"
    assert await device_count() == 0


async def test_the_new_key_must_prove_possession(client):
    family = await make_family()
    await sign_in(client, family.parent)
    key = DeviceKey()
    response = await client.post(BROWSER, json={"client_id": "b" * 16})
    assert response.status_code == 401 and error_code(response) == "dpop_required"
    for proof in (
        key.proof("POST", f"{BASE_URL}/api/pairing/claim"),  # for another address
        key.proof("GET", f"{BASE_URL}{BROWSER}"),  # another method
        "not.a.proof",
    ):
        response = await open_here(client, key=key, proof=proof)
        assert response.status_code == 401 and error_code(response) == "proof_invalid"
    proof = key.proof("POST", f"{BASE_URL}{BROWSER}")
    assert (await open_here(client, key=key, proof=proof)).status_code == 201
    replayed = await open_here(client, key=key, proof=proof)
    assert replayed.status_code == 401 and error_code(replayed) == "proof_replayed"
    assert await device_count() == 1


async def test_bad_input_is_a_clean_400(client):
    family = await make_family()
    await sign_in(client, family.parent)
    for body in ({"client_id": "short"}, {"client_id": "c" * 16, "device_name": "x" * 81}, {}):
        response = await client.post(
            BROWSER, json=body, headers={"DPoP": DeviceKey().proof("POST", f"{BASE_URL}{BROWSER}")}
        )
        assert response.status_code == 400 and error_code(response) == "invalid", body
    assert await device_count() == 0


async def test_a_browser_with_a_wrong_clock_gets_a_nonce_and_succeeds_with_it(client):
    family = await make_family()
    await sign_in(client, family.parent)
    key = DeviceKey()
    stale = key.proof("POST", f"{BASE_URL}{BROWSER}", iat=int(time.time()) - 3600)
    response = await open_here(client, key=key, client_id="clock-off-1", proof=stale)
    assert response.status_code == 401 and error_code(response) == "use_dpop_nonce"
    nonce = response.headers["DPoP-Nonce"]
    with_nonce = key.proof("POST", f"{BASE_URL}{BROWSER}", iat=int(time.time()) - 3600, nonce=nonce)
    response = await open_here(client, key=key, client_id="clock-off-1", proof=with_nonce)
    assert response.status_code == 201, response.text


async def test_a_retry_with_the_same_client_id_gets_the_same_device(client):
    family = await make_family()
    await sign_in(client, family.parent)
    key = DeviceKey()
    first = await open_here(client, key=key, client_id="click-0001")
    again = await open_here(client, key=key, client_id="click-0001")  # the first answer was lost
    assert first.status_code == again.status_code == 201
    assert first.json()["device_id"] == again.json()["device_id"]
    assert first.json()["access_token"] != again.json()["access_token"]
    assert len((await client.get("/api/pairing/devices")).json()) == 1
    # Both token pairs are the one device's: the latest works.
    browser = PairedPhone(client, key, again.json())
    assert (await browser.request("GET", PROFILE)).status_code == 200
    # The same client id with another key is not a retry: refused, nothing added.
    other = await open_here(client, key=DeviceKey(), client_id="click-0001")
    assert other.status_code == 409 and error_code(other) == "client_id_reused"
    assert await device_count() == 1
    # A new click (a new client id) adds a new device, as a second browser would.
    assert (await open_here(client, client_id="click-0002")).status_code == 201
    assert await device_count() == 2


async def test_client_ids_belong_to_one_user_of_one_school(client, new_client):
    family = await make_family()
    other_school = await make_family()
    second_parent = await make_user(family.school, "parent", first_name="Marc")
    await link_parent(second_parent, family.student)
    await sign_in(client, family.parent)
    first = await open_here(client, client_id="shared-id-01")
    results = []
    for user in (second_parent, other_school.parent):
        desktop = await new_client()
        await sign_in(desktop, user)
        key = DeviceKey()
        response = await open_here(desktop, key=key, client_id="shared-id-01")
        assert response.status_code == 201, response.text
        results.append((user, response.json(), PairedPhone(desktop, key, response.json())))
    ids = {first.json()["device_id"], *(opened["device_id"] for _, opened, _ in results)}
    assert len(ids) == 3  # three devices, nobody got another's
    other_user, opened, browser = results[1]
    row = await Device.select().where(Device.id == opened["device_id"]).first()
    assert row["school_id"] == other_user.school_id and row["user_id"] == other_user.id
    # The other school's parent reads their own child, never this school's.
    assert [c["id"] for c in opened["profile"]["children"]] == [str(other_school.student.id)]
    response = await browser.request("GET", f"/api/students/{family.student.id}/homework")
    assert response.status_code == 404


async def test_adding_browsers_is_rate_limited_per_user(client):
    family = await make_family()
    await sign_in(client, family.parent)
    codes = [(await open_here(client)).status_code for _ in range(21)]
    assert codes[:20] == [201] * 20 and codes[20] == 429
    limited = await open_here(client)
    assert error_code(limited) == "too_many_requests" and int(limited.headers["Retry-After"]) > 0
    assert await device_count() == 20


async def test_revoking_it_from_the_device_list_ends_it(client):
    family = await make_family()
    browser = await open_browser_profile(client, family.parent, shared=False)
    response = await client.delete(f"/api/pairing/devices/{browser.device_id}")
    assert response.status_code == 204
    gone = await browser.request("GET", PROFILE)
    assert gone.status_code == 401 and error_code(gone) == "device_revoked"
    assert error_code(await browser.refresh()) == "device_revoked"
    assert (await client.get("/api/pairing/devices")).json() == []


async def test_its_token_is_worthless_without_its_key(client, new_client):
    family = await make_family()
    browser = await open_browser_profile(client, family.parent)
    thief = await new_client()
    bare = await thief.get(PROFILE, headers={"Authorization": f"DPoP {browser.access_token}"})
    assert bare.status_code == 401 and error_code(bare) == "dpop_required"
    stranger = DeviceKey()
    headers = {
        "Authorization": f"DPoP {browser.access_token}",
        "DPoP": stranger.proof("GET", f"{BASE_URL}{PROFILE}", access_token=browser.access_token),
    }
    response = await thief.get(PROFILE, headers=headers)
    assert response.status_code == 401 and error_code(response) == "wrong_key"
    assert (await browser.request("GET", PROFILE)).status_code == 200
    # It refreshes like a phone, with its key.
    assert (await browser.refresh()).status_code == 201
    assert (await browser.request("GET", PROFILE)).status_code == 200


async def test_a_shared_computer_profile_ends_when_the_espace_session_signs_out(client, new_client):
    family = await make_family()
    shared = await open_browser_profile(client, family.parent, shared=True)
    assert shared.profile is not None
    devices = (await client.get("/api/pairing/devices")).json()
    assert devices[0]["shared"] is True and devices[0]["name"] == "Ordinateur (Linux) (partagé)"
    personal_desktop = await new_client()
    personal = await open_browser_profile(personal_desktop, family.parent, shared=False)
    assert (await client.delete("/api/session")).status_code == 204
    gone = await shared.request("GET", PROFILE)
    assert gone.status_code == 401 and error_code(gone) == "device_revoked"
    assert error_code(await shared.refresh()) == "device_revoked"
    # A personal computer's profile outlives its session, like a phone's.
    assert (await personal.request("GET", PROFILE)).status_code == 200
    assert [d["id"] for d in (await personal_desktop.get("/api/pairing/devices")).json()] == [personal.device_id]


async def test_a_shared_computer_profile_ends_with_an_expired_session_or_after_idling(client, new_client):
    family = await make_family()
    expired = await open_browser_profile(client, family.parent)
    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    await UserSession.update({UserSession.expires_at: past}).where(UserSession.user_id == family.parent.id)
    assert error_code(await expired.request("GET", PROFILE)) == "device_revoked"
    idle = await open_browser_profile(await new_client(), family.parent)
    recently = datetime.now(timezone.utc) - timedelta(minutes=29)
    await Device.update({Device.last_seen_at: recently}).where(Device.id == idle.device_id)
    assert (await idle.request("GET", PROFILE)).status_code == 200  # and that request counts as activity
    long_ago = datetime.now(timezone.utc) - timedelta(minutes=31)
    await Device.update({Device.last_seen_at: long_ago}).where(Device.id == idle.device_id)
    assert error_code(await idle.request("GET", PROFILE)) == "device_revoked"


async def test_a_session_pairing_cannot_be_claimed_as_a_qr_code(client, new_client):
    from api.auth.tokens import encode_ref

    family = await make_family()
    await sign_in(client, family.parent)
    assert (await open_here(client, client_id="claim-me-01")).status_code == 201
    pairing = await Pairing.select().where(Pairing.client_id == "claim-me-01").first()
    assert pairing["kind"] == "session" and pairing["status"] == "used"
    phone = await new_client()
    response = await phone.post(
        "/api/pairing/claim",
        headers={"DPoP": DeviceKey().proof("POST", f"{BASE_URL}/api/pairing/claim")},
        json={"pairing": encode_ref(family.school.id, pairing["id"]), "secret": "", "code": "K7P2"},
    )
    assert response.status_code == 404 and error_code(response) == "pairing_not_found"


async def test_a_shared_computer_cannot_take_push_notifications(client, new_client, push_service):
    family = await make_family()
    shared = await open_browser_profile(client, family.parent, shared=True)
    response = await shared.request("PUT", "/api/push/subscription", json=push_service.subscription())
    assert response.status_code == 409 and error_code(response) == "shared_computer"
    personal = await open_browser_profile(await new_client(), family.parent, shared=False)
    response = await personal.request("PUT", "/api/push/subscription", json=push_service.subscription())
    assert response.status_code == 200, response.text
