"""The class council's proposal for the students whose family sent no wishes (final phase): listed as
"Aucun vœu transmis", proposed for once the families' window has closed, accepted or declined by the
family like any answer of the council; a draft's wishes are kept for the family as "non transmis"."""

from __future__ import annotations

from db.accounts.tables import OutboxMessage
from db.core.tables import User
from db.push.tables import NotificationEvent
from db.teleservices.tables import OrientationForm, TeleserviceEvent
from tests.accounts_builders import messages_to
from tests.factories import enrol, make_family, make_user
from tests.teleservices_builders import TWO_WISHES, open_campaign, set_dates, signed_in, tele_setup, unsent_draft

REQUESTS = "/api/school/teleservices/requests"
GENERAL = {"track": "2gt"}
CAP = {"track": "cap", "detail": "Cuisine"}


def _target(campaign, student) -> str:
    return f"/api/school/teleservices/orientation/campaigns/{campaign.id}/students/{student.id}"


async def _closed_final(s, level: str = "3e"):
    """The final phase of `level`, its window closed yesterday; families may reply for 20 more days."""
    return await open_campaign(s, "orientation_final", level, opens=-30, closes=-1, replies=20)


async def _events(form_id) -> list[str]:
    rows = await TeleserviceEvent.select(TeleserviceEvent.action).where(TeleserviceEvent.orientation_form_id == form_id)
    return [row["action"] for row in rows]


async def test_the_council_proposes_for_a_student_without_a_fiche_and_the_family_accepts(new_client):
    s = await tele_setup()
    campaign = await _closed_final(s)
    staff = await signed_in(new_client, s.staff)
    parent, other = await signed_in(new_client, s.parent), await signed_in(new_client, s.other_parent)

    listed = await staff.get(REQUESTS, params={"service": "orientation_final"})
    assert listed.headers["cache-control"] == "no-store"
    [line] = listed.json()  # Hugo (3e); Inès is in 2de, another level
    assert (line["student"]["first_name"], line["id"], line["state"], line["state_label"]) == (
        "Hugo",
        None,
        "no_wishes",
        "Aucun vœu transmis",
    )
    assert (line["campaign_id"], line["summary"]) == (
        str(campaign.id),
        "Proposition du conseil de classe à enregistrer",
    )
    assert (await staff.get(REQUESTS, params={"state": "no_wishes"})).json() == [line]
    assert (await staff.get(REQUESTS, params={"meeting_requested": "true"})).json() == []
    target = await staff.get(_target(campaign, s.student))
    assert target.headers["cache-control"] == "no-store"
    assert (target.json()["actions"], target.json()["form_id"]) == (["propose"], None)

    body = {"proposal": GENERAL, "comment": "Le conseil propose la 2de générale.", "client_id": "proposal-1"}
    proposed = await staff.put(f"{_target(campaign, s.student)}/proposal", json=body)
    assert proposed.status_code == 200, proposed.text
    form = proposed.json()
    assert (form["state"], form["wishes"], form["proposal"]["label"]) == (
        "answered",
        [],
        "2de générale et technologique",
    )
    assert [(e["action"], e["from_state"], e["to_state"], e["by"], e["by_school"]) for e in form["history"]] == [
        ("propose", "draft", "answered", "Stéphane Girard", True)
    ]
    assert form["history"][0]["label"] == "Proposition du conseil de classe (aucun vœu transmis)"

    # Retried (the same client_id, or the same proposal again): one fiche, one event, one notice each.
    for retry in (body, {**body, "client_id": ""}, {**body, "client_id": "proposal-2"}):
        again = await staff.put(f"{_target(campaign, s.student)}/proposal", json=retry)
        assert again.status_code == 200 and again.json()["id"] == form["id"], again.text
    assert await OrientationForm.count() == 1 and await _events(form["id"]) == ["propose"]
    assert await NotificationEvent.count().where(NotificationEvent.kind == "teleservice") == 2  # each guardian
    assert await OutboxMessage.count().where(OutboxMessage.channel == "email") == 2
    [told] = await messages_to("elodie@example.fr")
    assert "Aucun vœu d'orientation n'a été transmis pour Hugo" in told and "proposition" in told, told

    # The school's list now has the fiche itself; the student's line points at it.
    [line] = (await staff.get(REQUESTS, params={"service": "orientation_final"})).json()
    assert (line["id"], line["state"], line["summary"]) == (
        form["id"],
        "answered",
        "Proposition : 2de générale et technologique",
    )
    assert (await staff.get(_target(campaign, s.student))).json()["form_id"] == form["id"]

    # The family reads it in its summary and on the fiche, then answers like any answer of the council.
    [child] = (await parent.get("/api/teleservices/summary")).json()["children"]
    [demarche] = child["demarches"]
    assert (demarche["request_id"], demarche["pending"]["code"], demarche["school_message"]) == (
        form["id"],
        "answer",
        "Le conseil propose la 2de générale.",
    )
    seen = (await parent.get(f"/api/teleservices/orientation/{form['id']}")).json()
    assert (seen["actions"], seen["wishes"], seen["unsent_wishes"]) == (["accept", "decline"], [], [])
    reply = {"action": "accept", "answered_at": seen["answered_at"], "client_id": "accept-1"}
    accepted = await parent.post(f"/api/teleservices/orientation/{form['id']}/actions", json=reply)
    assert accepted.json()["state"] == "accepted"
    shown = (await other.get(f"/api/teleservices/orientation/{form['id']}")).json()
    assert (shown["responded_by"], shown["actions"]) == ("Élodie Fontaine", [])
    assert shown["responded_at"]

    # Answered by the family: the council's proposal no longer changes (a retry still answers as is).
    changed = await staff.put(f"{_target(campaign, s.student)}/proposal", json={"proposal": CAP})
    assert changed.status_code == 409 and changed.json()["error"]["details"]["state"] == "accepted"
    assert (await staff.put(f"{_target(campaign, s.student)}/proposal", json=body)).status_code == 200


