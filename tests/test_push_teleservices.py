"""A téléservice answer reaches the family's phones: the school's decision records, in its own
transaction, a "teleservice" notification for each legal guardian of that student, and only for
them, unless they muted it for that child; its lock-screen line never says which téléservice; the
e-mail leaves after the commit."""

from __future__ import annotations

import pytest

from api.push import events as push_events
from api.teleservices import requests as teleservice_requests
from db.accounts.tables import OutboxMessage
from db.push.tables import NotificationEvent
from db.teleservices.tables import BourseRequest
from tests.push_builders import bodies, change_settings, deliver, subscribed_phone
from tests.teleservices_builders import add_scale, open_campaign, signed_in, tele_setup, upload


async def filed_bourse(parent, campaign, student) -> str:
    opened = await parent.post(
        "/api/teleservices/bourses", json={"campaign_id": str(campaign.id), "student_id": str(student.id)}
    )
    assert opened.status_code == 200, opened.text
    request_id = opened.json()["id"]
    form = {"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True}
    assert (await parent.put(f"/api/teleservices/bourses/{request_id}", json=form)).status_code == 200
    assert (await upload(parent, request_id)).status_code == 200
    filed = await parent.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "file"})
    assert filed.json()["state"] == "filed", filed.text
    return request_id


async def test_a_bourse_decision_pushes_to_each_guardian_of_that_student(new_client, push_service):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    await add_scale(s)
    parent = await subscribed_phone(new_client, s.parent, push_service)
    other_parent = await subscribed_phone(new_client, s.other_parent, push_service)
    student = await subscribed_phone(new_client, s.student, push_service)
    another_family = await subscribed_phone(new_client, s.parent_2de, push_service)
    request_id = await filed_bourse(await signed_in(new_client, s.parent), campaign, s.student)
    staff = await signed_in(new_client, s.staff)

    asked = await staff.post(
        f"/api/school/teleservices/bourses/{request_id}/actions",
        json={"action": "request_piece", "message": "Joindre l'avis 2025.", "client_id": "ask-1"},
    )
    assert asked.status_code == 200 and asked.json()["state"] == "incomplete"
    await deliver(s.school.id)

    # The guardians hear it, with the first name only, not which téléservice (a bourse is means-tested, and
    # a lock screen is seen by others); the student (the request is the parents') and another family do not.
    expected = ["Démarche mise à jour pour Hugo"]
    assert bodies(push_service, parent) == expected and bodies(push_service, other_parent) == expected
    assert bodies(push_service, student) == [] and bodies(push_service, another_family) == []
    message = push_service.for_endpoint(parent.subscription["endpoint"])[0]
    assert message.payload["screen"] == "demarches"  # the app's "Démarches" of that profile and child
    assert message.payload["profile"] == parent.device_id and message.payload["child"] == str(s.student.id)
    assert "avis" not in message.payload["body"]  # the school's message stays in Cartable
    assert "bourse" not in message.payload["body"].lower()
    # E-mail is still the first channel: push was added, nothing replaced.
    assert await OutboxMessage.count().where(OutboxMessage.destination == "elodie@example.fr") == 1

    # A retried decision changes nothing and pushes nothing; one guardian muting it no longer hears it.
    again = await staff.post(
        f"/api/school/teleservices/bourses/{request_id}/actions",
        json={"action": "request_piece", "message": "Joindre l'avis 2025.", "client_id": "ask-1"},
    )
    assert again.status_code == 200
    assert (await deliver(s.school.id)).sent == 0
    await change_settings(other_parent, muted=[f"{s.student.id}:teleservice"])
    parent_client = await signed_in(new_client, s.parent)
    await upload(parent_client, request_id)
    completed = await parent_client.post(f"/api/teleservices/bourses/{request_id}/actions", json={"action": "complete"})
    assert completed.status_code == 200, completed.text
    granted = await staff.post(
        f"/api/school/teleservices/bourses/{request_id}/actions", json={"action": "grant", "echelon": 2}
    )
    assert granted.status_code == 200 and granted.json()["state"] == "granted"
    await deliver(s.school.id)
    assert bodies(push_service, parent) == expected * 2
    assert bodies(push_service, other_parent) == expected


