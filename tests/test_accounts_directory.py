"""The contact directory: activation and recovery across schools, without scanning every school."""

from __future__ import annotations

from db.core.tables import ContactDirectory, School, User
from db.seed import seed_demo
from tests.accounts_builders import STRONG, last_code, messages_to, password_sign_in
from tests.factories import make_family, make_school, make_user
from tests.fixtures.api import sign_in

PHONE = "0644556677"  # as the import stores it
IMPORT_HEADER = (
    "Nom;Prénom;Date de naissance;Classe;Nom resp. légal 1;Prénom resp. légal 1;Tél. portable resp. légal 1;"
    "Courriel resp. légal 1;Nom resp. légal 2;Prénom resp. légal 2;Tél. portable resp. légal 2;Courriel resp. légal 2\n"
)


async def import_family(client, school, child: str, born: str, phone: str = PHONE):
    """School staff import a pupil whose legal guardian is Nadia Roux (the import fills the directory)."""
    staff = await make_user(school, "staff", first_name="Marc", last_name=f"Cpe{school.id.hex[:6]}")
    await sign_in(client, staff)
    line = f"Roux;{child};{born};4e A;Roux;Nadia;{phone};;;;;\n"
    files = {"file": ("export.csv", (IMPORT_HEADER + line).encode(), "text/csv")}
    response = await client.post("/api/school/import/students", files=files)
    assert response.status_code == 200 and response.json()["parents_created"] == 1, response.text
    client.cookies.clear()


async def start_activation(client) -> str:
    body = {"last_name": "Roux", "first_name": "Nadia", "phone": "+33 6 44 55 66 77"}
    response = await client.post("/api/accounts/activation/start", json=body)
    assert response.status_code == 200
    return response.json()["flow"]


async def test_a_parent_with_children_in_two_schools_activates_both_accounts(client, new_client):
    college, lycee = await make_school("Collège Camus"), await make_school("Lycée Curie")
    await import_family(await new_client(), college, "Hugo", "12/04/2013")
    await import_family(await new_client(), lycee, "Emma", "03/09/2009")
    flow = await start_activation(client)
    assert len(await messages_to(PHONE)) == 1  # one SMS code for the person
    code = await last_code(PHONE)

    verified = await client.post(
        "/api/accounts/activation/verify",
        json={"flow": flow, "code": code, "birth_dates": ["2013-04-12", "2009-09-03"]},
    )
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert body["children"] == ["Emma", "Hugo"]
    schools = await School.select(School.name).where(School.id.is_in([college.id, lycee.id]))
    assert sorted(a["school"] for a in body["accounts"]) == sorted(row["name"] for row in schools)
    done = await client.post("/api/accounts/activation/complete", json={"flow": flow, "password": STRONG})
    assert done.status_code == 200 and "Vos comptes sont activés" in done.json()["message"]

    identifiers = [account["identifier"] for account in body["accounts"]]
    assert len(set(identifiers)) == 2
    for identifier in identifiers:
        signed_in = await password_sign_in(await new_client(), identifier, STRONG)
        assert signed_in.status_code == 200, identifier
    activated = await User.select(User.school_id).where((User.role == "parent") & User.activated_at.is_not_null())
    assert {row["school_id"] for row in activated} == {college.id, lycee.id}


async def test_another_schools_import_cannot_steer_a_parent_onto_its_account(client, new_client):
    real, other = await make_school("Collège Camus"), await make_school("Collège Voisin")
    await import_family(await new_client(), real, "Hugo", "12/04/2013")
    # Another school records someone with the same name and phone, with a child the parent does not have.
    await import_family(await new_client(), other, "Lou", "01/01/2012")
    flow = await start_activation(client)
    verified = await client.post(
        "/api/accounts/activation/verify",
        json={"flow": flow, "code": await last_code(PHONE), "birth_dates": ["2013-04-12"]},
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["children"] == ["Hugo"] and "accounts" not in verified.json()
    assert (await client.post("/api/accounts/activation/complete", json={"flow": flow, "password": STRONG})).is_success
    activated = await User.select(User.school_id).where((User.role == "parent") & User.activated_at.is_not_null())
    assert [row["school_id"] for row in activated] == [real.id]


async def test_identifier_recovery_answers_for_every_school(client):
    college, lycee = await make_school("Collège Camus"), await make_school("Lycée Curie")
    first = await make_user(college, "parent", first_name="Nadia", last_name="Roux", phone=PHONE)
    second = await make_user(lycee, "parent", first_name="Nadia", last_name="Rouxe", phone="+33644556677")
    response = await client.post("/api/accounts/recovery/identifier", json={"channel": "sms", "value": PHONE})
    assert response.status_code == 200
    sent = "\n".join(await messages_to(PHONE) + await messages_to("+33644556677"))
    assert first.identifier in sent and second.identifier in sent


async def test_set_contacts_keeps_the_directory_in_step(client):
    from api.accounts.directory import accounts_with, phone_key, set_contacts

    family = await make_family()
    await set_contacts(family.school.id, family.parent.id, phone=PHONE, email="nadia@example.fr")
    assert await accounts_with(phone_key(PHONE)) == [(family.school.id, family.parent.id)]
    await set_contacts(family.school.id, family.parent.id, phone="07 00 00 00 01")
    assert await accounts_with(phone_key(PHONE)) == []
    assert await accounts_with(phone_key("0700000001")) == [(family.school.id, family.parent.id)]
    assert await ContactDirectory.count().where(ContactDirectory.user_id == family.parent.id) == 2


async def test_the_demo_seed_fills_the_directory(db):
    await seed_demo()
    users = await User.select(User.phone, User.email)
    contacts = sum(bool(u["phone"]) + bool(u["email"] and "@" in u["email"]) for u in users)
    assert contacts > 10 and await ContactDirectory.count() == contacts


async def test_accounts_made_before_the_directory_are_found_after_the_backfill_migration():
    """An old data directory's accounts get the same directory keys as `set_contacts` would write."""
    from api.accounts.directory import contact_keys
    from db.core.piccolo_migrations.core_2026_11_25t05_20_00_000001 import BACKFILL

    school = await make_school()
    contacts = [("+33 6 12 34 56 78", " Nadia.Roux@Example.FR "), ("0033712345678", None), ("06 1", "sans-arobase")]
    users = [await make_user(school, "parent", phone=phone, email=email) for phone, email in contacts]
    await ContactDirectory.delete().where(ContactDirectory.school_id == school.school_id)

    await School.raw(BACKFILL)

    for user, (phone, email) in zip(users, contacts, strict=True):
        rows = await ContactDirectory.select(ContactDirectory.contact).where(
            (ContactDirectory.school_id == school.school_id) & (ContactDirectory.user_id == user.id)
        )
        assert sorted(r["contact"] for r in rows) == sorted(contact_keys(phone, email)), (phone, email)
