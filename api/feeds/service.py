"""Calendar feed URLs: made, listed, revoked; and the token check of a calendar app's request.

A feed URL is `/api/calendar/<token>.ics`, token = routed_token(school, feed row, 256-bit secret)
(api/auth/tokens.py): looked up by `school_id = … AND id = …`, the secret compared with its stored
SHA-256 in constant time. It is not a session: it opens that one feed, read-only, and nothing else
(no cookie, no principal). Making a new URL for the same child replaces the old one (which then
answers 404), and so does revoking it.

Whose feed: a parent has one per child, a student one of their own; a teacher, a staff member or the
head one of their own timetable (`student_id` = their own id, the row's `student_id` = `user_id`):
the feeds' API is the same for everyone, each reader listing the calendars they may have.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from api.auth.principal import Principal
from api.auth.scope import require_student
from api.auth.tokens import digest, new_secret, parse_routed_token, routed_token, same
from api.clock import now
from api.config import get_settings
from api.errors import ApiError
from api.ratelimit import limit
from db.feeds.tables import CalendarFeed
from piccolo_conf import DB

FEED_NOT_FOUND = ApiError(404, "not_found", "Agenda introuvable : ce lien a été révoqué ou remplacé.")
NOT_OWN = ApiError(404, "not_found", "Agenda introuvable : votre agenda est celui de votre emploi du temps.")
TOUCH_INTERVAL = timedelta(hours=1)
WRONG_PER_HOUR = 60  # wrong (revoked, replaced, guessed) feed URLs an address may ask for in an hour

# $1 school, $2 reader: each child the reader follows, with their feed if there is one.
_MINE = """
SELECT a.student_id, c.first_name, f.created_at, f.last_used_at
FROM family_audience($1, $2, NULL) a
JOIN app_user c ON c.school_id = $1 AND c.id = a.student_id
LEFT JOIN calendar_feed f ON f.school_id = $1 AND f.user_id = $2 AND f.student_id = a.student_id
ORDER BY c.first_name, a.student_id
"""
# $1 school, $2 reader (a teacher, staff member or head): their own timetable, with its feed if there is one.
_OWN = """
SELECT u.id AS student_id, u.first_name, f.created_at, f.last_used_at
FROM app_user u
LEFT JOIN calendar_feed f ON f.school_id = $1 AND f.user_id = $2 AND f.student_id = $2
WHERE u.school_id = $1 AND u.id = $2
"""
# $1 school, $2 feed: the feed, if its reader is still active and may still read it: a school-side
# reader their own timetable only, a family reader a student they may still see.
_PRESENTED = """
SELECT f.user_id, f.student_id, f.secret_hash, f.last_used_at, c.first_name, u.role
FROM calendar_feed f
JOIN app_user u ON u.school_id = $1 AND u.id = f.user_id AND NOT u.disabled
JOIN app_user c ON c.school_id = $1 AND c.id = f.student_id
WHERE f.school_id = $1 AND f.id = $2
  AND CASE WHEN u.role IN ('teacher', 'staff', 'admin') THEN f.student_id = f.user_id
           ELSE EXISTS (SELECT 1 FROM family_audience($1, f.user_id, f.student_id)) END
"""


class FeedOut(msgspec.Struct):
    student_id: UUID  # whose calendar: a child, or the reader themselves (a student, a teacher…)
    first_name: str
    active: bool
    created_at: datetime | None
    last_used_at: datetime | None


class FeedCreated(msgspec.Struct):
    student_id: UUID
    url: str  # shown once: only its hash is kept
    webcal_url: str  # the same, for calendar apps that subscribe on a tap


class NewFeed(msgspec.Struct, forbid_unknown_fields=True):
    student_id: UUID


async def _whose(principal: Principal, student_id: UUID) -> None:
    """Check the principal may have a feed of `student_id`'s calendar (404 otherwise)."""
    if principal.is_family:
        await require_student(principal, student_id)
    elif student_id != principal.user_id:  # a teacher reads students' work, but has no feed of theirs
        raise NOT_OWN


async def my_feeds(principal: Principal) -> list[FeedOut]:
    query = _MINE if principal.is_family else _OWN
    rows = await DB.pool.fetch(query, principal.school_id, principal.user_id)
    return [
        FeedOut(
            row["student_id"], row["first_name"], row["created_at"] is not None, row["created_at"], row["last_used_at"]
        )
        for row in rows
    ]


async def make_feed(principal: Principal, student_id: UUID) -> FeedCreated:
    """A new URL for the child's (or one's own) feed; the previous one stops working."""
    await _whose(principal, student_id)
    await limit("calendar:new", str(principal.user_id), max_hits=20, window=timedelta(hours=1))
    secret = new_secret()
    where = (
        (CalendarFeed.school_id == principal.school_id)
        & (CalendarFeed.user_id == principal.user_id)
        & (CalendarFeed.student_id == student_id)
    )
    async with DB.transaction():
        await CalendarFeed.delete().where(where)
        row = CalendarFeed(school_id=principal.school_id, user_id=principal.user_id, student_id=student_id,
                           secret_hash=digest(secret))  # fmt: skip
        await row.save()
    url = f"{get_settings().public_url}/api/calendar/{routed_token(principal.school_id, row.id, secret)}.ics"
    return FeedCreated(student_id=student_id, url=url, webcal_url="webcal://" + url.split("://", 1)[1])


async def revoke_feed(principal: Principal, student_id: UUID) -> None:
    await _whose(principal, student_id)
    await CalendarFeed.delete().where(
        (CalendarFeed.school_id == principal.school_id)
        & (CalendarFeed.user_id == principal.user_id)
        & (CalendarFeed.student_id == student_id)
    )


async def presented_feed(token: str, address: str) -> tuple[UUID, dict]:
    """(school, feed row) of a valid feed token; 404 otherwise (never says which part was wrong).

    Only a valid URL counts against its feed (calendar apps poll every few minutes to hours: 60 fetches
    an hour is plenty); a wrong one counts against the address it came from, so guessing at a feed's id
    never uses up the real URL's quota, and is bounded per address."""
    parsed = parse_routed_token(token.removesuffix(".ics"))
    row = await DB.pool.fetchrow(_PRESENTED, parsed[0], parsed[1]) if parsed else None
    if row is None or not same(digest(parsed[2]), row["secret_hash"]):
        await limit("calendar:wrong", address, max_hits=WRONG_PER_HOUR, window=timedelta(hours=1),
                    message="Trop de liens d'agenda invalides depuis cette adresse. Réessayez plus tard.")  # fmt: skip
        raise FEED_NOT_FOUND
    school_id, feed_id, _ = parsed
    await limit("calendar:feed", f"{school_id}:{feed_id}", max_hits=60, window=timedelta(hours=1),
                message="Trop de demandes pour cet agenda. Réessayez plus tard.")  # fmt: skip
    moment = now()
    if row["last_used_at"] is None or moment - row["last_used_at"] > TOUCH_INTERVAL:
        await CalendarFeed.update({CalendarFeed.last_used_at: moment}).where(
            (CalendarFeed.school_id == school_id) & (CalendarFeed.id == feed_id)
        )
    return school_id, dict(row)
