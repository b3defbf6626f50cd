"""A phone or e-mail confirmed on one account reaches the same person's accounts in other schools.

A parent with a child at the collège and another at the lycée has an account in each school (see
api/accounts/directory.py). Once a new phone or e-mail is confirmed by its code here, the contact
directory names the other accounts that still hold the old one; each is read in its own school, and
only a parent account with the same name and exactly the old detail counts as the same person's.

- The old detail was proved by this account's holder (a phone: the activation SMS went to it, or a
  code confirmed it; an e-mail: its link or code was answered): whoever holds it can already recover
  those accounts, so moving them to the new detail gives nobody anything more. The change is
  applied to them at once, in the same transaction, and is a dated line of their school's log.
- Otherwise it is only offered: the other account shows it, and its owner, signed in there,
  confirms it with a code sent to the new detail (or leaves it).

Every statement pins its school: the directory is a reference table, the rest is read and written
in each account's own school.
"""

from __future__ import annotations

import unicodedata
from uuid import UUID

from api.accounts.directory import accounts_with, email_key, phone_key, set_contacts
from api.accounts.phones import normalise_phone
from api.auth.principal import Principal
from db.core.tables import School, User
from db.teleservices.tables import ContactChange

ELSEWHERE = "elsewhere"  # `origin` of a change that came from the person's account in another school


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum())


def _stored(field: str, value: str | None) -> str:
    """A phone or an e-mail as the changes compare it."""
    return normalise_phone(value) if field == "phone" else (value or "").strip().lower()


async def old_detail_proven(principal: Principal, field: str, old: str) -> bool:
    """Whether this account's holder proved the detail being replaced (read before the change applies)."""
    if not old:
        return False
    where = (User.school_id == principal.school_id) & (User.id == principal.user_id)
    user = await User.select(User.activated_at, User.email_verified_at).where(where).first()
    if field == "email":
        return user["email_verified_at"] is not None
    if user["activated_at"] is not None:  # the activation's SMS code went to this phone (imports never replace it)
        return True
    return await ContactChange.exists().where(
        (ContactChange.school_id == principal.school_id)
        & (ContactChange.user_id == principal.user_id)
        & (ContactChange.field == "phone")
        & (ContactChange.state == "applied")
        & (ContactChange.new_value == old)
    )


async def _same_person_elsewhere(principal: Principal, field: str, old: str, new: str) -> list[dict]:
    """The person's other accounts that still hold `old`: same name, a parent, not disabled."""
    me = (
        await User.select(User.first_name, User.last_name)
        .where((User.school_id == principal.school_id) & (User.id == principal.user_id))
        .first()
    )
    found = []
    for school_id, user_id in await accounts_with(phone_key(old) if field == "phone" else email_key(old)):
        if school_id == principal.school_id:
            continue  # another account of this school is not this person's to change
        user = await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()
        if (
            user is not None
            and user["role"] == "parent"
            and not user["disabled"]
            and (_folded(user["first_name"]), _folded(user["last_name"]))
            == (_folded(me["first_name"]), _folded(me["last_name"]))
            and _stored(field, user[field]) == old
            and old != new
        ):
            found.append(user)
    return found


async def _school_name(school_id: UUID) -> str:
    school = await School.select(School.name).where(School.id == school_id).first()
    return school["name"] if school else ""


async def spread(principal: Principal, field: str, old: str, new: str, proven: bool, moment) -> tuple[list, list]:
    """In the caller's transaction, after this account took `new`: apply it to (`proven`) or offer it
    to the same person's accounts elsewhere. Returns (school names applied, school names offered)."""
    applied, offered = [], []
    for user in await _same_person_elsewhere(principal, field, old, new):
        sid, uid = user["school_id"], user["id"]
        mine = (ContactChange.school_id == sid) & (ContactChange.user_id == uid) & (ContactChange.field == field)
        # An earlier offer of the same detail is replaced by this one (or by the change itself).
        await ContactChange.update({ContactChange.state: "cancelled"}).where(mine & (ContactChange.state == "offered"))
        row = ContactChange(
            school_id=sid,
            user_id=uid,
            field=field,
            old_value=_stored(field, user[field]),
            new_value=new,
            origin=ELSEWHERE,
            state="applied" if proven else "offered",
            applied_at=moment if proven else None,
        )
        await row.save()
        if proven:
            await set_contacts(sid, uid, **{field: new})
            if field == "email":  # the code proved the mailbox for this person
                await User.update({User.email_verified_at: moment}).where((User.school_id == sid) & (User.id == uid))
        (applied if proven else offered).append(await _school_name(sid))
    return applied, offered
