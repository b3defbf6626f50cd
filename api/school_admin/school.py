"""School set-up by the vie scolaire / direction (staff and admin).

POST /api/school/import/students   multipart `file`: CSV of students with legal guardians → report
POST /api/school/import/teachers   multipart `file`: CSV of teachers (name, first name, e-mail, subject, classes)
GET  /api/school/classes           the school's classes (for the pages' pickers)
GET  /api/school/classes/{id}/students   a class's students with identifiers
POST /api/school/accounts/letters  {"class_id", "format": "pdf"|"html"} → activation letters with new
                                   temporary passwords for the class's students who have not signed in yet
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, MediaType, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.dates import school_today
from api.errors import ApiError
from api.openapi import also_served_as, errors
from api.pdf import pdf_response
from api.ratelimit import limit
from api.school_admin import csv_rows
from api.school_admin.letters import issue_letters, letters_html, letters_pdf
from api.school_admin.school_service import ImportReport, apply_rows
from api.timetable.school_service import students_of
from db.core.tables import SchoolClass, User

MAX_CSV_BYTES = 2 * 1024 * 1024


class ImportForm(msgspec.Struct):
    file: UploadFile


class ClassOut(msgspec.Struct):
    id: UUID
    name: str
    level: str


class ClassStudent(msgspec.Struct):
    id: UUID
    first_name: str
    last_name: str
    identifier: str
    signed_in: bool  # has done the first sign-in (no letter needed)


class LettersIn(msgspec.Struct, forbid_unknown_fields=True):
    class_id: UUID
    format: Literal["pdf", "html"] = "pdf"


async def _read_csv(principal: Principal, data: ImportForm) -> str:
    await limit("school_import", str(principal.user_id), max_hits=30, window=timedelta(hours=1))
    raw = await data.file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise ApiError(413, "too_large", "Le fichier dépasse 2 Mo.")
    return csv_rows.decode(raw)


class SchoolAdminController(Controller):
    path = "/api/school"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @post(
        "/import/students",
        summary="Import students and legal guardians from CSV",
        status_code=200,
        request_max_body_size=MAX_CSV_BYTES + 64 * 1024,
        responses=errors(413, 415, 429),
    )
    async def import_students(
        self,
        principal: NamedDependency[Principal],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImportReport:
        text = await _read_csv(principal, data)
        rows, rejected = csv_rows.student_rows(text, await school_today(principal.school_id))
        return await apply_rows(principal, rows, rejected, len(rows) + len(rejected))

    @post(
        "/import/teachers",
        summary="Import teachers from CSV",
        status_code=200,
        request_max_body_size=MAX_CSV_BYTES + 64 * 1024,
        responses=errors(413, 415, 429),
    )
    async def import_teachers(
        self,
        principal: NamedDependency[Principal],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImportReport:
        text = await _read_csv(principal, data)
        rows, rejected = csv_rows.teacher_rows(text)
        return await apply_rows(principal, rows, rejected, len(rows) + len(rejected))

    @get("/classes", summary="The school's classes")
    async def classes(self, principal: NamedDependency[Principal]) -> list[ClassOut]:
        rows = await SchoolClass.select().where(SchoolClass.school_id == principal.school_id).order_by(SchoolClass.name)
        return [ClassOut(id=r["id"], name=r["name"], level=r["level"]) for r in rows]

    @get("/classes/{class_id:uuid}/students", summary="The students of a class with their identifiers")
    async def class_students(
        self, principal: NamedDependency[Principal], class_id: FromPath[UUID]
    ) -> list[ClassStudent]:
        ids = [s["id"] for s in await students_of(principal.school_id, class_id, None)]
        if not ids:
            return []
        rows = await User.select().where((User.school_id == principal.school_id) & User.id.is_in(ids))
        rows.sort(key=lambda r: (r["last_name"].lower(), r["first_name"].lower()))
        return [
            ClassStudent(
                id=r["id"],
                first_name=r["first_name"],
                last_name=r["last_name"],
                identifier=r["identifier"],
                signed_in=r["first_login_done_at"] is not None,
            )
            for r in rows
        ]

    @post(
        "/accounts/letters",
        summary="Activation letters (new temporary passwords): a PDF, or an HTML page (`format`)",
        status_code=200,
        media_type="application/pdf",
        operation_class=also_served_as(MediaType.HTML),
        responses=errors(404, 429),
    )
    async def letters(self, principal: NamedDependency[Principal], data: JSONBody[LettersIn]) -> Response:
        if not await SchoolClass.exists().where(
            (SchoolClass.school_id == principal.school_id) & (SchoolClass.id == data.class_id)
        ):
            raise ApiError(404, "not_found", "Classe introuvable.")
        await limit("school_letters", str(principal.user_id), max_hits=60, window=timedelta(hours=1))
        school_name, letters = await issue_letters(principal.school_id, data.class_id)
        if data.format == "html":
            return Response(letters_html(school_name, letters), media_type=MediaType.HTML)  # charset added once
        return pdf_response(letters_pdf(school_name, letters), "lettres-activation.pdf")


ROUTES = [SchoolAdminController]
