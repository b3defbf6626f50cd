"""The school's side of the téléservices: secretariat and CPE (staff) and the administrator.
Teachers have no access.

GET  /api/school/teleservices/requests?service=&state=&class_id=&meeting_requested=   the year's requests, filtered
(a draft is the family's own: the school neither lists nor reads it, see visibility.py; in the final
orientation phase each student of the level whose family sent no wishes is a line "Aucun vœu transmis",
state `no_wishes`, without an id: the council proposes for them, see orientation_proposal.py)
GET  /api/school/teleservices/bourses/{id}
POST /api/school/teleservices/bourses/{id}/actions      request_piece | grant | refuse
GET  /api/school/teleservices/orientation/{id}
PUT  /api/school/teleservices/orientation/{id}/council  the class council's answers (and proposal)
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.auth.principal import Principal, principal_with_roles
from api.dates import school_today
from api.openapi import errors
from api.people import StudentCard, student_cards
from api.school_years import current_year
from api.teleservices import bourse, orientation, orientation_proposal
from api.teleservices.campaigns import title, year_campaigns
from api.teleservices.catalogue import (
    BOURSE_SERVICES,
    NO_WISHES,
    NO_WISHES_LABEL,
    STATE_LABELS,
    Service,
    State,
    wish_label,
)
from api.teleservices.structs import BourseOut, CouncilIn, OrientationOut, SchoolBourseAction
from api.teleservices.visibility import UNSENT, school_bourse, school_bourses, school_form
from db.teleservices.tables import BourseRequest, OrientationForm, OrientationWish

STAFF = principal_with_roles("staff", "admin")


class RequestLine(msgspec.Struct):
    kind: str  # bourse | orientation
    id: UUID | None  # None: a student without wishes (state no_wishes), read by campaign and student
    campaign_id: UUID
    service: str
    title: str
    student: StudentCard
    state: str
    state_label: str
    summary: str  # échelon and amount, refusal reason, first wish or proposal…
    updated_at: datetime | None  # None for a student without wishes (a draft's activity is the family's)
    meeting_requested: bool = False  # orientation: the family declined and asks to meet the head of school


async def _first_wishes(school_id: UUID, form_ids: list[UUID]) -> dict[UUID, str]:
    """Per form: the council's proposal if any, else the family's first wish."""
    if not form_ids:
        return {}
    rows = await OrientationWish.select().where(
        (OrientationWish.school_id == school_id)
        & OrientationWish.form_id.is_in(form_ids)
        & (OrientationWish.origin != "unsent")  # the family's own, never sent
    )
    shown: dict[UUID, tuple] = {}
    for row in rows:
        key = (row["origin"] != "council", row["rank"])
        if row["form_id"] not in shown or key < shown[row["form_id"]][0]:
            prefix = "Proposition : " if row["origin"] == "council" else "Vœu 1 : "
            shown[row["form_id"]] = (key, prefix + wish_label(row["track"], row["detail"], row["specialities"] or []))
    return {form_id: text for form_id, (_, text) in shown.items()}


async def request_lines(
    principal: Principal,
    service: str | None = None,
    state: str | None = None,
    class_id: UUID | None = None,
    meeting_requested: bool | None = None,
) -> list[RequestLine]:
    """`meeting_requested`: True, the fiches whose family asks for a meeting; False, every other request."""
    sid = principal.school_id
    year = await current_year(sid)
    today = await school_today(sid)
    chosen = [c for c in await year_campaigns(sid, year["id"]) if service in (None, c["service"])]
    by_id = {c["id"]: c for c in chosen}
    lines: list[tuple[str, dict]] = []
    for kind, table in (("bourse", BourseRequest), ("orientation", OrientationForm)):
        ids = [c["id"] for c in chosen if (c["service"] in BOURSE_SERVICES) == (kind == "bourse")]
        if not ids or state in (UNSENT, NO_WISHES) or (meeting_requested and kind == "bourse"):
            continue
        where = (table.school_id == sid) & table.campaign_id.is_in(ids) & (table.state != UNSENT)
        if state:
            where = where & (table.state == state)
        if meeting_requested is not None and kind == "orientation":
            where = where & (OrientationForm.meeting_requested == meeting_requested)
        rows = await table.select().where(where)
        # A draft is the family's own: not listed, nor a bourse withdrawn before it was ever filed.
        rows = await school_bourses(sid, rows) if kind == "bourse" else rows
        lines += [(kind, row) for row in rows]
    missing = []
    if state in (None, NO_WISHES) and not meeting_requested:
        missing = await orientation_proposal.students_without_wishes(sid, chosen, today)
    ids = [row["student_id"] for _, row in lines] + [student_id for _, student_id in missing]
    cards = await student_cards(sid, ids)
    wishes = await _first_wishes(sid, [row["id"] for kind, row in lines if kind == "orientation"])
    out = [
        RequestLine(
            kind=kind,
            id=row["id"],
            campaign_id=row["campaign_id"],
            service=by_id[row["campaign_id"]]["service"],
            title=title(by_id[row["campaign_id"]]),
            student=cards[row["student_id"]],
            state=row["state"],
            state_label=STATE_LABELS[kind][row["state"]],
            summary=bourse.decision_text(row) if kind == "bourse" else wishes.get(row["id"], ""),
            updated_at=row["updated_at"],
            meeting_requested=kind == "orientation" and row["meeting_requested"],
        )
        for kind, row in lines
        if row["student_id"] in cards and class_id in (None, cards[row["student_id"]].class_id)
    ]
    out += [
        RequestLine(
            kind="orientation",
            id=None,
            campaign_id=campaign["id"],
            service=campaign["service"],
            title=title(campaign),
            student=cards[student_id],
            state=NO_WISHES,
            state_label=NO_WISHES_LABEL,
            summary=orientation_proposal.line_summary(campaign, today),
            updated_at=None,
        )
        for campaign, student_id in missing
        if student_id in cards and class_id in (None, cards[student_id].class_id)
    ]
    return sorted(out, key=lambda line: (line.student.class_name, line.student.last_name, line.student.first_name))


class SchoolTeleservicesController(Controller):
    path = "/api/school/teleservices"
    tags = ["téléservices (établissement)"]
    dependencies = {"principal": Provide(STAFF)}

    @get("/requests", summary="The school year's requests, by class and name", responses=errors(404))
    async def requests(
        self,
        principal: NamedDependency[Principal],
        service: FromQuery[Service | None] = None,
        request_state: Annotated[State | None, QueryParameter(name="state")] = None,
        class_id: FromQuery[UUID | None] = None,
        meeting_requested: FromQuery[bool | None] = None,
    ) -> list[RequestLine]:
        return await request_lines(principal, service, request_state, class_id, meeting_requested)

    @get("/bourses/{request_id:uuid}", summary="A bourse request, its pieces and history", responses=errors(404))
    async def read_bourse(self, principal: NamedDependency[Principal], request_id: FromPath[UUID]) -> BourseOut:
        return await bourse.bourse_out(principal, await school_bourse(principal.school_id, request_id))

    @post(
        "/bourses/{request_id:uuid}/actions",
        summary="Ask for a missing piece, grant (échelon of the year's scale) or refuse a bourse",
        status_code=200,
        responses=errors(404, 409),
    )
    async def bourse_action(
        self, principal: NamedDependency[Principal], request_id: FromPath[UUID], data: JSONBody[SchoolBourseAction]
    ) -> BourseOut:
        await bourse.school_action(principal, request_id, data)
        return await bourse.bourse_out(principal, await bourse.request_row(principal.school_id, request_id))

    @get("/orientation/{form_id:uuid}", summary="A fiche dialogue and its history", responses=errors(404))
    async def read_orientation(self, principal: NamedDependency[Principal], form_id: FromPath[UUID]) -> OrientationOut:
        return await orientation.orientation_out(principal, await school_form(principal.school_id, form_id))

    @put(
        "/orientation/{form_id:uuid}/council",
        summary="Record the class council's answer to each wish (and its proposal in the final phase)",
        responses=errors(404, 409),
    )
    async def council(
        self, principal: NamedDependency[Principal], form_id: FromPath[UUID], data: JSONBody[CouncilIn]
    ) -> OrientationOut:
        await orientation.council(principal, form_id, data)
        return await orientation.orientation_out(principal, await orientation.form_row(principal.school_id, form_id))


ROUTES = [SchoolTeleservicesController]
