"""A parent of a collégien and of a lycéen has an account in each school: a phone or e-mail confirmed on
one reaches the other (applied when the old detail was proved, else offered), so that activation and
recovery in the other school use the new details too."""

from __future__ import annotations

from datetime import date

from api.accounts.directory import accounts_with, email_key, phone_key
from db.core.tables import User
from db.teleservices.tables import ContactChange
from tests.accounts_builders import STRONG, last_code, make_parent_to_activate, messages_to
from tests.factories import make_family, make_school, make_user
from tests.teleservices_builders import signed_in

CHANGES = "/api/teleservices/contact/changes"
OLD, NEW = "0644556677", "0755443322"


async def confirmed(client, body: dict, destination: str) -> dict:
    started = await client.post(CHANGES, json=body)
    assert started.status_code == 200, started.text
    change_id, flow = started.json()["change"]["id"], started.json()["flow"]
    done = await client.post(f"{CHANGES}/{change_id}/verify", json={"flow": flow, "code": await last_code(destination)})
    assert done.status_code == 200, done.text
    return done.json()


async def test_a_phone_confirmed_at_the_college_reaches_the_lycee_account_and_its_activation_uses_it(new_client):
    college, lycee, elsewhere = (
        await make_school("Collège Camus"),
        await make_school("Lycée Curie"),
        await make_school(),
    )
    # Activated by SMS: the old number was proved by the person who now changes it.
    parent = await make_user(college, "parent", first_name="Nadia", last_name="Lefèvre", phone=OLD)
    lycee_family = await make_family(lycee)
    to_activate = await make_parent_to_activate(
        lycee_family, first_name="NADIA", last_name="Lefevre", phone="06 44 55 66 77", birth_date=date(2009, 9, 3)
    )
    namesake = await make_user(elsewhere, "parent", first_name="Karim", last_name="Lefèvre", phone=OLD)

    client = await signed_in(new_client, parent)
    done = await confirmed(client, {"field": "phone", "phone": "07 55 44 33 22"}, NEW)
    [school] = done["applied_elsewhere"]
    assert school.startswith("Lycée Curie") and done["offered_elsewhere"] == []
    retried = (await client.get("/api/teleservices/contact")).json()["history"][0]
    assert retried["applied_elsewhere"] == [school]
    assert (await User.select(User.phone).where(User.id == to_activate.id).first())["phone"] == NEW
    assert sorted(await accounts_with(phone_key(NEW))) == sorted([(college.id, parent.id), (lycee.id, to_activate.id)])
    assert await accounts_with(phone_key(OLD)) == [(elsewhere.id, namesake.id)]  # another person: left alone
    assert len(await messages_to(OLD)) == 1  # the old number is told once, not once per school
    lycee_staff = await signed_in(new_client, await make_user(lycee, "staff"))
    [line] = (await lycee_staff.get("/api/school/teleservices/contact-changes")).json()
    assert (line["old_value"], line["new_value"], line["from_other_school"]) == (OLD, NEW, True)

    # Activation at the lycée: the new number finds the account, the old one no longer does.
    visitor = await new_client()
    person = {"last_name": "Lefevre", "first_name": "Nadia"}
    told = len(await messages_to(OLD))
    assert (await visitor.post("/api/accounts/activation/start", json={**person, "phone": OLD})).status_code == 200
    assert len(await messages_to(OLD)) == told
    sent = len(await messages_to(NEW))
    started = await visitor.post("/api/accounts/activation/start", json={**person, "phone": "+33 7 55 44 33 22"})
    assert started.status_code == 200 and len(await messages_to(NEW)) == sent + 1
    flow = started.json()["flow"]
    verified = await visitor.post(
        "/api/accounts/activation/verify",
        json={"flow": flow, "code": await last_code(NEW), "birth_dates": ["2009-09-03"]},
    )
    assert verified.status_code == 200 and verified.json()["children"] == ["Léa"], verified.text
    complete = await visitor.post("/api/accounts/activation/complete", json={"flow": flow, "password": STRONG})
    assert complete.status_code == 200 and "Votre compte est activé" in complete.json()["message"]
    activated = await User.select(User.activated_at).where(User.id == to_activate.id).first()
    assert activated["activated_at"] is not None


