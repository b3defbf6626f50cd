"""The error statuses each operation declares in the OpenAPI document, all in the one error shape.

    @post("/…", responses=errors(404, 409))

`errors(...)` names what only the handler knows (409 for a state conflict, 429 for a rate limit, 404
for a record looked up by a body field). `document_errors(app)` then adds to every API operation what
the app's boundaries make possible, so that no status an operation answers is missing:
- 400: any request (a query holding `%00` is refused before routing reaches the handler);
- 401 and 403: any operation that needs a signed-in caller (`principal`; CSRF token on writes);
- 401, 403 and 429: any public write: those are the ways in (sign-in, activation, recovery, pairing),
  each rate-limited per address, checking the page's origin and refusing a wrong credential;
- 404: any operation naming a record, in its path or by an `…_id` field of its body;
- 413 and 415: any operation that takes a body (`api/boundary.py`: size, content type);
- 503: any API operation (the database busy or unreachable), with `Retry-After`.
It replaces Litestar's default 400 body (`{status_code, detail, extra}`), which the app never sends.
`tests/test_openapi_contract.py` checks the result, and `tests/test_fuzz_api.py` holds every answer
of a fuzzed run to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import OpenAPIHeader, OpenAPIMediaType, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins import OpenAPISchemaPlugin

from api.errors import ErrorResponse

_DESCRIPTIONS = {
    400: "Requête invalide (champ manquant, valeur hors limites, caractère interdit).",
    401: "Non connecté, ou session expirée.",
    403: "Profil non autorisé, jeton CSRF manquant, ou demande en lecture seule.",
    404: "Introuvable, ou pas dans votre établissement, votre famille ou vos classes.",
    410: "Lien ou QR code expiré, remplacé ou déjà utilisé.",
    409: "Impossible dans l'état actuel (déjà traité, publié ou rendu, délai passé, fonction fermée).",
    413: "Contenu ou fichier trop volumineux.",
    415: "Type de contenu ou de fichier non accepté.",
    429: "Trop de tentatives : réessayez après `Retry-After` secondes.",
    503: "Service momentanément indisponible ou surchargé : réessayez après `Retry-After` secondes.",
}
_RETRY_AFTER = OpenAPIHeader(schema=Schema(type=OpenAPIType.INTEGER), description="Secondes à attendre.", required=True)


def _spec(status: int) -> ResponseSpec:
    return ResponseSpec(ErrorResponse, description=_DESCRIPTIONS[status])


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """400, 401 and 403, plus `statuses`."""
    return {status: _spec(status) for status in sorted({400, 401, 403, *statuses})}


def boundary_statuses(handler: HTTPRouteHandler, path: str) -> set[int]:
    """The statuses the app's boundaries let `handler` answer at `path`, whatever its own code does."""
    parameters = handler.parsed_fn_signature.parameters
    statuses = {400, 503}
    if "principal" in parameters:
        statuses |= {401, 403}
    elif handler.http_methods - {"GET", "HEAD"}:
        statuses |= {401, 403, 429}
    if "{" in path or _names_records(parameters.get("data")):
        statuses.add(404)
    if "data" in parameters:
        statuses |= {413, 415}
    return statuses


def _names_records(data: Any) -> bool:
    body = getattr(data, "annotation", None)
    if not (isinstance(body, type) and issubclass(body, msgspec.Struct)):
        return False
    return any(name.endswith(("_id", "_ids")) for name in body.__struct_fields__)


def document_errors(app: Litestar) -> None:
    """Declare on every API operation the error statuses of `boundary_statuses` (see the module)."""
    for route in app.routes:
        if not route.path.startswith("/api/"):
            continue
        for handler in getattr(route, "route_handlers", ()):
            declared = dict(handler.responses or {})
            for status in boundary_statuses(handler, route.path) - set(declared):
                declared[status] = _spec(status)
            handler.responses = dict(sorted(declared.items()))


class WallClockTimeSchema(OpenAPISchemaPlugin):
    """A `time` (a lesson's start, an event's end) is a wall-clock `HH:MM:SS`, as msgspec reads and
    writes it; Litestar documents it as an ISO 8601 duration, which it is not."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is time

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        return Schema(
            type=OpenAPIType.STRING,
            pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
            description="Heure (HH:MM:SS).",
        )


def also_served_as(*media_types: str) -> type[Operation]:
    """An operation whose success answer also comes as `media_types` (chosen by a body field), with
    the same schema: `@post(..., media_type="application/pdf", operation_class=also_served_as("text/html"))`."""

    @dataclass
    class ServedAs(Operation):
        def __post_init__(self) -> None:
            for status, response in (self.responses or {}).items():
                content = getattr(response, "content", None)
                if status.startswith("2") and content:
                    schema = next(iter(content.values())).schema
                    for media_type in media_types:
                        content.setdefault(media_type, OpenAPIMediaType(schema=schema))

    return ServedAs


class ContractJsonPlugin(JsonRenderPlugin):
    """Serves the document as JSON, with what Litestar's generator cannot say: `Retry-After` on every
    429 and 503 answer (a `ResponseSpec` declares no header), and no body for a 204 (a handler that
    returns `Response[None]` to set a cookie is documented with a JSON `null`, which is never sent)."""

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        retry_after = {"Retry-After": _RETRY_AFTER.to_schema()}
        for item in openapi_schema.get("paths", {}).values():
            for operation in item.values():
                responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
                for status in ("429", "503"):
                    if status in responses:
                        responses[status].setdefault("headers", {}).update(retry_after)
                if "204" in responses:
                    responses["204"].pop("content", None)
        return super().render(request, openapi_schema)