async def test_a_draft_s_wishes_stay_the_family_s_as_unsent_and_the_family_declines(new_client):
    s = await tele_setup()
    await User.update({User.email: "secretariat@example.fr"}).where(User.id == s.staff.id)
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    campaign, draft_id = await unsent_draft(s, parent)

    listed = await staff.get(REQUESTS, params={"state": "no_wishes"})
    assert [line["state"] for line in listed.json()] == ["no_wishes"]
    assert draft_id not in listed.text and "relation client" not in listed.text  # a draft is the family's
    assert (await staff.get(f"/api/school/teleservices/orientation/{draft_id}")).status_code == 404
    target = (await staff.get(_target(campaign, s.student))).json()
    assert (target["form_id"], target["state"], target["actions"]) == (None, "no_wishes", ["propose"])
    # The académie's file has the student too, as the list does, without the draft's wishes.
    exported = (await staff.get("/api/school/teleservices/exports/orientation.csv")).content.decode("utf-8-sig")
    [row] = exported.splitlines()[1:]
    assert row.startswith("3e A;") and ";Aucun vœu transmis;" in row and "relation client" not in row

    proposed = await staff.put(f"{_target(campaign, s.student)}/proposal", json={"proposal": CAP, "comment": ""})
    assert proposed.status_code == 200, proposed.text
    form = proposed.json()
    assert form["id"] == draft_id and (form["wishes"], form["unsent_wishes"]) == ([], [])
    assert "relation client" not in proposed.text  # the school does not read the unsent wishes
    assert "relation client" not in (await staff.get(f"/api/school/teleservices/orientation/{draft_id}")).text
    exported = (await staff.get("/api/school/teleservices/exports/orientation.csv")).content.decode("utf-8-sig")
    [row] = exported.splitlines()[1:]
    assert "1re année de CAP — Cuisine" in row and "relation client" not in row and "générale" not in row
    # The history keeps the family's steps (without their content) before the council's proposal.
    assert [(e["action"], e["message"]) for e in form["history"]] == [("create", ""), ("wishes", ""), ("propose", "")]

    seen = (await parent.get(f"/api/teleservices/orientation/{draft_id}")).json()
    assert [w["label"] for w in seen["unsent_wishes"]] == [
        "2de générale et technologique",
        "2de professionnelle — Métiers de la relation client",
    ]
    assert (seen["wishes"], seen["proposal"]["label"], seen["actions"]) == (
        [],
        "1re année de CAP — Cuisine",
        ["accept", "decline"],
    )
    assert (await parent.put(f"/api/teleservices/orientation/{draft_id}/wishes", json=TWO_WISHES)).status_code == 409
    declined = await parent.post(
        f"/api/teleservices/orientation/{draft_id}/actions",
        json={"action": "decline", "comment": "Nous voulons en parler.", "answered_at": seen["answered_at"]},
    )
    assert (declined.json()["state"], declined.json()["meeting_requested"]) == ("declined", True)
    [told] = await messages_to("secretariat@example.fr")
    assert "demande un rendez-vous avec le chef d'établissement" in told
    meetings = (await staff.get(REQUESTS, params={"meeting_requested": "true"})).json()
    assert [(line["id"], line["summary"]) for line in meetings] == [
        (draft_id, "Proposition : 1re année de CAP — Cuisine")
    ]


