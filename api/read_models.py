"""Family screens as read models: ONE SQL statement per request authenticates the caller, checks what
they may see and has PostgreSQL build the JSON; the bytes go out as they are (no decode, no re-encode).

A screen's SQL takes `$1` school and `$2` reader, then its own parameters. `FamilyRead` composes it
after the session's or the device's authentication CTEs (api/auth/sessions.py `SESSION_CTES`,
api/pairing/device_auth.py `DEVICE_CTES`): the reader is the authenticated `caller`, and the body is
built only when the caller may read. The refusals come out exactly as the `principal` dependency
gives them (same checks, same order: api/auth/principal.py `check_session`, device_auth `check_device`).

Every family read answers with a weak `ETag` (BLAKE2b of the body without its `generated_at`), and a
request whose `If-None-Match` names it gets `304 Not Modified` with no body: a phone that already has
that content downloads nothing. Handlers still declare their msgspec Struct (`Response[HomeworkList]`)
so the OpenAPI document describes the real body; tests decode every body into that Struct (strict).
A read built in Python (a Struct) goes out the same way (`struct_response`). A
download whose ETag is known before its body (a stored file: its immutable storage key; a printed
bulletin: what it prints) is a `ConditionalResponse`, which answers the 304 itself when Litestar
sends it, so the code that builds it needs no request and reads or prints nothing for a 304.
`tests/test_family_etags.py` holds every family GET route of the app to this, or to a listed reason.

SQL building blocks shared by several screens live in the domain that owns them (lessons in
api/timetable/family_read.py, homework items in api/homework/family_read.py, information posts in
api/communication/family_read.py); the visibility rule is the SQL function `family_audience` with its
predicate `reaches` (db/core migration "family read functions").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.openapi.datastructures import ResponseSpec

from api.auth import sessions
from api.auth.principal import NOT_SIGNED_IN, check_session
from api.auth.scope import FAMILY_ONLY, NOT_YOURS
from api.auth.tokens import parse_routed_token
from api.clock import now, today_in
from api.dates import DEFAULT_ZONE, school_today
from api.errors import ApiError, ErrorResponse
from api.openapi import errors
from api.pairing import device_auth
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


def sql_label(expression: str, names: dict[str, str]) -> str:
    """SQL for the label of a code (`names`: code → French label), as the Python side maps it."""
    branches = " ".join(f"WHEN '{code}' THEN '{label.replace(chr(39), chr(39) * 2)}'" for code, label in names.items())
    return f"CASE {expression} {branches} END"


def sql_rank(expression: str, codes) -> str:
    """SQL for the position of a code in `codes` (to order as the catalogue does)."""
    return f"CASE {expression} " + " ".join(f"WHEN '{code}' THEN {n}" for n, code in enumerate(codes)) + " END"


def read_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """A read's statuses for the domains that declare theirs (api/openapi.py `errors`): 400, 401,
    403, `statuses`, and the read's own (304, 503)."""
    return {**errors(*statuses), **READ_RESPONSES}


def conditional_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """`errors(*statuses)` and 304: a read answered with `ConditionalResponse` or with `read_response`
    outside the family screens (its 404 is its own)."""
    return {**errors(*statuses), NOT_MODIFIED: READ_RESPONSES[NOT_MODIFIED]}


FAMILY_ROLES = ("student", "parent")
SCHOOL_ROLES = ("student", "parent", "teacher", "staff", "admin")


def _after_authentication(ctes: str, auth_params: int, read_sql: str, roles: tuple[str, ...]) -> str:
    """`read_sql` as the body column of one statement after `ctes`: $1 stays the school, $2 becomes the
    authenticated caller, the screen's own parameters follow the authentication's."""

    def renumber(match: re.Match) -> str:
        number = int(match.group(1))
        return "$1" if number == 1 else "caller.user_id" if number == 2 else f"${auth_params + number - 2}"

    read = re.sub(r"\$(\d+)", renumber, read_sql.strip())
    allowed = ", ".join(f"'{role}'" for role in roles)
    body = f"CASE WHEN caller.ok AND caller.role IN ({allowed}) THEN ({read}) END AS body"
    return f"{ctes}\nSELECT caller.*, {body} FROM caller"


