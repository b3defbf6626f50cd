"""The files of a bourse request: the tax notice with the form, a missing piece when the school asks.

The same rules as homework attachments (api/attachments.py: type sniffed, 5 MB, stored under a
random key, served as a download, uploads rate-limited), restricted to PDF and images.

POST   /api/teleservices/bourses/{id}/pieces             multipart `file` (+ optional `client_id`)
DELETE /api/teleservices/bourses/{id}/pieces/{piece_id}  while the request is a draft
GET    /api/teleservices/bourses/{id}/pieces/{piece_id}  the guardian who holds the request, the school's staff
                                                         (once the request is filed: a draft's are the family's)

Adding or removing a piece locks the request's row, as a move does: a piece never lands on a
request filed (or taken over by the other guardian) while the file was being received.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from asyncpg.exceptions import UniqueViolationError
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from api.attachments import MAX_BYTES, remove_stored, store_upload, stored_file_response
from api.auth.principal import Principal, principal_with_roles
from api.dates import school_today
from api.errors import ApiError
from api.openapi import errors
from api.read_models import conditional_responses
from api.teleservices import campaigns
from api.teleservices.bourse import bourse_out, family_request, lock_request, request_row, require_holder
from api.teleservices.campaigns import campaign_by_id
from api.teleservices.structs import BourseOut, ClientId
from api.teleservices.visibility import school_bourse
from db.teleservices.tables import BoursePiece
from piccolo_conf import DB

MAX_PIECES = 10
PIECE_TYPES = ("pdf", "png", "jpg")
PIECE_NOT_FOUND = ApiError(404, "not_found", "Pièce introuvable.")


class PieceForm(msgspec.Struct):
    file: UploadFile
    client_id: ClientId = ""


def _piece_where(school_id: UUID, request_id: UUID):
    return (BoursePiece.school_id == school_id) & (BoursePiece.request_id == request_id)


async def _allowed_upload(principal: Principal, row: dict) -> str:
    """The kind of piece the principal may add now: tax_notice to their draft (campaign open), additional
    when the school asked (replies open); else the refusal."""
    require_holder(principal, row)
    if await BoursePiece.count().where(_piece_where(principal.school_id, row["id"])) >= MAX_PIECES:
        raise ApiError(400, "too_many_pieces", f"{MAX_PIECES} pièces au plus par demande.")
    campaign = await campaign_by_id(principal.school_id, row["campaign_id"])
    today = await school_today(principal.school_id)
    if row["state"] == "draft":
        campaigns.require_open(campaign, today)
        return "tax_notice"
    if row["state"] == "incomplete":
        campaigns.require_replies_open(campaign, today)
        return "additional"
    raise ApiError(
        409, "not_editable", "Des pièces ne peuvent être ajoutées qu'au brouillon ou à la demande d'une pièce."
    )


class PiecesController(Controller):
    path = "/api/teleservices/bourses/{request_id:uuid}/pieces"
    tags = ["téléservices"]
    dependencies = {"principal": Provide(principal_with_roles("parent"))}

    @post(
        "/",
        summary="Attach the tax notice or the missing piece (PDF, PNG, JPEG; 5 MB)",
        status_code=200,
        request_max_body_size=MAX_BYTES + 64 * 1024,
        responses=errors(404, 409, 413, 415, 429),
    )
    async def upload(
        self,
        principal: NamedDependency[Principal],
        request_id: FromPath[UUID],
        data: Annotated[PieceForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> BourseOut:
        row = await family_request(principal, request_id, owner=True)
        sid = principal.school_id
        where = _piece_where(sid, request_id)
        if data.client_id and await BoursePiece.exists().where(where & (BoursePiece.client_id == data.client_id)):
            return await bourse_out(principal, row)  # a retried upload: the first one is kept
        await _allowed_upload(principal, row)  # answered before receiving the file, checked again below
        stored = await store_upload(principal, data.file, PIECE_TYPES)
        try:
            async with DB.transaction():
                current = await lock_request(sid, request_id)
                kind = await _allowed_upload(principal, current)
                await BoursePiece(
                    school_id=sid,
                    request_id=request_id,
                    kind=kind,
                    uploaded_by_id=principal.user_id,
                    client_id=data.client_id,
                    **msgspec.structs.asdict(stored),
                ).save()
        except UniqueViolationError:  # the same upload twice at once: the first one is kept
            remove_stored(sid, stored.storage_key)
        except ApiError:
            remove_stored(sid, stored.storage_key)
            raise
        return await bourse_out(principal, await request_row(sid, request_id))

    @delete(
        "/{piece_id:uuid}", summary="Remove a piece from a draft request", status_code=204, responses=errors(404, 409)
    )
    async def remove(
        self, principal: NamedDependency[Principal], request_id: FromPath[UUID], piece_id: FromPath[UUID]
    ) -> None:
        await family_request(principal, request_id, owner=True)
        where = _piece_where(principal.school_id, request_id) & (BoursePiece.id == piece_id)
        async with DB.transaction():
            current = await lock_request(principal.school_id, request_id)
            require_holder(principal, current)
            if current["state"] != "draft":
                raise ApiError(
                    409, "not_editable", "La demande a été déposée : ses pièces ne peuvent plus être retirées."
                )
            piece = await BoursePiece.select(BoursePiece.storage_key).where(where).first()
            if piece is None:
                raise PIECE_NOT_FOUND
            await BoursePiece.delete().where(where)
        remove_stored(principal.school_id, piece["storage_key"])

    @get(
        "/{piece_id:uuid}",
        summary="Download a piece of a bourse request (its holder; the school once filed; ETag, 304)",
        dependencies={"principal": Provide(principal_with_roles("parent", "staff", "admin"))},
        responses=conditional_responses(404),
    )
    async def download(
        self, principal: NamedDependency[Principal], request_id: FromPath[UUID], piece_id: FromPath[UUID]
    ) -> Response:
        if principal.role == "parent":
            try:  # the household's tax notice is for the guardian who holds the request, not the other one
                await family_request(principal, request_id, owner=True)
            except ApiError:
                raise PIECE_NOT_FOUND from None
        else:  # the school's staff: not a draft's (visibility.py)
            try:
                await school_bourse(principal.school_id, request_id)
            except ApiError:
                raise PIECE_NOT_FOUND from None
        piece = (
            await BoursePiece.select()
            .where(_piece_where(principal.school_id, request_id) & (BoursePiece.id == piece_id))
            .first()
        )
        if piece is None:
            raise PIECE_NOT_FOUND
        return stored_file_response(principal.school_id, piece)


ROUTES = [PiecesController]
