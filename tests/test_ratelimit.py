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
