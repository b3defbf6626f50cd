"""The demo seed shows every feature of issue #14 to the demo accounts: the school's links, Chloé's
published bulletin, Lucas's work to hand in and his corrected copy, this week's menus, the calendar,
and the alerts the CPE reads."""

from __future__ import annotations

from db.core.tables import User
from db.seed import seed_demo
from tests.factories import Ref
from tests.parity_builders import signed_in


async def _demo(first_name: str, last_name: str) -> Ref:
    row = await User.select().where((User.first_name == first_name) & (User.last_name == last_name)).first()
    return Ref(id=row["id"], school_id=row["school_id"], identifier=row["identifier"])


async def test_every_feature_has_demo_data(new_client):
    await seed_demo()
    aurelie, lucas = await _demo("Aurélie", "Moreau"), await _demo("Lucas", "Moreau")
    chloe, cpe = await _demo("Chloé", "Moreau"), await _demo("Stéphane", "Girard")
    parent, student, staff = [await signed_in(new_client, user) for user in (aurelie, lucas, cpe)]
    assert (aurelie.identifier, lucas.identifier, cpe.identifier) == ("a.moreau", "l.moreau", "s.girard")  # README

    tiles = {a["key"]: a for a in (await parent.get("/api/portal")).json()["apps"]}
    assert tiles["site-college"]["url"] == "https://etab.ac-poitiers.fr/coll-commynes-niort/"
    assert tiles["messagerie"]["url"] == "/espace/messagerie.html"

    [bulletin] = (await parent.get(f"/api/students/{chloe.id}/bulletins")).json()
    pdf = await parent.get(bulletin["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (await parent.get(f"/api/students/{lucas.id}/bulletins")).json() == []  # 4e A: council to come

    hand_ins = (await student.get(f"/api/students/{lucas.id}/hand-ins")).json()
    states = {(h["submission"]["status"], bool(h["submission"]["returned_at"])) for h in hand_ins}
    assert ("missing", False) in states and any(returned for _, returned in states)
    returned = next(h for h in hand_ins if h["submission"]["returned_at"])
    correction = await student.get(returned["submission"]["corrections"][0]["url"])
    assert correction.status_code == 200 and correction.content.startswith(b"%PDF")

    menus = (await parent.get("/api/canteen/menus")).json()["menus"]
    assert menus and all(len(menu["dishes"]) == 3 for menu in menus)
    events = (await parent.get(f"/api/students/{lucas.id}/events")).json()["events"]
    assert {"outing", "parents_evening"} <= {e["kind"] for e in events}

    alerts = (await staff.get("/api/school/alerts")).json()
    assert len(alerts) == 2 and sum(1 for a in alerts if a["acknowledged_at"]) == 1
    assert (await student.get("/api/me/alerts")).json()["open"] is True
