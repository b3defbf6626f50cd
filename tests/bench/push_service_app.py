"""The tests' push service (tests/push_service.py) as a process of its own for `just bench push`, with two
bench-only routes: POST /bench/subscriptions?count=N makes N subscriptions (their keys stay here, to
decrypt) and GET /bench/stats says what arrived (count, refused, wall-clock arrival times)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from tests.push_service import PushService

service = PushService()
arrivals: list[tuple[float, str]] = []  # (time.time(), subscription token) of each message accepted


async def _json(send, value) -> None:
    body = json.dumps(value).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    path = scope["path"]
    if path == "/bench/subscriptions":
        query = parse_qs(scope["query_string"].decode())
        service.origin = query["origin"][0]
        service.verify_every = int(query.get("verify_every", ["1"])[0])
        await _json(send, [service.subscription() for _ in range(int(query["count"][0]))])
    elif path == "/bench/stats":
        await _json(send, {"received": len(service.received), "refused": service.refused[:5],
                           "refused_count": len(service.refused), "arrivals": arrivals[-int(1e6):]})  # fmt: skip
    elif path == "/bench/reset":
        service.clear()
        arrivals.clear()
        await _json(send, {})
    else:
        import time

        before = len(service.received)
        await service(scope, receive, send)
        if len(service.received) > before:
            arrivals.append((time.time(), path.rsplit("/", 1)[-1]))
