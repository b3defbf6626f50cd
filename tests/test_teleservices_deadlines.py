"""The school does not ask a family what it could no longer answer (after `replies_until`), an
incomplete bourse never gets stuck, a blank message is no message, and the family's answer applies
to the council's answer it read."""

from __future__ import annotations

from db.accounts.tables import OutboxMessage
from db.teleservices.tables import OrientationForm, TeleserviceEvent
from tests.teleservices_builders import (
    PNG,
    TWO_WISHES,
    add_scale,
    open_campaign,
    set_dates,
    signed_in,
    tele_setup,
    upload,
)


async def _filed_bourse(s, parent):
    campaign = await open_campaign(s, "bourse_college")
    await add_scale(s)
    opening = {"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
    request_id = (await parent.post("/api/teleservices/bourses", json=opening)).json()["id"]
    form = {"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True}
    assert (await parent.put(f"/api/teleservices/bourses/{request_id}", json=form)).status_code == 200
    assert (await upload(parent, request_id)).status_code == 200
    filed = await parent.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "file"})
    assert filed.json()["state"] == "filed", filed.text
    return campaign, request_id


async def _sent_wishes(s, parent):
    campaign = await open_campaign(s, "orientation_provisional", "3e")
    opening = {"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
    form_id = (await parent.post("/api/teleservices/orientation", json=opening)).json()["id"]
    assert (await parent.put(f"/api/teleservices/orientation/{form_id}/wishes", json=TWO_WISHES)).status_code == 200
    sent = await parent.post(f"/api/teleservices/orientation/{form_id}/actions", json={"action": "submit"})
    assert sent.json()["state"] == "submitted", sent.text
    return campaign, sent.json()


def _council(form: dict, *opinions: str, comment: str = "") -> dict:
    answers = [{"wish_id": w["id"], "opinion": o} for w, o in zip(form["wishes"], opinions, strict=True)]
    return {"answers": answers, "comment": comment}


async def _events(request_id) -> int:
    return await TeleserviceEvent.count().where(TeleserviceEvent.bourse_request_id == request_id)


async def test_an_incomplete_bourse_whose_piece_never_came_is_refused_after_the_reply_date(new_client):
    s = await tele_setup()
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    campaign, request_id = await _filed_bourse(s, parent)
    school_url = f"/api/school/teleservices/bourses/{request_id}"
    asked = await staff.post(f"{school_url}/actions", json={"action": "request_piece", "message": "La page 2."})
    assert asked.json()["state"] == "incomplete"
    assert asked.json()["actions"] == ["refuse"]  # while the piece is awaited: only a refusal

    await set_dates(campaign, closes=-5, replies=-1)  # the family never sent it
    assert (await parent.get(f"/api/teleservices/bourses/{request_id}")).json()["actions"] == ["withdraw"]
    assert (await staff.get(school_url)).json()["actions"] == ["refuse"]
    refused = await staff.post(
        f"{school_url}/actions", json={"action": "refuse", "reason": "Pièce demandée non reçue.", "client_id": "r1"}
    )
    assert refused.status_code == 200, refused.text
    body = refused.json()
    assert (body["state"], body["decision_reason"], body["actions"]) == ("refused", "Pièce demandée non reçue.", [])
    last = body["history"][-1]
    assert (last["action"], last["from_state"], last["to_state"]) == ("refuse", "incomplete", "refused")
    seen = (await parent.get(f"/api/teleservices/bourses/{request_id}")).json()
    assert (seen["state_label"], seen["decision_reason"]) == ("Refusée", "Pièce demandée non reçue.")


async def test_no_piece_is_asked_for_once_the_family_may_no_longer_send_it(new_client):
    s = await tele_setup()
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    campaign, request_id = await _filed_bourse(s, parent)
    school_url = f"/api/school/teleservices/bourses/{request_id}"
    assert (await staff.get(school_url)).json()["actions"] == ["request_piece", "grant", "refuse"]
    await set_dates(campaign, closes=-5, replies=-1)
    before = await _events(request_id)

    assert (await staff.get(school_url)).json()["actions"] == ["grant", "refuse"]
    asked = await staff.post(f"{school_url}/actions", json={"action": "request_piece", "message": "Le RIB."})
    assert asked.status_code == 409
    error = asked.json()["error"]
    assert error["code"] == "family_deadline_passed"
    assert error["message"].startswith("La date limite de réponse des familles (")
    assert "la famille ne pourrait plus envoyer de pièce" in error["message"]
    shown = (await staff.get(school_url)).json()
    assert shown["state"] == "filed" and await _events(request_id) == before
    assert await OutboxMessage.count().where(OutboxMessage.school_id == s.school.id) == 0  # nobody told

    await set_dates(campaign, replies=0)  # the last day to reply is today: the family still may
    assert (await staff.get(school_url)).json()["actions"] == ["request_piece", "grant", "refuse"]
    asked = await staff.post(f"{school_url}/actions", json={"action": "request_piece", "message": "Le RIB."})
    assert asked.status_code == 200 and asked.json()["state"] == "incomplete"
    assert (await upload(parent, request_id, PNG, "rib.png")).status_code == 200
    completed = await parent.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "complete"})
    assert completed.json()["state"] == "completed"

    await set_dates(campaign, replies=-1)  # a completed request too: decided, not asked again
    again = await staff.post(f"{school_url}/actions", json={"action": "request_piece", "message": "Encore."})
    assert again.status_code == 409 and again.json()["error"]["code"] == "family_deadline_passed"
    granted = await staff.post(f"{school_url}/actions", json={"action": "grant", "echelon": 2})
    assert granted.status_code == 200 and granted.json()["state"] == "granted"


