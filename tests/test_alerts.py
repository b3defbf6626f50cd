"""The student's alert button: confidential, read only by the designated staff, every read logged,
rate-limited, and the school can turn it off. Parents and teachers never see an alert."""

from __future__ import annotations

import uuid

from db.accounts.tables import OutboxMessage
from db.alerts.tables import AlertRead, StudentAlert
from tests.parity_builders import setup, signed_in

ALERT = {
    "role": "victim",
    "category": "cyberharcelement",
    "body": "Des élèves de ma classe se moquent de moi dans un groupe de messages.",
}


def _alert(**fields) -> dict:
    return {**ALERT, "client_id": uuid.uuid4().hex, **fields}


async def _designate(new_client, s, *people, enabled: bool = True):
    admin = await signed_in(new_client, s.admin)
    response = await admin.put(
        "/api/school/alerts/settings", json={"enabled": enabled, "recipient_ids": [str(p.id) for p in people]}
    )
    assert response.status_code == 200, response.text
    return admin


async def test_an_alert_reaches_the_designated_staff_who_acknowledge_it(new_client):
    s = await setup()
    await _designate(new_client, s, s.staff)
    student, staff = await signed_in(new_client, s.student), await signed_in(new_client, s.staff)
    assert (await student.get("/api/me/alerts")).json()["open"] is True

    body = _alert()
    sent = await student.post("/api/me/alerts", json=body)
    assert sent.status_code == 200
    assert (await student.post("/api/me/alerts", json=body)).status_code == 200  # a resend from the phone's queue
    assert await StudentAlert.count() == 1
    [mine] = sent.json()["alerts"]
    assert mine["acknowledged_at"] is None and "3018" in sent.json()["help"]
    [mail] = await OutboxMessage.select().where(OutboxMessage.destination == "cpe@example.fr")
    assert "signalement" in mail["subject"].lower() and "Lucas" not in mail["body"] and "moquent" not in mail["body"]

    [line] = (await staff.get("/api/school/alerts")).json()
    assert "body" not in line and "student" not in line and line["reads"] == 0
    opened = (await staff.get(f"/api/school/alerts/{line['id']}")).json()
    assert opened["student"] == "Lucas Moreau" and opened["class_name"] == "4e A" and opened["body"] == ALERT["body"]
    acknowledged = (await staff.post(f"/api/school/alerts/{line['id']}/acknowledge")).json()
    assert acknowledged["acknowledged_by"] == "Stéphane Girard"
    first_ack = acknowledged["acknowledged_at"]
    again = (await staff.post(f"/api/school/alerts/{line['id']}/acknowledge")).json()
    assert again["acknowledged_at"] == first_ack  # the first acknowledgement stands
    assert [read["reader"] for read in again["reads"]] == ["Stéphane Girard"] * 3  # every opening is logged

    [mine] = (await student.get("/api/me/alerts")).json()["alerts"]
    assert mine["acknowledged_at"] == first_ack and "acknowledged_by" not in mine


async def test_every_read_is_in_the_audit_log_the_administrator_reads_without_the_alert(new_client):
    s = await setup()
    admin = await _designate(new_client, s, s.staff)
    student, staff = await signed_in(new_client, s.student), await signed_in(new_client, s.staff)
    await student.post("/api/me/alerts", json=_alert())
    [line] = (await staff.get("/api/school/alerts")).json()
    for _ in range(2):
        await staff.get(f"/api/school/alerts/{line['id']}")
    audit = (await admin.get("/api/school/alerts/audit")).json()
    assert [(entry["alert_id"], entry["reader"]) for entry in audit] == [(line["id"], "Stéphane Girard")] * 2
    assert "body" not in audit[0]
    assert await AlertRead.count() == 2
    # The administrator is not designated: the alert itself stays closed to them.
    assert (await admin.get(f"/api/school/alerts/{line['id']}")).status_code == 403
    assert (await admin.get("/api/school/alerts")).status_code == 403