async def test_the_proposal_waits_for_the_close_and_ends_with_the_family_s_deadline(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "orientation_final", "3e", opens=-30, closes=3, replies=20)
    staff = await signed_in(new_client, s.staff)
    url = f"{_target(campaign, s.student)}/proposal"

    # Open: the family may still send its wishes; the line says until when, the council waits.
    [line] = (await staff.get(REQUESTS, params={"state": "no_wishes"})).json()
    assert line["summary"].startswith("Vœux attendus jusqu'au")
    target = (await staff.get(_target(campaign, s.student))).json()
    assert target["actions"] == [] and "peut transmettre ses vœux jusqu'au" in target["note"]
    early = await staff.put(url, json={"proposal": GENERAL})
    assert early.status_code == 409 and early.json()["error"]["code"] == "wishes_window_open"
    assert await OrientationForm.count() == 0  # nothing created for a refused proposal

    # Coming, or cancelled: neither listed nor proposed for.
    await set_dates(campaign, opens=5, closes=10)
    assert (await staff.get(REQUESTS, params={"state": "no_wishes"})).json() == []
    assert (await staff.put(url, json={"proposal": GENERAL})).status_code == 409

    # After the families' reply date: the family could not answer, so the council does not propose.
    await set_dates(campaign, opens=-30, closes=-10, replies=-1)
    [line] = (await staff.get(REQUESTS, params={"state": "no_wishes"})).json()
    assert line["summary"].startswith("Pas de proposition du conseil")
    assert (await staff.get(_target(campaign, s.student))).json()["actions"] == []
    late = await staff.put(url, json={"proposal": GENERAL})
    assert late.status_code == 409 and late.json()["error"]["code"] == "family_deadline_passed"
    assert await OrientationForm.count() == 0

    # Within the dates: proposed; the family's reply is then bound by the same date.
    await set_dates(campaign, replies=2)
    form = (await staff.put(url, json={"proposal": GENERAL})).json()
    await set_dates(campaign, replies=-1)
    parent = await signed_in(new_client, s.parent)
    reply = {"action": "accept", "answered_at": form["answered_at"]}
    too_late = await parent.post(f"/api/teleservices/orientation/{form['id']}/actions", json=reply)
    assert too_late.status_code == 409 and too_late.json()["error"]["code"] == "reply_deadline_passed"