async def test_the_council_does_not_answer_once_the_family_may_no_longer_reply(new_client):
    s = await tele_setup()
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    campaign, form = await _sent_wishes(s, parent)
    school_url = f"/api/school/teleservices/orientation/{form['id']}"
    await set_dates(campaign, closes=-5, replies=-1)

    assert (await staff.get(school_url)).json()["actions"] == []
    late = await staff.put(f"{school_url}/council", json=_council(form, "favourable", "reserved"))
    assert late.status_code == 409 and late.json()["error"]["code"] == "family_deadline_passed"
    assert "la famille ne pourrait plus répondre au conseil de classe" in late.json()["error"]["message"]
    seen = (await parent.get(f"/api/teleservices/orientation/{form['id']}")).json()
    assert (seen["state"], [w["opinion"] for w in seen["wishes"]]) == ("submitted", ["", ""])
    assert await OutboxMessage.count().where(OutboxMessage.school_id == s.school.id) == 0

    # Answered in time, then changed after the date: refused; the same answer sent again changes nothing.
    await set_dates(campaign, replies=3)
    answer = _council(form, "favourable", "reserved", comment="Avis du conseil.")
    assert (await staff.put(f"{school_url}/council", json=answer)).status_code == 200
    await set_dates(campaign, replies=-1)
    changed = await staff.put(f"{school_url}/council", json=_council(form, "unfavourable", "reserved"))
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "family_deadline_passed"
    retried = await staff.put(f"{school_url}/council", json=answer)
    assert retried.status_code == 200 and [w["opinion"] for w in retried.json()["wishes"]] == [
        "favourable",
        "reserved",
    ]
    assert [e["action"] for e in retried.json()["history"]].count("answer") == 1


async def test_a_refusal_or_a_piece_request_made_of_spaces_is_refused(new_client):
    s = await tele_setup()
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    _, request_id = await _filed_bourse(s, parent)
    url = f"/api/school/teleservices/bourses/{request_id}/actions"
    before = await _events(request_id)
    for body, code, key in [
        ({"action": "request_piece", "message": "   "}, "empty_message", "message"),
        ({"action": "request_piece", "message": "\n\t "}, "empty_message", "message"),
        ({"action": "refuse", "reason": "  "}, "empty_reason", "reason"),
        ({"action": "refuse", "reason": "\u00a0\n"}, "empty_reason", "reason"),
    ]:
        refused = await staff.post(url, json=body)
        assert refused.status_code == 400, body
        error = refused.json()["error"]
        assert (error["code"], error["details"]) == (code, {key: "required"}), body
        assert error["message"] in ("Précisez la pièce demandée à la famille.", "Indiquez le motif du refus.")
    assert (await staff.get(f"/api/school/teleservices/bourses/{request_id}")).json()["state"] == "filed"
    assert await _events(request_id) == before
    kept = await staff.post(url, json={"action": "refuse", "reason": "  Hors plafond.  "})
    assert kept.json()["decision_reason"] == "Hors plafond."


