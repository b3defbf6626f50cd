"""The administrator cancels a téléservice before it opens ("Annulé"), and every change of a campaign or a
scale is a dated line of the settings log: who, when, what changed."""

from __future__ import annotations

from datetime import timedelta

from db.teleservices.tables import TeleserviceCampaign, TeleserviceSettingChange
from tests.factories import make_family, make_user
from tests.teleservices_builders import CEILINGS, ECHELONS, open_campaign, signed_in, tele_setup, today

CAMPAIGNS = "/api/school/teleservices/campaigns"
LOG = "/api/school/teleservices/settings-log"


def _days(opens: int, closes: int, replies: int) -> dict:
    return {
        "opens_on": str(today() + timedelta(days=opens)),
        "closes_on": str(today() + timedelta(days=closes)),
        "replies_until": str(today() + timedelta(days=replies)),
    }


def _scale(first_amount: int = ECHELONS[0][1]) -> dict:
    return {
        "echelons": [{"echelon": 1, "yearly_amount_cents": first_amount}]
        + [{"echelon": e, "yearly_amount_cents": a} for e, a in ECHELONS[1:]],
        "ceilings": [{"dependent_children": n, "echelon": e, "max_income": m} for n, e, m in CEILINGS],
    }


async def test_a_campaign_not_yet_open_is_cancelled_and_reads_annule_until_its_dates_are_set_again(new_client):
    s = await tele_setup()
    admin, staff = await signed_in(new_client, s.admin), await signed_in(new_client, s.staff)
    planned = await admin.put(CAMPAIGNS, json={"service": "orientation_final", "level": "3e", **_days(10, 30, 40)})
    assert planned.json()["window"]["status"] == "upcoming"
    cancel = f"{CAMPAIGNS}/{planned.json()['id']}/cancel"
    assert (await staff.post(cancel)).status_code == 403  # the administrator's alone

    cancelled = await admin.post(cancel)
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["window"]["status"], cancelled.json()["window"]["label"]) == ("cancelled", "Annulé")
    assert (await admin.post(cancel)).json() == cancelled.json()  # cancelled again: the same answer
    # The families read it as cancelled, and can never start in it.
    parent = await signed_in(new_client, s.parent)
    [demarche] = [
        d
        for child in (await parent.get("/api/teleservices/summary")).json()["children"]
        for d in child["demarches"]
        if d["service"] == "orientation_final"
    ]
    assert demarche["window"]["label"] == "Annulé" and demarche["pending"] is None
    await TeleserviceCampaign.update({TeleserviceCampaign.opens_on: today()}).where(
        TeleserviceCampaign.id == planned.json()["id"]
    )  # even once its first day has come
    opening = {"campaign_id": planned.json()["id"], "student_id": str(s.student.id)}
    refused = await parent.post("/api/teleservices/orientation", json=opening)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "campaign_closed"

    # Setting its dates again brings it back.
    back = await admin.put(CAMPAIGNS, json={"service": "orientation_final", "level": "3e", **_days(5, 30, 40)})
    assert back.json()["window"]["status"] == "upcoming" and back.json()["id"] == planned.json()["id"]


async def test_an_opened_campaign_or_one_with_requests_is_not_cancelled(new_client):
    s = await tele_setup()
    admin = await signed_in(new_client, s.admin)
    opened = await open_campaign(s, "bourse_college", opens=-1)
    answer = await admin.post(f"{CAMPAIGNS}/{opened.id}/cancel")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "campaign_already_opened"
    assert "avancez sa date de fermeture" in answer.json()["error"]["message"]

    # Moved to a later opening after a family started: cancelling would lose the family's request.
    parent = await signed_in(new_client, s.parent)
    started = await parent.post(
        "/api/teleservices/bourses", json={"campaign_id": str(opened.id), "student_id": str(s.student.id)}
    )
    assert started.status_code == 200
    await TeleserviceCampaign.update({TeleserviceCampaign.opens_on: today() + timedelta(days=3)}).where(
        TeleserviceCampaign.id == opened.id
    )
    answer = await admin.post(f"{CAMPAIGNS}/{opened.id}/cancel")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "campaign_has_requests"
    assert await TeleserviceCampaign.count().where(TeleserviceCampaign.cancelled_at.is_not_null()) == 0

    elsewhere = await make_family()  # another school's administrator: not their campaign
    foreign_admin = await signed_in(new_client, await make_user(elsewhere.school, "admin"))
    assert (await foreign_admin.post(f"{CAMPAIGNS}/{opened.id}/cancel")).status_code == 404


async def test_every_change_of_a_campaign_or_a_scale_is_logged_with_who_and_when(new_client):
    s = await tele_setup()
    admin, staff = await signed_in(new_client, s.admin), await signed_in(new_client, s.staff)
    bourse = {"service": "bourse_college", **_days(-1, 30, 45)}
    assert (await admin.put(CAMPAIGNS, json=bourse)).status_code == 200
    assert (await admin.put(CAMPAIGNS, json=bourse)).status_code == 200  # the same dates again: no line
    moved = {**bourse, **{"closes_on": str(today() + timedelta(days=35))}}
    assert (await admin.put(CAMPAIGNS, json=moved)).status_code == 200
    planned = await admin.put(CAMPAIGNS, json={"service": "orientation_final", "level": "2de", **_days(10, 30, 40)})
    assert (await admin.post(f"{CAMPAIGNS}/{planned.json()['id']}/cancel")).status_code == 200
    for body in (_scale(), _scale(), _scale(12_000)):  # the second one changes nothing
        assert (await admin.put("/api/school/teleservices/scales/college", json=body)).status_code == 200

    log = await admin.get(LOG)
    assert log.status_code == 200
    lines = log.json()
    assert [(line["title"], line["action_label"]) for line in lines] == [
        ("Barème des bourses de collège", "Barème modifié"),
        ("Barème des bourses de collège", "Barème modifié"),
        ("Orientation — phase définitive (2de)", "Campagne annulée"),
        ("Orientation — phase définitive (2de)", "Campagne créée"),
        ("Bourse de collège", "Dates modifiées"),
        ("Bourse de collège", "Campagne créée"),
    ]
    assert {line["by"] for line in lines} == {"Olivier Marchand"} and all(line["at"] for line in lines)
    closes = [today() + timedelta(days=n) for n in (30, 35)]
    assert lines[4]["detail"] == f"fermeture : {closes[0]:%d/%m/%Y} → {closes[1]:%d/%m/%Y}"
    assert lines[0]["detail"] == "échelon 1 : 117 € → 120 €"
    assert (
        lines[1]["detail"].startswith("échelon 1 : — → 117 €") and "6 plafonds de revenu modifiés" in lines[1]["detail"]
    )

    for reader in (staff, await signed_in(new_client, s.teacher), await signed_in(new_client, s.parent)):
        assert (await reader.get(LOG)).status_code == 403  # the administrator reads it
    elsewhere = await make_family()
    foreign_admin = await signed_in(new_client, await make_user(elsewhere.school, "admin"))
    assert (await foreign_admin.get(LOG)).json() == []
    assert (await foreign_admin.get(LOG, params={"school_year_id": str(s.year_id)})).status_code == 404
    assert await TeleserviceSettingChange.count() == 6
