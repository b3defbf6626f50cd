"""Orientation (fiche dialogue): wishes by level, deadlines, the council's answers, the family's answer."""

from __future__ import annotations

from db.accounts.tables import OutboxMessage
from db.core.tables import User
from tests.accounts_builders import messages_to
from tests.factories import make_family, make_user
from tests.teleservices_builders import TWO_WISHES, open_campaign, set_dates, signed_in, tele_setup


async def _form(parent, campaign, student) -> dict:
    response = await parent.post(
        "/api/teleservices/orientation", json={"campaign_id": str(campaign.id), "student_id": str(student.id)}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _submitted(parent, campaign, student) -> dict:
    form = await _form(parent, campaign, student)
    assert (await parent.put(f"/api/teleservices/orientation/{form['id']}/wishes", json=TWO_WISHES)).status_code == 200
    sent = await parent.post(f"/api/teleservices/orientation/{form['id']}/actions", json={"action": "submit"})
    assert sent.status_code == 200, sent.text
    return sent.json()


def _answers(form: dict, *opinions: str) -> list[dict]:
    return [
        {"wish_id": wish["id"], "opinion": opinion, "comment": f"Avis {rank}"}
        for rank, (wish, opinion) in enumerate(zip(form["wishes"], opinions, strict=True), 1)
    ]


async def test_two_wishes_the_council_answers_and_the_first_guardian_accepts(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "orientation_provisional", "3e")
    parent, other = await signed_in(new_client, s.parent), await signed_in(new_client, s.other_parent)
    staff = await signed_in(new_client, s.staff)

    form = await _form(parent, campaign, s.student)
    assert form["state"] == "draft" and form["actions"] == ["edit"]
    saved = (await parent.put(f"/api/teleservices/orientation/{form['id']}/wishes", json=TWO_WISHES)).json()
    assert [w["label"] for w in saved["wishes"]] == [
        "2de générale et technologique",
        "2de professionnelle — Métiers de la relation client",
    ]
    assert saved["actions"] == ["edit", "submit"]
    sent = await other.post(f"/api/teleservices/orientation/{form['id']}/actions", json={"action": "submit"})
    assert sent.json()["state_label"] == "Vœux transmis"  # both guardians share the form

    # The council answers each wish; the provisional phase has no proposal of its own.
    council = f"/api/school/teleservices/orientation/{form['id']}/council"
    proposal = {"answers": _answers(saved, "favourable", "reserved"), "proposal": {"track": "2gt"}}
    refused = await staff.put(council, json=proposal)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "no_proposal"
    partial = await staff.put(council, json={"answers": _answers(saved, "favourable", "reserved")[:1]})
    assert partial.status_code == 400 and partial.json()["error"]["code"] == "answers_mismatch"
    answer = {"answers": _answers(saved, "favourable", "reserved"), "comment": "Bon trimestre."}
    answered = await staff.put(council, json=answer)
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    repeated = await staff.put(council, json=answer)  # the same answer again: no new event, no new e-mail
    assert [e["action"] for e in repeated.json()["history"]] == ["create", "wishes", "submit", "answer"]
    assert await OutboxMessage.count().where(OutboxMessage.channel == "email") == 2

    seen = (await parent.get(f"/api/teleservices/orientation/{form['id']}")).json()
    assert [(w["opinion_label"], w["comment"]) for w in seen["wishes"]] == [
        ("Favorable", "Avis 1"),
        ("Réservé", "Avis 2"),
    ]
    assert seen["actions"] == ["accept", "decline"]
    edit = await parent.put(f"/api/teleservices/orientation/{form['id']}/wishes", json=TWO_WISHES)
    assert edit.status_code == 409  # the wishes are frozen once the council has answered

    reply = {"answered_at": seen["answered_at"]}  # the council's answer the family read
    accepted = await parent.post(
        f"/api/teleservices/orientation/{form['id']}/actions", json={"action": "accept", **reply}
    )
    assert accepted.json()["state"] == "accepted"
    late = await other.post(f"/api/teleservices/orientation/{form['id']}/actions", json={"action": "decline", **reply})
    assert late.status_code == 409 and "Élodie Fontaine" in late.json()["error"]["message"]
    shown = (await other.get(f"/api/teleservices/orientation/{form['id']}")).json()
    assert shown["responded_by"] == "Élodie Fontaine" and shown["responded_at"] and shown["actions"] == []
    again = await parent.post(f"/api/teleservices/orientation/{form['id']}/actions", json={"action": "accept", **reply})
    assert again.status_code == 200  # a retry by the one who answered changes nothing


async def test_final_phase_proposal_declined_asks_for_a_meeting(new_client):
    s = await tele_setup()
    school_people = [
        (s.admin, "direction@example.fr"),
        (s.staff, "secretariat@example.fr"),
        (s.teacher, "prof@example.fr"),
    ]
    for person, email in school_people:
        await User.update({User.email: email}).where(User.id == person.id)
    campaign = await open_campaign(s, "orientation_final", "3e")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    form = await _submitted(parent, campaign, s.student)
    council = {
        "answers": _answers(form, "unfavourable", "favourable"),
        "proposal": {"track": "2pro", "detail": "Métiers de la relation client"},
        "client_id": "council-1",
    }
    answered = (await staff.put(f"/api/school/teleservices/orientation/{form['id']}/council", json=council)).json()
    assert answered["proposal"]["label"] == "2de professionnelle — Métiers de la relation client"
    declined = await parent.post(
        f"/api/teleservices/orientation/{form['id']}/actions",
        json={"action": "decline", "comment": "Nous souhaitons en parler.", "answered_at": answered["answered_at"]},
    )
    body = declined.json()
    assert body["state"] == "declined" and body["meeting_requested"] is True
    assert body["response_comment"] == "Nous souhaitons en parler."
    lines = (await staff.get("/api/school/teleservices/requests", params={"state": "declined"})).json()
    assert [(line["student"]["last_name"], line["summary"], line["meeting_requested"]) for line in lines] == [
        ("Fontaine", "Proposition : 2de professionnelle — Métiers de la relation client", True)
    ]

    # The school is told: the head of school (administrator) and the téléservices staff, not the teachers.
    for email in ("direction@example.fr", "secretariat@example.fr"):
        [told] = await messages_to(email)
        assert "demande un rendez-vous avec le chef d'établissement" in told and "3e A" in told, told
        assert "Hugo" not in told  # no pupil's name in an e-mail (api/notifications/notify.py)
    assert await messages_to("prof@example.fr") == []
    again = await parent.post(
        f"/api/teleservices/orientation/{form['id']}/actions",
        json={"action": "decline", "answered_at": answered["answered_at"]},
    )
    assert again.status_code == 200 and len(await messages_to("direction@example.fr")) == 1  # a retry tells no one

    # The school's list filters the meetings asked for; the orientation export has a column for them.
    requests = "/api/school/teleservices/requests"
    meetings = (await staff.get(requests, params={"meeting_requested": "true"})).json()
    assert [(line["kind"], line["id"]) for line in meetings] == [("orientation", form["id"])]
    others = (await staff.get(requests, params={"meeting_requested": "false"})).json()
    assert form["id"] not in [line["id"] for line in others]
    exported = (await staff.get("/api/school/teleservices/exports/orientation.csv")).content.decode("utf-8-sig")
    header, row = exported.splitlines()
    assert header.endswith(";Rendez-vous demandé") and row.endswith(";Oui")


async def test_the_council_may_change_its_answer_until_the_family_replies(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "orientation_provisional", "3e")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    form = await _submitted(parent, campaign, s.student)
    council = f"/api/school/teleservices/orientation/{form['id']}/council"
    first = await staff.put(council, json={"answers": _answers(form, "favourable", "reserved")})
    assert first.status_code == 200

    corrected = await staff.put(
        council, json={"answers": _answers(form, "reserved", "unfavourable"), "comment": "Avis corrigé."}
    )
    assert corrected.status_code == 200
    seen = (await parent.get(f"/api/teleservices/orientation/{form['id']}")).json()
    assert [w["opinion_label"] for w in seen["wishes"]] == ["Réservé", "Défavorable"]
    assert (seen["state"], seen["council_comment"], seen["actions"]) == (
        "answered",
        "Avis corrigé.",
        ["accept", "decline"],
    )
    answers = [(e["from_state"], e["to_state"], e["message"]) for e in seen["history"] if e["action"] == "answer"]
    assert answers == [("submitted", "answered", ""), ("answered", "answered", "Avis corrigé.")]
    assert await OutboxMessage.count().where(OutboxMessage.channel == "email") == 4  # both guardians, twice

    reply = {"action": "accept", "answered_at": seen["answered_at"]}
    assert (await parent.post(f"/api/teleservices/orientation/{form['id']}/actions", json=reply)).status_code == 200
    frozen = await staff.put(council, json={"answers": _answers(form, "unfavourable", "unfavourable")})
    assert frozen.status_code == 409 and frozen.json()["error"]["details"]["state"] == "accepted"
    kept = (await parent.get(f"/api/teleservices/orientation/{form['id']}")).json()
    assert [w["opinion"] for w in kept["wishes"]] == ["reserved", "unfavourable"]


async def test_wishes_follow_the_level_and_the_limit(new_client):
    s = await tele_setup()
    campaign_3e = await open_campaign(s, "orientation_provisional", "3e")
    campaign_2de = await open_campaign(s, "orientation_provisional", "2de")
    parent, lycee_parent = await signed_in(new_client, s.parent), await signed_in(new_client, s.parent_2de)
    form = await _form(parent, campaign_3e, s.student)
    url = f"/api/teleservices/orientation/{form['id']}/wishes"
    for wishes, code in [
        ([{"track": "cap"}], "invalid_wish"),  # a CAP names its field
        ([{"track": "1g", "specialities": ["MATHS", "PC", "SVT"]}], "invalid_wish"),  # not after 3e
        ([{"track": "2gt"}, {"track": "2gt"}], "duplicate_wish"),
        (
            [
                {"track": "2gt"},
                {"track": "cap", "detail": "a"},
                {"track": "cap", "detail": "b"},
                {"track": "2pro", "detail": "c"},
            ],
            "too_many_wishes",
        ),
    ]:
        response = await parent.put(url, json={"wishes": wishes})
        assert (response.status_code, response.json()["error"]["code"]) == (400, code), wishes
    assert (await parent.put(url, json={"wishes": [{"track": "nope"}]})).status_code == 400

    wrong_level = await lycee_parent.post(
        "/api/teleservices/orientation", json={"campaign_id": str(campaign_3e.id), "student_id": str(s.student_2de.id)}
    )
    assert wrong_level.status_code == 400
    lycee_form = await _form(lycee_parent, campaign_2de, s.student_2de)
    lycee_url = f"/api/teleservices/orientation/{lycee_form['id']}/wishes"
    two = await lycee_parent.put(lycee_url, json={"wishes": [{"track": "1g", "specialities": ["MATHS", "PC"]}]})
    assert two.status_code == 400
    good = await lycee_parent.put(
        lycee_url,
        json={"wishes": [{"track": "1g", "specialities": ["MATHS", "PC", "SVT"]}, {"track": "1t", "detail": "STI2D"}]},
    )
    assert [w["label"] for w in good.json()["wishes"]] == [
        "1re générale (Mathématiques, Physique-chimie, Sciences de la vie et de la Terre)",
        "1re technologique STI2D",
    ]
    choices = (await lycee_parent.get("/api/teleservices/orientation-choices", params={"level": "2de"})).json()
    assert choices["max_wishes"] == 3 and {"1g", "1t"} == {t["code"] for t in choices["tracks"]}


async def test_deadlines_are_enforced(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "orientation_provisional", "3e")
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    late_child = await open_campaign(s, "orientation_provisional", "2de", opens=-30, closes=-1, replies=5)
    closed = await (await signed_in(new_client, s.parent_2de)).post(
        "/api/teleservices/orientation", json={"campaign_id": str(late_child.id), "student_id": str(s.student_2de.id)}
    )
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "campaign_closed"
    assert "était ouvert du" in closed.json()["error"]["message"]

    # Wishes entered in time but not sent: after the close, neither sending nor changing them is possible.
    form = await _form(parent, campaign, s.student)
    url = f"/api/teleservices/orientation/{form['id']}"
    assert (await parent.put(f"{url}/wishes", json=TWO_WISHES)).status_code == 200
    await set_dates(campaign, closes=-1)
    late = await parent.post(f"{url}/actions", json={"action": "submit"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "campaign_closed"
    assert (await parent.get(url)).json()["state"] == "draft"

    # Wishes sent in time (still editable until the council answers): changing them after the close is refused.
    await set_dates(campaign, closes=5)
    assert (await parent.post(f"{url}/actions", json={"action": "submit"})).json()["state"] == "submitted"
    await set_dates(campaign, closes=-1)
    edit = await parent.put(f"{url}/wishes", json={"wishes": [{"track": "2gt"}]})
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "campaign_closed"

    # The council answers after the close; the family may reply until `replies_until`, not after.
    loaded = (await staff.get(f"/api/school/teleservices/orientation/{form['id']}")).json()
    answered = await staff.put(
        f"/api/school/teleservices/orientation/{form['id']}/council",
        json={"answers": _answers(loaded, "favourable", "reserved")},
    )
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    await set_dates(campaign, replies=-1)
    assert (await parent.get(url)).json()["actions"] == []
    reply = {"action": "accept", "answered_at": answered.json()["answered_at"]}
    too_late = await parent.post(f"{url}/actions", json=reply)
    assert too_late.status_code == 409 and too_late.json()["error"]["code"] == "reply_deadline_passed"
    assert (await parent.get(url)).json()["state"] == "answered"


async def test_orientation_access(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "orientation_provisional", "3e")
    parent = await signed_in(new_client, s.parent)
    form = await _submitted(parent, campaign, s.student)
    url = f"/api/teleservices/orientation/{form['id']}"
    student, teacher = await signed_in(new_client, s.student), await signed_in(new_client, s.teacher)
    stranger = await signed_in(new_client, s.parent_2de)
    assert (await student.get(url)).status_code == 403
    assert (await student.post(f"{url}/actions", json={"action": "accept"})).status_code == 403
    assert (await teacher.get(f"/api/school/teleservices/orientation/{form['id']}")).status_code == 403
    assert (await stranger.get(url)).status_code == 404
    assert (await stranger.put(f"{url}/wishes", json=TWO_WISHES)).status_code == 404
    assert (
        await parent.put(f"/api/school/teleservices/orientation/{form['id']}/council", json={"answers": []})
    ).status_code == 403


async def test_another_school_and_a_teacher_cannot_reach_a_fiche_dialogue(new_client):
    s = await tele_setup()
    campaign = await open_campaign(s, "orientation_provisional", "3e")
    parent = await signed_in(new_client, s.parent)
    form = await _submitted(parent, campaign, s.student)
    family_url = f"/api/teleservices/orientation/{form['id']}"
    council_url = f"/api/school/teleservices/orientation/{form['id']}/council"
    answer = {"answers": _answers(form, "unfavourable", "unfavourable"), "comment": "Intrus"}

    elsewhere = await make_family()
    foreign_parent = await signed_in(new_client, elsewhere.parent)
    opening = {"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
    assert (await foreign_parent.post("/api/teleservices/orientation", json=opening)).status_code == 404
    assert (await foreign_parent.get(family_url)).status_code == 404
    assert (await foreign_parent.put(f"{family_url}/wishes", json=TWO_WISHES)).status_code == 404
    assert (await foreign_parent.post(f"{family_url}/actions", json={"action": "submit"})).status_code == 404
    foreign_staff = await signed_in(new_client, await make_user(elsewhere.school, "staff"))
    assert (await foreign_staff.get(f"/api/school/teleservices/orientation/{form['id']}")).status_code == 404
    assert (await foreign_staff.put(council_url, json=answer)).status_code == 404
    teacher = await signed_in(new_client, s.teacher)
    assert (await teacher.put(council_url, json=answer)).status_code == 403

    shown = (await parent.get(family_url)).json()  # nobody answered for the council
    assert shown["state"] == "submitted" and shown["council_comment"] == ""
    assert [w["opinion"] for w in shown["wishes"]] == ["", ""]
