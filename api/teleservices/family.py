"""The families' téléservices (legal guardians only: a student account cannot file or answer).

GET  /api/teleservices/summary                               "Démarches": per child, states and pending actions
GET  /api/teleservices/campaigns/{id}/simulation             the échelon the year's scale gives
POST /api/teleservices/bourses                               open the child's request (or get the one open)
GET  /api/teleservices/bourses/{id}
PUT  /api/teleservices/bourses/{id}                          the form (draft, campaign open, owner)
POST /api/teleservices/bourses/{id}/actions                  file | complete | withdraw | reopen
POST /api/teleservices/orientation                           open the child's fiche dialogue (or get it)
GET  /api/teleservices/orientation/{id}
PUT  /api/teleservices/orientation/{id}/wishes               the ranked wishes (phase open)
POST /api/teleservices/orientation/{id}/actions              submit | accept | decline (+ the answered_at read)
(pieces: see pieces.py; choices of each level: choices.py)
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth.principal import Principal, principal_with_roles
from api.openapi import errors
from api.read_models import conditional_responses, read_response, struct_response
from api.teleservices import bourse, orientation
from api.teleservices.catalogue import SCALE_OF
from api.teleservices.requests import BOURSE, kind_campaign
from api.teleservices.scale import Simulation, load_scale, simulate
from api.teleservices.structs import (
    BourseForm,
    BourseOut,
    FamilyBourseAction,
    FamilyOrientationAction,
    OpenRequest,
    OrientationOut,
    WishesIn,
)
from api.teleservices.summary import FamilySummary, family_summary

# Query parameters take their bounds from Litestar's QueryParameter (msgspec.Meta applies to bodies).
Children = Annotated[int, QueryParameter(ge=1, le=20)]
Income = Annotated[int, QueryParameter(ge=0, le=10_000_000)]


async def _bourse(principal: Principal, request_id: UUID) -> BourseOut:
    return await bourse.bourse_out(principal, await bourse.family_request(principal, request_id))


async def _form(principal: Principal, form_id: UUID) -> OrientationOut:
    return await orientation.orientation_out(principal, await orientation.family_form(principal, form_id))


class FamilyTeleservicesController(Controller):
    path = "/api/teleservices"
    tags = ["téléservices"]
    dependencies = {"principal": Provide(principal_with_roles("parent"))}

    @get(
        "/summary",
        summary="My children's téléservices: states, the school's last message, pending actions (ETag, 304)",
        responses=conditional_responses(404),
    )
    async def summary(self, request: Request, principal: NamedDependency[Principal]) -> Response[FamilySummary]:
        fields = msgspec.to_builtins(await family_summary(principal))
        del fields["generated_at"]  # the ETag is of the content; read_response stamps the time after it
        return read_response(request, msgspec.json.encode(fields))

    @get(
        "/campaigns/{campaign_id:uuid}/simulation",
        summary="The échelon the year's bourse scale gives for these resources",
        responses=errors(404),
    )
    async def simulation(
        self,
        principal: NamedDependency[Principal],
        campaign_id: FromPath[UUID],
        dependent_children: Children,
        reference_income: Income,
    ) -> Simulation:
        campaign = await kind_campaign(BOURSE, principal.school_id, campaign_id)
        scale = await load_scale(principal.school_id, campaign["school_year_id"], SCALE_OF[campaign["service"]])
        return simulate(scale, dependent_children, reference_income)

    @post(
        "/bourses",
        summary="Open my child's bourse request for a campaign, or get the one already open (idempotent)",
        status_code=200,
        responses=errors(404, 409),
    )
    async def open_bourse(self, principal: NamedDependency[Principal], data: JSONBody[OpenRequest]) -> BourseOut:
        request_id = await bourse.open_request(principal, data)
        return await bourse.bourse_out(principal, await bourse.request_row(principal.school_id, request_id))

    @get(
        "/bourses/{request_id:uuid}",
        summary="A bourse request of my child (ETag, 304)",
        responses=conditional_responses(404),
    )
    async def read_bourse(
        self, request: Request, principal: NamedDependency[Principal], request_id: FromPath[UUID]
    ) -> Response[BourseOut]:
        return struct_response(request, await _bourse(principal, request_id))

    @put(
        "/bourses/{request_id:uuid}",
        summary="Fill in the bourse form (draft only, by the guardian who opened it)",
        responses=errors(404, 409),
    )
    async def save_bourse(
        self, principal: NamedDependency[Principal], request_id: FromPath[UUID], data: JSONBody[BourseForm]
    ) -> BourseOut:
        await bourse.save_form(principal, request_id, data)
        return await _bourse(principal, request_id)

    @post(
        "/bourses/{request_id:uuid}/actions",
        summary="File, complete (after sending the missing piece), withdraw or reopen a bourse request",
        status_code=200,
        responses=errors(404, 409),
    )
    async def bourse_action(
        self, principal: NamedDependency[Principal], request_id: FromPath[UUID], data: JSONBody[FamilyBourseAction]
    ) -> BourseOut:
        await bourse.family_action(principal, request_id, data)
        return await _bourse(principal, request_id)

    @post(
        "/orientation",
        summary="Open my child's fiche dialogue for a phase, or get the one already open (idempotent)",
        status_code=200,
        responses=errors(404, 409),
    )
    async def open_orientation(
        self, principal: NamedDependency[Principal], data: JSONBody[OpenRequest]
    ) -> OrientationOut:
        form_id = await orientation.open_form(principal, data)
        return await orientation.orientation_out(principal, await orientation.form_row(principal.school_id, form_id))

    @get(
        "/orientation/{form_id:uuid}",
        summary="A fiche dialogue of my child (ETag, 304)",
        responses=conditional_responses(404),
    )
    async def read_orientation(
        self, request: Request, principal: NamedDependency[Principal], form_id: FromPath[UUID]
    ) -> Response[OrientationOut]:
        return struct_response(request, await _form(principal, form_id))

    @put(
        "/orientation/{form_id:uuid}/wishes",
        summary="Rank the family's wishes (while the phase is open, until the council answers)",
        responses=errors(404, 409),
    )
    async def save_wishes(
        self, principal: NamedDependency[Principal], form_id: FromPath[UUID], data: JSONBody[WishesIn]
    ) -> OrientationOut:
        await orientation.save_wishes(principal, form_id, data)
        return await _form(principal, form_id)

    @post(
        "/orientation/{form_id:uuid}/actions",
        summary="Send the wishes, or accept / decline the council's answer read (its answered_at; 409 if changed)",
        status_code=200,
        responses=errors(404, 409),
    )
    async def orientation_action(
        self,
        principal: NamedDependency[Principal],
        form_id: FromPath[UUID],
        data: JSONBody[FamilyOrientationAction],
    ) -> OrientationOut:
        await orientation.family_action(principal, form_id, data)
        return await _form(principal, form_id)


ROUTES = [FamilyTeleservicesController]
