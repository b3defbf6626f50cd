"""Who may reach what, for the téléservices reads the other tests do not cover: a bourse's pieces,
the family summary, the simulator and the orientation choices (a student, a teacher, another family,
another school: refused)."""

from __future__ import annotations

from types import SimpleNamespace

from db.core.tables import SchoolYear
from tests.factories import make_family, make_user
from tests.teleservices_builders import add_scale, open_campaign, signed_in, tele_setup, upload

SIMULATION = {"dependent_children": 2, "reference_income": 10_500}


async def test_a_piece_is_downloaded_by_its_holder_and_the_school_only(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    opening = {"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
    request_id = (await parent.post("/api/teleservices/bourses", json=opening)).json()["id"]
    form = {"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True}
    await parent.put(f"/api/teleservices/bourses/{request_id}", json=form)
    piece_url = (await upload(parent, request_id)).json()["pieces"][0]["url"]
    assert (await parent.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "file"})).is_success
    for allowed in (parent, staff, await signed_in(new_client, s.admin)):
        download = await allowed.get(piece_url)
        assert download.status_code == 200 and download.content.startswith(b"%PDF")

    for role in (s.teacher, s.student):  # not their business, whatever the id
        refused = await (await signed_in(new_client, role)).get(piece_url)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    elsewhere = await make_family()
    for outsider in (
        s.parent_2de,  # same school, another family
        elsewhere.parent,  # another school's family
        await make_user(elsewhere.school, "staff"),  # another school's staff
        await make_user(elsewhere.school, "admin"),
    ):
        unknown = await (await signed_in(new_client, outsider)).get(piece_url)
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found", outsider
        assert b"%PDF" not in unknown.content


async def test_the_family_reads_are_for_legal_guardians_only(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    await add_scale(s)
    simulation = f"/api/teleservices/campaigns/{campaign.id}/simulation"
    choices = "/api/teleservices/orientation-choices"
    parent = await signed_in(new_client, s.parent)
    assert (await parent.get("/api/teleservices/summary")).status_code == 200
    assert (await parent.get(simulation, params=SIMULATION)).json()["echelon"] == 2
    assert (await parent.get(choices, params={"level": "3e"})).status_code == 200

    for role in (s.student, s.teacher):
        client = await signed_in(new_client, role)
        for url, params in (
            ("/api/teleservices/summary", None),
            (simulation, SIMULATION),
            (choices, {"level": "3e"}),
            (choices, {"level": "2de"}),
        ):
            refused = await client.get(url, params=params)
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden", (role, url)
    staff = await signed_in(new_client, s.staff)  # the council's proposal needs the choices too
    assert (await staff.get(choices, params={"level": "2de"})).status_code == 200


async def test_another_school_s_campaign_is_not_simulated(new_client):
    s = await tele_setup()
    elsewhere = await make_family()  # another school, with its own campaign (open today) and scale
    year = await SchoolYear.select(SchoolYear.id).where(SchoolYear.school_id == elsewhere.school.id).first()
    other = SimpleNamespace(school=elsewhere.school, year_id=year["id"])
    foreign_campaign = await open_campaign(other, "bourse_college")
    await add_scale(other)
    own_campaign = await open_campaign(s, "bourse_college")
    orientation = await open_campaign(s, "orientation_provisional", "3e")
    parent = await signed_in(new_client, s.parent)
    foreign = await parent.get(f"/api/teleservices/campaigns/{foreign_campaign.id}/simulation", params=SIMULATION)
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "not_found"
    assert "echelon" not in foreign.text
    outsider = await signed_in(new_client, elsewhere.parent)
    mine = await outsider.get(f"/api/teleservices/campaigns/{own_campaign.id}/simulation", params=SIMULATION)
    assert mine.status_code == 404
    # Their own campaign, for comparison: the scale answers.
    theirs = await outsider.get(f"/api/teleservices/campaigns/{foreign_campaign.id}/simulation", params=SIMULATION)
    assert theirs.status_code == 200 and theirs.json()["echelon"] == 2
    wrong = await parent.get(f"/api/teleservices/campaigns/{orientation.id}/simulation", params=SIMULATION)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "not_a_bourse"
