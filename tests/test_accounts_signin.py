"""Sign-in, sessions, sign-out, CSRF and brute-force control."""

from __future__ import annotations

from datetime import timedelta

from api import clock
from api.accounts import guards
from api.auth.sessions import cookie_name
from api.ratelimit import _window_start
from db.accounts.tables import UserSession
from tests.accounts_builders import password_sign_in
from tests.factories import make_family, make_user
from tests.fixtures.api import client_from


async def test_parent_signs_in_reads_session_with_children_and_signs_out(client):
    family = await make_family()
    response = await password_sign_in(client, family.parent.identifier)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["role"] == "parent" and body["user"]["identifier"] == family.parent.identifier
    assert body["user"]["school_name"].startswith("Collège Test")
    assert body["first_login_pending"] is False
    assert [(c["first_name"], c["class_name"]) for c in body["children"]] == [("Léa", "4e A")]
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    # The cookie value is not what the database stores (only a hash).
    token = client.cookies.get(cookie_name())
    assert len(token) >= 22 and not await UserSession.exists().where(UserSession.token_hash == token)

    current = await client.get("/api/session")
    assert current.status_code == 200 and current.json()["csrf_token"] == body["csrf_token"]

    # Signing out without the CSRF token is refused and changes nothing.
    assert (await client.delete("/api/session", headers={"X-CSRF-Token": ""})).status_code == 403
    assert (await client.get("/api/session")).status_code == 200
    assert (await client.delete("/api/session")).status_code == 204
    assert await UserSession.count() == 0
    # Even replaying the old cookie no longer works: the session is gone server-side.
    client.cookies.set(cookie_name(), token)
    assert (await client.get("/api/session")).status_code == 401


async def test_each_sign_in_gets_a_new_session_id(client):
    family = await make_family()
    await password_sign_in(client, family.parent.identifier)
    first = client.cookies.get(cookie_name())
    await password_sign_in(client, family.parent.identifier)
    second = client.cookies.get(cookie_name())
    assert first != second
    assert await UserSession.count() == 1  # the browser's previous session was closed


async def test_wrong_password_unknown_identifier_and_wrong_profile_get_the_same_answer(client):
    family = await make_family()
    teacher = await make_user(family.school, "teacher", first_name="Paul")
    answers = [
        await password_sign_in(client, family.parent.identifier, "Mauvais-mot2passe"),
        await password_sign_in(client, "x.inconnu", "Mauvais-mot2passe"),
        await password_sign_in(client, family.parent.identifier, profile="personnel"),
        await password_sign_in(client, teacher.identifier, profile="famille"),
    ]
    for answer in answers:
        assert answer.status_code == 401
        assert answer.json()["error"]["message"] == "Identifiant ou mot de passe incorrect."
    assert await UserSession.count() == 0
    assert (await password_sign_in(client, teacher.identifier, profile="personnel")).status_code == 200


async def test_identifier_is_case_insensitive(client):
    family = await make_family()
    assert (await password_sign_in(client, "  " + family.parent.identifier.upper())).status_code == 200


async def test_account_locks_after_repeated_failures_but_not_for_the_parent_elsewhere(client, app):
    family = await make_family()
    for _ in range(5):
        assert (await password_sign_in(client, family.parent.identifier, "Faux-pass-1")).status_code == 401
    locked = await password_sign_in(client, family.parent.identifier)  # even the right password
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "account_locked"
    assert await UserSession.count() == 0
    # The lock is per account *and* address first: the real parent elsewhere can still sign in.
    async with client_from(app, "198.51.100.7") as other:
        assert (await password_sign_in(other, family.parent.identifier)).status_code == 200


async def test_failures_just_before_the_window_turns_still_lock_the_account_just_after(client, monkeypatch):
    family = await make_family()
    boundary = _window_start(guards.FAILURE_WINDOW, clock.wall_clock()) + guards.FAILURE_WINDOW
    moment = boundary - timedelta(seconds=5)
    monkeypatch.setattr(clock, "source", lambda: moment)
    for _ in range(5):
        assert (await password_sign_in(client, family.parent.identifier, "Faux-pass-1")).status_code == 401
    moment = boundary + timedelta(seconds=1)
    locked = await password_sign_in(client, family.parent.identifier)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "account_locked"
    # The failures slide out of the last 15 minutes: the answer says when the next attempt counts
    # 5 failures or fewer again (a fifth of the window after the boundary), and it does then.
    wait = int(locked.headers["Retry-After"])
    assert wait == 179 and "Réessayez dans 3 minutes" in locked.json()["error"]["message"]
    moment += timedelta(seconds=wait - 1)
    assert (await password_sign_in(client, family.parent.identifier)).status_code == 429
    moment += timedelta(seconds=1)
    assert (await password_sign_in(client, family.parent.identifier)).status_code == 200


async def test_cross_site_sign_in_post_is_refused(client):
    family = await make_family()
    response = await client.post(
        "/api/session",
        headers={"Origin": "https://evil.example"},
        json={"identifier": family.parent.identifier, "password": "Cartable-Test1!"},
    )
    assert response.status_code == 403
    assert await UserSession.count() == 0


async def test_disabled_account_cannot_sign_in(client):
    school_family = await make_family()
    user = await make_user(school_family.school, "parent", first_name="Zoé", disabled=True)
    assert (await password_sign_in(client, user.identifier)).status_code == 401


async def test_not_signed_in_session_is_401(client):
    response = await client.get("/api/session")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


async def test_idle_and_absolute_timeouts_end_the_session(client):
    from datetime import timedelta

    family = await make_family()
    await password_sign_in(client, family.parent.identifier)
    await UserSession.update({UserSession.last_seen_at: UserSession.last_seen_at - timedelta(hours=3)}, force=True)
    assert (await client.get("/api/session")).json()["error"]["code"] == "session_expired"
    await password_sign_in(client, family.parent.identifier)
    await UserSession.update({UserSession.expires_at: UserSession.created_at}, force=True)
    assert (await client.get("/api/session")).status_code == 401
    assert await UserSession.count() == 0
