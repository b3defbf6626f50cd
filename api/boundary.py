"""What a request must be before any handler sees it, checked once for every route (issue #10).

Each rule closes a class of bad input with a 4xx in the one error shape, instead of a 500 from
deep inside (msgspec, the `csv` module, asyncpg):
- a JSON body comes as `application/json` (else 415), is at most `MAX_JSON_BYTES` (413), valid
  UTF-8 (400 `invalid_encoding`), nested at most `MAX_DEPTH` deep (400 `too_deep`: msgspec would
  recurse until a RecursionError; measured in one linear pass, `api/untrusted_json.py`), and holds
  no NUL character (400 `invalid_character`: PostgreSQL text cannot store one);
- it is decoded *strictly* into the type the handler declares: an integer is not a date, a string is
  not a number (Litestar converts leniently: `{"at": 6607}` was 1970-01-01), and every date and time
  in it lies within `FIRST_YEAR`..`LAST_YEAR` (PostgreSQL holds it; date arithmetic cannot overflow);
- a URL holds no NUL (`%00`): a path with one names nothing (404), a query with one is refused (400),
  and a query value written as a date (percent-encoded or not) lies within the same years;
- a form (an upload, a CSV import: `Body(media_type=RequestEncodingType.MULTI_PART)`) comes as
  `multipart/form-data` (else 415), and its text fields as UTF-8 (400 `invalid_encoding`, from
  `api/errors.py`, which blames the client for no other decoding error).
What slips past (a NUL in a multipart field or a header, a text longer than its column, a number out
of its column's range) is still refused by PostgreSQL, and `api/errors.py` turns that refusal into a
400 (`invalid_character`, `too_long`, `invalid_value`), logged as a check to add.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.types import ASGIApp, Empty, Receive, Scope, Send

from api.errors import REFUSED_BODY_ERROR, ApiError
from api.untrusted_json import INVALID_JSON, MAX_DEPTH, TOO_DEEP, nesting_exceeds

MAX_JSON_BYTES = 1024 * 1024  # the largest JSON body of the API is a few kilobytes; uploads set their own
FIRST_YEAR, LAST_YEAR = 1900, 2200

INVALID_CHARACTER = ApiError(400, "invalid_character", "Le texte envoyé contient un caractère non autorisé.")
# `\u0000` in JSON text, unless its backslash is itself escaped (`\\u0000` is the six characters).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_ISO_DATE = re.compile(r"(\d{4,})-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]*)?")
_JSON_TYPES = ("application/json",)


def _json_media_type(content_type: str) -> bool:
    return content_type in _JSON_TYPES or (content_type.startswith("application/") and content_type.endswith("+json"))


def _out_of_range(value: date) -> bool:
    return not FIRST_YEAR <= value.year <= LAST_YEAR


def _dated_values(value: Any, path: str):
    """Yield (path, date or datetime) for every date and time inside a decoded body."""
    if isinstance(value, (date, datetime)):
        yield path, value
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            yield from _dated_values(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            yield from _dated_values(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _dated_values(item, f"{path}.{key}" if path else str(key))


def _invalid(key: str, message: str) -> ValidationException:
    return ValidationException(detail=message, extra=[{"message": message, "key": key, "source": "body"}])


class _RefusedBody:
    """Stands in for a body that failed strict decoding. Litestar decodes the body before it resolves
    the handler's dependencies, and a refusal must not come before authentication and roles (a
    family on a school route gets its 403, whatever it sent): the handler's signature refuses this
    value after the dependencies ran, and `api/errors.py` then reports the decoder's own error."""

    __slots__ = ()


