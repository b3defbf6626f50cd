"""The school's side: campaigns and scale set by the administrator, lists, exports, the family summary."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

from db.core.tables import SchoolYear, User
from tests.factories import make_family, make_user
from tests.parity_builders import pdf_text
from tests.teleservices_builders import (
    CEILINGS,
    ECHELONS,
    add_scale,
    open_campaign,
    signed_in,
    tele_setup,
    today,
    upload,
)
from tests.test_teleservices_orientation import TWO_WISHES


def _scale_body() -> dict:
    return {
        "echelons": [{"echelon": e, "yearly_amount_cents": a} for e, a in ECHELONS],
        "ceilings": [{"dependent_children": n, "echelon": e, "max_income": m} for n, e, m in CEILINGS],
    }


async def test_the_administrator_sets_campaigns_and_the_scale(new_client):
    s = await tele_setup()
    admin, staff = await signed_in(new_client, s.admin), await signed_in(new_client, s.staff)
    dates = {
        "service": "bourse_college",
        "opens_on": str(today() - timedelta(days=1)),
        "closes_on": str(today() + timedelta(days=30)),
        "replies_until": str(today() + timedelta(days=45)),
    }
    assert (await staff.put("/api/school/teleservices/campaigns", json=dates)).status_code == 403
    opened = await admin.put("/api/school/teleservices/campaigns", json=dates)
    assert opened.status_code == 200 and opened.json()["window"]["status"] == "open"
    closed = await admin.put(
        "/api/school/teleservices/campaigns", json={**dates, "closes_on": str(today() - timedelta(days=1))}
    )
    assert closed.json()["window"]["label"].startswith("Fermé — était ouvert du")
    listed = (await staff.get("/api/school/teleservices/campaigns")).json()
    assert [c["title"] for c in listed] == ["Bourse de collège"]  # set twice, one campaign
    for wrong in (
        {**dates, "closes_on": str(today() - timedelta(days=5))},  # closes before it opens
        {**dates, "level": "3e"},  # a bourse has no level
        {**dates, "service": "orientation_final"},  # orientation needs one
        {**dates, "opens_on": "2090-01-01"},  # outside the school year
    ):
        assert (await admin.put("/api/school/teleservices/campaigns", json=wrong)).status_code == 400, wrong

    assert (await staff.put("/api/school/teleservices/scales/college", json=_scale_body())).status_code == 403
    assert (await admin.put("/api/school/teleservices/scales/college", json=_scale_body())).status_code == 200
    inverted = _scale_body()
    inverted["ceilings"][0]["max_income"] = 1_000  # échelon 1 below échelon 2
    refused = await admin.put("/api/school/teleservices/scales/college", json=inverted)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_scale"
    holes = {"echelons": [{"echelon": 2, "yearly_amount_cents": 100}], "ceilings": []}
    assert (await admin.put("/api/school/teleservices/scales/college", json=holes)).status_code == 400
    read = (await staff.get("/api/school/teleservices/scales/college")).json()
    assert len(read["ceilings"]) == len(CEILINGS) and read["ceilings"][0]["max_income"] == 17_000

    parent = await signed_in(new_client, s.parent)
    campaign_id = opened.json()["id"]
    for children, income, expected in [(1, 2_500, 3), (1, 9_000, 2), (1, 17_001, None), (5, 20_000, 1)]:
        simulation = await parent.get(
            f"/api/teleservices/campaigns/{campaign_id}/simulation",
            params={"dependent_children": children, "reference_income": income},
        )
        assert simulation.json()["echelon"] == expected, (children, income)
    nonsense = await parent.get(
        f"/api/teleservices/campaigns/{campaign_id}/simulation",
        params={"dependent_children": 0, "reference_income": -1},
    )
    assert nonsense.status_code == 400 and {d["key"] for d in nonsense.json()["error"]["details"]} == {
        "dependent_children",
        "reference_income",
    }


async def test_in_summer_the_administrator_prepares_next_year_s_campaigns_and_scale(new_client):
    s = await tele_setup()
    # Summer: the school year ended ten days ago, the next one is not there yet.
    await SchoolYear.update(
        {SchoolYear.starts_on: today() - timedelta(days=310), SchoolYear.ends_on: today() - timedelta(days=10)}
    ).where((SchoolYear.school_id == s.school.id) & (SchoolYear.id == s.year_id))
    admin, staff = await signed_in(new_client, s.admin), await signed_in(new_client, s.staff)
    years = (await staff.get("/api/school/teleservices/years")).json()
    assert [(y["id"], y["current"]) for y in years] == [(str(s.year_id), True)]
    assert (await staff.post("/api/school/teleservices/years/next")).status_code == 403
    prepared = await admin.post("/api/school/teleservices/years/next")
    assert prepared.status_code == 200, prepared.text
    coming = prepared.json()
    starts = today() + timedelta(days=55)  # a year after the current one's start
    assert (coming["current"], coming["starts_on"], coming["label"]) == (
        False,
        str(starts),
        f"{starts.year}-{starts.year + 1}",
    )
    assert (await admin.post("/api/school/teleservices/years/next")).json()["id"] == coming["id"]  # once
    listed = (await staff.get("/api/school/teleservices/years")).json()
    assert [y["id"] for y in listed] == [str(s.year_id), coming["id"]]

    dates = {
        "service": "bourse_college",
        "opens_on": str(today() + timedelta(days=60)),
        "closes_on": str(today() + timedelta(days=90)),
        "replies_until": str(today() + timedelta(days=100)),
    }
    in_current = await admin.put("/api/school/teleservices/campaigns", json=dates)  # the year that just ended
    assert in_current.status_code == 400 and in_current.json()["error"]["code"] == "outside_year"
    opened = await admin.put("/api/school/teleservices/campaigns", json={**dates, "school_year_id": coming["id"]})
    assert opened.status_code == 200, opened.text
    assert (opened.json()["school_year"], opened.json()["window"]["status"]) == (coming["label"], "upcoming")
    assert (await staff.get("/api/school/teleservices/campaigns")).json() == []
    next_campaigns = await staff.get("/api/school/teleservices/campaigns", params={"school_year_id": coming["id"]})
    assert [c["title"] for c in next_campaigns.json()] == ["Bourse de collège"]

    scale_url = "/api/school/teleservices/scales/college"
    saved = await admin.put(scale_url, params={"school_year_id": coming["id"]}, json=_scale_body())
    assert saved.status_code == 200 and saved.json()["school_year"] == coming["label"]
    read = (await staff.get(scale_url, params={"school_year_id": coming["id"]})).json()
    assert len(read["ceilings"]) == len(CEILINGS)
    assert (await staff.get(scale_url)).json()["ceilings"] == []  # the current year's scale is untouched


async def test_the_chosen_school_year_is_the_school_s_own_and_not_a_past_one(new_client):
    s = await tele_setup()
    admin = await signed_in(new_client, s.admin)
    past = SchoolYear(school_id=s.school.id, label="2020-2021", starts_on=date(2020, 9, 1), ends_on=date(2021, 7, 4))
    await past.save()
    elsewhere = await make_family()
    foreign = await SchoolYear.select(SchoolYear.id).where(SchoolYear.school_id == elsewhere.school.id).first()
    dates = {"service": "bourse_college", "opens_on": "2020-09-10", "closes_on": "2020-10-10"}
    dates["replies_until"] = "2020-11-10"
    for year_id, status, code in [
        (uuid4(), 404, "unknown_school_year"),
        (foreign["id"], 404, "unknown_school_year"),
        (past.id, 409, "past_school_year"),
    ]:
        campaign = await admin.put("/api/school/teleservices/campaigns", json={**dates, "school_year_id": str(year_id)})
        assert (campaign.status_code, campaign.json()["error"]["code"]) == (status, code)
        scale = await admin.put(
            "/api/school/teleservices/scales/college", params={"school_year_id": str(year_id)}, json=_scale_body()
        )
        assert (scale.status_code, scale.json()["error"]["code"]) == (status, code)
    listed = await admin.get("/api/school/teleservices/campaigns", params={"school_year_id": str(foreign["id"])})
    assert listed.status_code == 404
    history = await admin.get("/api/school/teleservices/campaigns", params={"school_year_id": str(past.id)})
    assert history.status_code == 200 and history.json() == []  # a past year may be read
    assert (await admin.get("/api/school/teleservices/campaigns", params={"school_year_id": "x"})).status_code == 400
    years = (await admin.get("/api/school/teleservices/years")).json()
    assert [y["id"] for y in years] == [str(s.year_id)]


async def granted_bourse_and_sent_wishes(new_client):
    """Hugo's bourse granted (échelon 3) and his fiche dialogue with two wishes, sent to the school."""
    s = await tele_setup()
    bourse_campaign = await open_campaign(s, "bourse_college")
    orientation_campaign = await open_campaign(s, "orientation_provisional", "3e")
    await add_scale(s)
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    opening = {"campaign_id": str(bourse_campaign.id), "student_id": str(s.student.id)}
    request_id = (await parent.post("/api/teleservices/bourses", json=opening)).json()["id"]
    form = {"dependent_children": 1, "reference_income": 2_000, "sworn_statement": True}
    await parent.put(f"/api/teleservices/bourses/{request_id}", json=form)
    await upload(parent, request_id)
    await parent.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "file"})
    await staff.post(f"/api/school/teleservices/bourses/{request_id}/actions", json={"action": "grant", "echelon": 3})
    opening["campaign_id"] = str(orientation_campaign.id)
    form_id = (await parent.post("/api/teleservices/orientation", json=opening)).json()["id"]
    await parent.put(f"/api/teleservices/orientation/{form_id}/wishes", json=TWO_WISHES)
    await parent.post(f"/api/teleservices/orientation/{form_id}/actions", json={"action": "submit"})
    return s, parent, staff


