"""One error shape for every 4xx/5xx: {"error": {"code", "message", "details"}}.

`message` is French and safe to show a user as is; `code` is stable for programs;
`details` carries per-field problems. No stack trace ever reaches a client.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE
from webauthn.helpers.exceptions import WebAuthnException

from db.pool import BoundedPool, ServerBusy
from piccolo_conf import DB

logger = logging.getLogger("cartable.errors")


class ErrorBody(msgspec.Struct):
    code: str
    message: str
    details: Any = None


class ErrorResponse(msgspec.Struct):
    error: ErrorBody


class ApiError(HTTPException):
    """Raise this from handlers and services: `ApiError(404, "not_found", "Devoir introuvable.")`."""

    def __init__(
        self, status_code: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.code = code
        self.message = message
        self.details = details


_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "La requête est invalide."),
    401: ("not_authenticated", "Vous devez vous connecter."),
    403: ("forbidden", "Vous n'avez pas accès à cette ressource."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode non autorisée."),
    409: ("conflict", "Conflit avec l'état actuel."),
    413: ("too_large", "Le contenu envoyé est trop volumineux."),
    415: ("unsupported_media_type", "Type de contenu non pris en charge."),
    422: ("invalid", "Certaines informations sont invalides."),
    429: ("too_many_requests", "Trop de tentatives. Réessayez plus tard."),
}


# A 429 or 503 always says when to come back (RFC 9110 `Retry-After`), in seconds: this when its
# raiser did not say.
DEFAULT_RETRY_AFTER = {429: "60", 503: "5"}


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> Response[ErrorResponse]:
    merged = {"Cache-Control": "no-store", **(headers or {})}
    if status in DEFAULT_RETRY_AFTER and not any(name.lower() == "retry-after" for name in merged):
        merged["Retry-After"] = DEFAULT_RETRY_AFTER[status]
    return Response(
        ErrorResponse(ErrorBody(code, message, details)), status_code=status, media_type=MediaType.JSON, headers=merged
    )


# Where `api/boundary.py` keeps the strict decoder's error for a body it refused, reported here once
# Litestar's own validation of the handler's arguments failed on that body.
REFUSED_BODY_ERROR = "cartable.refused_body_error"


def handle_http_exception(request: Request, exc: HTTPException) -> Response[ErrorResponse]:
    if isinstance(exc, ValidationException):
        exc = request.scope.get(REFUSED_BODY_ERROR, exc)
    headers = dict(exc.headers or {})
    if isinstance(exc, ApiError):
        return error_response(exc.status_code, exc.code, exc.message, exc.details, headers)
    code, message = _DEFAULTS.get(exc.status_code, ("error", "Une erreur est survenue."))
    details = None
    if isinstance(exc, ValidationException):
        code, message = "invalid", "Certaines informations sont invalides."
        details = exc.extra if exc.extra else None
        return error_response(400, code, message, details, headers)
    return error_response(exc.status_code, code, message, details, headers)


def handle_unexpected(request: Request, exc: Exception) -> Response[ErrorResponse]:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        HTTP_500_INTERNAL_SERVER_ERROR, "server_error", "Une erreur interne est survenue. Réessayez plus tard."
    )


# Seconds a client is asked to wait when every database connection stayed busy.
BUSY_RETRY_AFTER = 1


def handle_server_busy(_: Request, __: ServerBusy) -> Response[ErrorResponse]:
    return error_response(
        HTTP_503_SERVICE_UNAVAILABLE,
        "server_busy",
        "Le service est très sollicité. Réessayez dans un instant.",
        headers={"Retry-After": str(BUSY_RETRY_AFTER)},
    )


# Seconds a client is asked to wait when the database cannot be reached (a restart takes a few).
UNAVAILABLE_RETRY_AFTER = 5


UNAVAILABLE_MESSAGE = "Cartable est momentanément indisponible. Réessayez dans quelques instants."


def unavailable() -> ApiError:
    """The one answer for "the database is out of reach", for code that finds out another way (the
    health probe): 503 `service_unavailable` with `Retry-After`."""
    return ApiError(
        HTTP_503_SERVICE_UNAVAILABLE,
        "service_unavailable",
        UNAVAILABLE_MESSAGE,
        headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER)},
    )


def handle_database_unavailable(request: Request, exc: Exception) -> Response[ErrorResponse]:
    """The database cannot be reached: refused or lost connections, a server starting or shutting
    down. Nothing was done (or the transaction was rolled back with the connection): the client may
    retry. The pool replaces every connection it had, and serves again once the server is back."""
    if isinstance(exc, asyncpg.InterfaceError) and not _lost_connection(exc):
        return handle_unexpected(request, exc)  # a misuse of a connection, not an outage
    if isinstance(exc, OSError) and not _from_the_database_driver(exc):
        return handle_unexpected(request, exc)  # a full disk, a missing file, another service: a bug to see
    if isinstance(DB.pool, BoundedPool):
        DB.pool.forget_connections()
    # A protocol error is kept with its traceback: it follows a lost connection, but could be a bug.
    logger.warning(
        "Database unavailable on %s %s: %r", request.method, request.url.path, exc,
        exc_info=isinstance(exc, asyncpg.InternalClientError),
    )  # fmt: skip
    return handle_http_exception(request, unavailable())


def _lost_connection(exc: asyncpg.InterfaceError) -> bool:
    return "connection is closed" in str(exc) or "connection was closed" in str(exc)


def _from_the_database_driver(exc: OSError) -> bool:
    """Whether an OSError was raised while talking to PostgreSQL: asyncpg's code is on its way up
    (connecting, or reading and writing the socket), not only the app's own (a file, another service)."""
    return any(module.startswith("asyncpg.") for module in _modules_on_the_way(exc))


