"""Request and response bodies shared by the families' and the school's téléservices endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.people import StudentCard
from api.teleservices.campaigns import CampaignOut
from api.teleservices.catalogue import Track
from api.teleservices.requests import EventOut
from api.teleservices.scale import Count, Euros, Simulation

# An idempotency key chosen by the client (a random UUID): a retried action with it acts once.
ClientId = Annotated[str, msgspec.Meta(max_length=64, pattern=r"^[A-Za-z0-9_-]*$")]
Message = Annotated[str, msgspec.Meta(max_length=2000)]
Required = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]  # blank once trimmed: refused by the handler


class OpenRequest(msgspec.Struct, forbid_unknown_fields=True):
    campaign_id: UUID
    student_id: UUID


# ---- Bourse ----
class BourseForm(msgspec.Struct, forbid_unknown_fields=True):
    dependent_children: Count
    reference_income: Euros  # revenu fiscal de référence of the tax notice that applies, in euros
    sworn_statement: bool  # "je certifie sur l'honneur l'exactitude des renseignements"


class FamilyBourseAction(msgspec.Struct, forbid_unknown_fields=True):
    action: Literal["file", "complete", "withdraw", "reopen", "take_over"]  # take_over: another guardian's draft
    message: Message = ""
    client_id: ClientId = ""


class RequestPiece(msgspec.Struct, tag_field="action", tag="request_piece", forbid_unknown_fields=True):
    message: Required  # which piece, and why
    client_id: ClientId = ""


class Grant(msgspec.Struct, tag_field="action", tag="grant", forbid_unknown_fields=True):
    echelon: Count
    message: Message = ""
    client_id: ClientId = ""


class Refuse(msgspec.Struct, tag_field="action", tag="refuse", forbid_unknown_fields=True):
    reason: Required
    client_id: ClientId = ""


SchoolBourseAction = RequestPiece | Grant | Refuse


class PieceOut(msgspec.Struct):
    id: UUID
    kind: str  # tax_notice | additional
    kind_label: str
    filename: str
    content_type: str
    size_bytes: int
    uploaded_at: datetime
    url: str


class BourseOut(msgspec.Struct):
    id: UUID
    campaign: CampaignOut
    student: StudentCard
    state: str
    state_label: str
    filed_by: str  # the guardian who holds it: the author of a draft, the filer once filed
    mine: bool  # the viewer is the guardian who holds the request
    # The household's resources and tax notice are shown to the guardian who filed and to the school,
    # not to the other guardian (who may live in another household).
    details_visible: bool
    tax_notice: str  # the notice that applies this school year: "avis d'impôt 2026 sur les revenus 2025"
    dependent_children: int | None
    reference_income: int | None
    sworn_statement: bool
    simulation: Simulation | None  # the échelon the scale gives for the figures entered
    echelon: int | None
    yearly_amount_cents: int | None
    decision_reason: str
    school_message: str  # what the school asks for, while the request is incomplete
    pieces: list[PieceOut]
    history: list[EventOut]
    # What the viewer may do now: edit, upload, file, complete, withdraw, reopen; take_over (another
    # guardian's request not filed); request_piece, grant, refuse (the school).
    actions: list[str]
    updated_at: datetime


# ---- Orientation ----
Detail = Annotated[str, msgspec.Meta(max_length=120)]


class WishIn(msgspec.Struct, forbid_unknown_fields=True):
    track: Track
    detail: Detail = ""  # the field of a 2de pro / CAP, or the series of a 1re technologique
    specialities: Annotated[list[str], msgspec.Meta(max_length=4)] = []


class WishesIn(msgspec.Struct, forbid_unknown_fields=True):
    wishes: Annotated[list[WishIn], msgspec.Meta(min_length=1, max_length=10)]


class FamilyOrientationAction(msgspec.Struct, forbid_unknown_fields=True):
    action: Literal["submit", "accept", "decline"]
    comment: Message = ""
    client_id: ClientId = ""
    # accept | decline: the `answered_at` of the council's answer the family read (required). An answer
    # queued offline on a phone is refused (409 answer_changed) if the council changed it meanwhile.
    answered_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


class WishAnswer(msgspec.Struct, forbid_unknown_fields=True):
    wish_id: UUID
    opinion: Literal["favourable", "reserved", "unfavourable"]
    comment: Message = ""


class CouncilIn(msgspec.Struct, forbid_unknown_fields=True):
    answers: Annotated[list[WishAnswer], msgspec.Meta(max_length=10)]
    proposal: WishIn | None = None  # final phase only: the council's own proposal
    comment: Message = ""
    client_id: ClientId = ""


class WishOut(msgspec.Struct):
    id: UUID
    origin: str  # family | council
    rank: int
    track: str
    detail: str
    specialities: list[str]
    label: str
    opinion: str
    opinion_label: str
    comment: str


class OrientationOut(msgspec.Struct):
    id: UUID
    campaign: CampaignOut
    student: StudentCard
    state: str
    state_label: str
    wishes: list[WishOut]
    proposal: WishOut | None  # the council's own proposal (final phase)
    # Wishes the family saved but never sent before the phase closed, kept when the council proposed
    # without wishes (orientation_proposal.py): shown to the family as "non transmis", never to the school.
    unsent_wishes: list[WishOut]
    council_comment: str
    answered_at: datetime | None
    responded_by: str  # the guardian whose answer is the family's
    responded_at: datetime | None
    response_comment: str
    meeting_requested: bool
    history: list[EventOut]
    actions: list[str]  # edit, submit, accept, decline (family); answer (school)
    updated_at: datetime


class ProposalIn(msgspec.Struct, forbid_unknown_fields=True):
    """The class council's proposal for a student whose family sent no wishes (final phase)."""

    proposal: WishIn
    comment: Message = ""
    client_id: ClientId = ""


class NoWishesOut(msgspec.Struct):
    """A student of the campaign's level, as the school sees them when the family sent no wishes."""

    campaign: CampaignOut
    student: StudentCard
    state: str  # no_wishes; else the state of the fiche the school may now read (`form_id`)
    state_label: str
    form_id: UUID | None  # the fiche, once the family sent wishes or the council proposed (else None)
    note: str  # what the council may do now, or why not yet / no longer
    actions: list[str]  # propose


class Choice(msgspec.Struct):
    code: str
    label: str


class OrientationChoices(msgspec.Struct):
    level: str
    max_wishes: int
    tracks: list[Choice]
    tracks_with_field: list[str]
    speciality_count: int
    specialities: list[Choice]
    series: list[Choice]
