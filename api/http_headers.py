"""Headers every response carries: no caching of private API data, and a strict CSP."""

from __future__ import annotations

from litestar.types import ASGIApp, Message, Receive, Scope, Send

# No inline script, no third-party origin: the PWA ships all it runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
]
_REPLACED = {name for name, _ in SECURITY_HEADERS}
# Private data must never sit in a shared or browser HTTP cache (unless a handler said otherwise).
NO_STORE = (b"cache-control", b"no-store")


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            # Raw (name, value) pairs: this runs on every response, and is cheap that way.
            if message["type"] == "http.response.start":
                headers = [pair for pair in message.get("headers", ()) if pair[0].lower() not in _REPLACED]
                cached_as_said = any(pair[0].lower() == b"cache-control" for pair in headers)
                headers.extend(SECURITY_HEADERS)
                if is_api and not cached_as_said:
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
