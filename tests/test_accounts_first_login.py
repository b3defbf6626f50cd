"""First login of a school-created account: new password, student info, e-mail link, charter."""

from __future__ import annotations

import re
from datetime import date

from db.core.tables import User
from tests.accounts_builders import STRONG, last_message, password_sign_in
from tests.factories import enrol, make_class, make_school, make_user

TEMPORARY = "Provisoire-2026!"


async def _new_student():
    school = await make_school()
    class_ref = await make_class(school, "5e B")
    student = await make_user(
        school,
        "student",
        first_name="Hugo",
        password=TEMPORARY,
        must_change_password=True,
        first_login_done_at=None,
        charter_accepted_at=None,
        email_verified_at=None,
        birth_date=date(2014, 3, 2),
    )
    await enrol(student, class_ref)
    return student


async def test_student_first_login_end_to_end(client, new_client):
    student = await _new_student()
    signed_in = await password_sign_in(client, student.identifier, TEMPORARY)
    assert signed_in.status_code == 200 and signed_in.json()["first_login_pending"] is True

    # Until the steps are done, the rest of the API is closed to this session.
    blocked = await client.get("/api/portal")
    assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "first_login_required"

    state = (await client.get("/api/accounts/first-login")).json()
    assert state["steps"] == {"password": True, "student": True, "email": True, "charter": True}
    assert state["student"] == {"first_name": "Hugo", "last_name": state["student"]["last_name"], "class_name": "5e B"}

    same = await client.post("/api/accounts/first-login/password", json={"new_password": TEMPORARY})
    assert same.status_code == 400
    weak = await client.post("/api/accounts/first-login/password", json={"new_password": "motdepasse"})
    assert weak.status_code == 400 and weak.json()["error"]["code"] == "weak_password"
    assert (await client.post("/api/accounts/first-login/password", json={"new_password": STRONG})).status_code == 200

    wrong = await client.post("/api/accounts/first-login/student", json={"birth_date": "2014-03-03", "confirmed": True})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_birth_date"
    ok = await client.post("/api/accounts/first-login/student", json={"birth_date": "2014-03-02", "confirmed": True})
    assert ok.status_code == 200

    sent = await client.post("/api/accounts/first-login/email", json={"email": "hugo@example.fr"})
    assert sent.status_code == 200 and "h•••@example.fr" in sent.json()["message"]
    token = re.search(r"validation=([\w-]+)", await last_message("hugo@example.fr")).group(1)
    # The link works from another browser, without a session, once.
    elsewhere = await new_client()
    assert (await elsewhere.post("/api/accounts/first-login/email/confirm", json={"token": token})).status_code == 200
    replay = await elsewhere.post("/api/accounts/first-login/email/confirm", json={"token": token})
    assert replay.status_code == 400 and replay.json()["error"]["code"] == "link_expired"

    refused = await client.post("/api/accounts/first-login/charter", json={"accepted": False})
    assert refused.status_code == 400
    assert (await client.post("/api/accounts/first-login/charter", json={"accepted": True})).status_code == 200

    session = (await client.get("/api/session")).json()
    assert session["first_login_pending"] is False
    assert (await client.get("/api/portal")).status_code == 200
    user = await User.select().where(User.id == student.id).first()
    assert user["email"] == "hugo@example.fr" and user["must_change_password"] is False
    # The temporary password no longer works; the new one does.
    again = await new_client()
    assert (await password_sign_in(again, student.identifier, TEMPORARY)).status_code == 401
    assert (await password_sign_in(again, student.identifier, STRONG)).status_code == 200


async def test_staff_first_login_has_no_student_step(client):
    school = await make_school()
    staff = await make_user(
        school,
        "staff",
        first_name="Anne",
        password=TEMPORARY,
        must_change_password=True,
        first_login_done_at=None,
        charter_accepted_at=None,
    )
    await password_sign_in(client, staff.identifier, TEMPORARY, profile="personnel")
    state = (await client.get("/api/accounts/first-login")).json()
    assert state["steps"] == {"password": True, "student": False, "email": False, "charter": True}
    assert (
        await client.post("/api/accounts/first-login/student", json={"birth_date": "2000-01-01", "confirmed": True})
    ).status_code == 404
    await client.post("/api/accounts/first-login/password", json={"new_password": STRONG})
    await client.post("/api/accounts/first-login/charter", json={"accepted": True})
    assert (await client.get("/api/session")).json()["first_login_pending"] is False


async def test_first_login_steps_need_csrf(client):
    student = await _new_student()
    await password_sign_in(client, student.identifier, TEMPORARY)
    response = await client.post(
        "/api/accounts/first-login/charter", json={"accepted": True}, headers={"X-CSRF-Token": ""}
    )
    assert response.status_code == 403
    assert (await User.select(User.charter_accepted_at).where(User.id == student.id).first())[
        "charter_accepted_at"
    ] is None