class StrictRequest(Request):
    """Litestar's request, whose JSON body (what `data: JSONBody[...]` receives) passes the rules above."""

    _decoders: dict[int, msgspec.json.Decoder] = {}

    async def json(self) -> Any:
        if self._json is Empty:  # decoded once per request, as Litestar's own
            if (decoded := self._connection_state.json) is Empty:
                body = await self.body()
                if body:
                    self._check_json_text(body)
                decoded = self._connection_state.json = self._decode(body or b"null")
            self._json = decoded
        return self._json

    def _check_json_text(self, body: bytes) -> None:
        if not _json_media_type(self.content_type[0]):
            raise ApiError(
                415, "unsupported_media_type", "Les données doivent être envoyées en JSON (application/json)."
            )
        if not body.isascii():
            try:
                body.decode()
            except UnicodeDecodeError:
                raise ApiError(400, "invalid_encoding", "Le texte envoyé n'est pas encodé en UTF-8.") from None
        if nesting_exceeds(body, MAX_DEPTH):
            raise TOO_DEEP
        if b"\\u0000" in body and _JSON_NUL.search(body):
            raise INVALID_CHARACTER

    def _decode(self, body: bytes) -> Any:
        try:
            value = self._decoder().decode(body)
        except msgspec.ValidationError as error:
            message, _, where = str(error).partition(" - at `$")
            return self._refuse(_invalid(where.rstrip("`").lstrip("."), message))
        except msgspec.DecodeError:
            raise INVALID_JSON from None
        for key, moment in _dated_values(value, ""):
            if _out_of_range(moment):
                return self._refuse(_invalid(key, f"Date hors limites ({FIRST_YEAR}-{LAST_YEAR})."))
        return value

    def _refuse(self, error: ValidationException) -> _RefusedBody:
        self.scope[REFUSED_BODY_ERROR] = error  # type: ignore[literal-required]
        return _RefusedBody()

    def _decoder(self) -> msgspec.json.Decoder:
        handler = self.route_handler
        decoder = self._decoders.get(id(handler))
        if decoder is None:
            field = handler.parsed_data_field
            decoder = msgspec.json.Decoder(field.raw if field is not None else Any, strict=True)
            self._decoders[id(handler)] = decoder
        return decoder


def url_boundary_middleware(app: ASGIApp) -> ASGIApp:
    """Cheap checks on every request, once routing has chosen its handler: NUL characters and
    out-of-range dates in the URL, and the content type of a form (an upload, a CSV import)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if "\x00" in scope["path"]:
                raise ApiError(404, "not_found", "Ressource introuvable.")
            query: bytes = scope.get("query_string", b"")
            if query:
                _check_query(query)
            handler = scope.get("route_handler")
            if handler is not None and (form_type := _form_type(handler)) is not None:
                _check_form_type(scope, form_type)
        await app(scope, receive, send)

    return middleware


def _check_query(query: bytes) -> None:
    if b"%00" in query:
        raise INVALID_CHARACTER
    # Decoded first: a date may come percent-encoded (`9999%2D12%2D31`).
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        dated = _ISO_DATE.fullmatch(value)
        if dated and not FIRST_YEAR <= int(dated.group(1)) <= LAST_YEAR:
            raise ApiError(400, "invalid", f"Date hors limites ({FIRST_YEAR}-{LAST_YEAR}).", details={key: "range"})


# The form encodings a handler's body may declare (`Body(media_type=...)`), as a Content-Type names them.
_FORM_TYPES = frozenset({RequestEncodingType.MULTI_PART.value, RequestEncodingType.URL_ENCODED.value})
_form_types: dict[int, str | None] = {}


def _form_type(handler: Any) -> str | None:
    """The form media type `handler`'s body must come as, or None (a JSON body, or none)."""
    key = id(handler)
    if key not in _form_types:
        field = getattr(handler, "parsed_data_field", None)
        media_type = getattr(getattr(field, "kwarg_definition", None), "media_type", None)
        media_type = getattr(media_type, "value", media_type)  # RequestEncodingType, or a string
        _form_types[key] = media_type if media_type in _FORM_TYPES else None
    return _form_types[key]


def _check_form_type(scope: Scope, form_type: str) -> None:
    """A form comes as the form it is: Litestar would read a JSON or text body as an empty form and
    answer 400 for the missing fields, when the client's mistake is the type (415, as for JSON)."""
    content_type = next((value for name, value in scope["headers"] if name == b"content-type"), b"")
    if content_type.split(b";", 1)[0].strip().lower().decode("latin-1") != form_type:
        raise ApiError(415, "unsupported_media_type", f"Les données doivent être envoyées en formulaire ({form_type}).")
