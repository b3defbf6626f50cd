"""The ENT portal: GET /api/portal (my applications, my favourites), PUT/DELETE a favourite."""

from __future__ import annotations

import msgspec
from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath

from api.alerts.settings import alerts_open
from api.auth.principal import Principal
from api.clock import now
from api.errors import ApiError
from api.openapi import errors
from api.portal.apps import App, apps_for
from api.portal.links import school_links
from db.accounts.tables import PortalFavourite


class PortalApp(msgspec.Struct):
    key: str
    name: str
    description: str
    url: str
    category: str
    external: bool  # opens the school's address for it, in a new tab
    favourite: bool


class Portal(msgspec.Struct):
    apps: list[PortalApp]


async def visible_apps(principal: Principal) -> list[App]:
    """The principal's tiles: external ones only where the school set an address, the alert
    button only while the school keeps it open."""
    links = await school_links(principal.school_id)
    shown = []
    for app in apps_for(principal.role):
        if app.external:
            if app.key not in links:
                continue
            app = msgspec.structs.replace(app, url=links[app.key])
        if app.key == "signalement" and not await alerts_open(principal.school_id):
            continue
        shown.append(app)
    return shown


async def _favourites(principal: Principal) -> set[str]:
    rows = await PortalFavourite.select(PortalFavourite.app_key).where(
        (PortalFavourite.school_id == principal.school_id) & (PortalFavourite.user_id == principal.user_id)
    )
    return {row["app_key"] for row in rows}


async def _require_app(principal: Principal, key: str) -> None:
    if key not in {app.key for app in await visible_apps(principal)}:
        raise ApiError(404, "not_found", "Application introuvable.")


class PortalController(Controller):
    path = "/api/portal"
    tags = ["portal"]

    @get("/", summary="The applications of my profile, favourites first", responses=errors())
    async def portal(self, principal: NamedDependency[Principal]) -> Portal:
        favourites = await _favourites(principal)
        apps = [
            PortalApp(
                key=a.key,
                name=a.name,
                description=a.description,
                url=a.url,
                category=a.category,
                external=a.external,
                favourite=a.key in favourites,
            )
            for a in await visible_apps(principal)
        ]
        return Portal(apps=sorted(apps, key=lambda a: not a.favourite))

    @put(
        "/favourites/{key:str}",
        summary="Add an application to my favourites (idempotent)",
        status_code=204,
        responses=errors(404),
    )
    async def add_favourite(self, principal: NamedDependency[Principal], key: FromPath[str]) -> None:
        await _require_app(principal, key)
        await PortalFavourite.raw(
            "INSERT INTO portal_favourite (id, school_id, user_id, app_key, created_at) "
            "VALUES (gen_random_uuid(), {}, {}, {}, {}) ON CONFLICT (school_id, user_id, app_key) DO NOTHING",
            principal.school_id,
            principal.user_id,
            key,
            now(),
        )

    @delete(
        "/favourites/{key:str}",
        summary="Remove an application from my favourites",
        status_code=204,
        responses=errors(404),
    )
    async def remove_favourite(self, principal: NamedDependency[Principal], key: FromPath[str]) -> None:
        await _require_app(principal, key)
        await PortalFavourite.delete().where(
            (PortalFavourite.school_id == principal.school_id)
            & (PortalFavourite.user_id == principal.user_id)
            & (PortalFavourite.app_key == key)
        )


ROUTES = [PortalController]
