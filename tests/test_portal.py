"""The ENT portal: each profile's applications, favourites kept per user, family boundaries."""

from __future__ import annotations

from tests.factories import make_family, make_user
from tests.fixtures.api import sign_in


async def test_parent_sees_family_tiles_and_keeps_favourites(client, new_client):
    family = await make_family()
    await sign_in(client, family.parent)
    apps = (await client.get("/api/portal")).json()["apps"]
    keys = {app["key"] for app in apps}
    assert {"cartable", "application-mobile", "teleservices", "messagerie", "bulletins"} <= keys
    assert "vie-scolaire" not in keys and "cahier-de-textes" not in keys
    mobile = next(app for app in apps if app["key"] == "application-mobile")
    assert mobile["url"] == "/espace/application-mobile.html"

    assert (await client.put("/api/portal/favourites/application-mobile")).status_code == 204
    assert (await client.put("/api/portal/favourites/application-mobile")).status_code == 204  # idempotent
    apps = (await client.get("/api/portal")).json()["apps"]
    assert apps[0]["key"] == "application-mobile" and apps[0]["favourite"] is True

    # Favourites are per user: the student's portal is untouched.
    other = await new_client()
    await sign_in(other, family.student)
    assert not any(app["favourite"] for app in (await other.get("/api/portal")).json()["apps"])

    assert (await client.delete("/api/portal/favourites/application-mobile")).status_code == 204
    assert not any(app["favourite"] for app in (await client.get("/api/portal")).json()["apps"])


async def test_unknown_or_foreign_app_cannot_be_favourite(client):
    family = await make_family()
    await sign_in(client, family.parent)
    assert (await client.put("/api/portal/favourites/vie-scolaire")).status_code == 404
    assert (await client.put("/api/portal/favourites/nimporte")).status_code == 404


async def test_staff_and_teachers_see_their_own_set(client, new_client):
    family = await make_family()
    teacher = await make_user(family.school, "teacher", first_name="Paul")
    staff = await make_user(family.school, "staff", first_name="Anne")
    await sign_in(client, teacher)
    keys = {a["key"] for a in (await client.get("/api/portal")).json()["apps"]}
    assert "cahier-de-textes" in keys and "application-mobile" not in keys
    other = await new_client()
    await sign_in(other, staff)
    keys = {a["key"] for a in (await other.get("/api/portal")).json()["apps"]}
    assert "vie-scolaire" in keys and "cartable" not in keys


async def test_favourite_write_needs_csrf(client):
    family = await make_family()
    await sign_in(client, family.parent)
    response = await client.put("/api/portal/favourites/cartable", headers={"X-CSRF-Token": "faux"})
    assert response.status_code == 403
    assert not any(app["favourite"] for app in (await client.get("/api/portal")).json()["apps"])


async def test_a_parent_never_sees_another_family(client, new_client):
    first, second = await make_family(), await make_family()
    await sign_in(client, first.parent)
    body = (await client.get("/api/session")).json()
    assert [c["id"] for c in body["children"]] == [str(first.student.id)]
    other = await new_client()
    await sign_in(other, second.parent)
    await other.put("/api/portal/favourites/cartable")
    # The first parent's portal has no trace of the second family's favourites or children.
    assert not any(a["favourite"] for a in (await client.get("/api/portal")).json()["apps"])
    assert str(second.student.id) not in (await client.get("/api/session")).text
