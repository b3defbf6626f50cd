from datetime import timedelta

import pytest

from api.errors import ApiError
from api.ratelimit import limit, reset


async def test_limit_refuses_beyond_max_hits_with_retry_after():
    for expected in (1, 2, 3):
        assert await limit("probe", "1.2.3.4", max_hits=3, window=timedelta(minutes=5)) == expected
    with pytest.raises(ApiError) as refused:
        await limit("probe", "1.2.3.4", max_hits=3, window=timedelta(minutes=5))
    assert refused.value.status_code == 429
    assert 0 < int(refused.value.headers["Retry-After"]) <= 300
    # Another subject has its own budget, and a reset gives the budget back.
    assert await limit("probe", "5.6.7.8", max_hits=3, window=timedelta(minutes=5)) == 1
    await reset("probe", "1.2.3.4")
    assert await limit("probe", "1.2.3.4", max_hits=3, window=timedelta(minutes=5)) == 1


async def test_the_window_is_counted_on_the_app_clock(monkeypatch):
    """Moving the app's clock past the window gives the budget back, and `Retry-After` is read on it."""
    from api import clock

    moment = clock.wall_clock()
    monkeypatch.setattr(clock, "source", lambda: moment)
    window = timedelta(minutes=5)
    for _ in range(2):
        await limit("probe", "9.9.9.9", max_hits=2, window=window)
    with pytest.raises(ApiError):
        await limit("probe", "9.9.9.9", max_hits=2, window=window)
    moment += window
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
