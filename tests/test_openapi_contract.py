"""The OpenAPI document is a contract: every status an operation can answer is declared, in the one
error shape (api/openapi.py). Checked here for every operation, by what it takes; `test_fuzz_api.py`
then holds every answer of a fuzzed run to the document."""

from __future__ import annotations

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