async def test_parents_teachers_and_other_staff_never_see_an_alert(new_client):
    s = await setup()
    await _designate(new_client, s, s.staff)
    student = await signed_in(new_client, s.student)
    await student.post("/api/me/alerts", json=_alert())
    alert_id = (await StudentAlert.select(StudentAlert.id).first())["id"]
    parent, teacher = await signed_in(new_client, s.parent), await signed_in(new_client, s.teacher)
    for client in (parent, teacher):
        assert (await client.get("/api/me/alerts")).status_code == 403
        assert (await client.post("/api/me/alerts", json=_alert())).status_code == 403
        assert (await client.get("/api/school/alerts")).status_code == 403
        assert (await client.get(f"/api/school/alerts/{alert_id}")).status_code == 403
        for path in ("/api/portal", f"/api/students/{s.student.id}/home"):
            response = await client.get(path)
            assert "moquent" not in response.text and "signalement" not in response.text.lower().replace(
                "signaler", ""
            ), path
    # A classmate does not see it either, and another school's designated staff cannot open it.
    classmate = await signed_in(new_client, s.classmate)
    assert (await classmate.get("/api/me/alerts")).json()["alerts"] == []
    foreign_admin = await signed_in(new_client, s.foreign_admin)
    await foreign_admin.put(
        "/api/school/alerts/settings", json={"enabled": True, "recipient_ids": [str(s.foreign_staff.id)]}
    )
    foreign = await signed_in(new_client, s.foreign_staff)
    assert (await foreign.get("/api/school/alerts")).json() == []
    assert (await foreign.get(f"/api/school/alerts/{alert_id}")).status_code == 404
    assert await AlertRead.count() == 0


async def test_the_school_turns_the_button_off_and_chooses_who_reads(new_client):
    s = await setup()
    student = await signed_in(new_client, s.student)
    # No one designated yet: the button is closed.
    assert (await student.get("/api/me/alerts")).json()["open"] is False
    assert (await student.post("/api/me/alerts", json=_alert())).status_code == 409
    assert "signalement" not in {a["key"] for a in (await student.get("/api/portal")).json()["apps"]}

    admin = await _designate(new_client, s, s.staff, s.admin)
    settings = (await admin.get("/api/school/alerts/settings")).json()
    assert settings["open"] and {p["name"] for p in settings["recipients"]} == {"Stéphane Girard", "Olivier Marchand"}
    assert "signalement" in {a["key"] for a in (await student.get("/api/portal")).json()["apps"]}

    await _designate(new_client, s, s.staff, enabled=False)
    closed = await student.post("/api/me/alerts", json=_alert())
    assert closed.status_code == 409 and "3018" in closed.json()["error"]["message"]
    assert "signalement" not in {a["key"] for a in (await student.get("/api/portal")).json()["apps"]}

    for wrong in ([str(s.teacher.id)], [str(s.parent.id)], [str(s.foreign_staff.id)], [str(uuid.uuid4())]):
        response = await admin.put("/api/school/alerts/settings", json={"enabled": True, "recipient_ids": wrong})
        assert response.status_code == 400, wrong
    staff = await signed_in(new_client, s.staff)
    assert (
        await staff.put("/api/school/alerts/settings", json={"enabled": True, "recipient_ids": []})
    ).status_code == 403
    assert (await staff.get("/api/school/alerts/audit")).status_code == 403


async def test_alerts_are_rate_limited_and_validated(new_client):
    s = await setup()
    await _designate(new_client, s, s.staff)
    student = await signed_in(new_client, s.student)
    for wrong in ({"body": "   "}, {"role": "bully"}, {"category": "x"}, {"client_id": "short"}, {"body": "x" * 3001}):
        response = await student.post("/api/me/alerts", json=_alert(**wrong))
        assert response.status_code == 400 and response.json()["error"]["message"], wrong
    for _ in range(5):
        assert (await student.post("/api/me/alerts", json=_alert())).status_code == 200
    limited = await student.post("/api/me/alerts", json=_alert())
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert await StudentAlert.count() == 5
