"""Discussions, one implementation for families and school staff alike.

Who takes part, what is unread, who the other participants are. A user only ever sees the
discussions they take part in; anything else is a 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from api.auth.principal import Principal
from api.clock import now
from api.display_names import names_by_id
from api.errors import ApiError
from api.push import events
from api.ratelimit import limit
from db.communication.tables import Discussion, DiscussionParticipant, Message

DISCUSSION_NOT_FOUND = ApiError(404, "not_found", "Discussion introuvable.")
DISCUSSION_CLOSED = ApiError(
    409,
    "discussion_closed",
    "Cette discussion a été close par l'établissement : votre message n'a pas été envoyé. "
    "Il est conservé ci-dessous ; vous pouvez le copier dans une nouvelle discussion.",
)
# $1 school, $2 discussion, $3 author: the family readers to tell, each with the student it is about.
_FAMILY_READERS = """
SELECT p.user_id, coalesce(dn.about_student_id, CASE WHEN u.role = 'student' THEN u.id END) AS student_id
FROM discussion_participant p
JOIN discussion dn ON dn.school_id = $1 AND dn.id = p.discussion_id
JOIN app_user u ON u.school_id = $1 AND u.id = p.user_id AND u.role IN ('student', 'parent')
WHERE p.school_id = $1 AND p.discussion_id = $2 AND p.user_id <> $3
"""

MESSAGES_PER_HOUR = 60
# $1 school, $2 discussion, $3 author, $4 body, $5 client id, $6 now: the message, unless already stored.
_NEW_MESSAGE = """
INSERT INTO message (id, school_id, discussion_id, author_id, body, client_id, created_at)
VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6)
ON CONFLICT (school_id, discussion_id, author_id, client_id) WHERE client_id <> '' DO NOTHING
RETURNING id
"""
# $1 school, $2 subject, $3 author, $4 student, $5 now, $6 client id: the discussion, unless already started.
_NEW_DISCUSSION = """
INSERT INTO discussion (id, school_id, subject, created_by_id, about_student_id, created_at, last_message_at,
                        client_id)
VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $5, $6)
ON CONFLICT (school_id, created_by_id, client_id) WHERE client_id <> '' DO NOTHING
RETURNING id
"""
# $1 school, $2 discussion, $3 users.
_PARTICIPANTS = """
INSERT INTO discussion_participant (id, school_id, discussion_id, user_id)
SELECT gen_random_uuid(), $1, $2, u FROM unnest($3::uuid[]) AS u
"""


class MessageOut(msgspec.Struct):
    id: UUID
    author: str
    mine: bool
    body: str
    created_at: datetime


class DiscussionDetail(msgspec.Struct):
    id: UUID
    subject: str
    with_names: list[str]
    messages: list[MessageOut]
    closed: bool = False  # closed by the school: no more replies


class DiscussionSummary(msgspec.Struct):
    id: UUID
    subject: str
    with_names: list[str]
    about_student_id: UUID | None
    last_message_at: datetime
    unread: bool


async def my_participation(principal: Principal, discussion_id: UUID) -> dict:
    row = (
        await DiscussionParticipant.select()
        .where(
            (DiscussionParticipant.school_id == principal.school_id)
            & (DiscussionParticipant.discussion_id == discussion_id)
            & (DiscussionParticipant.user_id == principal.user_id)
        )
        .first()
    )
    if row is None:
        raise DISCUSSION_NOT_FOUND
    return row


async def others_by_discussion(principal: Principal, discussion_ids: list[UUID]) -> dict[UUID, list[str]]:
    if not discussion_ids:
        return {}
    rows = await DiscussionParticipant.select(DiscussionParticipant.discussion_id, DiscussionParticipant.user_id).where(
        (DiscussionParticipant.school_id == principal.school_id)
        & DiscussionParticipant.discussion_id.is_in(discussion_ids)
    )
    names = await names_by_id(principal.school_id, {r["user_id"] for r in rows if r["user_id"] != principal.user_id})
    out: dict[UUID, list[str]] = {}
    for r in rows:
        if r["user_id"] != principal.user_id:
            out.setdefault(r["discussion_id"], []).append(names.get(r["user_id"], ""))
    return out


async def discussion_summaries(principal: Principal) -> list[DiscussionSummary]:
    """The principal's discussions, most recent first, with their unread state."""
    mine = await DiscussionParticipant.select().where(
        (DiscussionParticipant.school_id == principal.school_id) & (DiscussionParticipant.user_id == principal.user_id)
    )
    read_at = {r["discussion_id"]: r["last_read_at"] for r in mine}
    if not read_at:
        return []
    rows = (
        await Discussion.select()
        .where((Discussion.school_id == principal.school_id) & Discussion.id.is_in(list(read_at)))
        .order_by(Discussion.last_message_at, ascending=False)
    )
    others = await others_by_discussion(principal, [r["id"] for r in rows])
    return [
        DiscussionSummary(
            id=r["id"],
            subject=r["subject"],
            with_names=others.get(r["id"], []),
            about_student_id=r["about_student_id"],
            last_message_at=r["last_message_at"],
            unread=read_at[r["id"]] is None or read_at[r["id"]] < r["last_message_at"],
        )
        for r in rows
    ]


