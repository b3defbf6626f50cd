"""Calendar feeds.

GET    /api/me/calendar-feeds               my children (or myself) and whether each has a feed URL
POST   /api/me/calendar-feeds               make a feed URL for a child or myself (replaces the previous one)
DELETE /api/me/calendar-feeds/{student}     revoke it
GET    /api/calendar/{token}.ics            the feed itself, for calendar apps (the token is all it takes)

The first three are for whoever is signed in (espace session or phone): a parent lists their children,
a student, a teacher, a staff member or the head themselves (a school-side reader's feed is their own
timetable). The last one has no session at all and caches for 15 minutes with an ETag (calendar apps
poll it).
"""

from __future__ import annotations

import hashlib
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal
from api.clock import now
from api.errors import ErrorResponse
from api.feeds.calendar import feed_calendar, school_calendar
from api.feeds.service import FeedCreated, FeedOut, NewFeed, make_feed, my_feeds, presented_feed, revoke_feed
from api.openapi import errors
from api.ratelimit import client_ip
from api.read_models import NOT_MODIFIED

CACHE = "private, max-age=900"
SCHOOL_ROLES = ("teacher", "staff", "admin")


class CalendarFeedsController(Controller):
    path = "/api/me/calendar-feeds"
    tags = ["calendar"]

    @get("/", summary="My calendar feeds: one per child, or my own", responses=errors())
    async def feeds(self, principal: NamedDependency[Principal]) -> list[FeedOut]:
        return await my_feeds(principal)

    @post(
        "/",
        summary="Make a child's (or my own) feed URL (the previous one stops working)",
        responses=errors(404, 429),
    )
    async def make(self, principal: NamedDependency[Principal], data: JSONBody[NewFeed]) -> FeedCreated:
        return await make_feed(principal, data.student_id)

    @delete("/{student_id:uuid}", summary="Revoke a child's (or my own) feed URL", responses=errors(404))
    async def revoke(self, principal: NamedDependency[Principal], student_id: FromPath[UUID]) -> None:
        await revoke_feed(principal, student_id)


def _etag(body: bytes) -> str:
    # DTSTAMP is the time of generation: left out, so that an unchanged calendar keeps its ETag.
    stable = b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))
    return f'W/"{hashlib.blake2b(stable, digest_size=16).hexdigest()}"'


@get(
    "/api/calendar/{token:str}",
    summary="A calendar feed (iCalendar), opened by its secret URL alone",
    tags=["calendar"],
    media_type="text/calendar",
    responses={
        NOT_MODIFIED: ResponseSpec(None, description="Not modified: the `If-None-Match` ETag is still current"),
        400: ResponseSpec(ErrorResponse, description="Requête invalide."),
        404: ResponseSpec(ErrorResponse, description="No such feed: revoked, replaced, or a wrong URL"),
        429: ResponseSpec(ErrorResponse, description="Polled too often: retry after `Retry-After` seconds"),
    },
)
async def calendar_feed(request: Request, token: FromPath[str]) -> Response[bytes]:
    school_id, feed = await presented_feed(token, client_ip(request))
    if feed["role"] in SCHOOL_ROLES:  # a teacher's, staff member's or head's own timetable
        body = await school_calendar(school_id, feed["user_id"], feed["role"], feed["first_name"], now())
    else:
        body = await feed_calendar(school_id, feed["user_id"], feed["student_id"], feed["first_name"], now())
    etag = _etag(body)
    headers = {"ETag": etag, "Cache-Control": CACHE}
    if request.headers.get("if-none-match", "") == etag:
        return Response(b"", status_code=NOT_MODIFIED, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="cartable.ics"'
    return Response(body, media_type="text/calendar", headers=headers)  # Litestar adds `; charset=utf-8`


ROUTES = [CalendarFeedsController, calendar_feed]
