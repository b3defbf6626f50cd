"""JSON from outside, decoded without letting its nesting crash the decoder.

Decoders (msgspec, the `json` module) recurse once per level of nesting and raise `RecursionError`
about 1,000 levels down: a 500, and a different answer from the one a well-formed refusal gets. So
any JSON a client controls is measured first, by `nesting_exceeds`, then decoded:
- a request body: `api/boundary.py` (every route, before the handler);
- JSON that arrives inside a request (a passkey credential, a WebAuthn `clientDataJSON`, a DPoP
  proof's header and claims): `decode_untrusted`, the one way to read it, which refuses with the
  caller's 4xx (a clean `ApiError`, in the one error shape).
`api/errors.py` still turns a `RecursionError` that would get past into a 400, as a last resort.
"""

from __future__ import annotations

from typing import Any

import msgspec

from api.errors import ApiError

MAX_DEPTH = 32  # far beyond what the API reads (a few levels), far below a decoder's recursion limit
INVALID_JSON = ApiError(400, "invalid_json", "Le contenu envoyé n'est pas du JSON valide.")
TOO_DEEP = ApiError(400, "too_deep", "Le contenu envoyé est trop imbriqué.")

_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPENING, _CLOSING = frozenset(b"[{"), frozenset(b"]}")


def nesting_exceeds(text: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit`, without decoding it.

    One pass over the bytes, a constant amount of work for each, no backtracking: linear in the
    length whatever the text holds (unterminated strings, runs of escapes...). Brackets inside
    strings do not count; an escape (`\\"`, `\\\\`) never ends a string. Malformed text is measured
    all the same (the decoder refuses it afterwards)."""
    if text.count(b"[") + text.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSING:
            depth -= 1
    return False


def decode_untrusted(
    text: bytes | str,
    type: Any = Any,  # noqa: A002 (msgspec's own name for it)
    *,
    refusal: ApiError | None = None,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Client-supplied JSON that is not the request body, decoded strictly as `type`.

    Refused with `refusal` when given (a flow that must answer the same whatever was wrong), else
    with TOO_DEEP or INVALID_JSON: nested deeper than `max_depth`, not JSON, not UTF-8, not a `type`."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if nesting_exceeds(raw, max_depth):
        raise refusal or TOO_DEEP
    try:
        return msgspec.json.decode(raw, type=type, strict=True)
    except msgspec.DecodeError:  # msgspec's ValidationError is a DecodeError, and so is bad UTF-8
        raise (refusal or INVALID_JSON) from None