async def messages_of(principal: Principal, discussion_id: UUID) -> list[MessageOut]:
    rows = (
        await Message.select()
        .where((Message.school_id == principal.school_id) & (Message.discussion_id == discussion_id))
        .order_by(Message.created_at)
    )
    names = await names_by_id(principal.school_id, {r["author_id"] for r in rows})
    return [
        MessageOut(
            id=r["id"],
            author=names.get(r["author_id"], ""),
            mine=r["author_id"] == principal.user_id,
            body=r["body"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def read_discussion(principal: Principal, discussion_id: UUID) -> DiscussionDetail:
    """A discussion the principal takes part in, with its messages; marks it read."""
    await my_participation(principal, discussion_id)
    row = (
        await Discussion.select()
        .where((Discussion.school_id == principal.school_id) & (Discussion.id == discussion_id))
        .first()
    )
    await DiscussionParticipant.update({DiscussionParticipant.last_read_at: now()}).where(
        (DiscussionParticipant.school_id == principal.school_id)
        & (DiscussionParticipant.discussion_id == discussion_id)
        & (DiscussionParticipant.user_id == principal.user_id)
    )
    others = await others_by_discussion(principal, [discussion_id])
    return DiscussionDetail(
        id=discussion_id,
        subject=row["subject"],
        with_names=others.get(discussion_id, []),
        messages=await messages_of(principal, discussion_id),
        closed=row["closed_at"] is not None,
    )


async def close_discussion(principal: Principal, discussion_id: UUID) -> DiscussionDetail:
    """A school participant closes the discussion (once; closing again changes nothing)."""
    await my_participation(principal, discussion_id)
    await Discussion.update({Discussion.closed_at: now()}).where(
        (Discussion.school_id == principal.school_id)
        & (Discussion.id == discussion_id)
        & Discussion.closed_at.is_null()
    )
    return await read_discussion(principal, discussion_id)


async def write_message(principal: Principal, discussion_id: UUID, body: str, client_id: str) -> None:
    """Add a message; resending the same `client_id` to the same discussion adds nothing, even when both
    copies arrive at once (the unique index `message_client_uq` keeps the first)."""
    if await _sent(principal, discussion_id, client_id):
        return
    closed = await Discussion.exists().where(
        (Discussion.school_id == principal.school_id)
        & (Discussion.id == discussion_id)
        & Discussion.closed_at.is_not_null()
    )
    if closed:
        raise DISCUSSION_CLOSED
    await limit("message", str(principal.user_id), max_hits=MESSAGES_PER_HOUR, window=timedelta(hours=1))
    async with events.transaction():
        await _add_message(principal, discussion_id, body, client_id)


async def _sent(principal: Principal, discussion_id: UUID, client_id: str) -> bool:
    return await Message.exists().where(
        (Message.school_id == principal.school_id)
        & (Message.discussion_id == discussion_id)
        & (Message.author_id == principal.user_id)
        & (Message.client_id == client_id)
    )


async def _started_with(principal: Principal, client_id: str) -> UUID | None:
    """The discussion the principal started with this client id (or, before discussions kept theirs,
    whose message carries it)."""
    row = (
        await Discussion.select(Discussion.id)
        .where(
            (Discussion.school_id == principal.school_id)
            & (Discussion.created_by_id == principal.user_id)
            & (Discussion.client_id == client_id)
        )
        .first()
    )
    if row is None:
        row = (
            await Message.select(Message.discussion_id.as_alias("id"))
            .where(
                (Message.school_id == principal.school_id)
                & (Message.author_id == principal.user_id)
                & (Message.client_id == client_id)
            )
            .first()
        )
    return row["id"] if row else None


async def start_discussion(
    principal: Principal,
    *,
    subject: str,
    about_student_id: UUID,
    participants: list[UUID],
    body: str,
    client_id: str,
    limit_key: str,
    max_hits: int,
) -> UUID:
    """A new discussion with its first message, all or nothing; the same `client_id` again (even twice at
    once: the unique index `discussion_client_uq`) gives the first one's id and writes nothing."""
    if (started := await _started_with(principal, client_id)) is not None:
        return started
    # Both limits before anything is written: a refusal leaves no empty discussion behind.
    await limit(limit_key, str(principal.user_id), max_hits=max_hits, window=timedelta(hours=1))
    await limit("message", str(principal.user_id), max_hits=MESSAGES_PER_HOUR, window=timedelta(hours=1))
    sid = principal.school_id
    async with events.transaction():
        discussion_id = await events.connection().fetchval(
            _NEW_DISCUSSION, sid, subject, principal.user_id, about_student_id, now(), client_id
        )
        if discussion_id is not None:
            await events.connection().execute(
                _PARTICIPANTS, sid, discussion_id, list(dict.fromkeys([principal.user_id, *participants]))
            )
            await _add_message(principal, discussion_id, body, client_id)
    return discussion_id or await _started_with(principal, client_id)


async def _add_message(principal: Principal, discussion_id: UUID, body: str, client_id: str) -> None:
    moment = now()
    sid = principal.school_id
    added = await events.connection().fetchval(
        _NEW_MESSAGE, sid, discussion_id, principal.user_id, body, client_id, moment
    )
    if added is None:  # the same message, sent twice at once: the first one stands
        return
    await Discussion.update({Discussion.last_message_at: moment}).where(
        (Discussion.school_id == sid) & (Discussion.id == discussion_id)
    )
    # One's own message is read.
    await DiscussionParticipant.update({DiscussionParticipant.last_read_at: moment}).where(
        (DiscussionParticipant.school_id == sid)
        & (DiscussionParticipant.discussion_id == discussion_id)
        & (DiscussionParticipant.user_id == principal.user_id)
    )
    readers = await events.connection().fetch(_FAMILY_READERS, sid, discussion_id, principal.user_id)
    await events.record(
        sid,
        [
            events.Event(
                "message", r["student_id"], f"messages/d/{discussion_id}", user_id=r["user_id"], source_id=discussion_id
            )
            for r in readers
            if r["student_id"] is not None
        ],
    )
