"""Families read the published bulletins of a child (a student: their own), from the day the head
of school chose, as data or as a PDF printed by the server.

GET /api/students/{student_id}/bulletins                          the periods published to date
GET /api/students/{student_id}/bulletins/{period_id}              one bulletin
GET /api/students/{student_id}/bulletins/{period_id}/pdf          the same, printed

The list is one statement (api/read_models.py); a bulletin is the copy frozen when families could first
read it (api/bulletins/frozen.py): it never changes, and its ETag spares a phone the download.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from api.auth.principal import Principal, principal_with_roles
from api.auth.scope import NOT_YOURS
from api.bulletins.frozen import published_bulletin
from api.bulletins.render_pdf import bulletin_download
from api.bulletins.structs import Bulletin, PublishedBulletin
from api.dates import school_today
from api.errors import ApiError
from api.read_models import (
    FamilyRead,
    conditional_responses,
    family_read,
    read_response,
    read_responses,
    reader_today,
    struct_response,
)
from piccolo_conf import DB

NOT_PUBLISHED = ApiError(404, "not_found", "Ce bulletin n'est pas encore publié.")

# $1 school, $2 reader, $3 student, $4 today (the school's): the periods whose bulletin the student's
# class reads today, latest first.
PUBLISHED_SQL = """
SELECT coalesce((
    SELECT json_agg(json_build_object(
        'period', json_build_object('id', p.id, 'name', p.name, 'starts_on', p.starts_on, 'ends_on', p.ends_on),
        'visible_from', x.visible_from,
        'pdf_url', '/api/students/' || a.student_id || '/bulletins/' || p.id || '/pdf'
    ) ORDER BY p.starts_on DESC)
    FROM (SELECT r.period_id, min(r.visible_from) AS visible_from FROM report_card_publication r
          WHERE r.school_id = $1 AND reaches(a.class_ids, a.group_ids, r.class_id, NULL)
            AND r.visible_from <= $4::date
          GROUP BY r.period_id) x
    JOIN period p ON p.school_id = $1 AND p.id = x.period_id
), '[]')::text
FROM family_audience($1, $2, $3) a
"""
PUBLISHED = FamilyRead(PUBLISHED_SQL)


async def family_bulletin(principal: Principal, student_id: UUID, period_id: UUID) -> Bulletin:
    sid = principal.school_id
    listed = await DB.pool.fetchval(PUBLISHED_SQL, sid, principal.user_id, student_id, await school_today(sid))
    if listed is None:
        raise NOT_YOURS
    if period_id not in {item.period.id for item in msgspec.json.decode(listed, type=list[PublishedBulletin])}:
        raise NOT_PUBLISHED
    bulletin = await published_bulletin(sid, period_id, student_id)
    if bulletin is None:
        raise NOT_PUBLISHED
    return bulletin


class FamilyBulletinsController(Controller):
    path = "/api/students/{student_id:uuid}/bulletins"
    tags = ["bulletins"]
    dependencies = {"principal": Provide(principal_with_roles("student", "parent"))}

    @get("/", summary="The published bulletins of a student, latest first", responses=read_responses(404))
    async def published(self, request: Request, student_id: FromPath[UUID]) -> Response[list[PublishedBulletin]]:
        body = await family_read(request, PUBLISHED, student_id, await reader_today(request))
        return read_response(request, body, stamped=False)

    @get("/{period_id:uuid}", summary="A published bulletin", responses=read_responses(404))
    async def bulletin(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        student_id: FromPath[UUID],
        period_id: FromPath[UUID],
    ) -> Response[Bulletin]:
        bulletin = await family_bulletin(principal, student_id, period_id)
        return struct_response(request, bulletin)

    @get(
        "/{period_id:uuid}/pdf",
        summary="A published bulletin as a PDF printed by the server",
        responses=conditional_responses(404),
        media_type="application/pdf",
    )
    async def pdf(
        self, principal: NamedDependency[Principal], student_id: FromPath[UUID], period_id: FromPath[UUID]
    ) -> Response:
        return await bulletin_download(principal.school_id, await family_bulletin(principal, student_id, period_id))


ROUTES = [FamilyBulletinsController]
