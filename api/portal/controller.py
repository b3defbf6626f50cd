"""The ENT portal: GET /api/portal (my applications, my favourites), PUT/DELETE a favourite."""

from __future__ import annotations

import msgspec
from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath

from api.auth.principal import Principal
from api.errors import ApiError
from api.portal.apps import apps_for
from db.accounts.tables import PortalFavourite


class PortalApp(msgspec.Struct):
    key: str
    name: str
    description: str
    url: str
    category: str
    note: str
    favourite: bool


class Portal(msgspec.Struct):
    apps: list[PortalApp]


async def _favourites(principal: Principal) -> set[str]:
    rows = await PortalFavourite.select(PortalFavourite.app_key).where(
        (PortalFavourite.school_id == principal.school_id) & (PortalFavourite.user_id == principal.user_id)
    )
    return {row["app_key"] for row in rows}


def _require_app(principal: Principal, key: str) -> None:
    if key not in {app.key for app in apps_for(principal.role)}:
        raise ApiError(404, "not_found", "Application introuvable.")


class PortalController(Controller):
    path = "/api/portal"
    tags = ["portal"]

    @get("/", summary="The applications of my profile, favourites first")
    async def portal(self, principal: NamedDependency[Principal]) -> Portal:
        favourites = await _favourites(principal)
        apps = [
            PortalApp(
                key=a.key,
                name=a.name,
                description=a.description,
                url=a.url,
                category=a.category,
                note=a.note,
                favourite=a.key in favourites,
            )
            for a in apps_for(principal.role)
        ]
        return Portal(apps=sorted(apps, key=lambda a: not a.favourite))

    @put("/favourites/{key:str}", summary="Add an application to my favourites (idempotent)", status_code=204)
    async def add_favourite(self, principal: NamedDependency[Principal], key: FromPath[str]) -> None:
        _require_app(principal, key)
        await PortalFavourite.raw(
            "INSERT INTO portal_favourite (id, school_id, user_id, app_key, created_at) "
            "VALUES (gen_random_uuid(), {}, {}, {}, now()) ON CONFLICT (school_id, user_id, app_key) DO NOTHING",
            principal.school_id,
            principal.user_id,
            key,
        )

    @delete("/favourites/{key:str}", summary="Remove an application from my favourites", status_code=204)
    async def remove_favourite(self, principal: NamedDependency[Principal], key: FromPath[str]) -> None:
        _require_app(principal, key)
        await PortalFavourite.delete().where(
            (PortalFavourite.school_id == principal.school_id)
            & (PortalFavourite.user_id == principal.user_id)
            & (PortalFavourite.app_key == key)
        )


ROUTES = [PortalController]