async def test_lists_filter_and_exports_read_well(new_client):
    s, parent, staff = await granted_bourse_and_sent_wishes(new_client)

    everything = (await staff.get("/api/school/teleservices/requests")).json()
    assert {(line["kind"], line["state"]) for line in everything} == {
        ("bourse", "granted"),
        ("orientation", "submitted"),
    }
    granted = next(line for line in everything if line["kind"] == "bourse")
    assert granted["summary"] == "Échelon 3 — 486 € par an"
    only = await staff.get("/api/school/teleservices/requests", params={"service": "orientation_provisional"})
    assert [line["summary"] for line in only.json()] == ["Vœu 1 : 2de générale et technologique"]
    assert (await staff.get("/api/school/teleservices/requests", params={"class_id": str(s.class_2de.id)})).json() == []
    assert (await staff.get("/api/school/teleservices/requests", params={"state": "nope"})).status_code == 400

    bourses = await staff.get("/api/school/teleservices/exports/bourses.csv")
    assert bourses.headers["content-type"].startswith("text/csv")
    rows = bourses.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Classe;Nom;Prénom;Bourse;Échelon")
    assert rows[1].startswith("3e A;Fontaine;Hugo;Bourse de collège;3;486,00;")
    orientation = await staff.get(
        "/api/school/teleservices/exports/orientation.csv", params={"class_id": str(s.class_3e.id)}
    )
    lines = orientation.content.decode("utf-8-sig").splitlines()
    assert "2de professionnelle — Métiers de la relation client" in lines[1] and lines[1].startswith("3e A;Fontaine")

    pdf = await staff.get(f"/api/school/teleservices/classes/{s.class_3e.id}/summary.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Fontaine Hugo" in text and "chelon 3" in text
    assert (await staff.get(f"/api/school/teleservices/classes/{s.student.id}/summary.pdf")).status_code == 404
    teacher = await signed_in(new_client, s.teacher)
    assert (await teacher.get("/api/school/teleservices/exports/bourses.csv")).status_code == 403


async def test_exports_are_for_the_school_s_staff_only(new_client):
    s, parent, staff = await granted_bourse_and_sent_wishes(new_client)
    exports = {
        "bourses": "/api/school/teleservices/exports/bourses.csv",
        "orientation": f"/api/school/teleservices/exports/orientation.csv?class_id={s.class_3e.id}",
        "summary": f"/api/school/teleservices/classes/{s.class_3e.id}/summary.pdf",
    }
    for url in exports.values():  # the school's own staff read each of them, with Hugo in it
        response = await staff.get(url)
        assert response.status_code == 200 and "Fontaine" in (
            pdf_text(response.content) if url.endswith(".pdf") else response.content.decode("utf-8-sig")
        ), url

    student, teacher = await signed_in(new_client, s.student), await signed_in(new_client, s.teacher)
    for reader in (parent, student, teacher):
        for url in exports.values():
            assert (await reader.get(url)).status_code == 403, url

    # Another school's staff: our class does not exist for them, and their lists hold none of our pupils.
    elsewhere = await make_family()
    foreign_staff = await signed_in(new_client, await make_user(elsewhere.school, "staff"))
    assert (await foreign_staff.get(exports["summary"])).status_code == 404
    for url in (exports["bourses"], exports["orientation"], "/api/school/teleservices/exports/orientation.csv"):
        response = await foreign_staff.get(url)
        assert response.status_code == 200 and len(response.content.decode("utf-8-sig").splitlines()) == 1, url
        assert b"Fontaine" not in response.content


async def test_a_spreadsheet_formula_in_a_name_stays_text(new_client):
    s = await tele_setup()
    await User.update({User.last_name: '=HYPERLINK("http://x")'}).where(User.id == s.student.id)
    campaign = await open_campaign(s, "orientation_final", "3e")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    opening = {"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
    form_id = (await parent.post("/api/teleservices/orientation", json=opening)).json()["id"]
    assert (await parent.put(f"/api/teleservices/orientation/{form_id}/wishes", json=TWO_WISHES)).status_code == 200
    assert (await parent.post(f"/api/teleservices/orientation/{form_id}/actions", json={"action": "submit"})).is_success
    exported = (await staff.get("/api/school/teleservices/exports/orientation.csv")).content.decode("utf-8-sig")
    assert exported.splitlines()[1].startswith("""3e A;"'=HYPERLINK(""http://x"")";Hugo;""")


async def test_the_family_summary_lists_pending_actions_per_child(new_client):
    s = await tele_setup()
    bourse = await open_campaign(s, "bourse_college")
    await open_campaign(s, "orientation_provisional", "3e")
    await open_campaign(s, "orientation_final", "3e", opens=60, closes=90, replies=100)
    parent, other = await signed_in(new_client, s.parent), await signed_in(new_client, s.other_parent)
    summary = (await parent.get("/api/teleservices/summary")).json()
    [child] = summary["children"]
    assert child["student"]["class_name"] == "3e A"
    pending = {d["title"]: (d["pending"] or {}).get("code") for d in child["demarches"]}
    assert pending == {
        "Bourse de collège": "file",
        "Orientation — phase provisoire (3e)": "enter_wishes",
        "Orientation — phase définitive (3e)": None,
    }
    assert summary["pending_count"] == 2

    await parent.post(
        "/api/teleservices/bourses", json={"campaign_id": str(bourse.id), "student_id": str(s.student.id)}
    )
    others = (await other.get("/api/teleservices/summary")).json()
    item = next(d for d in others["children"][0]["demarches"] if d["kind"] == "bourse")
    # A draft nobody filed does not take the other guardian's "file" away.
    assert (item["state_label"], item["mine"], item["pending"]["code"]) == ("Brouillon", False, "file")
    assert "reprendre" in item["pending"]["label"]
    student = await signed_in(new_client, s.student)
    assert (await student.get("/api/teleservices/summary")).status_code == 403


async def test_the_summary_carries_the_school_s_word_and_is_not_sent_again_unchanged(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    await add_scale(s)
    parent, other = await signed_in(new_client, s.parent), await signed_in(new_client, s.other_parent)
    staff = await signed_in(new_client, s.staff)
    draft = (
        await parent.post(
            "/api/teleservices/bourses", json={"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
        )
    ).json()
    url = f"/api/teleservices/bourses/{draft['id']}"
    await parent.put(url, json={"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True})
    await upload(parent, draft["id"])
    await parent.post(f"{url}/actions", json={"action": "file"})
    first = await parent.get("/api/teleservices/summary")
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.json()["generated_at"]
    unchanged = await parent.get("/api/teleservices/summary", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""

    staff_url = f"/api/school/teleservices/bourses/{draft['id']}/actions"
    await staff.post(staff_url, json={"action": "request_piece", "message": "Il manque la page 2."})
    changed = await parent.get("/api/teleservices/summary", headers={"If-None-Match": etag})
    [item] = changed.json()["children"][0]["demarches"]
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert (item["state_label"], item["school_message"], item["pending"]["code"]) == (
        "Incomplète",
        "Il manque la page 2.",
        "send_piece",
    )
    await upload(parent, draft["id"])
    await parent.post(f"{url}/actions", json={"action": "complete"})
    await staff.post(staff_url, json={"action": "grant", "echelon": 2, "message": "Versée en trois fois."})
    for reader in (parent, other):  # the other guardian reads the decision too (not the household's resources)
        [item] = (await reader.get("/api/teleservices/summary")).json()["children"][0]["demarches"]
        assert (item["state_label"], item["outcome"], item["school_message"]) == (
            "Accordée",
            "Échelon 2 — 324 € par an",
            "Versée en trois fois.",
        )


async def test_the_portal_tile_leads_each_profile_to_its_side(new_client):
    s = await tele_setup()
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    teacher = await signed_in(new_client, s.teacher)
    tiles = {a["key"]: a["url"] for a in (await parent.get("/api/portal")).json()["apps"]}
    assert tiles["teleservices"] == "/espace/teleservices.html" and "teleservices-gestion" not in tiles
    tiles = {a["key"]: a["url"] for a in (await staff.get("/api/portal")).json()["apps"]}
    assert tiles["teleservices-gestion"] == "/espace/teleservices-ecole.html"
    assert not {"teleservices", "teleservices-gestion"} & {
        a["key"] for a in (await teacher.get("/api/portal")).json()["apps"]
    }
