"""School side of communication (teachers: their classes and groups; staff: the whole school).

POST /api/school/posts                       information or survey to classes/groups (students and/or parents)
GET  /api/school/posts                       my posts with read / acknowledged counts
GET  /api/school/posts/{id}                  who read and acknowledged, survey results
GET  /api/school/discussions                 my discussions
POST /api/school/discussions                 contact a student's family (idempotent by client_id)
GET  /api/school/discussions/{id}            read one
POST /api/school/discussions/{id}/messages   reply (idempotent by client_id)
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.communication import school_service as service
from api.communication.discussions import (
    DiscussionDetail,
    DiscussionSummary,
    close_discussion,
    discussion_summaries,
    read_discussion,
)
from api.communication.school_structs import (
    ContactIn,
    PostDetail,
    PostIn,
    PostSummary,
    ReplyIn,
)
from api.openapi import errors


class SchoolCommunicationController(Controller):
    path = "/api/school"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("teacher", "staff", "admin"))}

    @post("/posts", summary="Post an information or a survey")
    async def post_information(self, principal: NamedDependency[Principal], data: JSONBody[PostIn]) -> PostSummary:
        return await service.post_information(principal, data)

    @get("/posts", summary="My posts")
    async def posts(self, principal: NamedDependency[Principal]) -> list[PostSummary]:
        return await service.my_posts(principal)

    @get("/posts/{post_id:uuid}", summary="Acknowledgements and answers of a post")
    async def post_detail(self, principal: NamedDependency[Principal], post_id: FromPath[UUID]) -> PostDetail:
        return await service.post_detail(principal, post_id)

    @get("/discussions", summary="My discussions")
    async def discussions(self, principal: NamedDependency[Principal]) -> list[DiscussionSummary]:
        return await discussion_summaries(principal)

    @post("/discussions", summary="Contact a student's family")
    async def contact(self, principal: NamedDependency[Principal], data: JSONBody[ContactIn]) -> DiscussionDetail:
        return await service.contact_family(principal, data)

    @get("/discussions/{discussion_id:uuid}", summary="Read a discussion")
    async def discussion(
        self, principal: NamedDependency[Principal], discussion_id: FromPath[UUID]
    ) -> DiscussionDetail:
        return await read_discussion(principal, discussion_id)

    @post("/discussions/{discussion_id:uuid}/messages", summary="Reply in a discussion")
    async def reply(
        self, principal: NamedDependency[Principal], discussion_id: FromPath[UUID], data: JSONBody[ReplyIn]
    ) -> DiscussionDetail:
        return await service.reply(principal, discussion_id, data)

    @post(
        "/discussions/{discussion_id:uuid}/close",
        summary="Close a discussion (no more replies; a family's pending reply is refused and kept on its phone)",
        status_code=200,
        responses=errors(404),
    )
    async def close(self, principal: NamedDependency[Principal], discussion_id: FromPath[UUID]) -> DiscussionDetail:
        return await close_discussion(principal, discussion_id)


ROUTES = [SchoolCommunicationController]