class FamilyRead:
    """A family screen's SQL ($1 school, $2 reader, then its own), in its one-statement forms.

    `roles`: who may read it (the family by default; SCHOOL_ROLES for what the whole school reads,
    such as the canteen menus)."""

    def __init__(self, sql: str, roles: tuple[str, ...] = FAMILY_ROLES) -> None:
        self.sql = sql
        self.roles = roles
        self.with_session = _after_authentication(sessions.SESSION_CTES, sessions.SESSION_PARAMS, sql, roles)
        self.with_device = _after_authentication(device_auth.DEVICE_CTES, device_auth.DEVICE_PARAMS, sql, roles)


async def family_read(request: Request, read: FamilyRead, *args: Any, missing: ApiError = NOT_YOURS) -> str:
    """Authenticate the caller and build the screen in one statement; the body's JSON text.

    Raises what the `principal` dependency and `require_family` would (401, 403), then `missing` (a
    404) when the screen's SQL returned nothing (a student who is not the reader's)."""
    if request.headers.get("authorization", "").startswith("DPoP "):
        access_token = _presented_token(request)
        school_id, auth, proof_error = device_auth.device_arguments(request, access_token, "access", access_token)
        row = await DB.pool.fetchrow(read.with_device, *auth, *args)
        await device_auth.check_device(school_id, row, proof_error)
        if row["token_expired"]:
            raise device_auth.TOKEN_EXPIRED
    else:
        token = sessions.session_token(request)
        if not token:
            raise NOT_SIGNED_IN
        auth = sessions.session_arguments(token)
        row = None if auth is None else await DB.pool.fetchrow(read.with_session, *auth, *args)
        check_session(request, row)
    if row["role"] not in read.roles:
        raise FAMILY_ONLY
    if row["body"] is None:
        raise missing
    return row["body"]


def _presented_token(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("DPoP "):
        return authorization[len("DPoP ") :].strip()
    return sessions.session_token(request)


async def reader_today(request: Request) -> date:
    """Today in the school of the credential presented (a family screen's default day), read from the
    token itself: routed tokens carry their school, and school zones are kept per process, so this
    sends no statement. A malformed credential gets Paris's day; `family_read` refuses it anyway."""
    token = _presented_token(request)
    parsed = parse_routed_token(token) if token else None
    return await school_today(parsed[0]) if parsed else today_in(DEFAULT_ZONE)


async def fetch_read_model(sql: str, *args: Any) -> bytes | None:
    """A read model's JSON for a caller already known (no authentication in the statement)."""
    text = await DB.pool.fetchval(sql, *args)
    return None if text is None else text.encode()


def etag_of(body: bytes) -> str:
    return f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    candidates = (tag.strip() for tag in if_none_match.split(","))
    return any(tag == "*" or tag.removeprefix("W/") == opaque for tag in candidates)


def _not_modified(etag: str) -> Response:
    return Response(b"", status_code=NOT_MODIFIED, headers={"ETag": etag})


def read_response(request: Request, text: str | bytes, *, stamped: bool = True) -> Response:
    """200 with the body (plus `generated_at`, the last field of a stamped Struct) and its ETag, or 304.
    `text`: the JSON a statement built (or a Struct's, from `struct_response`)."""
    body = text.encode() if isinstance(text, str) else text
    etag = etag_of(body)
    if _matches(request.headers.get("if-none-match", ""), etag):
        return _not_modified(etag)
    if stamped:
        body = body[:-1] + b', "generated_at" : ' + msgspec.json.encode(now()) + b"}"
    return Response(body, media_type=MediaType.JSON, headers={"ETag": etag})


def struct_response(request: Request, value: Any) -> Response:
    """A read built in Python (a Struct, or a list of them) with its ETag, or 304."""
    return read_response(request, msgspec.json.encode(value), stamped=False)


class ConditionalResponse(Response):
    """A download with a weak ETag known before its body, made by `etag_of(what identifies the body)`:
    `304 Not Modified` with no body when the request's `If-None-Match` names it, else 200 with
    `content()`, which is called only then (a file is read, a PDF printed, for a 200 alone)."""

    def __init__(self, content: Callable[[], bytes], *, etag: str, headers: dict[str, str], **kwargs: Any) -> None:
        super().__init__(b"", headers={**headers, "ETag": etag}, **kwargs)
        self.etag, self.make_content = etag, content

    def to_asgi_response(self, app, request: Request, **kwargs: Any):
        if _matches(request.headers.get("if-none-match", ""), self.etag):
            return _not_modified(self.etag).to_asgi_response(app, request, **kwargs)
        self.content = self.make_content()
        return super().to_asgi_response(app, request, **kwargs)
