"""Where the ENT's external tiles lead, per school (the administrator sets them).

GET    /api/school/portal/links         every external tile and its address (or none)
PUT    /api/school/portal/links/{key}   {"url": "https://…"}  set or change (idempotent)
DELETE /api/school/portal/links/{key}   remove: the tile disappears from everyone's portal

Only https addresses with a real host name are accepted: the tile is a link every family clicks.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.clock import now
from api.errors import ApiError
from api.openapi import errors
from api.portal.apps import CATALOGUE, external_app
from db.portal.tables import SchoolLink

MAX_URL = 500
INVALID_URL = ApiError(
    400,
    "invalid_url",
    "Indiquez une adresse web complète et sécurisée, commençant par https:// (par exemple https://college.fr).",
    details={"url": "https"},
)


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(max_length=MAX_URL)]


class LinkOut(msgspec.Struct):
    key: str
    name: str
    description: str
    url: str | None


def https_url(value: str) -> str:
    """A clean absolute https URL with a host name, or a 400."""
    value = value.strip()
    if not value or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise INVALID_URL
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port  # .port raises on a malformed port
    except ValueError:
        raise INVALID_URL from None
    if parts.scheme.lower() != "https" or not host or parts.username or parts.password:
        raise INVALID_URL
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise INVALID_URL from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(label and label.replace("-", "").isalnum() for label in labels):
        raise INVALID_URL
    return parts.geturl()


async def school_links(school_id: UUID) -> dict[str, str]:
    rows = await SchoolLink.select(SchoolLink.app_key, SchoolLink.url).where(SchoolLink.school_id == school_id)
    return {row["app_key"]: row["url"] for row in rows}


def _require_external(key: str):
    app = external_app(key)
    if app is None:
        raise ApiError(404, "not_found", "Application externe introuvable.")
    return app


async def _links_out(school_id: UUID) -> list[LinkOut]:
    links = await school_links(school_id)
    return [LinkOut(a.key, a.name, a.description, links.get(a.key)) for a in CATALOGUE if a.external]


class SchoolLinksController(Controller):
    path = "/api/school/portal/links"
    tags = ["portal"]
    dependencies = {"principal": Provide(principal_with_roles("admin"))}

    @get("/", summary="The external tiles of the ENT and the address each leads to", responses=errors())
    async def links(self, principal: NamedDependency[Principal]) -> list[LinkOut]:
        return await _links_out(principal.school_id)

    @put("/{key:str}", summary="Set the https address of an external tile (idempotent)", responses=errors(404))
    async def set_link(
        self, principal: NamedDependency[Principal], key: FromPath[str], data: JSONBody[LinkIn]
    ) -> list[LinkOut]:
        _require_external(key)
        await SchoolLink.raw(
            "INSERT INTO school_link (id, school_id, app_key, url, updated_by_id, updated_at) "
            "VALUES (gen_random_uuid(), {}, {}, {}, {}, {}) ON CONFLICT (school_id, app_key) "
            "DO UPDATE SET url = EXCLUDED.url, updated_by_id = EXCLUDED.updated_by_id, "
            "updated_at = EXCLUDED.updated_at",
            principal.school_id,
            key,
            https_url(data.url),
            principal.user_id,
            now(),
        )
        return await _links_out(principal.school_id)

    @delete(
        "/{key:str}",
        summary="Remove an external tile's address (the tile is hidden)",
        status_code=204,
        responses=errors(404),
    )
    async def remove_link(self, principal: NamedDependency[Principal], key: FromPath[str]) -> None:
        _require_external(key)
        await SchoolLink.delete().where((SchoolLink.school_id == principal.school_id) & (SchoolLink.app_key == key))


ROUTES = [SchoolLinksController]