async def test_a_family_that_sent_its_wishes_is_answered_on_its_fiche(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "orientation_final", "2de", opens=-30, closes=5, replies=20)
    lycee_parent, staff = await signed_in(new_client, s.parent_2de), await signed_in(new_client, s.staff)
    opening = {"campaign_id": str(campaign.id), "student_id": str(s.student_2de.id)}
    form_id = (await lycee_parent.post("/api/teleservices/orientation", json=opening)).json()["id"]
    wishes = {"wishes": [{"track": "1t", "detail": "STI2D"}]}
    assert (await lycee_parent.put(f"/api/teleservices/orientation/{form_id}/wishes", json=wishes)).status_code == 200
    sent = await lycee_parent.post(f"/api/teleservices/orientation/{form_id}/actions", json={"action": "submit"})
    assert sent.json()["state"] == "submitted"
    await set_dates(campaign, closes=-1)

    assert (await staff.get(REQUESTS, params={"state": "no_wishes"})).json() == []
    target = (await staff.get(_target(campaign, s.student_2de))).json()
    assert (target["form_id"], target["state"], target["actions"]) == (form_id, "submitted", [])
    proposal = {"proposal": {"track": "1g", "specialities": ["MATHS", "PC", "SVT"]}}
    refused = await staff.put(f"{_target(campaign, s.student_2de)}/proposal", json=proposal)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "wishes_sent"

    # A fiche answered without wishes is corrected with a proposal, never left without one.
    other_student = await make_user(s.school, "student", first_name="Lina", last_name="Roux")
    await enrol(other_student, s.class_2de)
    first = await staff.put(f"{_target(campaign, other_student)}/proposal", json=proposal)
    assert first.status_code == 200, first.text
    council = f"/api/school/teleservices/orientation/{first.json()['id']}/council"
    empty = await staff.put(council, json={"answers": []})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "proposal_required"
    corrected = await staff.put(council, json={"answers": [], "proposal": {"track": "1t", "detail": "STMG"}})
    assert corrected.json()["proposal"]["label"] == "1re technologique STMG"
    assert [e["action"] for e in corrected.json()["history"]] == ["propose", "answer"]


async def test_who_may_propose(new_client):
    s = await tele_setup()
    campaign = await _closed_final(s)
    provisional = await open_campaign(s, "orientation_provisional", "3e", opens=-60, closes=-40, replies=20)
    body = {"proposal": GENERAL}
    url = f"{_target(campaign, s.student)}/proposal"

    for role in (s.teacher, s.parent, s.student):
        client = await signed_in(new_client, role)
        for response in (await client.get(_target(campaign, s.student)), await client.put(url, json=body)):
            assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", role
        assert (await client.get(REQUESTS)).status_code == 403

    elsewhere = await make_family()
    foreign_staff = await signed_in(new_client, await make_user(elsewhere.school, "staff"))
    for response in (await foreign_staff.get(_target(campaign, s.student)), await foreign_staff.put(url, json=body)):
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert (await foreign_staff.get(REQUESTS)).json() == []

    staff = await signed_in(new_client, s.admin)  # the administrator too (the head of school)
    foreign_student = f"/api/school/teleservices/orientation/campaigns/{campaign.id}/students/{elsewhere.student.id}"
    assert (await staff.put(f"{foreign_student}/proposal", json=body)).status_code == 404
    other_level = await staff.put(f"{_target(campaign, s.student_2de)}/proposal", json=body)
    assert other_level.status_code == 400 and other_level.json()["error"]["code"] == "not_concerned"
    not_final = await staff.put(f"{_target(provisional, s.student)}/proposal", json=body)
    assert not_final.status_code == 400 and not_final.json()["error"]["code"] == "no_proposal"
    wrong_track = await staff.put(url, json={"proposal": {"track": "1g", "specialities": ["MATHS", "PC", "SVT"]}})
    assert wrong_track.status_code == 400 and wrong_track.json()["error"]["code"] == "invalid_wish"
    assert await OrientationForm.count() == 0
    assert (await staff.put(url, json=body)).status_code == 200
