"""Lockout is not a weapon: twenty wrong passwords from anywhere lock an account against strangers, and
its owner still gets in, from a browser that signed in before (a device cookie) or with a passkey."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api import clock
from api.accounts import guards
from api.accounts.known_browsers import cookie_name
from api.auth.tokens import encode_ref, new_secret
from api.ratelimit import _window_start
from db.accounts.tables import KnownBrowser, RateLimitCounter
from tests.accounts_builders import STRONG, SoftAuthenticator, last_code, password_sign_in, register_passkey
from tests.factories import PASSWORD, make_family, make_user
from tests.fixtures.api import client_from, sign_in

WRONG = "Mauvais-mot2passe"


@pytest.fixture(autouse=True)
def no_progressive_delay(monkeypatch):
    monkeypatch.setattr(guards, "DELAY_STEP", 0)


async def lock_from_many_addresses(app, identifier: str):
    """What an attacker can do: MAX_FAILURES_PER_ACCOUNT wrong passwords, each from its own address."""
    for n in range(guards.MAX_FAILURES_PER_ACCOUNT):
        async with client_from(app, f"203.0.113.{n + 1}") as attacker:
            assert (await password_sign_in(attacker, identifier, WRONG)).status_code == 401
    async with client_from(app, "203.0.113.200") as stranger:
        locked = await password_sign_in(stranger, identifier)  # even with the right password
        assert locked.status_code == 429 and locked.json()["error"]["code"] == "account_locked"
    return locked


async def test_the_owners_browser_signs_in_through_a_lock_set_from_many_addresses(app):
    family = await make_family()
    identifier = family.parent.identifier
    async with client_from(app, "198.51.100.10") as owner:
        assert (await password_sign_in(owner, identifier)).status_code == 200  # yesterday, on this browser
        assert (await owner.delete("/api/session")).status_code == 204
        await lock_from_many_addresses(app, identifier)
        back = await password_sign_in(owner, identifier)
        assert back.status_code == 200, back.text
        assert back.json()["user"]["id"] == str(family.parent.id)
    # Strangers stay locked out, the right password or not.
    async with client_from(app, "203.0.113.201") as stranger:
        assert (await password_sign_in(stranger, identifier)).status_code == 429


async def test_the_device_cookie_is_httponly_strict_secret_and_secure_over_https(app, client, configure):
    family = await make_family()
    response = await password_sign_in(client, family.parent.identifier)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{cookie_name()}="))
    attributes = cookie.lower()
    assert "httponly" in attributes and "samesite=strict" in attributes and "path=/" in attributes
    value = client.cookies.get(cookie_name())
    assert len(value) >= 43 + 43  # the school and entry, then a 256-bit secret
    stored = await KnownBrowser.select()
    assert len(stored) == 1 and value not in str(stored)  # only a hash of the secret is kept

    configure(PUBLIC_URL="https://cartable.example")  # over https: Secure and the __Host- prefix
    async with client_from(app, "198.51.100.11") as secure:
        secured = await password_sign_in(secure, family.parent.identifier)
        cookie = next(c for c in secured.headers.get_list("set-cookie") if "cartable_browser" in c)
        assert cookie.startswith("__Host-cartable_browser=") and "secure" in cookie.lower()


# Where in its fixed window the lock is set: just after its start, in the middle, just before its end.
@pytest.mark.parametrize("into_window", [0.001, 0.5, 0.999])
async def test_the_lock_ends_on_the_app_clock_when_its_answer_said(app, monkeypatch, into_window):
    moment = _window_start(guards.FAILURE_WINDOW, clock.wall_clock()) + into_window * guards.FAILURE_WINDOW
    monkeypatch.setattr(clock, "source", lambda: moment)
    family = await make_family()
    locked = await lock_from_many_addresses(app, family.parent.identifier)
    wait = timedelta(seconds=int(locked.headers["Retry-After"]))
    assert timedelta(0) < wait <= 2 * guards.FAILURE_WINDOW  # the failures slide out of the window
    async with client_from(app, "203.0.113.200") as later:
        moment += wait - timedelta(seconds=1)
        assert (await password_sign_in(later, family.parent.identifier)).status_code == 429
        moment += timedelta(seconds=1)
        assert (await password_sign_in(later, family.parent.identifier)).status_code == 200


async def test_another_accounts_cookie_or_a_forged_one_does_not_pass_the_lock(app):
    family = await make_family()
    other = await make_user(family.school, "parent", first_name="Nina")
    identifier = family.parent.identifier
    async with client_from(app, "198.51.100.20") as owner:  # the real owner's browser, for its entry
        await password_sign_in(owner, identifier)
        real_token = owner.cookies.get(cookie_name())
    async with client_from(app, "198.51.100.21") as thief:  # signed in to another account here
        assert (await password_sign_in(thief, other.identifier)).status_code == 200
        await lock_from_many_addresses(app, identifier)
        assert (await password_sign_in(thief, identifier)).status_code == 429  # Nina's cookie: a stranger
        forged = [
            real_token[:43] + new_secret(),  # the owner's entry, a made-up secret
            encode_ref(family.school.id, family.parent.id) + new_secret(),
            "pas-un-jeton",
        ]
        for value in forged:
            thief.cookies.set(cookie_name(), value)
            assert (await password_sign_in(thief, identifier)).status_code == 429, value


async def test_a_known_browser_has_a_limit_of_its_own(app):
    family = await make_family()
    identifier = family.parent.identifier
    async with client_from(app, "198.51.100.30") as owner:
        await password_sign_in(owner, identifier)
        await lock_from_many_addresses(app, identifier)
        for _ in range(guards.MAX_FAILURES_PER_KNOWN_BROWSER):  # someone at the family computer guesses
            assert (await password_sign_in(owner, identifier, WRONG)).status_code == 401
        again = await password_sign_in(owner, identifier)  # a stranger again for the window
        assert again.status_code == 429 and again.json()["error"]["code"] == "account_locked"


async def test_one_browser_is_known_to_a_parent_and_a_student_alike(app):
    family = await make_family()
    async with client_from(app, "198.51.100.40") as family_computer:
        assert (await password_sign_in(family_computer, family.parent.identifier)).status_code == 200
        assert (await password_sign_in(family_computer, family.student.identifier)).status_code == 200
        for person in (family.parent, family.student):
            await lock_from_many_addresses(app, person.identifier)
        for person in (family.parent, family.student):
            assert (await password_sign_in(family_computer, person.identifier)).status_code == 200


async def test_a_passkey_signs_in_while_the_account_is_locked(app, client):
    family = await make_family()
    await sign_in(client, family.parent)
    authenticator = SoftAuthenticator()
    await register_passkey(client, authenticator)
    await lock_from_many_addresses(app, family.parent.identifier)
    async with client_from(app, "198.51.100.50") as new_browser:
        options = (
            await new_browser.post(
                "/api/accounts/passkeys/signin/options", json={"identifier": family.parent.identifier}
            )
        ).json()
        signed_in = await new_browser.post(
            "/api/accounts/passkeys/signin",
            json={"flow": options["flow"], "credential": authenticator.get(options["options"], family.parent.id)},
        )
        assert signed_in.status_code == 200, signed_in.text
        # And that browser is now known: the password works there too, lock or not.
        assert (await password_sign_in(new_browser, family.parent.identifier, PASSWORD)).status_code == 200


async def fill_address_ceiling(scope: str, ip: str, hits: int, window=guards.FAILURE_WINDOW) -> None:
    """What strangers behind one address (a school's NAT) can do: use up its attempts for the window."""
    start = _window_start(window, clock.now())
    await RateLimitCounter.raw(
        "INSERT INTO rate_limit_counter (key, window_start, hits) VALUES ({}, {}, {}) "
        "ON CONFLICT (key) DO UPDATE SET window_start = EXCLUDED.window_start, hits = EXCLUDED.hits",
        f"{scope}:{ip}",
        start,
        hits,
    )


async def test_a_known_browser_passes_the_ceiling_of_its_address(app):
    family = await make_family()
    identifier, school_nat = family.parent.identifier, "198.51.100.70"
    async with client_from(app, school_nat) as owner:
        assert (await password_sign_in(owner, identifier)).status_code == 200  # yesterday, on this browser
        assert (await owner.delete("/api/session")).status_code == 204
        await fill_address_ceiling("signin:ip", school_nat, guards.MAX_ATTEMPTS_PER_IP)
        async with client_from(app, school_nat) as stranger:  # someone else behind the same address
            refused = await password_sign_in(stranger, identifier)
            assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_requests"
        back = await password_sign_in(owner, identifier)
        assert back.status_code == 200, back.text


async def test_a_known_browser_passes_the_passkey_ceiling_of_its_address(app, client):
    family = await make_family()
    await sign_in(client, family.parent)
    authenticator = SoftAuthenticator()
    await register_passkey(client, authenticator)
    school_nat = "198.51.100.71"

    async def passkey_sign_in(browser):
        options = await browser.post(
            "/api/accounts/passkeys/signin/options", json={"identifier": family.parent.identifier}
        )
        if options.status_code != 200:
            return options
        return await browser.post(
            "/api/accounts/passkeys/signin",
            json={
                "flow": options.json()["flow"],
                "credential": authenticator.get(options.json()["options"], family.parent.id),
            },
        )

    async with client_from(app, school_nat) as owner:
        assert (await passkey_sign_in(owner)).status_code == 200  # yesterday, on this browser
        await fill_address_ceiling("passkey:ip", school_nat, 30)
        async with client_from(app, school_nat) as stranger:
            refused = await passkey_sign_in(stranger)
            assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_requests"
        back = await passkey_sign_in(owner)
        assert back.status_code == 200, back.text


async def test_a_known_browser_recovers_its_password_past_the_ceilings_of_its_address(app):
    family = await make_family()
    parent = await make_user(family.school, "parent", first_name="Marc", phone="0611223366")
    carrier_nat = "198.51.100.72"  # a mobile carrier's address, shared by many families
    start = {"identifier": parent.identifier, "channel": "sms"}
    async with client_from(app, carrier_nat) as owner:
        assert (await password_sign_in(owner, parent.identifier)).status_code == 200  # last month, on this phone
        assert (await owner.delete("/api/session")).status_code == 204
        await fill_address_ceiling("recovery:ip", carrier_nat, 10, window=timedelta(hours=1))
        await fill_address_ceiling("code:verify:ip", carrier_nat, 30, window=timedelta(minutes=15))
        async with client_from(app, carrier_nat) as stranger:  # someone else behind the same address
            refused = await stranger.post("/api/accounts/recovery/password/start", json=start)
            assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_requests"

        started = await owner.post("/api/accounts/recovery/password/start", json=start)
        assert started.status_code == 200, started.text
        flow = started.json()["flow"]
        assert (await owner.post("/api/accounts/recovery/password/resend", json={"flow": flow})).status_code == 200
        verified = await owner.post(
            "/api/accounts/recovery/password/verify", json={"flow": flow, "code": await last_code("0611223366")}
        )
        assert verified.status_code == 200, verified.text
        done = await owner.post("/api/accounts/recovery/password/complete", json={"flow": flow, "password": STRONG})
        assert done.status_code == 200, done.text
        assert (await password_sign_in(owner, parent.identifier, STRONG)).status_code == 200
