"""What a change of contact details takes and gives back (see contact.py), and how a typed detail is checked."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from api.accounts.phones import normalise_phone
from api.errors import ApiError
from api.notifications.sender import mask
from api.teleservices.structs import ClientId

FIELD_LABELS = {"phone": "Téléphone portable", "email": "Adresse e-mail", "address": "Adresse postale"}
STATE_LABELS = {
    "pending": "En attente du code",
    "applied": "Enregistré",
    "cancelled": "Remplacé",
    "offered": "Proposé depuis votre compte dans un autre établissement",
}
MOBILE = re.compile(r"0[67]\d{8}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

Line = Annotated[str, msgspec.Meta(max_length=120)]


class PhoneChange(msgspec.Struct, tag_field="field", tag="phone", forbid_unknown_fields=True):
    phone: Annotated[str, msgspec.Meta(max_length=30)]
    client_id: ClientId = ""


class EmailChange(msgspec.Struct, tag_field="field", tag="email", forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=200)]
    client_id: ClientId = ""


class AddressChange(msgspec.Struct, tag_field="field", tag="address", forbid_unknown_fields=True):
    line1: Line
    postcode: Annotated[str, msgspec.Meta(max_length=10)]
    city: Annotated[str, msgspec.Meta(max_length=80)]
    line2: Line = ""
    client_id: ClientId = ""


ContactChangeIn = PhoneChange | EmailChange | AddressChange


class CodeIn(msgspec.Struct, forbid_unknown_fields=True):
    flow: Annotated[str, msgspec.Meta(max_length=200)]
    code: Annotated[str, msgspec.Meta(max_length=12)]


class Address(msgspec.Struct):
    line1: str
    line2: str
    postcode: str
    city: str


class ChangeOut(msgspec.Struct):
    id: UUID
    field: str  # phone | email | address
    field_label: str
    old_value: str
    new_value: str  # masked while it comes from another school unconfirmed (its code proves it before it is read)
    state: str  # pending | applied | cancelled | offered
    state_label: str
    sent_to: str  # where the code went (or will go, for an offer), masked ("" for an address)
    created_at: datetime
    applied_at: datetime | None
    # "elsewhere": it came from this person's account in another school (applied, or offered to confirm).
    origin: str = ""
    applied_elsewhere: list[str] = []  # the other schools whose account of this person took the change
    offered_elsewhere: list[str] = []  # the other schools whose account was offered it (confirmed there)


class ChangeStarted(msgspec.Struct):
    change: ChangeOut
    flow: str | None  # send it back with the code (None: nothing to check, the change is applied)
    message: str


class ContactDetails(msgspec.Struct):
    phone: str | None
    email: str | None
    address: Address | None
    pending: list[ChangeOut]  # new details waiting for their code
    history: list[ChangeOut]  # the changes applied, newest first
    offers: list[ChangeOut] = []  # a new detail confirmed on this person's account in another school


def address_text(address: Address) -> str:
    return ", ".join(part for part in (address.line1, address.line2, f"{address.postcode} {address.city}") if part)


def bad(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


def validated(data: ContactChangeIn) -> tuple[str, str, Address | None]:
    """(field, the new value as stored, the address) of a request, or a clear 400."""
    if isinstance(data, PhoneChange):
        digits = normalise_phone(data.phone)
        if not MOBILE.fullmatch(digits):
            raise bad("invalid_phone", "Indiquez un numéro de portable (06 ou 07) : il recevra un code par SMS.")
        return "phone", digits, None
    if isinstance(data, EmailChange):
        email = data.email.strip().lower()
        if not EMAIL.fullmatch(email):
            raise bad("invalid_email", "Cette adresse e-mail n'est pas valide.")
        return "email", email, None
    line1, line2, city = (" ".join(text.split()) for text in (data.line1, data.line2, data.city))
    postcode = data.postcode.strip()
    if not line1 or not city:
        raise bad("invalid_address", "Indiquez le numéro et la rue, puis la commune.")
    if not re.fullmatch(r"\d{5}", postcode):
        raise bad("invalid_postcode", "Le code postal s'écrit avec 5 chiffres.")
    address = Address(line1, line2, postcode, city)
    return "address", address_text(address), address


def change_out(row: dict) -> ChangeOut:
    state, new_value = row["state"], row["new_value"]
    waiting = state in ("pending", "offered")
    # A detail from the person's account elsewhere is read whole here once its code proved it.
    masked = state == "offered" or (state == "pending" and row.get("origin") == "elsewhere")
    return ChangeOut(
        id=row["id"],
        field=row["field"],
        field_label=FIELD_LABELS[row["field"]],
        old_value=row["old_value"],
        new_value=mask(new_value) if masked else new_value,
        state=state,
        state_label=STATE_LABELS[state],
        sent_to=mask(new_value) if waiting else "",
        created_at=row["created_at"],
        applied_at=row["applied_at"],
        origin=row.get("origin") or "",
        applied_elsewhere=list(row.get("applied_elsewhere") or []),
        offered_elsewhere=list(row.get("offered_elsewhere") or []),
    )
