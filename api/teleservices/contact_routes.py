"""Changes of contact details: the guardian's side and the school's dated log (see contact.py).

GET  /api/teleservices/contact                               my phone, e-mail, address, pending changes, history
POST /api/teleservices/contact/changes                       phone | email (a code is sent) | address (applied)
POST /api/teleservices/contact/changes/{id}/verify           the code: the change takes effect
POST /api/teleservices/contact/changes/{id}/resend           a new code (the previous one dies)
POST /api/teleservices/contact/changes/{id}/accept           take a detail confirmed in another school: a code is sent
POST /api/teleservices/contact/changes/{id}/dismiss          leave it: this account keeps its detail
GET  /api/school/teleservices/contact-changes                staff, admin: the changes applied, newest first
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.openapi import errors
from api.people import people, student_cards
from api.teleservices import contact
from api.teleservices.contact_others import ELSEWHERE
from api.teleservices.contact_structs import (
    FIELD_LABELS,
    ChangeOut,
    ChangeStarted,
    CodeIn,
    ContactChangeIn,
    ContactDetails,
)
from db.core.tables import Enrolment, Guardianship
from db.teleservices.tables import ContactChange

LOG_LENGTH = 500


class ContactChangeLine(msgspec.Struct):
    id: UUID
    applied_at: datetime
    guardian_id: UUID
    guardian: str
    children: list[str]  # "Hugo Fontaine (3e A)"
    field: str
    field_label: str
    old_value: str
    new_value: str
    from_other_school: bool = False  # confirmed on the guardian's account in another school, then applied here


async def _guardians_of_class(school_id: UUID, class_id: UUID) -> list[UUID]:
    """The legal guardians of the students enrolled in the class."""
    students = await Enrolment.select(Enrolment.student_id).where(
        (Enrolment.school_id == school_id) & (Enrolment.class_id == class_id)
    )
    if not students:
        return []
    links = await Guardianship.select(Guardianship.parent_id).where(
        (Guardianship.school_id == school_id) & Guardianship.student_id.is_in([s["student_id"] for s in students])
    )
    return list({link["parent_id"] for link in links})


async def change_log(
    principal: Principal, field: str | None = None, class_id: UUID | None = None
) -> list[ContactChangeLine]:
    sid = principal.school_id
    where = (ContactChange.school_id == sid) & (ContactChange.state == "applied")
    if field:
        where = where & (ContactChange.field == field)
    if class_id is not None:  # in the query, not after the limit: a class's changes are never cut off
        guardians_of_class = await _guardians_of_class(sid, class_id)
        if not guardians_of_class:
            return []
        where = where & ContactChange.user_id.is_in(guardians_of_class)
    newest_first = ContactChange.select().where(where).order_by(ContactChange.applied_at, ascending=False)
    rows = await newest_first.limit(LOG_LENGTH)
    if not rows:
        return []
    guardians = list({row["user_id"] for row in rows})
    names = await people(sid, guardians)
    links = await Guardianship.select(Guardianship.parent_id, Guardianship.student_id).where(
        (Guardianship.school_id == sid) & Guardianship.parent_id.is_in(guardians)
    )
    cards = await student_cards(sid, [link["student_id"] for link in links])
    children: dict[UUID, list] = {}
    for link in links:
        if link["student_id"] in cards:
            children.setdefault(link["parent_id"], []).append(cards[link["student_id"]])
    return [
        ContactChangeLine(
            id=row["id"],
            applied_at=row["applied_at"],
            guardian_id=row["user_id"],
            guardian=names[row["user_id"]].name,
            children=[
                f"{card.first_name} {card.last_name}" + (f" ({card.class_name})" if card.class_name else "")
                for card in children.get(row["user_id"], [])
            ],
            field=row["field"],
            field_label=FIELD_LABELS[row["field"]],
            old_value=row["old_value"],
            new_value=row["new_value"],
            from_other_school=row["origin"] == ELSEWHERE,
        )
        for row in rows
        if row["user_id"] in names
    ]


class ContactController(Controller):
    path = "/api/teleservices/contact"
    tags = ["téléservices"]
    dependencies = {"principal": Provide(principal_with_roles("parent"))}

    @get("/", summary="My contact details, the changes waiting for their code and the changes made", responses=errors())
    async def details(self, principal: NamedDependency[Principal]) -> ContactDetails:
        return await contact.contact_details(principal)

    @post(
        "/changes",
        summary="Change my phone or e-mail (a code is sent to the new one) or my postal address (at once)",
        status_code=200,
        responses=errors(429),
    )
    async def start(self, principal: NamedDependency[Principal], data: JSONBody[ContactChangeIn]) -> ChangeStarted:
        return await contact.start(principal, data)

    @post(
        "/changes/{change_id:uuid}/verify",
        summary="Type the code sent to the new phone or e-mail: the change takes effect",
        status_code=200,
        responses=errors(404, 409),
    )
    async def verify(
        self, principal: NamedDependency[Principal], change_id: FromPath[UUID], data: JSONBody[CodeIn]
    ) -> ChangeOut:
        return await contact.verify(principal, change_id, data)

    @post(
        "/changes/{change_id:uuid}/resend",
        summary="Send a new code for a change still waiting (the previous code no longer works)",
        status_code=200,
        responses=errors(404, 409, 429),
    )
    async def resend(self, principal: NamedDependency[Principal], change_id: FromPath[UUID]) -> ChangeStarted:
        return await contact.resend(principal, change_id)

    @post(
        "/changes/{change_id:uuid}/accept",
        summary="Take the phone or e-mail confirmed on my account in another school (a code is sent to it)",
        status_code=200,
        responses=errors(404, 409, 429),
    )
    async def accept(self, principal: NamedDependency[Principal], change_id: FromPath[UUID]) -> ChangeStarted:
        return await contact.accept_offer(principal, change_id)

    @post(
        "/changes/{change_id:uuid}/dismiss",
        summary="Leave the detail offered from my account in another school: this account keeps its own",
        status_code=200,
        responses=errors(404, 409),
    )
    async def dismiss(self, principal: NamedDependency[Principal], change_id: FromPath[UUID]) -> ChangeOut:
        return await contact.dismiss_offer(principal, change_id)


class SchoolContactChangesController(Controller):
    path = "/api/school/teleservices/contact-changes"
    tags = ["téléservices (établissement)"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get("/", summary="The guardians' changes of contact details, dated, newest first", responses=errors())
    async def log(
        self,
        principal: NamedDependency[Principal],
        field: FromQuery[Literal["phone", "email", "address"] | None] = None,
        class_id: FromQuery[UUID | None] = None,
    ) -> list[ContactChangeLine]:
        return await change_log(principal, field, class_id)


ROUTES = [ContactController, SchoolContactChangesController]
