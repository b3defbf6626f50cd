"""The ENT's tiles: Messagerie opens the communication space; external tiles lead where each school
says (https only), and are hidden where it says nothing."""

from __future__ import annotations

from tests.parity_builders import setup, signed_in


async def _tiles(client) -> dict[str, dict]:
    return {app["key"]: app for app in (await client.get("/api/portal")).json()["apps"]}


async def test_messagerie_opens_the_communication_space_for_every_role(new_client):
    s = await setup()
    for user in (s.student, s.parent, s.teacher, s.staff, s.admin):
        tiles = await _tiles(await signed_in(new_client, user))
        assert tiles["messagerie"]["url"] == "/espace/messagerie.html", user.role
        assert "note" not in tiles["messagerie"]


async def test_external_tiles_follow_the_school_setting(new_client):
    s = await setup()
    admin, parent = await signed_in(new_client, s.admin), await signed_in(new_client, s.parent)
    assert not {"site-college", "site-rectorat", "esidoc"} & set(await _tiles(parent))  # nothing set: hidden

    response = await admin.put("/api/school/portal/links/site-college", json={"url": " https://college-commynes.fr/ "})
    assert response.status_code == 200
    assert {link["key"]: link["url"] for link in response.json()}["site-college"] == "https://college-commynes.fr/"
    assert (
        await admin.put("/api/school/portal/links/site-college", json={"url": "https://college-commynes.fr/"})
    ).status_code == 200
    tile = (await _tiles(parent))["site-college"]
    assert (tile["url"], tile["external"]) == ("https://college-commynes.fr/", True)
    assert (await parent.put("/api/portal/favourites/site-college")).status_code == 204

    # Another school's families never see it.
    foreign = await signed_in(new_client, s.foreign_parent)
    assert "site-college" not in await _tiles(foreign)

    assert (await admin.delete("/api/school/portal/links/site-college")).status_code == 204
    assert "site-college" not in await _tiles(parent)


async def test_only_a_real_https_address_is_accepted(new_client):
    s = await setup()
    admin = await signed_in(new_client, s.admin)
    for wrong in (
        "http://college.fr",
        "javascript:alert(1)",
        "https://",
        "https://user:secret@college.fr",
        "https://college",
        "https://college .fr",
        "college.fr",
        "https://college.fr:99999/",
    ):
        response = await admin.put("/api/school/portal/links/esidoc", json={"url": wrong})
        assert response.status_code == 400, wrong
        assert response.json()["error"]["message"].startswith("Indiquez une adresse web"), wrong
    too_long = await admin.put("/api/school/portal/links/esidoc", json={"url": "https://" + "a" * 500 + ".fr"})
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "invalid"
    assert (
        await admin.put("/api/school/portal/links/esidoc", json={"url": "https://0790011h.esidoc.fr/"})
    ).status_code == 200
    assert (await admin.put("/api/school/portal/links/cartable", json={"url": "https://x.fr"})).status_code == 404
    assert (await admin.put("/api/school/portal/links/inconnu", json={"url": "https://x.fr"})).status_code == 404


async def test_only_the_schools_administrator_sets_addresses(new_client):
    s = await setup()
    for user in (s.staff, s.teacher, s.parent, s.student):
        client = await signed_in(new_client, user)
        assert (
            await client.put("/api/school/portal/links/site-college", json={"url": "https://x.fr"})
        ).status_code == 403
        assert (await client.get("/api/school/portal/links")).status_code == 403
    admin, foreign = await signed_in(new_client, s.admin), await signed_in(new_client, s.foreign_admin)
    await admin.put("/api/school/portal/links/site-college", json={"url": "https://college-commynes.fr"})
    theirs = {link["key"]: link["url"] for link in (await foreign.get("/api/school/portal/links")).json()}
    assert theirs["site-college"] is None  # per school
