"""A guardian's contact details: phone, e-mail, postal address ("notifier tout changement").

A new phone or e-mail takes effect only once the 6-digit code sent to it is typed back: the change
waits as `pending` (its code is an `api/accounts/codes.py` flow: random, stored hashed, 10 minutes,
3 tries, sends throttled), then `set_contacts` writes the account and the contact directory in one
transaction, so activation and recovery find the account by the new detail, and no longer by the
old one. The old phone or address is told (someone who took over a session cannot quietly divert
the account). A postal address cannot be proved by a code: it applies at once and the account's
e-mail is told. Every applied change is a dated line of the school's log (`change_log`).

A confirmed phone or e-mail also reaches the person's accounts in other schools that still hold the
old one (a parent of a collégien and of a lycéen): applied there too when this account's holder had
proved the old detail, else offered, to confirm with a code once signed in there (contact_others.py).

A request carrying a `client_id` already seen acts once: a retried start gives back the same change
with a fresh code (the answer that carried the first flow was lost), a retried check of a change
already applied gives it back as it is.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from asyncpg.exceptions import UniqueViolationError

from api.accounts import codes
from api.accounts.directory import set_contacts
from api.accounts.phones import normalise_phone
from api.auth.principal import Principal
from api.auth.tokens import parse_routed_token
from api.clock import now
from api.dates import french, school_zone
from api.errors import ApiError
from api.notifications.notify import Notice, notify_users
from api.notifications.sender import send_email, send_sms
from api.ratelimit import limit
from api.teleservices import contact_others
from api.teleservices.catalogue import FAMILY_PAGE
from api.teleservices.contact_structs import (
    FIELD_LABELS,
    Address,
    ChangeOut,
    ChangeStarted,
    CodeIn,
    ContactChangeIn,
    ContactDetails,
    address_text,
    bad,
    change_out,
    validated,
)
from db.core.tables import User
from db.teleservices.tables import ContactChange, PostalAddress
from piccolo_conf import DB

PURPOSE = "contact_change"  # the purpose of its codes in verification_code
CHANGES_PER_DAY = 10
CHANGED = {
    "phone": "le numéro de téléphone a été modifié",
    "email": "l'adresse e-mail a été modifiée",
    "address": "l'adresse postale a été modifiée",
}
CHANGE_NOT_FOUND = ApiError(404, "not_found", "Changement de coordonnées introuvable.")
NOT_PENDING = ApiError(
    409, "not_pending", "Ce changement a été remplacé par une demande plus récente : utilisez le dernier code reçu."
)
NOT_OFFERED = ApiError(409, "not_offered", "Cette proposition n'est plus en attente : elle a été remplacée ou traitée.")


def _unchanged(value: str, old: str) -> bool:
    return old.strip().lower() == value.lower()


def _mine(principal: Principal):
    return (ContactChange.school_id == principal.school_id) & (ContactChange.user_id == principal.user_id)


async def _current(principal: Principal) -> tuple[dict, dict | None]:
    user = (
        await User.select(User.first_name, User.last_name, User.phone, User.email)
        .where((User.school_id == principal.school_id) & (User.id == principal.user_id))
        .first()
    )
    address = (
        await PostalAddress.select(PostalAddress.line1, PostalAddress.line2, PostalAddress.postcode, PostalAddress.city)
        .where((PostalAddress.school_id == principal.school_id) & (PostalAddress.user_id == principal.user_id))
        .first()
    )
    return user, address


async def contact_details(principal: Principal) -> ContactDetails:
    user, address = await _current(principal)
    rows = (
        await ContactChange.select()
        .where(_mine(principal) & (ContactChange.state != "cancelled"))
        .order_by(ContactChange.created_at, ascending=False)
        .limit(20)
    )
    return ContactDetails(
        phone=user["phone"],
        email=user["email"],
        address=Address(**address) if address else None,
        pending=[change_out(row) for row in rows if row["state"] == "pending"],
        history=[change_out(row) for row in rows if row["state"] == "applied"],
        offers=[change_out(row) for row in rows if row["state"] == "offered"],
    )


async def _send_code(principal: Principal, change: dict, *, counted: bool = False) -> str:
    """A fresh code for a pending change, sent to its new detail; the previous code dies. Returns the flow.
    Sends are throttled (`counted`: the caller already counted this one)."""
    if not counted:
        await codes.throttle_sends(principal.user_id)
    flow, code = await codes.issue(
        school_id=principal.school_id, user_id=principal.user_id, purpose=PURPOSE, destination=change["new_value"]
    )
    _, verification_id, _ = parse_routed_token(flow)
    if change["verification_id"]:
        await codes.finish({"school_id": principal.school_id, "id": change["verification_id"]})
    await ContactChange.update({ContactChange.verification_id: verification_id}).where(
        _mine(principal) & (ContactChange.id == change["id"])
    )
    text = f"Cartable : votre code pour confirmer ce {{}} est {code}. Il est valable 10 minutes."
    if change["field"] == "phone":
        await send_sms(principal.school_id, change["new_value"], text.format("numéro"))
    else:
        subject = "Confirmez votre nouvelle adresse e-mail"
        await send_email(principal.school_id, change["new_value"], subject, text.format("courriel"))
    return flow


def _started(row: dict, flow: str | None) -> ChangeStarted:
    change = change_out(row)
    if flow is None:
        message = "Changement enregistré." if change.state == "applied" else NOT_PENDING.message
    else:
        message = f"Un code a été envoyé à {change.sent_to}. Saisissez-le pour confirmer le changement."
    return ChangeStarted(change=change, flow=flow, message=message)


async def _own_change(principal: Principal, change_id: UUID) -> dict:
    row = await ContactChange.select().where(_mine(principal) & (ContactChange.id == change_id)).first()
    if row is None:
        raise CHANGE_NOT_FOUND
    return row


async def _by_client_id(principal: Principal, client_id: str) -> dict | None:
    return await ContactChange.select().where(_mine(principal) & (ContactChange.client_id == client_id)).first()


async def _replay(principal: Principal, row: dict) -> ChangeStarted:
    """The same start sent again: the change already recorded (with a fresh code if it still waits)."""
    if row["state"] == "pending":
        return _started(row, await _send_code(principal, row))
    return _started(row, None)


async def start(principal: Principal, data: ContactChangeIn) -> ChangeStarted:
    seen = data.client_id and await _by_client_id(principal, data.client_id)
    if seen:
        return await _replay(principal, seen)
    field, value, address = validated(data)
    user, current_address = await _current(principal)
    if field == "address":
        old = address_text(Address(**current_address)) if current_address else ""
    else:  # a phone as its digits, whichever way it was typed on import
        old = normalise_phone(user["phone"]) if field == "phone" else user["email"] or ""
    if _unchanged(value, old):
        raise bad("unchanged", f"{FIELD_LABELS[field]} : aucun changement, c'est déjà la valeur enregistrée.")
    await limit(
        "contact-change",
        str(principal.user_id),
        max_hits=CHANGES_PER_DAY,
        window=timedelta(days=1),
        message="Trop de changements de coordonnées aujourd'hui. Réessayez demain.",
    )
    if address is None:  # refused before anything is recorded when too many codes went out
        await codes.throttle_sends(principal.user_id)
    row = ContactChange(
        school_id=principal.school_id,
        user_id=principal.user_id,
        field=field,
        old_value=old,
        new_value=value,
        client_id=data.client_id,
    )
    try:
        async with DB.transaction():
            # A newer request for the same detail replaces the one still waiting for its code (or offered).
            await ContactChange.update({ContactChange.state: "cancelled"}).where(
                _mine(principal) & (ContactChange.field == field) & ContactChange.state.is_in(["pending", "offered"])
            )
            await row.save()
            if address is not None:
                await _apply(principal, row.id, field, value, address)
    except UniqueViolationError:  # the same client_id twice at once: the first one stands
        return await _replay(principal, await _by_client_id(principal, data.client_id))
    saved = await _own_change(principal, row.id)
    if field == "address":
        await _tell_owner(principal, saved)
        return _started(saved, None)
    return _started(saved, await _send_code(principal, saved, counted=True))


async def resend(principal: Principal, change_id: UUID) -> ChangeStarted:
    row = await _own_change(principal, change_id)
    if row["state"] != "pending":
        raise NOT_PENDING if row["state"] == "cancelled" else ApiError(409, "applied", "Ce changement est déjà fait.")
    return _started(row, await _send_code(principal, row))


async def accept_offer(principal: Principal, change_id: UUID) -> ChangeStarted:
    """Take the detail confirmed on this person's account in another school: a code goes to it, and the
    change applies here once it is typed back (`verify`). Sent again, a new code goes."""
    row = await _own_change(principal, change_id)
    if row["state"] == "pending" and row["origin"] == contact_others.ELSEWHERE:
        return _started(row, await _send_code(principal, row))
    if row["state"] != "offered":
        raise NOT_OFFERED
    await codes.throttle_sends(principal.user_id)
    async with DB.transaction():
        # Like a change asked here: it replaces one of the same detail still waiting for its code.
        await ContactChange.update({ContactChange.state: "cancelled"}).where(
            _mine(principal)
            & (ContactChange.field == row["field"])
            & (ContactChange.state == "pending")
            & (ContactChange.id != change_id)
        )
        await ContactChange.update({ContactChange.state: "pending"}).where(
            _mine(principal) & (ContactChange.id == change_id) & (ContactChange.state == "offered")
        )
    pending = await _own_change(principal, change_id)
    return _started(pending, await _send_code(principal, pending, counted=True))


async def dismiss_offer(principal: Principal, change_id: UUID) -> ChangeOut:
    """Leave an offer: this account keeps its detail (dismissed again: the same answer)."""
    row = await _own_change(principal, change_id)
    if row["origin"] != contact_others.ELSEWHERE or row["state"] == "applied":
        raise NOT_OFFERED
    await ContactChange.update({ContactChange.state: "cancelled"}).where(
        _mine(principal) & (ContactChange.id == change_id) & ContactChange.state.is_in(["offered", "pending"])
    )
    return change_out(await _own_change(principal, change_id))


async def verify(principal: Principal, change_id: UUID, data: CodeIn) -> ChangeOut:
    row = await _own_change(principal, change_id)
    if row["state"] == "applied":  # a retried check: the change is done
        return change_out(row)
    if row["state"] != "pending":
        raise NOT_PENDING
    flow = await codes.find_flow(data.flow, PURPOSE)
    if flow is None or flow["id"] != row["verification_id"] or flow["user_id"] != principal.user_id:
        raise codes.CODE_EXPIRED  # a code replaced by a newer one, or a flow of something else
    await codes.check_code(flow, data.flow, data.code)
    field, old, new = row["field"], row["old_value"].strip().lower(), row["new_value"]
    proven = await contact_others.old_detail_proven(principal, field, old)
    async with DB.transaction():
        if not await codes.finish(flow) or not await _apply(principal, row["id"], field, new):
            raise NOT_PENDING  # replaced (or applied by a parallel check) meanwhile
        # The person's accounts in other schools that still hold the old detail.
        applied_to, offered_to = await contact_others.spread(principal, field, old, new, proven, now())
        if applied_to or offered_to:
            await ContactChange.update(
                {ContactChange.applied_elsewhere: applied_to, ContactChange.offered_elsewhere: offered_to}
            ).where(_mine(principal) & (ContactChange.id == change_id))
    applied = await _own_change(principal, change_id)
    await _tell_owner(principal, applied)
    return change_out(applied)


async def _apply(principal: Principal, change_id: UUID, field: str, value: str, address: Address | None = None) -> bool:
    """Make a change take effect (in the caller's transaction); False if it no longer waits."""
    sid, uid, moment = principal.school_id, principal.user_id, now()
    done = await ContactChange.raw(
        "UPDATE contact_change SET state = 'applied', applied_at = {} "
        "WHERE school_id = {} AND user_id = {} AND id = {} AND state = 'pending' RETURNING id",
        moment,
        sid,
        uid,
        change_id,
    )
    if not done:
        return False
    if field == "phone":
        await set_contacts(sid, uid, phone=value)
    elif field == "email":
        await set_contacts(sid, uid, email=value)
        # The code proved the mailbox, as the first-login link does.
        await User.update({User.email_verified_at: moment}).where((User.school_id == sid) & (User.id == uid))
    elif address is not None:
        await PostalAddress.raw(
            "INSERT INTO postal_address (id, school_id, user_id, line1, line2, postcode, city, updated_at) "
            "VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (school_id, user_id) DO UPDATE SET "
            "line1 = EXCLUDED.line1, line2 = EXCLUDED.line2, postcode = EXCLUDED.postcode, city = EXCLUDED.city, "
            "updated_at = EXCLUDED.updated_at",
            sid,
            uid,
            address.line1,
            address.line2,
            address.postcode,
            address.city,
            moment,
        )
    return True


async def _tell_owner(principal: Principal, change: dict) -> None:
    """Tell the account's previous phone or e-mail (the address: its e-mail) that a detail changed."""
    day = change["applied_at"].astimezone(await school_zone(principal.school_id)).date()  # the school's day
    text = (
        f"Cartable : {CHANGED[change['field']]} de votre compte le {french(day)}. "
        "Si vous n'êtes pas à l'origine de ce changement, contactez l'établissement."
    )
    old = change["old_value"]
    if change["field"] == "phone" and old:
        await send_sms(principal.school_id, old, text)
    elif change["field"] == "email" and old:
        await send_email(principal.school_id, old, "Votre adresse e-mail a été modifiée", text)
    elif change["field"] == "address":
        await notify_users(
            Notice(principal.school_id, "Votre adresse postale a été modifiée", text, FAMILY_PAGE), [principal.user_id]
        )