def _modules_on_the_way(exc: BaseException) -> list[str]:
    """The modules of the frames `exc` went through, from the handler's side to where it was raised."""
    modules = []
    frame = exc.__traceback__
    while frame is not None:
        modules.append(frame.tb_frame.f_globals.get("__name__", ""))
        frame = frame.tb_next
    return modules


# What "the database is not there" looks like: the socket to PostgreSQL refused or gone (an OSError
# from the driver: any other is a 500), a connection lost mid-query (or the protocol state it leaves
# behind), or PostgreSQL starting, stopping or out of connection slots.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)

# Every way the database can fail a whole request rather than one value: out of reach (above) or every
# connection busy. Code that catches broadly (one line of an import) lets these through, so that the
# request gets its 503 (the client retries) instead of a success that did nothing.
OUTAGES: tuple[type[Exception], ...] = (ServerBusy, *DATABASE_UNAVAILABLE)


def handle_refused_character(_: Request, __: Exception) -> Response[ErrorResponse]:
    """PostgreSQL refused a NUL character (text cannot hold one) that came in some way the request
    boundary (`api/boundary.py`) does not read, such as a multipart field."""
    return error_response(400, "invalid_character", "Le texte envoyé contient un caractère non autorisé.")


def handle_refused_value(request: Request, exc: asyncpg.DataError) -> Response[ErrorResponse]:
    """PostgreSQL refused a value for its column or type (SQLSTATE class 22, "data exception"): a text
    longer than its column, a number or a date out of range, text that is not the type it should be.
    Nothing was written (its transaction rolled back). A value that reached the database unchecked is
    a check missing at the boundary or in a handler: logged with its traceback, to be added there."""
    logger.warning("Value refused by the database on %s %s: %s", request.method, request.url.path, exc, exc_info=exc)
    if isinstance(exc, asyncpg.StringDataRightTruncationError):
        return error_response(400, "too_long", "Un des textes envoyés est trop long.")
    return error_response(400, "invalid_value", "Une des valeurs envoyées n'est pas acceptée (format ou limites).")


# Where the client's bytes are decoded by Litestar, not by the app: the multipart parser (a form field's
# text, in the charset its part names). JSON bodies are checked before, in `api/boundary.py`.
_CLIENT_TEXT_DECODER = "litestar._multipart"


def handle_undecodable_text(request: Request, exc: Exception) -> Response[ErrorResponse]:
    """Text the client sent that is not in the charset it names (UTF-8 by default): a multipart form
    field that is not UTF-8 (UnicodeDecodeError), or a part naming a charset that does not exist
    (LookupError). Raised anywhere else, the same error is the server's own (a file, a stored value,
    another service decoded wrongly): a 500, logged, not blamed on the client."""
    # The frame that decoded, under the codec's own (a charset written in Python, as cp1252 is).
    decoder = next((m for m in reversed(_modules_on_the_way(exc)) if not m.startswith(("encodings.", "codecs"))), "")
    if decoder != _CLIENT_TEXT_DECODER:
        return handle_unexpected(request, exc)
    return error_response(400, "invalid_encoding", "Le texte envoyé n'est pas encodé en UTF-8.")


def handle_unknown_charset(request: Request, exc: LookupError) -> Response[ErrorResponse]:
    """A LookupError is a KeyError's or an IndexError's parent: only an unknown charset is text."""
    if type(exc) is LookupError:
        return handle_undecodable_text(request, exc)
    return handle_unexpected(request, exc)


def handle_too_deep(request: Request, exc: RecursionError) -> Response[ErrorResponse]:
    """Last resort: something the client sent nested deep enough to exhaust a decoder's recursion on a
    way `api/untrusted_json.py` does not guard (it should: kept with its traceback, to be closed)."""
    logger.warning("Recursion limit reached on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(400, "too_deep", "Le contenu envoyé est trop imbriqué.")


def handle_unreadable_passkey(_: Request, __: WebAuthnException) -> Response[ErrorResponse]:
    """py_webauthn could not read the credential the browser sent (malformed JSON, CBOR, key...)."""
    return error_response(400, "passkey_invalid", "La clé d'accès envoyée est illisible. Réessayez.")


EXCEPTION_HANDLERS = {
    HTTPException: handle_http_exception,
    ServerBusy: handle_server_busy,
    asyncpg.CharacterNotInRepertoireError: handle_refused_character,
    asyncpg.UntranslatableCharacterError: handle_refused_character,
    asyncpg.DataError: handle_refused_value,
    WebAuthnException: handle_unreadable_passkey,
    UnicodeDecodeError: handle_undecodable_text,
    LookupError: handle_unknown_charset,
    RecursionError: handle_too_deep,
    **dict.fromkeys(DATABASE_UNAVAILABLE, handle_database_unavailable),
    Exception: handle_unexpected,
}
