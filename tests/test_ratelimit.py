from datetime import timedelta

import pytest

from api.errors import ApiError
from api.ratelimit import _window_start, hits_within, limit, reset


async def test_limit_refuses_beyond_max_hits_with_retry_after():
    for expected in (1, 2, 3):
        assert await limit("probe", "1.2.3.4", max_hits=3, window=timedelta(minutes=5)) == expected
    with pytest.raises(ApiError) as refused:
        await limit("probe", "1.2.3.4", max_hits=3, window=timedelta(minutes=5))
    assert refused.value.status_code == 429
    assert 0 < int(refused.value.headers["Retry-After"]) <= 2 * 300  # the window slides (below)
    # Another subject has its own budget, and a reset gives the budget back.
    assert await limit("probe", "5.6.7.8", max_hits=3, window=timedelta(minutes=5)) == 1
    await reset("probe", "1.2.3.4")
    assert await limit("probe", "1.2.3.4", max_hits=3, window=timedelta(minutes=5)) == 1


async def test_the_window_slides_on_the_app_clock_and_retry_after_says_when_a_hit_passes(monkeypatch):
    """Hits just before a window's boundary still count just after it (a fixed window would forget them
    and let twice the budget through), until they slide out, when `Retry-After` said."""
    from api import clock

    window = timedelta(minutes=5)
    boundary = _window_start(window, clock.wall_clock()) + window
    moment = boundary - timedelta(minutes=1)
    monkeypatch.setattr(clock, "source", lambda: moment)
    for _ in range(2):
        await limit("probe", "9.9.9.9", max_hits=2, window=window)
    with pytest.raises(ApiError):
        await limit("probe", "9.9.9.9", max_hits=2, window=window)

    moment = boundary + timedelta(seconds=1)
    with pytest.raises(ApiError) as refused:
        await limit("probe", "9.9.9.9", max_hits=2, window=window)
    wait = timedelta(seconds=int(refused.value.headers["Retry-After"]))
    moment += wait - timedelta(seconds=1)
    assert (await hits_within("probe", "9.9.9.9", window=window)).wait(2) == 1  # one more: refused for 1 s
    moment += timedelta(seconds=1)
    assert await limit("probe", "9.9.9.9", max_hits=2, window=window) == 2

    moment += 2 * window  # after a whole window of quiet, the whole budget is back
    assert await limit("probe", "9.9.9.9", max_hits=2, window=window) == 1


def test_an_ipv6_client_is_its_64_for_the_per_address_limits():
    from api.ratelimit import address_group

    assert address_group("2001:db8:1:2::1") == address_group("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"
    assert address_group("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert address_group("203.0.113.7") == "203.0.113.7"
    assert address_group("::ffff:203.0.113.7") == "203.0.113.7"
    assert address_group("::1") == "::1"  # this machine stays itself (api/client_address.py)
    assert address_group("unknown") == "unknown"


async def test_addresses_of_one_ipv6_network_share_a_per_address_limit(app):
    from tests.fixtures.api import client_from

    async def ask(peer: str) -> int:
        async with client_from(app, peer) as client:
            body = {"channel": "sms", "value": "07 99 99 99 99"}
            return (await client.post("/api/accounts/recovery/identifier", json=body)).status_code

    assert [await ask(f"2001:db8:1:2::{n:x}") for n in range(1, 11)] == [200] * 10
    assert await ask("2001:db8:1:2:abcd::1") == 429  # another address, the same subscriber
    assert await ask("2001:db8:1:3::1") == 200  # another network
