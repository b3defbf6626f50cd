"""The notification settings API (phone only) and who may subscribe to what: bad subscriptions are refused,
another family's child cannot be tuned, a desktop session or a teacher cannot subscribe, and a revoked
or unpaired device loses its subscription. The VAPID key is made on first start and kept."""

from __future__ import annotations

import os
import stat

from api.config import get_settings
from api.push import keys
from db.push.tables import PushSubscription
from tests.factories import make_family
from tests.fixtures.api import sign_in
from tests.pairing_builders import pair_phone
from tests.push_builders import change_settings, subscribed_phone
from tests.school_builders import school_setup


def test_the_vapid_key_is_made_on_first_start_kept_private_and_reused(tmp_path):
    path = tmp_path / "vapid" / "private.pem"
    first = keys._load_or_create(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = keys._load_or_create(path)
    assert first.private_numbers() == again.private_numbers()
    assert len(keys.public_key()) == 87  # base64url of a 65-byte P-256 point
    assert os.path.exists(get_settings().vapid_key_file)  # this run's key (the app makes it as it starts)


async def test_a_subscription_must_point_to_an_allowed_push_service_with_real_keys(new_client, push_service):
    setup = await school_setup()
    phone = await pair_phone(await new_client(), await new_client(), setup.student_4a)
    good = push_service.subscription()
    for endpoint in ("https://evil.example/push/1", "http://169.254.169.254/latest", "ftp://127.0.0.1/x", "nonsense"):
        refused = await phone.request("PUT", "/api/push/subscription", json={**good, "endpoint": endpoint})
        assert (refused.status_code, refused.json()["error"]["code"]) == (400, "push_service_refused"), endpoint
    bad_keys = {**good, "keys": {"p256dh": "AAAA", "auth": good["keys"]["auth"]}}
    assert (await phone.request("PUT", "/api/push/subscription", json=bad_keys)).status_code == 400
    ok = await phone.request("PUT", "/api/push/subscription", json=good)
    assert ok.status_code == 200 and ok.json()["subscribed"] is True
    # A new subscription of the same profile replaces the old one.
    newer = push_service.subscription()
    assert (await phone.request("PUT", "/api/push/subscription", json=newer)).status_code == 200
    rows = await PushSubscription.select(PushSubscription.endpoint)
    assert [row["endpoint"] for row in rows] == [newer["endpoint"]]
    assert (await phone.request("DELETE", "/api/push/subscription")).status_code == 204
    assert await PushSubscription.count() == 0


async def test_settings_are_checked_and_only_ones_own_children_can_be_tuned(new_client, push_service):
    setup = await school_setup()
    phone = await subscribed_phone(new_client, setup.parent_4a, push_service)
    wanted = {"quiet_start": "22:30", "quiet_end": "06:45", "generic_text": True, "reminder_enabled": True}
    changed = await change_settings(phone, muted=[f"{setup.student_4a.id}:evaluation"], reminder_time="19:15", **wanted)
    assert changed["muted"] == [f"{setup.student_4a.id}:evaluation"]
    assert (changed["quiet_start"], changed["quiet_end"], changed["reminder_time"]) == ("22:30", "06:45", "19:15")
    current = (await phone.request("GET", "/api/push/settings")).json()
    base = {key: current[key] for key in ("muted", "quiet_start", "quiet_end", "generic_text", "reminder_enabled",
                                          "reminder_time")}  # fmt: skip
    for wrong in (
        {"muted": [f"{setup.other_4a.id}:homework"]},  # another family's child
        {"muted": [f"{setup.student_4a.id}:everything"]},
        {"quiet_start": "25:00"},
        {"quiet_start": None},  # an end without a start
        {"reminder_time": "6pm"},
    ):
        response = await phone.request("PUT", "/api/push/settings", json={**base, **wrong})
        assert response.status_code == 400, wrong
    assert (await phone.request("PUT", "/api/push/settings", json={**base, "extra": 1})).status_code == 400


async def test_only_a_paired_phone_subscribes_never_a_desktop_session_or_a_teacher(client, push_service):
    setup = await school_setup()
    await sign_in(client, setup.parent_4a)
    response = await client.put("/api/push/subscription", json=push_service.subscription())
    assert (response.status_code, response.json()["error"]["code"]) == (401, "dpop_required")
    await sign_in(client, setup.teacher_4a)
    assert (await client.get("/api/push/settings")).status_code == 401
    assert (await client.put("/api/pairing/pairings", json={"code": "K7P2"})).status_code in (403, 405)


async def test_revoking_or_unpairing_a_device_deletes_its_subscription(client, new_client, push_service):
    family = await make_family()
    revoked = await subscribed_phone(new_client, family.parent, push_service)
    unpaired = await subscribed_phone(new_client, family.student, push_service)
    kept = await subscribed_phone(new_client, family.parent, push_service)
    await sign_in(client, family.parent)
    assert (await client.delete(f"/api/pairing/devices/{revoked.device_id}")).status_code == 204
    assert (await unpaired.request("DELETE", "/api/pairing/device")).status_code == 204
    left = [str(row["device_id"]) for row in await PushSubscription.select(PushSubscription.device_id)]
    assert left == [kept.device_id]
    assert (await revoked.request("GET", "/api/push/settings")).status_code == 401  # and it cannot come back


async def test_a_family_of_another_school_hears_nothing_of_this_one(client, new_client, push_service):
    here, there = await school_setup(), await make_family(class_name="4e A")  # a class of the same name
    phone = await subscribed_phone(new_client, there.student, push_service)
    from tests.push_builders import deliver, lesson_today
    from tests.test_push_delivery import give_homework

    await give_homework(client, here, await lesson_today(here))
    assert (await deliver(here.school.id)).sent == 0 and (await deliver(there.school.id)).sent == 0
    assert push_service.for_endpoint(phone.subscription["endpoint"]) == []
