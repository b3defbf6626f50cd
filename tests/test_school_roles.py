"""Every school-side route refuses families: a parent or a student gets 403 on each of them."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.factories import make_family
from tests.fixtures.api import sign_in


def school_routes(app) -> list[tuple[str, str, bool]]:
    """(method, path with ids, takes a multipart form) of every school-side operation."""
    schema = app.openapi_schema.to_schema()
    found = []
    for route in app.routes:
        if not route.path.startswith("/api/school"):
            continue
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), route.path)
        documented = schema["paths"].get(re.sub(r"\{([^}:]+)(:[^}]+)?\}", r"{\1}", route.path), {})
        for method in sorted(getattr(route, "methods", set()) - {"OPTIONS", "HEAD"}):
            body = documented.get(method.lower(), {}).get("requestBody", {}).get("content", {})
            found.append((method, path, "multipart/form-data" in body))
    return found


async def test_school_side_has_routes(app):
    assert len(school_routes(app)) >= 30


@pytest.mark.parametrize("role", ["parent", "student"])
async def test_families_get_403_everywhere_on_the_school_side(app, client, role):
    family = await make_family()
    await sign_in(client, family.parent if role == "parent" else family.student)
    refused = []
    for method, path, multipart in school_routes(app):
        if multipart:
            response = await client.post(path, files={"file": ("a.csv", b"Nom;Prenom\n", "text/csv")})
        else:
            response = await client.request(method, path, json={} if method in ("POST", "PUT", "PATCH") else None)
        if response.status_code != 403:
            refused.append((method, path, response.status_code))
    assert refused == []
