"""Family "Communication": discussions with teachers, information posts and surveys.

Messages are plain text (shown with textContent, never as HTML). Every write a phone may resend
carries a client id (messages) or is naturally idempotent (read, acknowledge, answers).
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal
from api.auth.scope import require_family, require_student
from api.clock import now
from api.communication.discussions import (
    DiscussionDetail,
    DiscussionSummary,
    MessageOut,
    messages_of,
    my_participation,
    read_discussion,
    start_discussion,
    write_message,
)
from api.communication.family_read import DISCUSSIONS_SQL, INFORMATION_SQL
from api.communication.family_service import mark_post, my_post, teachers_of_student
from api.communication.family_structs import (
    Answers,
    NewDiscussion,
    NewMessage,
    PostOut,
    TeacherOut,
)
from api.communication.surveys import answer_survey
from api.errors import ApiError, ErrorResponse
from api.openapi import errors
from api.read_models import READ_RESPONSES, FamilyRead, family_read, read_response, read_responses, struct_response

MAX_BODY = 5000
DISCUSSIONS = FamilyRead(DISCUSSIONS_SQL)
INFORMATION = FamilyRead(INFORMATION_SQL)


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body or len(body) > MAX_BODY:
        raise ApiError(
            400, "invalid", f"Écrivez un message (au plus {MAX_BODY} caractères).", details={"body": "length"}
        )
    return body


class FamilyDiscussionsController(Controller):
    path = "/api/me/discussions"
    tags = ["communication"]

    @get("/", summary="My discussions, latest first, with an unread flag", responses=READ_RESPONSES)
    async def discussions(self, request: Request) -> Response[list[DiscussionSummary]]:
        return read_response(request, await family_read(request, DISCUSSIONS), stamped=False)

    @get("/{discussion_id:uuid}", summary="Read a discussion (marks it read; ETag, 304)", responses=read_responses(404))
    async def discussion(
        self, request: Request, principal: NamedDependency[Principal], discussion_id: FromPath[UUID]
    ) -> Response[DiscussionDetail]:
        require_family(principal)
        detail = await read_discussion(principal, discussion_id)  # read, even when the phone has it (304)
        return struct_response(request, detail)

    @post(
        "/{discussion_id:uuid}/messages",
        summary="Reply (idempotent by client_id)",
        responses={
            **errors(404, 429),
            409: ResponseSpec(
                ErrorResponse, description="The school closed the discussion: not sent, kept on the phone"
            ),
        },
    )
    async def reply(
        self, principal: NamedDependency[Principal], discussion_id: FromPath[UUID], data: JSONBody[NewMessage]
    ) -> list[MessageOut]:
        require_family(principal)
        await my_participation(principal, discussion_id)
        await write_message(principal, discussion_id, _clean_body(data.body), data.client_id)
        return await messages_of(principal, discussion_id)

    @post(
        "/",
        summary="Start a discussion with a teacher of the child (idempotent by client_id)",
        responses=errors(404, 429),
    )
    async def start(self, principal: NamedDependency[Principal], data: JSONBody[NewDiscussion]) -> DiscussionDetail:
        require_family(principal)
        await require_student(principal, data.student_id)
        subject, body, client_id = data.subject.strip(), _clean_body(data.body), data.client_id
        if not subject or len(subject) > 200:
            raise ApiError(400, "invalid", "Indiquez un objet (200 caractères au plus).", details={"subject": "length"})
        if data.teacher_id not in await teachers_of_student(principal, data.student_id):
            raise ApiError(404, "not_found", "Ce professeur n'enseigne pas à cet élève.")
        discussion_id = await start_discussion(
            principal,
            subject=subject,
            about_student_id=data.student_id,
            participants=[data.teacher_id],
            body=body,
            client_id=client_id,
            limit_key="discussion",
            max_hits=20,
        )
        return await read_discussion(principal, discussion_id)


class FamilyTeachersController(Controller):
    path = "/api/students/{student_id:uuid}/teachers"
    tags = ["communication"]

    @get("/", summary="The teachers of a student (to start a discussion; ETag, 304)", responses=read_responses(404))
    async def teachers(
        self, request: Request, principal: NamedDependency[Principal], student_id: FromPath[UUID]
    ) -> Response[list[TeacherOut]]:
        require_family(principal)
        await require_student(principal, student_id)
        by_teacher = await teachers_of_student(principal, student_id)
        teachers = sorted(
            (TeacherOut(id=t, name=name, subjects=sorted(set(s))) for t, (name, s) in by_teacher.items()),
            key=lambda t: t.name,
        )
        return struct_response(request, teachers)


class FamilyInformationController(Controller):
    path = "/api/me/information"
    tags = ["communication"]

    @get("/", summary="Information and surveys sent to me, latest first", responses=READ_RESPONSES)
    async def posts(self, request: Request) -> Response[list[PostOut]]:
        return read_response(request, await family_read(request, INFORMATION, now()), stamped=False)

    @post("/{post_id:uuid}/read", summary="Mark an information read", responses=errors(404))
    async def read(self, principal: NamedDependency[Principal], post_id: FromPath[UUID]) -> PostOut:
        require_family(principal)
        await mark_post(principal, post_id, "read_at")
        return await my_post(principal, post_id)

    @post(
        "/{post_id:uuid}/acknowledge", summary="Acknowledge an information (accusé de lecture)", responses=errors(404)
    )
    async def acknowledge(self, principal: NamedDependency[Principal], post_id: FromPath[UUID]) -> PostOut:
        require_family(principal)
        await mark_post(principal, post_id, "acknowledged_at")
        return await my_post(principal, post_id)

    @post(
        "/{post_id:uuid}/answers",
        summary="Answer a survey (idempotent by client_id; a later answer replaces an earlier one)",
        responses={
            **errors(404),
            409: ResponseSpec(ErrorResponse, description="A later answer is already recorded: this one is not"),
        },
    )
    async def answer(
        self, principal: NamedDependency[Principal], post_id: FromPath[UUID], data: JSONBody[Answers]
    ) -> PostOut:
        require_family(principal)
        client_id = data.client_id or ""
        await answer_survey(principal, post_id, data, client_id)
        return await my_post(principal, post_id)


ROUTES = [FamilyDiscussionsController, FamilyTeachersController, FamilyInformationController]
