"""A draft is the family's own: the school neither lists, reads, exports nor downloads it until the
family files the bourse or sends its wishes (a request withdrawn before it was ever filed stays unseen)."""

from __future__ import annotations

from tests.parity_builders import pdf_text
from tests.teleservices_builders import TWO_WISHES, add_scale, open_campaign, signed_in, tele_setup, upload

REQUESTS = "/api/school/teleservices/requests"


async def _drafts(s, parent) -> tuple[str, str, str]:
    """(bourse id, its tax notice's URL, fiche dialogue id): Hugo's family has filled both, sent neither."""
    bourse_campaign = await open_campaign(s, "bourse_college")
    orientation_campaign = await open_campaign(s, "orientation_provisional", "3e")
    await add_scale(s)
    opening = {"campaign_id": str(bourse_campaign.id), "student_id": str(s.student.id)}
    request_id = (await parent.post("/api/teleservices/bourses", json=opening)).json()["id"]
    form = {"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True}
    assert (await parent.put(f"/api/teleservices/bourses/{request_id}", json=form)).status_code == 200
    piece_url = (await upload(parent, request_id)).json()["pieces"][0]["url"]
    opening["campaign_id"] = str(orientation_campaign.id)
    form_id = (await parent.post("/api/teleservices/orientation", json=opening)).json()["id"]
    assert (await parent.put(f"/api/teleservices/orientation/{form_id}/wishes", json=TWO_WISHES)).status_code == 200
    return request_id, piece_url, form_id


async def test_the_school_sees_nothing_of_a_draft_until_the_family_sends_it(new_client):
    s = await tele_setup()
    parent = await signed_in(new_client, s.parent)
    staff, admin = await signed_in(new_client, s.staff), await signed_in(new_client, s.admin)
    request_id, piece_url, form_id = await _drafts(s, parent)
    bourse_url = f"/api/school/teleservices/bourses/{request_id}"
    form_url = f"/api/school/teleservices/orientation/{form_id}"
    assert (await parent.get(piece_url)).content.startswith(b"%PDF")  # the family's own, of course

    for school in (staff, admin):
        assert (await school.get(REQUESTS)).json() == []
        assert (await school.get(REQUESTS, params={"state": "draft"})).json() == []
        for url in (bourse_url, form_url, piece_url):  # the household's income, its tax notice, the wishes
            unseen = await school.get(url)
            assert unseen.status_code == 404 and unseen.json()["error"]["code"] == "not_found", url
    decided = await staff.post(f"{bourse_url}/actions", json={"action": "grant", "echelon": 2})
    assert decided.status_code == 404
    council = {"answers": [], "comment": "Trop tôt."}
    assert (await staff.put(f"{form_url}/council", json=council)).status_code == 404
    orientation_csv = await staff.get("/api/school/teleservices/exports/orientation.csv")
    assert len(orientation_csv.content.decode("utf-8-sig").splitlines()) == 1  # the header only
    summary = pdf_text((await staff.get(f"/api/school/teleservices/classes/{s.class_3e.id}/summary.pdf")).content)
    assert "Fontaine Hugo" in summary and "Aucune demande" in summary and "Brouillon" not in summary

    # Sent: the school sees both, the figures and the tax notice with them.
    filed = await parent.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "file"})
    assert filed.json()["state"] == "filed"
    sent = await parent.post(f"/api/teleservices/orientation/{form_id}/actions", json={"action": "submit"})
    assert sent.json()["state"] == "submitted"
    lines = (await staff.get(REQUESTS)).json()
    assert {(line["kind"], line["state"]) for line in lines} == {("bourse", "filed"), ("orientation", "submitted")}
    shown = (await staff.get(bourse_url)).json()
    assert (shown["reference_income"], len(shown["pieces"])) == (10_500, 1)
    assert (await staff.get(piece_url)).content.startswith(b"%PDF")
    assert [w["label"] for w in (await staff.get(form_url)).json()["wishes"]][0] == "2de générale et technologique"
    orientation_csv = await staff.get("/api/school/teleservices/exports/orientation.csv")
    assert "Vœux transmis" in orientation_csv.content.decode("utf-8-sig").splitlines()[1]


async def test_a_request_withdrawn_before_it_was_filed_stays_the_family_s(new_client):
    s = await tele_setup()
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    request_id, piece_url, _ = await _drafts(s, parent)
    actions = f"/api/teleservices/bourses/{request_id}/actions"
    bourse_url = f"/api/school/teleservices/bourses/{request_id}"

    assert (await parent.post(actions, json={"action": "withdraw"})).json()["state"] == "withdrawn"  # a draft
    assert (await staff.get(REQUESTS, params={"state": "withdrawn"})).json() == []
    assert (await staff.get(bourse_url)).status_code == 404
    assert (await staff.get(piece_url)).status_code == 404

    # Filed, then withdrawn: the school received it, and keeps seeing it as withdrawn.
    await parent.post(actions, json={"action": "reopen"})
    assert (await parent.post(actions, json={"action": "file"})).json()["state"] == "filed"
    assert (await parent.post(actions, json={"action": "withdraw"})).json()["state"] == "withdrawn"
    [line] = (await staff.get(REQUESTS, params={"state": "withdrawn"})).json()
    assert (line["id"], line["state_label"]) == (request_id, "Retirée")
    assert (await staff.get(bourse_url)).json()["reference_income"] == 10_500

    # Reopened: a draft again, the family's to change, out of the school's sight until filed again.
    assert (await parent.post(actions, json={"action": "reopen"})).json()["state"] == "draft"
    assert (await staff.get(REQUESTS)).json() == []
    assert (await staff.get(bourse_url)).status_code == 404
    assert (await parent.post(actions, json={"action": "withdraw"})).json()["state"] == "withdrawn"
    assert (await staff.get(bourse_url)).status_code == 404
