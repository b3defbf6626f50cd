"""Headers every response carries: no caching of private API data, a strict CSP, and one charset.

Litestar appends `; charset=utf-8` to any `text/*` media type a handler names, even one that already
says it (`text/calendar; charset=utf-8; charset=utf-8`): this is the one place where a Content-Type
keeps a single charset parameter, whichever response it is."""

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


def one_charset(content_type: bytes) -> bytes:
    """A Content-Type value with its first charset parameter only."""
    if content_type.lower().count(b"charset=") < 2:
        return content_type
    parameters, seen = [], False
    for parameter in content_type.split(b";"):
        if parameter.strip().lower().startswith(b"charset="):
            if seen:
                continue
            seen = True
        parameters.append(parameter)
    return b";".join(parameters)


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            # Raw (name, value) pairs: this runs on every response, and is cheap that way.
            if message["type"] == "http.response.start":
                headers = [
                    (pair[0], one_charset(pair[1])) if pair[0].lower() == b"content-type" else pair
                    for pair in message.get("headers", ())
                    if pair[0].lower() not in _REPLACED
                ]
                cached_as_said = any(pair[0].lower() == b"cache-control" for pair in headers)
                headers.extend(SECURITY_HEADERS)
                if is_api and not cached_as_said:
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
