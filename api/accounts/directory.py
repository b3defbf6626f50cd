"""The contact directory: which accounts, in which schools, hold a phone number or an e-mail address.

Activation and "identifiant perdu" start from a contact before the school is known. Rather than scan
every school's users (a query across all shards), they look the contact up in `contact_directory`,
a small deployment-wide table (a Citus reference table), then read each matching account in its own
school. A person may hold several accounts (a parent with a child at the collège and one at the
lycée has one in each school): every match is returned, none is picked.

`set_contacts` is the one way to change an account's phone or e-mail: it writes `app_user` and the
directory together, in one transaction. The seed and the school CSV import use it too (the seed in
bulk, through `contact_keys`). A school only ever writes the entries of its own accounts, so one
school's import cannot take over, hide or replace another school's account in the directory.
"""

from __future__ import annotations

from uuid import UUID

from api.accounts.codes import NOBODY
from api.accounts.phones import normalise_phone
from db.core.tables import User
from piccolo_conf import DB

PHONE_DIGITS = 9  # "06 12 34 56 78" and "+33 6 12 34 56 78" share their last nine digits
# A contact looked up reads its accounts in groups of ACCOUNT_READS, the last one completed with reads of
# an account that cannot exist (`codes.NOBODY`): the same statements for a known contact as for an
# unknown one (up to ACCOUNT_READS accounts per contact: more are rare, and read all the same).
ACCOUNT_READS = 4
_UNCHANGED = object()

# Piccolo placeholders ({}): runs in the caller's transaction. Args: contacts, school, user, school, user.
_SYNC = """
WITH wanted AS (SELECT unnest({}::text[]) AS contact),
gone AS (
    DELETE FROM contact_directory WHERE school_id = {} AND user_id = {}
       AND contact NOT IN (SELECT contact FROM wanted)
)
INSERT INTO contact_directory (id, contact, school_id, user_id)
SELECT gen_random_uuid(), contact, {}, {} FROM wanted
ON CONFLICT (contact, school_id, user_id) DO NOTHING
"""
_ACCOUNTS = "SELECT school_id, user_id FROM contact_directory WHERE contact = {} ORDER BY school_id, user_id"


def phone_key(phone: str | None) -> str | None:
    digits = normalise_phone(phone)
    return f"tel:{digits[-PHONE_DIGITS:]}" if len(digits) >= PHONE_DIGITS else None


def email_key(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return f"email:{email}" if "@" in email else None


def contact_keys(phone: str | None, email: str | None) -> list[str]:
    return [key for key in (phone_key(phone), email_key(email)) if key]


async def set_contacts(school_id: UUID, user_id: UUID, *, phone=_UNCHANGED, email=_UNCHANGED) -> None:
    """Change an account's phone and/or e-mail (None clears it) and keep the directory in step."""
    changes = {}
    if phone is not _UNCHANGED:
        changes[User.phone] = phone
    if email is not _UNCHANGED:
        changes[User.email] = email
    async with DB.transaction():
        where = (User.school_id == school_id) & (User.id == user_id)
        if changes:
            await User.update(changes).where(where)
        row = await User.select(User.phone, User.email).where(where).first()
        keys = contact_keys(row["phone"], row["email"]) if row else []
        await User.raw(_SYNC, keys, school_id, user_id, school_id, user_id)


async def accounts_with(contact: str | None) -> list[tuple[UUID, UUID]]:
    """(school id, user id) of every account holding this directory contact (`phone_key`/`email_key`)."""
    if not contact:
        return []
    rows = await User.raw(_ACCOUNTS, contact)
    return [(row["school_id"], row["user_id"]) for row in rows]


async def users_holding(contact: str | None) -> list[dict]:
    """The user row of every account holding this directory contact, each read in its own school."""
    found = await accounts_with(contact)
    reads = max(ACCOUNT_READS, -(-len(found) // ACCOUNT_READS) * ACCOUNT_READS)
    users = []
    for school_id, user_id in found + [NOBODY] * (reads - len(found)):
        user = await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()
        if user is not None:
            users.append(user)
    return users
