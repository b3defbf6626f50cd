"""Changes of contact details: a new phone or e-mail counts only once its code is typed back, the
school reads a dated log, and activation and recovery follow the new details."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from api import clock
from api.accounts.directory import accounts_with, email_key, phone_key, set_contacts
from api.teleservices import contact_routes
from db.accounts.tables import OutboxMessage, VerificationCode
from db.core.tables import User
from db.teleservices.tables import ContactChange, PostalAddress
from tests.accounts_builders import last_code, messages_to
from tests.factories import make_class, make_family, make_user
from tests.teleservices_builders import signed_in, tele_setup

CHANGES = "/api/teleservices/contact/changes"


def _other(code: str) -> str:
    return "000000" if code != "000000" else "111111"


async def test_a_new_phone_counts_once_its_code_is_typed_and_recovery_then_uses_it(new_client):
    s = await tele_setup()
    await set_contacts(s.school.id, s.parent.id, phone="0611223344")
    parent = await signed_in(new_client, s.parent)

    started = await parent.post(CHANGES, json={"field": "phone", "phone": "+33 7 55 44 33 22", "client_id": "p1"})
    assert started.status_code == 200, started.text
    body = started.json()
    change = body["change"]
    assert (change["state"], change["old_value"], change["new_value"]) == ("pending", "0611223344", "0755443322")
    assert change["sent_to"] == "07 •• •• •• 22" and "07 •• •• •• 22" in body["message"]
    # Nothing changed yet: the account and the directory still hold the old number.
    details = (await parent.get("/api/teleservices/contact")).json()
    assert details["phone"] == "0611223344" and [p["id"] for p in details["pending"]] == [change["id"]]
    assert await accounts_with(phone_key("0755443322")) == []

    verify = f"{CHANGES}/{change['id']}/verify"
    code = await last_code("0755443322")
    wrong = await parent.post(verify, json={"flow": body["flow"], "code": _other(code)})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_code"
    assert "2 essais" in wrong.json()["error"]["message"]
    done = await parent.post(verify, json={"flow": body["flow"], "code": code})
    assert done.status_code == 200 and done.json()["state"] == "applied"
    again = await parent.post(verify, json={"flow": body["flow"], "code": code})  # a phone retrying the check
    assert again.status_code == 200 and again.json()["applied_at"] == done.json()["applied_at"]

    details = (await parent.get("/api/teleservices/contact")).json()
    assert details["phone"] == "0755443322" and details["pending"] == []
    assert [(h["field"], h["new_value"]) for h in details["history"]] == [("phone", "0755443322")]
    # The old number is told, in case the change was not the guardian's own.
    assert any("numéro de téléphone a été modifié" in text for text in await messages_to("0611223344"))

    # Recovery follows the directory: the new number gets the identifier, the old one nothing more.
    assert await accounts_with(phone_key("0755443322")) == [(s.school.id, s.parent.id)]
    assert await accounts_with(phone_key("0611223344")) == []
    before_old = len(await messages_to("0611223344"))
    for number in ("07 55 44 33 22", "06 11 22 33 44"):
        answer = await parent.post("/api/accounts/recovery/identifier", json={"channel": "sms", "value": number})
        assert answer.status_code == 200
    assert s.parent.identifier in (await messages_to("0755443322"))[-1]
    assert len(await messages_to("0611223344")) == before_old
    lost = await parent.post(
        "/api/accounts/recovery/password/start", json={"identifier": s.parent.identifier, "channel": "sms"}
    )
    assert lost.status_code == 200 and "mot de passe" in (await messages_to("0755443322"))[-1]


async def test_the_old_number_is_told_the_schools_day_of_the_change(new_client, monkeypatch):
    """Changed at 23:30 UTC: already the next day in Paris, the day the message names."""
    night = datetime.combine(clock.wall_clock().date(), time(23, 30), timezone.utc)
    monkeypatch.setattr(clock, "source", lambda: night)
    s = await tele_setup()
    await set_contacts(s.school.id, s.parent.id, phone="0611223344")
    parent = await signed_in(new_client, s.parent)
    body = (await parent.post(CHANGES, json={"field": "phone", "phone": "0755443322", "client_id": "p9"})).json()
    verify = f"{CHANGES}/{body['change']['id']}/verify"
    done = await parent.post(verify, json={"flow": body["flow"], "code": await last_code("0755443322")})
    assert done.status_code == 200, done.text
    [told] = await messages_to("0611223344")
    assert f"compte le {(night + timedelta(days=1)).strftime('%d/%m/%Y')}." in told, told


async def test_a_new_email_is_proved_by_its_code_then_used_for_recovery(new_client):
    s = await tele_setup()
    parent = await signed_in(new_client, s.parent)
    await User.update({User.email_verified_at: None}).where(User.id == s.parent.id)
    started = (await parent.post(CHANGES, json={"field": "email", "email": " Elodie.F@Example.fr "})).json()
    assert started["change"]["new_value"] == "elodie.f@example.fr" and started["change"]["sent_to"] == "e•••@example.fr"
    code = await last_code("elodie.f@example.fr")
    verify = f"{CHANGES}/{started['change']['id']}/verify"
    assert (await parent.post(verify, json={"flow": started["flow"], "code": code})).status_code == 200

    user = await User.select(User.email, User.email_verified_at).where(User.id == s.parent.id).first()
    assert user["email"] == "elodie.f@example.fr" and user["email_verified_at"] is not None
    assert await accounts_with(email_key("elodie@example.fr")) == []
    assert any("adresse e-mail a été modifiée" in text for text in await messages_to("elodie@example.fr"))
    sent = await parent.post(
        "/api/accounts/recovery/identifier", json={"channel": "email", "value": "ELODIE.F@example.fr"}
    )
    assert sent.status_code == 200 and s.parent.identifier in (await messages_to("elodie.f@example.fr"))[-1]


async def test_an_expired_or_burnt_code_changes_nothing_and_a_new_code_can_be_asked(new_client):
    s = await tele_setup()
    parent = await signed_in(new_client, s.parent)
    started = (await parent.post(CHANGES, json={"field": "phone", "phone": "0612345678"})).json()
    verify, resend = (f"{CHANGES}/{started['change']['id']}/{step}" for step in ("verify", "resend"))
    code = await last_code("0612345678")

    await VerificationCode.update(
        {VerificationCode.expires_at: VerificationCode.expires_at - timedelta(minutes=11)}, force=True
    )
    expired = await parent.post(verify, json={"flow": started["flow"], "code": code})
    assert expired.status_code == 400 and expired.json()["error"]["code"] == "code_expired"

    renewed = (await parent.post(resend)).json()
    assert renewed["change"]["id"] == started["change"]["id"] and renewed["flow"] != started["flow"]
    new_code = await last_code("0612345678")
    old_flow = await parent.post(verify, json={"flow": started["flow"], "code": new_code})
    assert old_flow.status_code == 400 and old_flow.json()["error"]["code"] == "code_expired"
    for _ in range(3):
        await parent.post(verify, json={"flow": renewed["flow"], "code": _other(new_code)})
    burnt = await parent.post(verify, json={"flow": renewed["flow"], "code": new_code})
    assert burnt.status_code == 400 and burnt.json()["error"]["code"] == "code_blocked"
    assert (await User.select(User.phone).where(User.id == s.parent.id).first())["phone"] is None

    # The send throttle: three codes in 15 minutes (start + 2 resends), then a 429 with Retry-After.
    third = (await parent.post(resend)).json()
    throttled = await parent.post(resend)
    assert throttled.status_code == 429 and "Retry-After" in throttled.headers
    elsewhere = await parent.post(CHANGES, json={"field": "email", "email": "nouvelle@example.fr"})
    assert elsewhere.status_code == 429 and await ContactChange.count() == 1  # refused before being recorded
    last = await last_code("0612345678")
    done = await parent.post(verify, json={"flow": third["flow"], "code": last})
    assert done.status_code == 200 and done.json()["new_value"] == "0612345678"


async def test_a_retried_request_acts_once_and_a_newer_one_replaces_it(new_client):
    s = await tele_setup()
    parent = await signed_in(new_client, s.parent)
    body = {"field": "phone", "phone": "0698765432", "client_id": "retry-1"}
    first, second = [(await parent.post(CHANGES, json=body)).json() for _ in range(2)]
    assert first["change"]["id"] == second["change"]["id"]
    assert await ContactChange.count().where(ContactChange.user_id == s.parent.id) == 1
    code = await last_code("0698765432")  # the retry's answer carries the flow of the newest code
    stale = await parent.post(f"{CHANGES}/{first['change']['id']}/verify", json={"flow": first["flow"], "code": code})
    assert stale.status_code == 400

    newer = (await parent.post(CHANGES, json={"field": "phone", "phone": "0611119999"})).json()
    replaced = await parent.post(
        f"{CHANGES}/{first['change']['id']}/verify", json={"flow": second["flow"], "code": code}
    )
    assert replaced.status_code == 409 and replaced.json()["error"]["code"] == "not_pending"
    assert (await parent.post(f"{CHANGES}/{first['change']['id']}/resend")).status_code == 409
    details = (await parent.get("/api/teleservices/contact")).json()
    assert [p["id"] for p in details["pending"]] == [newer["change"]["id"]]


async def test_bad_details_get_a_clear_error(new_client):
    s = await tele_setup()
    parent = await signed_in(new_client, s.parent)
    cases = [
        ({"field": "phone", "phone": "01 23 45 67 89"}, "invalid_phone"),  # a landline cannot get an SMS
        ({"field": "email", "email": "pas-une-adresse"}, "invalid_email"),
        ({"field": "email", "email": "ELODIE@example.fr"}, "unchanged"),
        ({"field": "address", "line1": "3 rue des Lilas", "postcode": "172", "city": "Saintes"}, "invalid_postcode"),
        ({"field": "address", "line1": " ", "postcode": "17100", "city": "Saintes"}, "invalid_address"),
        ({"field": "fax", "fax": "0546000000"}, "invalid"),
    ]
    for body, code in cases:
        answer = await parent.post(CHANGES, json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (400, code), body
        assert answer.json()["error"]["message"]
    assert await ContactChange.count() == 0 and await OutboxMessage.count() == 0


async def test_an_address_applies_at_once_and_the_school_reads_a_dated_log(new_client):
    s = await tele_setup()
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    address = {"field": "address", "line1": "12  rue des Lilas", "postcode": "17240", "city": "Saint-Genis"}
    moved = await parent.post(CHANGES, json={**address, "client_id": "a1"})
    assert moved.status_code == 200 and moved.json()["flow"] is None
    assert moved.json()["change"]["state"] == "applied"
    details = (await parent.get("/api/teleservices/contact")).json()
    assert details["address"] == {"line1": "12 rue des Lilas", "line2": "", "postcode": "17240", "city": "Saint-Genis"}
    assert (await parent.post(CHANGES, json={**address, "client_id": "a1"})).json() == moved.json()  # a retry
    assert (await parent.post(CHANGES, json=address)).json()["error"]["code"] == "unchanged"
    again = {**address, "line1": "4 place du Marché", "line2": "Bâtiment B"}
    assert (await parent.post(CHANGES, json=again)).status_code == 200
    assert await PostalAddress.count() == 1
    assert any("adresse postale a été modifiée" in text for text in await messages_to("elodie@example.fr"))
    # A phone waiting for its code is not a change yet: not in the log.
    await parent.post(CHANGES, json={"field": "phone", "phone": "0622334455"})

    log = await staff.get("/api/school/teleservices/contact-changes")
    assert log.status_code == 200
    lines = log.json()
    assert [(line["field"], line["new_value"]) for line in lines] == [
        ("address", "4 place du Marché, Bâtiment B, 17240 Saint-Genis"),
        ("address", "12 rue des Lilas, 17240 Saint-Genis"),
    ]
    assert lines[0]["old_value"] == "12 rue des Lilas, 17240 Saint-Genis" and lines[0]["applied_at"]
    assert (lines[0]["guardian"], lines[0]["children"]) == ("Élodie Fontaine", ["Hugo Fontaine (3e A)"])
    by_class = await staff.get(f"/api/school/teleservices/contact-changes?class_id={s.class_2de.id}")
    assert by_class.json() == []
    assert (await staff.get("/api/school/teleservices/contact-changes?field=phone")).json() == []
    assert len((await staff.get(f"/api/school/teleservices/contact-changes?class_id={s.class_3e.id}")).json()) == 2


async def test_only_the_guardian_acts_on_a_change_and_only_the_school_staff_read_the_log(new_client):
    s = await tele_setup()
    parent = await signed_in(new_client, s.parent)
    started = (await parent.post(CHANGES, json={"field": "phone", "phone": "0633445566"})).json()
    code = await last_code("0633445566")
    url = f"{CHANGES}/{started['change']['id']}"
    for intruder in (s.other_parent, s.parent_2de):  # the other guardian too: a guardian's details are theirs
        other = await signed_in(new_client, intruder)
        assert (await other.post(f"{url}/verify", json={"flow": started["flow"], "code": code})).status_code == 404
        assert (await other.post(f"{url}/resend")).status_code == 404
        assert (await other.get("/api/teleservices/contact")).json()["pending"] == []
    for role_user in (s.student, s.teacher, s.staff):
        client = await signed_in(new_client, role_user)
        assert (await client.post(CHANGES, json={"field": "phone", "phone": "0633445567"})).status_code == 403
    await parent.post(f"{url}/verify", json={"flow": started["flow"], "code": code})

    for reader in (s.teacher, s.parent, s.student):
        client = await signed_in(new_client, reader)
        assert (await client.get("/api/school/teleservices/contact-changes")).status_code == 403
    admin = await signed_in(new_client, s.admin)
    assert [line["new_value"] for line in (await admin.get("/api/school/teleservices/contact-changes")).json()] == [
        "0633445566"
    ]
    family = await make_family()  # another school's staff sees none of it
    elsewhere = await signed_in(new_client, await make_user(family.school, "staff"))
    assert (await elsewhere.get("/api/school/teleservices/contact-changes")).json() == []


async def test_the_class_filter_finds_a_class_s_changes_beyond_the_log_s_length(new_client):
    """The log keeps its newest 500 lines: a class's changes are chosen before that limit, not after it."""
    s = await tele_setup()
    staff = await signed_in(new_client, s.staff)
    moment = clock.now()
    await ContactChange.insert(
        ContactChange(
            school_id=s.school.id,
            user_id=s.parent.id,  # Hugo's mother (3e A), changed her address ten days ago
            field="address",
            new_value="3 rue du Port, 17000 La Rochelle",
            state="applied",
            applied_at=moment - timedelta(days=10),
        ),
        *[
            ContactChange(
                school_id=s.school.id,
                user_id=s.parent_2de.id,  # Inès's father (2de 1), many times since
                field="email",
                new_value=f"karim{n}@example.fr",
                state="applied",
                applied_at=moment - timedelta(minutes=n),
            )
            for n in range(contact_routes.LOG_LENGTH + 1)
        ],
    )
    by_class = await staff.get(f"/api/school/teleservices/contact-changes?class_id={s.class_3e.id}")
    assert [(line["guardian"], line["new_value"]) for line in by_class.json()] == [
        ("Élodie Fontaine", "3 rue du Port, 17000 La Rochelle")
    ]
    other_class = await staff.get(f"/api/school/teleservices/contact-changes?class_id={s.class_2de.id}")
    assert len(other_class.json()) == contact_routes.LOG_LENGTH
    assert {line["guardian"] for line in other_class.json()} == {"Karim Benali"}
    empty_class = await make_class(s.school, "6e B")
    assert (await staff.get(f"/api/school/teleservices/contact-changes?class_id={empty_class.id}")).json() == []
