"""GET /api/teleservices/orientation-choices?level=3e — what a fiche dialogue offers at a level
(for the families' wishes and the council's proposal)."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery

from api.auth.principal import Principal, principal_with_roles
from api.openapi import errors
from api.teleservices.catalogue import (
    MAX_WISHES,
    SERIES,
    SPECIALITIES,
    SPECIALITY_COUNT,
    TRACKS,
    TRACKS_WITH_FIELD,
)
from api.teleservices.structs import Choice, OrientationChoices


def _choices(labels: dict[str, str]) -> list[Choice]:
    return [Choice(code, label) for code, label in labels.items()]


class OrientationChoicesController(Controller):
    path = "/api/teleservices/orientation-choices"
    tags = ["téléservices"]
    dependencies = {"principal": Provide(principal_with_roles("parent", "staff", "admin"))}

    @get("/", summary="The tracks, specialities and series a fiche dialogue offers at a level", responses=errors())
    async def choices(
        self, principal: NamedDependency[Principal], level: FromQuery[Literal["3e", "2de"]]
    ) -> OrientationChoices:
        return OrientationChoices(
            level=level,
            max_wishes=MAX_WISHES,
            tracks=_choices(TRACKS[level]),
            tracks_with_field=list(TRACKS_WITH_FIELD),
            speciality_count=SPECIALITY_COUNT,
            specialities=_choices(SPECIALITIES) if level == "2de" else [],
            series=_choices(SERIES) if level == "2de" else [],
        )


ROUTES = [OrientationChoicesController]