async def test_the_council_s_answer_pushes_to_the_guardians(new_client, push_service):
    s = await tele_setup()
    campaign = await open_campaign(s, "orientation_provisional", "3e")
    parent = await subscribed_phone(new_client, s.parent, push_service)
    other_parent = await subscribed_phone(new_client, s.other_parent, push_service)
    student = await subscribed_phone(new_client, s.student, push_service)
    family = await signed_in(new_client, s.parent)
    opened = await family.post(
        "/api/teleservices/orientation", json={"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
    )
    url = f"/api/teleservices/orientation/{opened.json()['id']}"
    assert (await family.put(f"{url}/wishes", json={"wishes": [{"track": "2gt"}]})).status_code == 200
    sent = (await family.post(f"{url}/actions", json={"action": "submit"})).json()
    await deliver(s.school.id)
    assert bodies(push_service, parent) == []  # the family's own moves are not pushed back to it

    staff = await signed_in(new_client, s.staff)
    answer = {"answers": [{"wish_id": sent["wishes"][0]["id"], "opinion": "favourable"}], "client_id": "council-1"}
    council = f"/api/school/teleservices/orientation/{sent['id']}/council"
    assert (await staff.put(council, json=answer)).status_code == 200
    await deliver(s.school.id)
    expected = ["Démarche mise à jour pour Hugo"]
    assert bodies(push_service, parent) == expected and bodies(push_service, other_parent) == expected
    assert bodies(push_service, student) == []
    assert push_service.for_endpoint(parent.subscription["endpoint"])[0].payload["screen"] == "demarches"
    assert (await staff.put(council, json=answer)).status_code == 200  # a retry pushes nothing more
    assert (await deliver(s.school.id)).sent == 0


async def _broken(*_args, **_kwargs):
    raise RuntimeError("the database connection was lost")


@pytest.mark.parametrize(
    "failing",
    [(push_events, "record"), (teleservice_requests, "record")],
    ids=["the push cannot be recorded", "the decision's own event cannot be written"],
)
async def test_a_decision_is_committed_with_its_push_or_not_at_all(new_client, push_service, monkeypatch, failing):
    s = await tele_setup()
    campaign = await open_campaign(s, "bourse_college")
    parent = await subscribed_phone(new_client, s.parent, push_service)
    request_id = await filed_bourse(await signed_in(new_client, s.parent), campaign, s.student)
    staff = await signed_in(new_client, s.staff)
    url = f"/api/school/teleservices/bourses/{request_id}/actions"
    ask = {"action": "request_piece", "message": "Joindre le RIB."}
    school = NotificationEvent.school_id == s.school.id

    with monkeypatch.context() as broken:
        broken.setattr(*failing, _broken)
        failed = await staff.post(url, json=ask)
    # Either half failing undoes the whole decision: nothing to announce, nobody told.
    assert failed.status_code == 500
    state = await BourseRequest.select(BourseRequest.state).where(BourseRequest.id == request_id).first()
    assert state["state"] == "filed"
    assert await NotificationEvent.count().where(school) == 0
    assert await OutboxMessage.count().where(OutboxMessage.school_id == s.school.id) == 0

    # Committed, it always carries its push: one event per guardian, then the phone hears it.
    asked = await staff.post(url, json=ask)
    assert asked.status_code == 200 and asked.json()["state"] == "incomplete"
    recorded = await NotificationEvent.select(NotificationEvent.kind, NotificationEvent.user_id).where(school)
    assert sorted((e["kind"], e["user_id"]) for e in recorded) == sorted(
        ("teleservice", guardian.id) for guardian in (s.parent, s.other_parent)
    )
    assert await OutboxMessage.count().where(OutboxMessage.school_id == s.school.id) == 2
    await deliver(s.school.id)
    assert bodies(push_service, parent) == ["Démarche mise à jour pour Hugo"]
