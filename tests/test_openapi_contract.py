"""The OpenAPI document is a contract: every status an operation can answer is declared, in the one
error shape. Checked for the domains that declare their errors (api/openapi.py `errors()`)."""

from __future__ import annotations

DECLARING = ("teleservices", "bulletins", "hand-in", "submission", "canteen", "events", "alerts", "portal", "push",
             "calendar")  # fmt: skip
# Issue #13's operations in domains that do not declare yet: the writes a phone queues offline, and the
# school writes it added.
ALSO_DECLARING = {
    ("/api/me/discussions", "post"),
    ("/api/me/discussions/{discussion_id}/messages", "post"),
    ("/api/me/information/{post_id}/read", "post"),
    ("/api/me/information/{post_id}/acknowledge", "post"),
    ("/api/me/information/{post_id}/answers", "post"),
    ("/api/students/{student_id}/absences", "post"),
    ("/api/school/discussions/{discussion_id}/close", "post"),
    ("/api/school/lessons/{lesson_id}", "patch"),
}
# Opened by a secret in the URL, with no session (a calendar app polling its feed): no 401 or 403.
NO_SESSION = {("/api/calendar/{token}", "get")}


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if any(word in path for word in DECLARING) or (path, method) in ALSO_DECLARING
    ]


def _names_a_record(operation: dict) -> bool:
    return any(
        parameter["in"] == "path" and parameter.get("schema", {}).get("format") == "uuid"
        for parameter in operation.get("parameters", [])
    )


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
    assert len(operations) >= 85
    assert ALSO_DECLARING | NO_SESSION <= {(path, method) for path, method, _ in operations}
    for path, method, operation in operations:
        declared = set(operation["responses"])
        if (path, method) in NO_SESSION:
            assert {"400", "404", "429"} <= declared and not {"401", "403"} & declared, (path, method)
        else:
            assert {"400", "401", "403"} <= declared, (path, method)
        if _names_a_record(operation):
            assert "404" in declared, (path, method)  # another school's, family's or class's id
        if _uploads_a_file(schema, operation):
            assert {"413", "415", "429"} <= declared, (path, method)  # size, sniffed type, rate limit
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse"), (
                    path,
                    status,
                )


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
        assert set(paths[path][method]["responses"]) == statuses, (path, method)
