"""Pairing a phone over the API: the desktop QR + ephemeral code, the phone's claim."""

from __future__ import annotations

from tests.factories import make_family, make_user
from tests.fixtures.api import sign_in
from tests.pairing_builders import BASE_URL, CODE, DeviceKey, PairedPhone, claim, create_pairing, link_parts


async def test_parent_pairs_a_phone_and_reads_their_profile_with_all_children(client, new_client):
    family = await make_family()
    second = await make_user(family.school, "student", first_name="Hugo")
    from tests.factories import link_parent

    await link_parent(family.parent, second)
    await sign_in(client, family.parent)
    created = await create_pairing(client, "k7p2")
    # The QR holds the link only: no code, no credential.
    assert CODE not in created["link"] and "k7p2" not in created["link"]
    assert created["qr_svg"].startswith("<svg") and created["expires_in"] == 600
    phone_client = await new_client()
    key = DeviceKey()
    response = await claim(phone_client, created["link"], "K7P2", key=key, device_name="iPhone de Sophie")
    assert response.status_code == 201, response.text
    claimed = response.json()
    assert claimed["profile"]["role"] == "parent"
    assert [c["first_name"] for c in claimed["profile"]["children"]] == ["Hugo", "Léa"]
    assert claimed["profile"]["children"][1]["class_name"] == "4e A"
    phone = PairedPhone(phone_client, key, claimed)
    profile = await phone.request("GET", "/api/pairing/profile")
    assert profile.status_code == 200 and profile.json()["display_name"].startswith("Sophie")
    # The desktop sees the QR used and the device listed.
    status = (await client.get(f"/api/pairing/pairings/{created['id']}")).json()
    assert status["status"] == "used" and status["device_name"] == "iPhone de Sophie"
    devices = (await client.get("/api/pairing/devices")).json()
    assert [d["name"] for d in devices] == ["iPhone de Sophie"]
    assert devices[0]["profile"].startswith("Parent")


async def test_trivial_and_malformed_codes_are_refused(client):
    family = await make_family()
    await sign_in(client, family.student)
    for code in ("0000", "1234", "aaaa", "ABCD", "4321", "1212"):
        response = await client.post("/api/pairing/pairings", json={"code": code})
        assert response.status_code == 400 and response.json()["error"]["code"] == "code_too_simple", code
    for code in ("12", "12345", "12 4", "é123"):
        response = await client.post("/api/pairing/pairings", json={"code": code})
        assert response.json()["error"]["code"] == "invalid_code", code


async def test_teachers_and_phones_cannot_create_pairings(client, new_client):
    family = await make_family()
    teacher = await make_user(family.school, "teacher", first_name="Paul")
    await sign_in(client, teacher)
    response = await client.post("/api/pairing/pairings", json={"code": "K7P2"})
    assert response.status_code == 403
    anonymous = await new_client()
    assert (await anonymous.post("/api/pairing/pairings", json={"code": "K7P2"})).status_code == 401


async def test_five_wrong_codes_kill_the_pairing_and_the_desktop_sees_why(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    created = await create_pairing(client)
    phone_client = await new_client()
    for left in (4, 3, 2, 1, 0):
        response = await claim(phone_client, created["link"], "ZZ9Q")
        assert response.status_code == 400
        assert response.json()["error"] == {
            **response.json()["error"],
            "code": "wrong_code",
            "details": {"attempts_left": left},
        }
    # Even the right code is now refused, and nothing was paired.
    response = await claim(phone_client, created["link"], CODE)
    assert response.status_code == 410 and response.json()["error"]["code"] == "pairing_dead"
    status = (await client.get(f"/api/pairing/pairings/{created['id']}")).json()
    assert status["status"] == "dead" and status["attempts_left"] == 0
    assert (await client.get("/api/pairing/devices")).json() == []


async def test_a_pairing_is_single_use(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    created = await create_pairing(client)
    first = await claim(await new_client(), created["link"])
    assert first.status_code == 201
    second = await claim(await new_client(), created["link"])
    assert second.status_code == 410 and second.json()["error"]["code"] == "pairing_used"
    assert len((await client.get("/api/pairing/devices")).json()) == 1


async def test_a_lost_claim_answer_is_retried_with_the_same_key(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    created = await create_pairing(client)
    phone_client, key = await new_client(), DeviceKey()
    assert (await claim(phone_client, created["link"], key=key)).status_code == 201
    again = await claim(phone_client, created["link"], key=key)
    assert again.status_code == 201
    assert len((await client.get("/api/pairing/devices")).json()) == 1


async def test_a_new_qr_invalidates_the_previous_one(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    old = await create_pairing(client)
    new = await create_pairing(client, "B7X3")
    response = await claim(await new_client(), old["link"])
    assert response.status_code == 410 and response.json()["error"]["code"] == "pairing_replaced"
    assert (await claim(await new_client(), new["link"], "b7x3")).status_code == 201


async def test_an_expired_pairing_is_refused(client, new_client):
    from datetime import datetime, timedelta, timezone

    from db.devices.tables import Pairing

    family = await make_family()
    await sign_in(client, family.parent)
    created = await create_pairing(client)
    await Pairing.update({Pairing.expires_at: datetime.now(timezone.utc) - timedelta(seconds=1)}).where(
        Pairing.id == created["id"]
    )
    response = await claim(await new_client(), created["link"])
    assert response.status_code == 410 and response.json()["error"]["code"] == "pairing_expired"
    assert (await client.get(f"/api/pairing/pairings/{created['id']}")).json()["status"] == "expired"


async def test_a_pairings_ten_minutes_are_counted_on_the_app_clock(client, new_client, monkeypatch):
    """Every check of a claim, in Python and in SQL, reads the app's clock: with it an hour behind the
    machine's, a pairing made and claimed within its ten minutes is accepted."""
    from datetime import timedelta

    from api import clock

    earlier = clock.wall_clock() - timedelta(hours=1)
    monkeypatch.setattr(clock, "source", lambda: earlier)
    family = await make_family()
    await sign_in(client, family.parent)
    created = await create_pairing(client)
    key = DeviceKey()
    proof = key.proof("POST", f"{BASE_URL}/api/pairing/claim", iat=int(earlier.timestamp()))
    response = await claim(await new_client(), created["link"], key=key, proof=proof)
    assert response.status_code == 201, response.text


async def test_a_wrong_secret_or_unknown_pairing_is_not_found_and_spends_no_attempt(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    created = await create_pairing(client)
    pairing, secret = link_parts(created["link"])
    forged = created["link"].replace(secret, "x" * len(secret))
    response = await claim(await new_client(), forged)
    assert response.status_code == 404 and response.json()["error"]["code"] == "pairing_not_found"
    assert (await client.get(f"/api/pairing/pairings/{created['id']}")).json()["attempts_left"] == 5


async def test_a_claim_without_a_proof_of_the_key_is_refused(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    created = await create_pairing(client)
    response = await claim(await new_client(), created["link"], proof="not.a.proof")
    assert response.status_code == 401 and response.json()["error"]["code"] == "proof_invalid"
    assert (await client.get(f"/api/pairing/pairings/{created['id']}")).json()["status"] == "pending"


async def test_claims_are_rate_limited_per_ip(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    created = await create_pairing(client)
    phone_client = await new_client()
    pairing, _ = link_parts(created["link"])
    codes = []
    for _ in range(61):
        response = await phone_client.post(
            "/api/pairing/claim", json={"pairing": pairing, "secret": "guess", "code": "ZZ9Q"}
        )
        codes.append(response.status_code)
    assert codes[:60] == [404] * 60 and codes[60] == 429
