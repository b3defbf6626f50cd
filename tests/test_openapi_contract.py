"""The OpenAPI document is a contract: every status an operation can answer is declared, in the one
error shape (api/openapi.py). Checked here for every operation, by what it takes; `test_fuzz_api.py`
then holds every answer of a fuzzed run to the document."""

from __future__ import annotations

import ast
import inspect
import textwrap
import types

from litestar.exceptions import HTTPException

from api.errors import ApiError

# Read without signing in: liveness, and the demo outbox (demo mode only).
# and a calendar feed, opened by the secret in its URL (a calendar app polling it).
SIGNED_OUT_READS = {("/api/health", "get"), ("/api/demo/outbox", "get"), ("/api/calendar/{token}", "get")}


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        if path.startswith("/api/")
        for method, operation in item.items()
    ]


def _names_a_record(operation: dict) -> bool:
    return any(parameter["in"] == "path" for parameter in operation.get("parameters", []))


def _uploads_a_file(schema: dict, operation: dict) -> bool:
    body = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if not body:
        return False
    ref = body["schema"].get("$ref", "")
    form = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else body["schema"]
    return "file" in form.get("properties", {})


async def test_every_operation_documents_its_errors_in_the_one_shape(client):
    schema = (await client.get("/schema/openapi.json")).json()
    operations = _operations(schema)
    assert len(operations) >= 160
    for path, method, operation in operations:
        declared = set(operation["responses"])
        assert {"400", "503"} <= declared, (path, method)  # bad input; the database busy or down
        if (path, method) not in SIGNED_OUT_READS:
            assert {"401", "403"} <= declared, (path, method)
        if _names_a_record(operation):
            assert "404" in declared, (path, method)  # another school's, family's or class's id
        if "requestBody" in operation:
            assert {"413", "415"} <= declared, (path, method)  # body size, content type
        if _uploads_a_file(schema, operation):
            assert "429" in declared, (path, method)  # uploads are rate-limited
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse"), (
                    path,
                    status,
                )
            if status in ("429", "503"):
                assert response["headers"]["Retry-After"]["required"] is True, (path, status)
            if status == "204":
                assert "content" not in response, path


async def test_litestar_default_error_body_is_nowhere(client):
    schema = (await client.get("/schema/openapi.json")).json()
    text = str(schema)
    assert "status_code" not in text and "'extra'" not in text  # Litestar's {status_code, detail, extra}


async def test_a_time_of_day_is_documented_as_one(client):
    schema = (await client.get("/schema/openapi.json")).json()
    starts_at = schema["components"]["schemas"]["LessonOut"]["properties"]["starts_at"]
    assert starts_at.get("format") != "duration" and starts_at["pattern"].startswith("^([01]")


async def test_the_contact_change_operations_declare_what_they_answer(client):
    """Each status the contact-change tests (test_teleservices_contact.py) see is in the contract."""
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    expected = {
        ("/api/teleservices/contact", "get"): {"200", "400", "401", "403"},
        ("/api/teleservices/contact/changes", "post"): {"200", "400", "401", "403", "429"},
        ("/api/teleservices/contact/changes/{change_id}/verify", "post"): {"200", "400", "401", "403", "404", "409"},
        ("/api/teleservices/contact/changes/{change_id}/resend", "post"): {
            "200",
            "400",
            "401",
            "403",
            "404",
            "409",
            "429",
        },
        ("/api/school/teleservices/contact-changes", "get"): {"200", "400", "401", "403"},
    }
    for (path, method), statuses in expected.items():
        assert statuses <= set(paths[path][method]["responses"]), (path, method)


async def test_adding_this_browser_documents_every_status_it_answers(client):
    """POST /api/pairing/browser (issue #14): the statuses tests/test_pairing_desktop.py provokes, no more."""
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/pairing/browser"]["post"]
    assert {"201", "400", "401", "403", "409", "429"} <= set(operation["responses"])
    for status in ("400", "401", "403", "409", "429"):
        body = operation["responses"][status]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith("ErrorResponse"), status
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"device_id", "access_token", "refresh_token", "profile", "shared", "idle_timeout"} <= set(
        schema["components"]["schemas"][created]["properties"]
    )
    for path, method in (("/api/pairing/devices", "get"), ("/api/pairing/devices/{device_id}", "delete")):
        declared = set(schema["paths"][path][method]["responses"])
        assert {"400", "401", "403"} <= declared, (path, method)
    assert "404" in schema["paths"]["/api/pairing/devices/{device_id}"]["delete"]["responses"]


# What `test_every_status_a_handler_raises_is_declared` finds and cannot happen, with why. Each entry must
# still be found (a stale one fails): the list only ever holds what the code still says.
UNREACHABLE = {
    ("GET", "/api/school/evaluations", 404): "each evaluation listed is the teacher's own, just read",
    ("POST", "/api/teleservices/contact/changes", 404): "the change read back is the one just saved",
}


def _raised_statuses(function, seen: set) -> set[int]:
    """The ApiError statuses `function` raises, itself or through the api functions it calls: an
    `ApiError(4xx, …)` built there, or an ApiError constant raised or handed to a call (a refusal).
    Statuses raised inside a `try` that catches ApiError do not count."""
    function = inspect.unwrap(function)
    if function in seen or not getattr(function, "__module__", "").startswith("api."):
        return set()
    seen.add(function)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError):
        return set()
    scope = function.__globals__

    def resolve(node):
        if isinstance(node, ast.Name):
            return scope.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(base := resolve(node.value), types.ModuleType):
            return getattr(base, node.attr, None)
        return None

    def catches_api_errors(handler: ast.ExceptHandler) -> bool:
        caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        return handler.type is None or any(resolve(name) in (ApiError, HTTPException, Exception) for name in caught)

    statuses: set[int] = set()

    def visit(node) -> None:
        if isinstance(node, ast.Try) and any(catches_api_errors(handler) for handler in node.handlers):
            for part in (*node.handlers, *node.orelse, *node.finalbody):
                visit(part)
            return
        if isinstance(node, ast.Raise) and isinstance(error := resolve(node.exc), ApiError):
            statuses.add(error.status_code)
        if isinstance(node, ast.Call):
            target = resolve(node.func)
            if target is ApiError and node.args and isinstance(node.args[0], ast.Constant):
                statuses.add(node.args[0].value)
            elif inspect.isfunction(target):
                statuses.update(_raised_statuses(target, seen))
            for argument in (*node.args, *(keyword.value for keyword in node.keywords)):
                if isinstance(error := resolve(argument), ApiError):
                    statuses.add(error.status_code)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return statuses


def test_every_status_a_handler_raises_is_declared(app):
    """Read from the code: a handler that can raise a 409 (or any 4xx) the document does not declare
    fails here, before a fuzzed run happens to reach it."""
    undeclared = set()
    for route in app.routes:
        if not route.path.startswith("/api/"):
            continue
        for handler in getattr(route, "route_handlers", ()):
            declared = set(handler.responses or {})
            for status in _raised_statuses(handler.fn, set()) - declared:
                for method in handler.http_methods:
                    undeclared.add((method, route.path, status))
    assert undeclared - set(UNREACHABLE) == set()
    assert set(UNREACHABLE) <= undeclared  # still found: still to explain (or to declare)
