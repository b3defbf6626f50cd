"""Field types shared by request bodies."""

from __future__ import annotations

from typing import Annotated

import msgspec

# An idempotency key chosen by the client once per action (a random UUID): a retried request with
# it acts once. A phone's offline queue keeps it with the queued request.
ClientId = Annotated[str, msgspec.Meta(min_length=8, max_length=64)]
