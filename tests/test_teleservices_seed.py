"""The demo seed opens the téléservices and shows requests in every state."""

from __future__ import annotations

from collections import Counter

from api.accounts.phones import normalise_phone
from api.teleservices.catalogue import BOURSE_STATES, ORIENTATION_STATES, SCALE_OF
from api.teleservices.scale import amount_of, expected_echelon, load_scale
from db.core.tables import User
from db.seed import seed_demo
from db.teleservices.tables import BourseRequest, OrientationForm, TeleserviceCampaign, TeleserviceEvent
from tests.factories import Ref
from tests.fixtures.api import sign_in


async def test_demo_campaigns_are_open_with_requests_in_every_state(client):
    await seed_demo()
    bourses = Counter(row["state"] for row in await BourseRequest.select(BourseRequest.state))
    forms = Counter(row["state"] for row in await OrientationForm.select(OrientationForm.state))
    assert set(bourses) == set(BOURSE_STATES) and set(forms) == set(ORIENTATION_STATES)
    # The decisions agree with the seeded resources and the year's scale, as the simulator would say.
    decided = await BourseRequest.select().where(BourseRequest.state.is_in(["granted", "refused"]))
    for request in decided:
        campaign = await TeleserviceCampaign.select().where(TeleserviceCampaign.id == request["campaign_id"]).first()
        scale = await load_scale(request["school_id"], campaign["school_year_id"], SCALE_OF[campaign["service"]])
        expected = expected_echelon(scale, request["dependent_children"], request["reference_income"])
        assert (expected, amount_of(scale, expected) if expected else None) == (
            request["echelon"],
            request["yearly_amount_cents"],
        ), request
    assert {r["state"] for r in decided} == {"granted", "refused"}
    # Every request has its history, from its opening.
    opened = await TeleserviceEvent.count().where(TeleserviceEvent.action == "create")
    assert opened == sum(bourses.values()) + sum(forms.values())

    aurelie = await User.select().where((User.first_name == "Aurélie") & (User.last_name == "Moreau")).first()
    await sign_in(client, Ref(id=aurelie["id"], school_id=aurelie["school_id"]))
    summary = (await client.get("/api/teleservices/summary")).json()
    pending = {
        (child["student"]["first_name"], d["service"]): (d["window"]["status"], (d["pending"] or {}).get("code"))
        for child in summary["children"]
        for d in child["demarches"]
    }
    assert pending[("Chloé", "bourse_college")] == ("open", "send_piece")
    assert pending[("Lucas", "bourse_college")] == ("open", "file")
    chloe = next(d for c in summary["children"] for d in c["demarches"] if c["student"]["first_name"] == "Chloé")
    request = (await client.get(f"/api/teleservices/bourses/{chloe['request_id']}")).json()
    assert request["school_message"] and request["pieces"]
    download = await client.get(request["pieces"][0]["url"])
    assert download.status_code == 200 and download.content.startswith(b"%PDF")

    # The school's log of contact changes has a line of each kind, and each account holds its new detail.
    staff = await User.select().where(User.role == "staff").first()
    await sign_in(client, Ref(id=staff["id"], school_id=staff["school_id"]))
    lines = (await client.get("/api/school/teleservices/contact-changes")).json()
    assert sorted(line["field"] for line in lines) == ["address", "email", "phone"]
    for line in lines:
        if line["field"] != "address":
            holder = await User.select(User.phone, User.email).where(User.id == line["guardian_id"]).first()
            held = holder["email"] if line["field"] == "email" else normalise_phone(holder["phone"])
            assert held == line["new_value"] and line["old_value"] != line["new_value"] and line["children"]
