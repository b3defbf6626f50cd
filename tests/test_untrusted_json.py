"""JSON from outside cannot crash or stall its decoding: the nesting is measured in one pass over the
bytes (api/untrusted_json.py), before any decoder recurses, whatever the text holds."""

from __future__ import annotations

import json

import pytest

from api.errors import ApiError
from api.untrusted_json import MAX_DEPTH, decode_untrusted, nesting_exceeds

MEGABYTE = 1024 * 1024


class OnePassBytes(bytes):
    """Bytes that count how often, and how far, they are read from start to end."""

    def __new__(cls, value: bytes):
        made = super().__new__(cls, value)
        made.passes, made.read = 0, 0
        return made

    def __iter__(self):
        self.passes += 1
        for byte in super().__iter__():
            self.read += 1
            yield byte


def unterminated_escapes(depth: int, size: int, escape: bytes = b'\\"') -> bytes:
    """`depth` opening brackets, then a string that never ends, made of `\\"` (the ReDoS body)."""
    head = b"[" * depth + b'"'
    return head + escape * ((size - len(head)) // len(escape))


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, False),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), True),
        (b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1), True),
        (b"[" * (MAX_DEPTH + 1), True),  # never closed: still too deep
        (b"[]" * 10_000, False),  # many brackets, never deep
        (b'["' + b"[" * 100 + b'"]', False),  # brackets inside a string are text
        (b'["\\"' + b"[" * 100 + b'"]', False),  # an escaped quote does not end the string
        (b'["\\\\"' + b"[" * 100, True),  # an escaped backslash does: the brackets are structure
        (b'["\\\\\\"' + b"[" * 100 + b'"]', False),  # \\ then \" : still inside
        (b"[" * MAX_DEPTH + b'"' + b"[" * 100, False),  # unterminated string: its brackets are text
        (unterminated_escapes(MAX_DEPTH, 10_000), False),
        (unterminated_escapes(MAX_DEPTH + 1, 10_000), True),
        (b'"\\' + b"[" * 100, False),  # a string ending on a lone backslash
    ],
)
def test_nesting_is_measured_outside_strings_and_escapes(text, deeper):
    assert nesting_exceeds(text, MAX_DEPTH) is deeper
    if not deeper:  # agrees with a real decoder wherever the text is JSON
        try:
            json.loads(text)
        except (ValueError, RecursionError) as error:
            assert not isinstance(error, RecursionError)


@pytest.mark.parametrize(
    "text",
    [
        unterminated_escapes(MAX_DEPTH, MEGABYTE, b'\\"['),
        b"[" * MAX_DEPTH + b'"' + b"\\" * MEGABYTE,
        b'"' * MEGABYTE,
        b"[]" * (MEGABYTE // 2),
        b"[" * MAX_DEPTH + b'"' + b'\\\\"\\"' * (MEGABYTE // 6),
    ],
)
def test_adversarial_megabytes_are_read_once_byte_by_byte(text):
    """The scan reads the text in a single pass, each byte once: its work grows with the length, never
    with its square (the regular expression it replaces retried the rest of the text from every quote)."""
    counted = OnePassBytes(text)
    nesting_exceeds(counted, MAX_DEPTH)
    assert counted.passes <= 1 and counted.read <= len(text)


def test_a_deep_text_stops_the_scan_where_it_gets_too_deep():
    counted = OnePassBytes(unterminated_escapes(MAX_DEPTH + 1, MEGABYTE))
    assert nesting_exceeds(counted, MAX_DEPTH)
    assert counted.read == MAX_DEPTH + 1


async def test_a_megabyte_of_unterminated_escapes_is_refused_from_an_anonymous_route(client):
    # Too deep, or within the depth and refused by the decoder (an array is not the expected object).
    for depth, codes in ((MAX_DEPTH + 1, {"too_deep"}), (MAX_DEPTH, {"invalid", "invalid_json"})):
        response = await client.post(
            "/api/accounts/password-check",
            content=unterminated_escapes(depth, MEGABYTE - 64),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] in codes


@pytest.mark.parametrize(
    "text", ["[" * 5000 + "]" * 5000, '{"a":' * 1000 + "1" + "}" * 1000, "{", '"\\', b"\xff", "nul", ""]
)
def test_decode_untrusted_refuses_with_a_clean_error(text):
    with pytest.raises(ApiError) as refused:
        decode_untrusted(text, dict)
    assert refused.value.status_code == 400 and refused.value.code in {"too_deep", "invalid_json"}
    own = ApiError(401, "refused", "Refusé.")
    with pytest.raises(ApiError) as refused:
        decode_untrusted(text, dict, refusal=own)
    assert refused.value is own


def test_decode_untrusted_reads_json_of_the_expected_type():
    assert decode_untrusted('{"a": [1, {"b": "["}]}', dict) == {"a": [1, {"b": "["}]}
    with pytest.raises(ApiError):
        decode_untrusted("[1]", dict)
