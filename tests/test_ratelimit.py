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