async def test_the_family_s_answer_applies_only_to_the_council_s_answer_it_read(new_client):
    s = await tele_setup()
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    _, form = await _sent_wishes(s, parent)
    family_url = f"/api/teleservices/orientation/{form['id']}"
    council_url = f"/api/school/teleservices/orientation/{form['id']}/council"
    await staff.put(council_url, json=_council(form, "favourable", "reserved"))
    read = (await parent.get(family_url)).json()  # what the phone shows, then keeps while offline
    assert read["answered_at"]

    missing = await parent.post(f"{family_url}/actions", json={"action": "accept"})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "answer_version_missing"
    naive = read["answered_at"].replace("Z", "").split("+")[0]  # a moment without its zone is not one
    assert (
        await parent.post(f"{family_url}/actions", json={"action": "accept", "answered_at": naive})
    ).status_code == 400

    # Meanwhile the council changes its answer: the queued acceptance reaches the server afterwards.
    changed = await staff.put(council_url, json=_council(form, "unfavourable", "reserved", comment="Revu."))
    assert changed.json()["answered_at"] != read["answered_at"]
    queued = {"action": "accept", "answered_at": read["answered_at"], "client_id": "phone-1"}
    stale = await parent.post(f"{family_url}/actions", json=queued)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "answer_changed"
    assert "modifié sa réponse depuis que vous l'avez lue" in stale.json()["error"]["message"]
    row = await OrientationForm.select().where(OrientationForm.id == form["id"]).first()
    assert (row["state"], row["responded_by_id"]) == ("answered", None)

    reread = (await parent.get(family_url)).json()
    assert [w["opinion"] for w in reread["wishes"]] == ["unfavourable", "reserved"]
    current = {"action": "decline", "answered_at": reread["answered_at"], "client_id": "phone-2"}
    declined = await parent.post(f"{family_url}/actions", json=current)
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    events = len(declined.json()["history"])
    for retry in (current, {**current, "client_id": ""}):  # the same answer again: acts once
        again = await parent.post(f"{family_url}/actions", json=retry)
        assert again.status_code == 200 and len(again.json()["history"]) == events
    # The first one, retried after all: it never acted, and still does not.
    assert (await parent.post(f"{family_url}/actions", json=queued)).status_code == 409
    assert (await parent.get(family_url)).json()["state"] == "declined"


async def test_the_téléservices_operations_declare_what_they_answer(new_client):
    """The statuses the tests above provoke are in the OpenAPI contract, and the answer's version is a field."""
    schema = (await (await new_client()).get("/schema/openapi.json")).json()
    paths = schema["paths"]
    expected = {
        ("/api/school/teleservices/bourses/{request_id}/actions", "post"): {"200", "400", "404", "409"},
        ("/api/school/teleservices/orientation/{form_id}/council", "put"): {"200", "400", "404", "409"},
        ("/api/teleservices/orientation/{form_id}/actions", "post"): {"200", "400", "404", "409"},
        ("/api/school/teleservices/bourses/{request_id}", "get"): {"200", "404"},
        ("/api/school/teleservices/orientation/{form_id}", "get"): {"200", "404"},
        ("/api/teleservices/bourses/{request_id}/pieces/{piece_id}", "get"): {"200", "403", "404"},
    }
    for (path, method), statuses in expected.items():
        assert statuses <= set(paths[path][method]["responses"]), (path, method)
    body = paths["/api/teleservices/orientation/{form_id}/actions"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "answered_at" in schema["components"]["schemas"][ref]["properties"]
