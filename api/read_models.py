"""Family screens as read models: ONE SQL statement per screen checks what the reader may see and has
PostgreSQL build the JSON; the bytes go out as they are (no decode, no re-encode in Python).

Every family read answers with a weak `ETag` (BLAKE2b of the body without its `generated_at`), and a
request whose `If-None-Match` names it gets `304 Not Modified` with no body: a phone that already has
that content downloads nothing. Handlers still declare their msgspec Struct (`Response[HomeworkList]`)
so the OpenAPI document describes the real body; tests decode every body into that Struct (strict).

SQL building blocks shared by several screens live in the domain that owns them (lessons in
api/timetable/family_read.py, homework items in api/homework/family_read.py, information posts in
api/communication/family_read.py); the visibility rule is the SQL function `family_audience` with its
predicate `reaches` (db/core migration "family read functions").
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.openapi.datastructures import ResponseSpec

from api.clock import now
from api.errors import ErrorResponse
from piccolo_conf import DB

NOT_MODIFIED = 304

# The statuses a family read can answer besides 200 (for the OpenAPI document).
READ_RESPONSES = {
    NOT_MODIFIED: ResponseSpec(None, description="Not modified: the `If-None-Match` ETag is still current"),
    401: ResponseSpec(ErrorResponse, description="Not signed in, or the session or device token is not valid"),
    403: ResponseSpec(ErrorResponse, description="Not a family account, or first login to finish"),
    404: ResponseSpec(ErrorResponse, description="No such student for this reader"),
    503: ResponseSpec(ErrorResponse, description="Server busy: retry after `Retry-After` seconds"),
}


async def fetch_read_model(sql: str, *args: Any) -> bytes | None:
    """The JSON text PostgreSQL built, as bytes; None when the statement returned no row or NULL."""
    text = await DB.pool.fetchval(sql, *args)
    return None if text is None else text.encode()


async def fetch_read_model_row(sql: str, *args: Any):
    """For a read model that also returns flags next to its body (first column)."""
    return await DB.pool.fetchrow(sql, *args)


def etag_of(body: bytes) -> str:
    return f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    candidates = (tag.strip() for tag in if_none_match.split(","))
    return any(tag == "*" or tag.removeprefix("W/") == opaque for tag in candidates)


def read_response(request: Request, body: bytes, *, stamped: bool = True) -> Response:
    """200 with the body (plus `generated_at`, the last field of a stamped Struct) and its ETag, or 304."""
    etag = etag_of(body)
    headers = {"ETag": etag}
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(b"", status_code=NOT_MODIFIED, headers=headers)
    if stamped:
        body = body[:-1] + b', "generated_at" : ' + msgspec.json.encode(now()) + b"}"
    return Response(body, media_type=MediaType.JSON, headers=headers)
