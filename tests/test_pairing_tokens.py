"""Device tokens: DPoP proofs, refresh rotation with grace and reuse detection, revocation."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from db.core.tables import User
from db.devices.tables import Device, DeviceToken
from piccolo_conf import DB
from tests.factories import make_family
from tests.pairing_builders import BASE_URL, DeviceKey, pair_phone

PROFILE = "/api/pairing/profile"


def error_code(response) -> str:
    return response.json()["error"]["code"]


async def paired(client, new_client, user=None):
    family = await make_family()
    phone = await pair_phone(client, await new_client(), user or family.parent)
    return family, phone


async def expire_access_tokens(phone) -> None:
    await DeviceToken.update({DeviceToken.expires_at: datetime.now(timezone.utc) - timedelta(seconds=1)}).where(
        (DeviceToken.device_id == phone.device_id) & (DeviceToken.kind == "access")
    )


async def test_the_token_alone_is_worthless(client, new_client):
    _, phone = await paired(client, new_client)
    response = await phone.client.get(PROFILE, headers={"Authorization": f"DPoP {phone.access_token}"})
    assert response.status_code == 401 and error_code(response) == "dpop_required"
    bearer = await phone.client.get(PROFILE, headers={"Authorization": f"Bearer {phone.access_token}"})
    assert bearer.status_code == 401
    assert (await phone.request("GET", PROFILE)).status_code == 200


async def test_a_proof_from_another_key_is_refused(client, new_client):
    _, phone = await paired(client, new_client)
    thief = DeviceKey()
    headers = {
        "Authorization": f"DPoP {phone.access_token}",
        "DPoP": thief.proof("GET", f"{BASE_URL}{PROFILE}", access_token=phone.access_token),
    }
    response = await phone.client.get(PROFILE, headers=headers)
    assert response.status_code == 401 and error_code(response) == "wrong_key"
    thief_refresh = await phone.client.post(
        "/api/pairing/token",
        json={"refresh_token": phone.refresh_token},
        headers={"DPoP": thief.proof("POST", f"{BASE_URL}/api/pairing/token")},
    )
    assert error_code(thief_refresh) == "wrong_key"
    # Nothing changed: the real phone still works with the same refresh token.
    assert (await phone.refresh()).status_code == 201


async def test_a_replayed_proof_is_refused(client, new_client):
    _, phone = await paired(client, new_client)
    headers = phone.headers("GET", PROFILE)
    assert (await phone.client.get(PROFILE, headers=headers)).status_code == 200
    replay = await phone.client.get(PROFILE, headers=headers)
    assert replay.status_code == 401 and error_code(replay) == "proof_replayed"


async def test_a_writes_proof_stays_refused_after_a_database_crash(client, new_client):
    """Reads remember their proofs in the UNLOGGED proof_jti, which a crash empties; a write's proof
    (it binds the method and URL, not the body) is remembered in the logged proof_jti_write."""
    _, phone = await paired(client, new_client)
    assert (await phone.request("GET", PROFILE)).status_code == 200
    refresh = {"headers": {"DPoP": phone.key.proof("POST", f"{BASE_URL}/api/pairing/token")},
               "json": {"refresh_token": phone.refresh_token}}  # fmt: skip
    assert (await phone.client.post("/api/pairing/token", **refresh)).status_code == 201
    memories = await DB.pool.fetch(
        "SELECT c.relname, c.relpersistence::text, (SELECT count(*) FROM proof_jti) AS reads,"
        " (SELECT count(*) FROM proof_jti_write) AS writes FROM pg_class c"
        " WHERE c.relname IN ('proof_jti', 'proof_jti_write') ORDER BY c.relname"
    )
    assert [(m["relname"], m["relpersistence"]) for m in memories] == [("proof_jti", "u"), ("proof_jti_write", "p")]
    assert (memories[0]["reads"], memories[0]["writes"]) == (1, 2)  # the GET; the pairing claim and the refresh

    await DB.pool.execute("TRUNCATE proof_jti")  # what a crash does to an unlogged table
    replay = await phone.client.post("/api/pairing/token", **refresh)
    assert replay.status_code == 401 and error_code(replay) == "proof_replayed"


async def test_a_proof_is_remembered_while_it_could_be_accepted_and_no_longer(client, new_client):
    """Every phone read stores its proof's jti: it stays refused as a replay for as long as its iat
    window lets it pass (plus the clock margin between app servers), not ten minutes more."""
    _, phone = await paired(client, new_client)
    await DB.pool.execute("DELETE FROM proof_jti")
    issued = int(time.time()) - 50  # 10 s of its window left
    proof = phone.key.proof("GET", f"{BASE_URL}{PROFILE}", access_token=phone.access_token, iat=issued)
    headers = {"Authorization": f"DPoP {phone.access_token}", "DPoP": proof}
    assert (await phone.client.get(PROFILE, headers=headers)).status_code == 200
    replay = await phone.client.get(PROFILE, headers=headers)
    assert replay.status_code == 401 and error_code(replay) == "proof_replayed"

    stored = await DB.pool.fetchrow("SELECT jti, expires_at FROM proof_jti")
    window_ends = datetime.fromtimestamp(issued + 60, timezone.utc)
    assert window_ends <= stored["expires_at"] <= window_ends + timedelta(seconds=31)
    assert len(stored["jti"]) == 22  # 128 bits: the memory's index stays small


async def test_a_proof_for_another_url_method_or_token_is_refused(client, new_client):
    _, phone = await paired(client, new_client)
    for proof in (
        phone.key.proof("GET", f"{BASE_URL}/api/pairing/devices", access_token=phone.access_token),
        phone.key.proof("POST", f"{BASE_URL}{PROFILE}", access_token=phone.access_token),
        phone.key.proof("GET", f"{BASE_URL}{PROFILE}", access_token="another-token"),
        phone.key.proof("GET", f"{BASE_URL}{PROFILE}"),
    ):
        response = await phone.client.get(
            PROFILE, headers={"Authorization": f"DPoP {phone.access_token}", "DPoP": proof}
        )
        assert response.status_code == 401 and error_code(response) == "proof_invalid"


async def test_a_phone_with_a_wrong_clock_gets_a_nonce_and_keeps_working(client, new_client):
    _, phone = await paired(client, new_client)
    skewed = int(time.time()) - 3600
    headers = {
        "Authorization": f"DPoP {phone.access_token}",
        "DPoP": phone.key.proof("GET", f"{BASE_URL}{PROFILE}", access_token=phone.access_token, iat=skewed),
    }
    response = await phone.client.get(PROFILE, headers=headers)
    assert response.status_code == 401 and error_code(response) == "use_dpop_nonce"
    nonce = response.headers["DPoP-Nonce"]
    headers["DPoP"] = phone.key.proof(
        "GET", f"{BASE_URL}{PROFILE}", access_token=phone.access_token, iat=skewed, nonce=nonce
    )
    assert (await phone.client.get(PROFILE, headers=headers)).status_code == 200
    # A made-up nonce is not accepted.
    headers["DPoP"] = phone.key.proof(
        "GET", f"{BASE_URL}{PROFILE}", access_token=phone.access_token, iat=skewed, nonce="made-up"
    )
    assert error_code(await phone.client.get(PROFILE, headers=headers)) == "use_dpop_nonce"


async def test_expired_access_token_is_refreshed_and_the_refresh_token_rotates(client, new_client):
    _, phone = await paired(client, new_client)
    await expire_access_tokens(phone)
    expired = await phone.request("GET", PROFILE)
    assert expired.status_code == 401 and error_code(expired) == "token_expired"
    old_refresh = phone.refresh_token
    assert (await phone.refresh()).status_code == 201
    assert phone.refresh_token != old_refresh
    assert (await phone.request("GET", PROFILE)).status_code == 200


async def test_a_lost_refresh_answer_is_retried_within_the_grace_window(client, new_client):
    _, phone = await paired(client, new_client)
    lost = phone.refresh_token
    assert (await phone.refresh()).status_code == 201  # the phone never saw this answer
    retry = await phone.refresh(lost)
    assert retry.status_code == 201
    assert (await phone.request("GET", PROFILE)).status_code == 200


async def test_refresh_token_reuse_after_the_grace_window_revokes_the_device(client, new_client):
    _, phone = await paired(client, new_client)
    old = phone.refresh_token
    assert (await phone.refresh()).status_code == 201
    await DeviceToken.update({DeviceToken.used_at: datetime.now(timezone.utc) - timedelta(minutes=6)}).where(
        (DeviceToken.device_id == phone.device_id) & DeviceToken.used_at.is_not_null()
    )
    reused = await phone.refresh(old)
    assert reused.status_code == 401 and error_code(reused) == "device_revoked"
    assert error_code(await phone.request("GET", PROFILE)) == "device_revoked"
    assert (await client.get("/api/pairing/devices")).json() == []


async def test_revoking_from_the_desktop_takes_effect_on_the_next_request(client, new_client):
    _, phone = await paired(client, new_client)
    assert (await phone.request("GET", PROFILE)).status_code == 200
    assert (await client.delete(f"/api/pairing/devices/{phone.device_id}")).status_code == 204
    response = await phone.request("GET", PROFILE)
    assert response.status_code == 401 and error_code(response) == "device_revoked"
    assert error_code(await phone.refresh()) == "device_revoked"
    assert (await client.get("/api/pairing/devices")).json() == []


async def test_unpairing_from_the_phone_removes_it_from_the_desktop_list(client, new_client):
    _, phone = await paired(client, new_client)
    assert (await phone.request("DELETE", "/api/pairing/device")).status_code == 204
    assert error_code(await phone.request("GET", PROFILE)) == "device_revoked"
    assert (await client.get("/api/pairing/devices")).json() == []


async def test_a_device_offline_for_weeks_stays_paired(client, new_client):
    _, phone = await paired(client, new_client)
    weeks_ago = datetime.now(timezone.utc) - timedelta(days=60)
    await Device.update({Device.last_seen_at: weeks_ago}).where(Device.id == phone.device_id)
    await expire_access_tokens(phone)
    assert (await phone.refresh()).status_code == 201
    assert (await phone.request("GET", PROFILE)).status_code == 200


async def test_a_disabled_account_ends_the_pairing(client, new_client):
    family, phone = await paired(client, new_client)
    await User.update({User.disabled: True}).where(User.id == family.parent.id)
    response = await phone.request("GET", PROFILE)
    assert response.status_code == 401 and error_code(response) == "account_disabled"


async def test_garbage_and_refresh_tokens_are_not_access_tokens(client, new_client):
    _, phone = await paired(client, new_client)
    phone.access_token, real = phone.refresh_token, phone.access_token
    assert error_code(await phone.request("GET", PROFILE)) == "token_invalid"
    phone.access_token = "garbage"
    assert error_code(await phone.request("GET", PROFILE)) == "token_invalid"
    phone.access_token = real
    assert (await phone.request("GET", PROFILE)).status_code == 200


async def test_two_profiles_on_one_phone_each_have_their_own_key(client, new_client):
    family = await make_family()
    phone_client = await new_client()
    parent = await pair_phone(client, phone_client, family.parent)
    student = await pair_phone(await new_client(), phone_client, family.student, code="S7T9")
    assert parent.key.jwk != student.key.jwk
    assert (await parent.request("GET", PROFILE)).json()["role"] == "parent"
    assert (await student.request("GET", PROFILE)).json()["children"][0]["id"] == str(family.student.id)
    # The student's key cannot use the parent's token.
    student.access_token = parent.access_token
    assert error_code(await student.request("GET", PROFILE)) == "wrong_key"


async def test_a_family_cannot_revoke_another_familys_device(client, new_client):
    _, phone = await paired(client, new_client)
    other_family = await make_family()
    other_desktop = await new_client()
    from tests.fixtures.api import sign_in

    await sign_in(other_desktop, other_family.parent)
    assert (await other_desktop.delete(f"/api/pairing/devices/{phone.device_id}")).status_code == 404
    assert (await phone.request("GET", PROFILE)).status_code == 200