async def test_an_unproven_old_phone_is_only_offered_and_the_other_account_confirms_it_with_a_code(new_client):
    college, lycee = await make_school("Collège Camus"), await make_school("Lycée Curie")
    # Signed in with the school's letter, never activated by SMS: nothing proves the old number is theirs.
    parent = await make_user(college, "parent", first_name="Nadia", last_name="Lefèvre", phone=OLD, activated_at=None)
    other = await make_user(lycee, "parent", first_name="Nadia", last_name="Lefevre", phone=OLD)

    done = await confirmed(await signed_in(new_client, parent), {"field": "phone", "phone": NEW}, NEW)
    assert done["applied_elsewhere"] == [] and [s[:11] for s in done["offered_elsewhere"]] == ["Lycée Curie"]
    assert (await User.select(User.phone).where(User.id == other.id).first())["phone"] == OLD
    assert await accounts_with(phone_key(NEW)) == [(college.id, parent.id)]

    lycee_client = await signed_in(new_client, other)
    details = (await lycee_client.get("/api/teleservices/contact")).json()
    [offer] = details["offers"]
    # Masked until the code proves it: the account's owner reads the new number only by receiving it.
    assert (offer["new_value"], offer["sent_to"], offer["origin"]) == ("07 •• •• •• 22", "07 •• •• •• 22", "elsewhere")
    assert details["phone"] == OLD and details["history"] == [] and details["pending"] == []
    accepted = await lycee_client.post(f"{CHANGES}/{offer['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["change"]["state"] == "pending", accepted.text
    assert accepted.json()["change"]["new_value"] == "07 •• •• •• 22"  # still masked until the code comes back
    verified = await lycee_client.post(
        f"{CHANGES}/{offer['id']}/verify", json={"flow": accepted.json()["flow"], "code": await last_code(NEW)}
    )
    assert verified.status_code == 200 and verified.json()["new_value"] == NEW
    assert sorted(await accounts_with(phone_key(NEW))) == sorted([(college.id, parent.id), (lycee.id, other.id)])
    for action in ("accept", "dismiss"):  # done: nothing left to take or leave
        answer = await lycee_client.post(f"{CHANGES}/{offer['id']}/{action}")
        assert (answer.status_code, answer.json()["error"]["code"]) == (409, "not_offered")

    # Recovery by the new number reaches the lycée's account too.
    recovery = await (await new_client()).post(
        "/api/accounts/recovery/identifier", json={"channel": "sms", "value": "07 55 44 33 22"}
    )
    assert recovery.status_code == 200
    assert any(other.identifier in text for text in await messages_to(NEW))


async def test_a_proved_email_is_applied_and_an_offer_may_be_left(new_client):
    college, lycee, third = await make_school("Collège Camus"), await make_school("Lycée Curie"), await make_school()
    parent = await make_user(college, "parent", first_name="Nadia", last_name="Lefèvre", email="Nadia@Example.fr")
    other = await make_user(lycee, "parent", first_name="Nadia", last_name="Lefevre", email="nadia@example.fr")
    await User.update({User.email_verified_at: None}).where(User.id == other.id)
    done = await confirmed(
        await signed_in(new_client, parent), {"field": "email", "email": "n.lefevre@example.fr"}, "n.lefevre@example.fr"
    )
    assert len(done["applied_elsewhere"]) == 1
    moved = await User.select(User.email, User.email_verified_at).where(User.id == other.id).first()
    assert moved["email"] == "n.lefevre@example.fr" and moved["email_verified_at"] is not None  # the code proved it
    assert len(await accounts_with(email_key("n.lefevre@example.fr"))) == 2

    # An address never proved (the link never answered) is only offered, and may be left.
    again = await make_user(third, "parent", first_name="Nadia", last_name="Lefêvre", email="n.lefevre@example.fr")
    await User.update({User.email_verified_at: None}).where(User.id == parent.id)
    done = await confirmed(
        await signed_in(new_client, parent), {"field": "email", "email": "nadia.l@example.fr"}, "nadia.l@example.fr"
    )
    assert len(done["offered_elsewhere"]) == 2  # the lycée's account (moved above) and the third school's
    third_client = await signed_in(new_client, again)
    [offer] = (await third_client.get("/api/teleservices/contact")).json()["offers"]
    for _ in range(2):  # left twice: the same answer
        left = await third_client.post(f"{CHANGES}/{offer['id']}/dismiss")
        assert left.status_code == 200 and left.json()["state"] == "cancelled"
    details = (await third_client.get("/api/teleservices/contact")).json()
    assert details["offers"] == [] and details["email"] == "n.lefevre@example.fr"
    assert (await third_client.post(f"{CHANGES}/{offer['id']}/accept")).status_code == 409
    # Another guardian's offer is not this one's to take.
    stranger = await signed_in(new_client, await make_user(third, "parent", first_name="Paul"))
    assert (await stranger.post(f"{CHANGES}/{offer['id']}/dismiss")).status_code == 404
    assert await ContactChange.count().where(ContactChange.state == "offered") == 1  # the lycée's, still there
