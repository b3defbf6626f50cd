"""Bourse requests: every state transition, who may act, and the uploads' rules."""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg

from db.accounts.tables import OutboxMessage
from db.core.tables import SchoolYear
from db.teleservices.tables import BoursePiece, BourseRequest, TeleserviceEvent
from piccolo_conf import DB
from tests.factories import make_family, make_user
from tests.teleservices_builders import PNG, add_scale, open_campaign, set_dates, signed_in, tele_setup, upload


async def _draft(parent, campaign, student):
    response = await parent.post(
        "/api/teleservices/bourses", json={"campaign_id": str(campaign.id), "student_id": str(student.id)}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _filled(parent, campaign, student):
    draft = await _draft(parent, campaign, student)
    form = {"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True}
    assert (await parent.put(f"/api/teleservices/bourses/{draft['id']}", json=form)).status_code == 200
    assert (await upload(parent, draft["id"])).status_code == 200
    return draft["id"]


async def test_a_bourse_goes_from_draft_to_granted_and_every_step_is_recorded(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    await add_scale(s)
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)

    draft = await _draft(parent, campaign, s.student)
    assert (draft["state"], draft["mine"], draft["campaign"]["window"]["status"]) == ("draft", True, "open")
    assert set(draft["actions"]) == {"edit", "upload", "file", "withdraw"}
    again = await _draft(parent, campaign, s.student)  # one request per child and campaign
    assert again["id"] == draft["id"]
    url = f"/api/teleservices/bourses/{draft['id']}"

    early = await parent.post(f"{url}/actions", json={"action": "file"})
    assert early.status_code == 400
    assert set(early.json()["error"]["details"]["missing"]) == {
        "dependent_children",
        "reference_income",
        "sworn_statement",
        "tax_notice",
    }
    form = {"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True}
    saved = (await parent.put(url, json=form)).json()
    assert saved["simulation"]["echelon"] == 2 and "324 €" in saved["simulation"]["label"]
    assert (await upload(parent, draft["id"])).json()["pieces"][0]["kind"] == "tax_notice"
    filed = await parent.post(f"{url}/actions", json={"action": "file", "client_id": "c1"})
    assert filed.json()["state"] == "filed"

    # The school asks for a piece; the family is told by e-mail, without any detail of the request.
    staff_url = f"/api/school/teleservices/bourses/{draft['id']}"
    asked = await staff.post(
        f"{staff_url}/actions", json={"action": "request_piece", "message": "Joindre l'avis 2025.", "client_id": "s1"}
    )
    assert asked.status_code == 200 and asked.json()["state"] == "incomplete"
    mails = await OutboxMessage.select().where(OutboxMessage.channel == "email")
    assert {m["destination"] for m in mails} == {"elodie@example.fr", "sebastien@example.fr"}
    assert all("10 500" not in m["body"] and "/espace/teleservices.html" in m["body"] for m in mails)
    seen = (await parent.get(url)).json()
    assert seen["school_message"] == "Joindre l'avis 2025." and set(seen["actions"]) == {
        "upload",
        "complete",
        "withdraw",
    }

    # Completing needs the piece first; then the school grants échelon 2 at the scale's amount.
    assert (await parent.post(f"{url}/actions", json={"action": "complete"})).status_code == 400
    assert (await upload(parent, draft["id"], PNG, "avis.png")).json()["pieces"][1]["kind"] == "additional"
    assert (await parent.post(f"{url}/actions", json={"action": "complete"})).json()["state"] == "completed"
    granted = await staff.post(f"{staff_url}/actions", json={"action": "grant", "echelon": 2})
    assert granted.status_code == 200
    final = (await parent.get(url)).json()
    assert (final["state_label"], final["echelon"], final["yearly_amount_cents"]) == ("Accordée", 2, 32_400)
    assert final["actions"] == []
    steps = [(e["action"], e["from_state"], e["to_state"], e["by"], e["by_school"]) for e in final["history"]]
    assert steps == [
        ("create", "", "draft", "Élodie Fontaine", False),
        ("file", "draft", "filed", "Élodie Fontaine", False),
        ("request_piece", "filed", "incomplete", "Stéphane Girard", True),
        ("complete", "incomplete", "completed", "Élodie Fontaine", False),
        ("grant", "completed", "granted", "Stéphane Girard", True),
    ]
    assert await OutboxMessage.count().where(OutboxMessage.channel == "email") == 4


async def test_the_form_names_the_tax_notice_of_the_school_year(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent = await signed_in(new_client, s.parent)
    draft = await _draft(parent, campaign, s.student)
    starts = (await SchoolYear.select(SchoolYear.starts_on).where(SchoolYear.id == s.year_id).first())["starts_on"]
    assert draft["tax_notice"] == f"avis d'impôt {starts.year} sur les revenus {starts.year - 1}"
    # Read from the school year's dates, not written in the code: another year, another notice.
    await SchoolYear.update({SchoolYear.starts_on: date(2031, 9, 1)}).where(
        (SchoolYear.school_id == s.school.id) & (SchoolYear.id == s.year_id)
    )
    shown = (await parent.get(f"/api/teleservices/bourses/{draft['id']}")).json()
    assert shown["tax_notice"] == "avis d'impôt 2031 sur les revenus 2030"


async def test_retries_act_once_and_impossible_moves_are_conflicts(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    await add_scale(s)
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    request_id = await _filled(parent, campaign, s.student)
    staff_url = f"/api/school/teleservices/bourses/{request_id}/actions"

    unseen = await staff.post(staff_url, json={"action": "grant", "echelon": 1})  # a draft is the family's
    assert unseen.status_code == 404 and unseen.json()["error"]["code"] == "not_found"
    for _ in range(2):  # the phone retries: one move, one event
        assert (
            await parent.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "file"})
        ).status_code == 200
    late_edit = {"dependent_children": 5, "reference_income": 1, "sworn_statement": True}
    frozen = await parent.put(f"/api/teleservices/bourses/{request_id}", json=late_edit)
    assert frozen.status_code == 409 and frozen.json()["error"]["code"] == "not_editable"
    piece = {"action": "request_piece", "message": "Justificatif de domicile", "client_id": "same"}
    for _ in range(2):
        assert (await staff.post(staff_url, json=piece)).status_code == 200
    assert await TeleserviceEvent.count().where(TeleserviceEvent.bourse_request_id == request_id) == 3
    assert await OutboxMessage.count() == 2  # one notice to each guardian, once
    premature = await staff.post(staff_url, json={"action": "grant", "echelon": 1})  # the piece is awaited
    assert premature.status_code == 409 and premature.json()["error"]["code"] == "state_conflict"

    unknown = await staff.post(staff_url, json={"action": "grant", "echelon": 9})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_echelon"
    bad = await staff.post(staff_url, json={"action": "promote"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"


async def test_withdraw_reopen_and_refuse(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    request_id = await _filled(parent, campaign, s.student)
    url = f"/api/teleservices/bourses/{request_id}/actions"
    assert (await parent.post(url, json={"action": "file"})).json()["state"] == "filed"
    assert (await parent.post(url, json={"action": "withdraw"})).json()["state"] == "withdrawn"
    gone = await staff.post(
        f"/api/school/teleservices/bourses/{request_id}/actions", json={"action": "refuse", "reason": "x"}
    )
    assert gone.status_code == 409 and "Retirée" in gone.json()["error"]["message"]
    assert (await parent.post(url, json={"action": "reopen"})).json()["state"] == "draft"
    assert (await parent.post(url, json={"action": "file"})).json()["state"] == "filed"
    refused = await staff.post(
        f"/api/school/teleservices/bourses/{request_id}/actions",
        json={"action": "refuse", "reason": "Ressources au-dessus du plafond."},
    )
    body = refused.json()
    assert (body["state_label"], body["decision_reason"]) == ("Refusée", "Ressources au-dessus du plafond.")
    late = await parent.post(url, json={"action": "withdraw"})  # no withdrawal after the decision
    assert late.status_code == 409


async def test_the_family_withdraws_a_draft_an_incomplete_or_a_completed_request(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    request_id = await _filled(parent, campaign, s.student)
    url = f"/api/teleservices/bourses/{request_id}/actions"
    staff_url = f"/api/school/teleservices/bourses/{request_id}/actions"

    async def act(client, target, body):
        response = await client.post(target, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    assert (await act(parent, url, {"action": "withdraw"}))["state"] == "withdrawn"  # a draft
    await act(parent, url, {"action": "reopen"})
    await act(parent, url, {"action": "file"})
    await act(staff, staff_url, {"action": "request_piece", "message": "RIB"})
    assert (await act(parent, url, {"action": "withdraw"}))["state"] == "withdrawn"  # incomplete
    await act(parent, url, {"action": "reopen"})
    await act(parent, url, {"action": "file"})
    await act(staff, staff_url, {"action": "request_piece", "message": "RIB, encore"})
    assert (await upload(parent, request_id, PNG, "rib.png")).status_code == 200
    assert (await act(parent, url, {"action": "complete"}))["state"] == "completed"
    final = await act(parent, url, {"action": "withdraw"})  # completed, not yet decided
    assert (final["state_label"], final["actions"]) == ("Retirée", ["reopen"])
    withdrawals = [e["from_state"] for e in final["history"] if e["action"] == "withdraw"]
    assert withdrawals == ["draft", "incomplete", "completed"]
    gone = await staff.post(staff_url, json={"action": "refuse", "reason": "Trop tard"})
    assert gone.status_code == 409 and gone.json()["error"]["details"]["state"] == "withdrawn"


async def test_a_completed_request_may_be_asked_again_then_refused_and_the_refusal_is_emailed(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    other = await signed_in(new_client, s.other_parent)
    request_id = await _filled(parent, campaign, s.student)
    url = f"/api/teleservices/bourses/{request_id}"
    staff_url = f"/api/school/teleservices/bourses/{request_id}/actions"
    await parent.post(f"{url}/actions", json={"action": "file"})
    await staff.post(staff_url, json={"action": "request_piece", "message": "Avis complet."})
    await upload(parent, request_id, PNG, "avis-p2.png")
    assert (await parent.post(f"{url}/actions", json={"action": "complete"})).json()["state"] == "completed"

    again = await staff.post(staff_url, json={"action": "request_piece", "message": "Il manque encore la page 3."})
    assert again.status_code == 200 and again.json()["state"] == "incomplete"
    seen = (await parent.get(url)).json()
    assert seen["school_message"] == "Il manque encore la page 3." and "complete" in seen["actions"]
    # The family must send a new piece: the one sent for the first request does not answer the second.
    early = await parent.post(f"{url}/actions", json={"action": "complete"})
    assert early.status_code == 400 and early.json()["error"]["code"] == "piece_missing"
    await upload(parent, request_id, PNG, "avis-p3.png")
    assert (await parent.post(f"{url}/actions", json={"action": "complete"})).json()["state"] == "completed"
    await OutboxMessage.delete().where(OutboxMessage.school_id == s.school.id)

    refused = await staff.post(staff_url, json={"action": "refuse", "reason": "Ressources au-dessus du plafond."})
    assert refused.status_code == 200
    assert [(e["action"], e["from_state"]) for e in refused.json()["history"]][-1] == ("refuse", "completed")
    mails = await OutboxMessage.select().where(OutboxMessage.school_id == s.school.id)
    assert {m["destination"] for m in mails} == {"elodie@example.fr", "sebastien@example.fr"}
    assert all(
        m["subject"] == "Téléservices : demande de bourse"
        and "Hugo a reçu une réponse" in m["body"]
        and "plafond" not in m["body"]  # the reason is read in Cartable, not in a shared mailbox
        for m in mails
    )
    for reader in (parent, other):  # both guardians read the decision and its reason
        shown = (await reader.get(url)).json()
        assert (shown["state_label"], shown["decision_reason"]) == ("Refusée", "Ressources au-dessus du plafond.")


async def test_the_other_guardian_reads_without_the_household_details(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent, other = await signed_in(new_client, s.parent), await signed_in(new_client, s.other_parent)
    request_id = await _filled(parent, campaign, s.student)
    assert (await parent.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "file"})).is_success

    # Opening "again" from the other guardian gives the same request, filed: read-only.
    seen = await other.post(
        "/api/teleservices/bourses", json={"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
    )
    body = seen.json()
    assert (body["id"], body["mine"], body["actions"], body["filed_by"]) == (request_id, False, [], "Élodie Fontaine")
    assert body["reference_income"] is None and body["pieces"] == [] and body["details_visible"] is False
    form = {"dependent_children": 1, "reference_income": 1, "sworn_statement": True}
    assert (await other.put(f"/api/teleservices/bourses/{request_id}", json=form)).status_code == 403
    refused = await other.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "withdraw"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "read_only"
    taken = await other.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "take_over"})
    assert taken.status_code == 409 and "Élodie Fontaine" in taken.json()["error"]["message"]
    assert (await upload(other, request_id)).status_code == 403
    piece = await BoursePiece.select(BoursePiece.id).first()
    download = f"/api/teleservices/bourses/{request_id}/pieces/{piece['id']}"
    assert (await other.get(download)).status_code == 404
    assert (await parent.get(download)).content.startswith(b"%PDF")


async def test_a_draft_nobody_filed_does_not_lock_the_other_guardian_out(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent, other = await signed_in(new_client, s.parent), await signed_in(new_client, s.other_parent)
    draft = await _draft(parent, campaign, s.student)  # Élodie merely opens the form
    url = f"/api/teleservices/bourses/{draft['id']}"

    [item] = (await other.get("/api/teleservices/summary")).json()["children"][0]["demarches"]
    assert (item["request_id"], item["mine"], item["pending"]["code"]) == (draft["id"], False, "file")
    seen = await _draft(other, campaign, s.student)  # Sébastien finds her draft, not a second request
    assert (seen["id"], seen["mine"], seen["filed_by"], seen["actions"]) == (
        draft["id"],
        False,
        "Élodie Fontaine",
        ["take_over"],
    )
    form = {"dependent_children": 3, "reference_income": 8_000, "sworn_statement": True}
    refused = await other.put(url, json=form)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "read_only"
    assert "reprenez-la à votre nom" in refused.json()["error"]["message"]

    # She had started to fill it in; he takes it over: her figures and her tax notice are wiped, not shown to him.
    await parent.put(url, json={"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True})
    piece_url = (await upload(parent, draft["id"])).json()["pieces"][0]["url"]
    taken = await other.post(f"{url}/actions", json={"action": "take_over", "client_id": "t1"})
    assert taken.status_code == 200, taken.text
    body = taken.json()
    assert (body["state"], body["mine"], body["filed_by"]) == ("draft", True, "Sébastien Fontaine")
    assert (body["dependent_children"], body["reference_income"], body["pieces"]) == (None, None, [])
    assert set(body["actions"]) == {"edit", "upload", "file", "withdraw"}
    last = body["history"][-1]
    assert (last["action"], last["from_state"], last["to_state"], last["by"]) == (
        "take_over",
        "draft",
        "draft",
        "Sébastien Fontaine",
    )
    assert "autre responsable légal" in last["label"]
    assert await BoursePiece.count() == 0 and (await parent.get(piece_url)).status_code == 404
    again = await other.post(f"{url}/actions", json={"action": "take_over", "client_id": "t1"})  # a retry
    assert again.status_code == 200 and len(again.json()["history"]) == len(body["history"])

    # Now hers is read-only (she may take it back while nobody filed it); he files.
    hers = (await parent.get(url)).json()
    assert (hers["mine"], hers["actions"], hers["details_visible"]) == (False, ["take_over"], False)
    late = await parent.post(f"{url}/actions", json={"action": "file"})
    assert late.status_code == 403 and late.json()["error"]["code"] == "read_only"
    assert (await upload(parent, draft["id"])).status_code == 403
    await other.put(url, json=form)
    await upload(other, draft["id"])
    assert (await other.post(f"{url}/actions", json={"action": "file"})).json()["state"] == "filed"

    # Filed: the request is the family's, his; she reads it and can no longer take it over.
    hers = (await parent.get(url)).json()
    assert (hers["actions"], hers["reference_income"], hers["filed_by"]) == ([], None, "Sébastien Fontaine")
    too_late = await parent.post(f"{url}/actions", json={"action": "take_over"})
    assert too_late.status_code == 409 and "Sébastien Fontaine" in too_late.json()["error"]["message"]
    [item] = (await parent.get("/api/teleservices/summary")).json()["children"][0]["demarches"]
    assert (item["state"], item["mine"], item["pending"]) == ("filed", False, None)
    assert await BourseRequest.count() == 1  # still one request per child and campaign


async def test_a_withdrawn_request_may_be_taken_over_and_filed_by_the_other_guardian(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent, other = await signed_in(new_client, s.parent), await signed_in(new_client, s.other_parent)
    staff = await signed_in(new_client, s.staff)
    request_id = await _filled(parent, campaign, s.student)
    url = f"/api/teleservices/bourses/{request_id}"
    await parent.post(f"{url}/actions", json={"action": "file"})
    assert (await parent.post(f"{url}/actions", json={"action": "withdraw"})).json()["state"] == "withdrawn"
    own = await parent.post(f"{url}/actions", json={"action": "take_over"})  # she reopens hers instead
    assert own.status_code == 409 and own.json()["error"]["code"] == "already_yours"

    assert (await other.get(url)).json()["actions"] == ["take_over"]
    taken = (await other.post(f"{url}/actions", json={"action": "take_over"})).json()
    assert (taken["state"], taken["mine"], taken["reference_income"], taken["sworn_statement"]) == (
        "draft",
        True,
        None,
        False,
    )
    early = await other.post(f"{url}/actions", json={"action": "file"})  # her tax notice went with her form
    assert early.status_code == 400 and "tax_notice" in early.json()["error"]["details"]["missing"]
    await other.put(url, json={"dependent_children": 1, "reference_income": 16_000, "sworn_statement": True})
    await upload(other, request_id)
    filed = (await other.post(f"{url}/actions", json={"action": "file"})).json()
    assert [(e["action"], e["by"]) for e in filed["history"]] == [
        ("create", "Élodie Fontaine"),
        ("file", "Élodie Fontaine"),
        ("withdraw", "Élodie Fontaine"),
        ("take_over", "Sébastien Fontaine"),
        ("file", "Sébastien Fontaine"),
    ]
    school_view = (await staff.get(f"/api/school/teleservices/bourses/{request_id}")).json()
    assert (school_view["filed_by"], school_view["reference_income"], len(school_view["pieces"])) == (
        "Sébastien Fontaine",
        16_000,
        1,
    )
    reopen = await parent.post(f"{url}/actions", json={"action": "reopen"})
    assert reopen.status_code == 403 and reopen.json()["error"]["code"] == "read_only"


async def test_students_teachers_other_families_and_schools_are_refused(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent = await signed_in(new_client, s.parent)
    request_id = await _filled(parent, campaign, s.student)
    url = f"/api/teleservices/bourses/{request_id}"
    opening = {"campaign_id": str(campaign.id), "student_id": str(s.student.id)}

    student = await signed_in(new_client, s.student)
    assert (await student.post("/api/teleservices/bourses", json=opening)).status_code == 403
    assert (await student.get(url)).status_code == 403
    teacher = await signed_in(new_client, s.teacher)
    assert (await teacher.get(url)).status_code == 403
    assert (await teacher.get(f"/api/school/teleservices/bourses/{request_id}")).status_code == 403
    assert (await teacher.get("/api/school/teleservices/requests")).status_code == 403
    stranger = await signed_in(new_client, s.parent_2de)  # same school, another family
    assert (await stranger.get(url)).status_code == 404
    assert (await stranger.post("/api/teleservices/bourses", json=opening)).status_code == 404
    assert (await parent.get(f"/api/school/teleservices/bourses/{request_id}")).status_code == 403

    elsewhere = await make_family()
    foreign_staff = await signed_in(new_client, await make_user(elsewhere.school, "staff"))
    assert (await foreign_staff.get(f"/api/school/teleservices/bourses/{request_id}")).status_code == 404
    grant = {"action": "grant", "echelon": 1}
    assert (
        await foreign_staff.post(f"/api/school/teleservices/bourses/{request_id}/actions", json=grant)
    ).status_code == 404
    foreign_parent = await signed_in(new_client, elsewhere.parent)
    assert (await foreign_parent.get(url)).status_code == 404


async def test_closed_campaigns_and_children_not_concerned(new_client):
    s = await tele_setup()
    later = await open_campaign(s, "bourse_college", opens=5, closes=30, replies=40)
    parent = await signed_in(new_client, s.parent)
    closed = await parent.post(
        "/api/teleservices/bourses", json={"campaign_id": str(later.id), "student_id": str(s.student.id)}
    )
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "campaign_closed"
    assert "fermé — ouvert du" in closed.json()["error"]["message"]
    summary = (await parent.get("/api/teleservices/summary")).json()
    [item] = summary["children"][0]["demarches"]
    assert item["window"]["status"] == "upcoming" and item["window"]["label"].startswith("Fermé — ouvert du")
    assert item["pending"] is None and summary["pending_count"] == 0

    lycee_family = await signed_in(new_client, s.parent_2de)  # a 2de pupil has no collège bourse
    wrong = await lycee_family.post(
        "/api/teleservices/bourses", json={"campaign_id": str(later.id), "student_id": str(s.student_2de.id)}
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "not_concerned"
    assert (await lycee_family.get("/api/teleservices/summary")).json()["children"][0]["demarches"] == []


async def test_filing_after_the_campaign_closes_is_refused_by_the_deadline(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent = await signed_in(new_client, s.parent)
    request_id = await _filled(parent, campaign, s.student)  # ready to file: only the date can refuse it
    url = f"/api/teleservices/bourses/{request_id}"
    await set_dates(campaign, closes=-1)

    late = await parent.post(f"{url}/actions", json={"action": "file"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "campaign_closed"
    assert "était ouvert du" in late.json()["error"]["message"]
    form = {"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True}
    edit = await parent.put(url, json=form)
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "campaign_closed"
    another = await upload(parent, request_id)
    assert another.status_code == 409 and another.json()["error"]["code"] == "campaign_closed"
    shown = (await parent.get(url)).json()
    assert shown["state"] == "draft" and "file" not in shown["actions"] and "upload" not in shown["actions"]


async def test_the_missing_piece_is_refused_after_the_reply_deadline(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    request_id = await _filled(parent, campaign, s.student)
    url = f"/api/teleservices/bourses/{request_id}"
    assert (await parent.post(f"{url}/actions", json={"action": "file"})).json()["state"] == "filed"
    asked = await staff.post(
        f"/api/school/teleservices/bourses/{request_id}/actions",
        json={"action": "request_piece", "message": "La page 2 manque."},
    )
    assert asked.json()["state"] == "incomplete"
    # The piece arrives in time, but the family completes after the date (the campaign closed long ago).
    assert (await upload(parent, request_id, PNG, "page2.png")).status_code == 200
    await set_dates(campaign, closes=-5, replies=-1)

    late = await parent.post(f"{url}/actions", json={"action": "complete"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "reply_deadline_passed"
    too_late = await upload(parent, request_id, PNG, "page2-bis.png")
    assert too_late.status_code == 409 and too_late.json()["error"]["code"] == "reply_deadline_passed"
    shown = (await parent.get(url)).json()
    assert shown["state"] == "incomplete" and shown["actions"] == ["withdraw"]
    assert len(shown["pieces"]) == 2


async def test_a_piece_sent_while_the_request_is_being_filed_waits_and_is_refused(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent = await signed_in(new_client, s.parent)
    request_id = await _filled(parent, campaign, s.student)
    where = "WHERE school_id = $1 AND id = $2"
    filing = await asyncpg.connect(DB.config["dsn"])  # another request filing it, holding its row lock
    try:
        async with filing.transaction():
            await filing.execute(f"SELECT id FROM bourse_request {where} FOR UPDATE", s.school.id, request_id)
            sending = asyncio.create_task(upload(parent, request_id, PNG, "encore.png"))
            await asyncio.sleep(0.5)
            assert not sending.done()  # the upload waits for the filing to end
            await filing.execute(f"UPDATE bourse_request SET state = 'filed' {where}", s.school.id, request_id)
        late = await sending
    finally:
        await filing.close()
    assert late.status_code == 409 and late.json()["error"]["code"] == "not_editable"
    assert await BoursePiece.count().where(BoursePiece.request_id == request_id) == 1  # the filed tax notice only


async def test_uploads_are_sniffed_limited_and_rate_limited(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent = await signed_in(new_client, s.parent)
    request_id = (await _draft(parent, campaign, s.student))["id"]
    fake = await upload(parent, request_id, b"<html><script>alert(1)</script>", "avis.pdf")
    assert fake.status_code == 415 and fake.json()["error"]["message"] == "Formats acceptés : PDF, PNG, JPEG."
    big = await upload(parent, request_id, b"%PDF-" + b"0" * (5 * 1024 * 1024), "gros.pdf")
    assert big.status_code == 413
    first = await upload(parent, request_id, client_id="u1")
    again = await upload(parent, request_id, client_id="u1")  # a retried upload keeps one piece
    assert len(again.json()["pieces"]) == len(first.json()["pieces"]) == 1
    statuses = [(await upload(parent, request_id, b"not a file", "x.pdf")).status_code for _ in range(60)]
    assert statuses[-1] == 429 and set(statuses[:-3]) == {415}
