"""Homework attachments: upload (teachers, their own homework), download (the families it is for, and
the school's teachers and staff).

Only PDF, PNG, JPEG, ODT and DOCX up to 5 MB are accepted, and the type is decided from the file's
first bytes (the declared type and the extension are not trusted). Files are stored under
`.data/attachments/<school_id>/<random key>` (git-ignored), never under the uploaded name, and are
served as downloads (Content-Disposition: attachment) with the sniffed type, so an upload can never
run as a page of this origin. `store_upload` and `stored_file_response` are the one way to keep and
serve an uploaded file (the téléservices' pieces use them too); uploads are rate-limited per user.

POST   /api/school/homework/{homework_id}/attachments                  multipart `file`
DELETE /api/school/homework/{homework_id}/attachments/{attachment_id}
GET    /api/homework/{homework_id}/attachments/{attachment_id}
"""

from __future__ import annotations

import io
import os
import re
import secrets
import unicodedata
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from api.auth.principal import Principal, principal_with_roles
from api.errors import ApiError
from api.homework.school_service import own_homework
from api.homework.school_structs import AttachmentOut
from api.openapi import errors
from api.ratelimit import limit
from api.read_models import ConditionalResponse, conditional_responses, etag_of
from db.homework.tables import HomeworkAttachment
from piccolo_conf import DB

MAX_BYTES = 5 * 1024 * 1024
MAX_PER_HOMEWORK = 10
STORE = Path(__file__).resolve().parent.parent / ".data" / "attachments"
NOT_FOUND = ApiError(404, "not_found", "Pièce jointe introuvable.")
ODT_MIME = b"application/vnd.oasis.opendocument.text"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sniff(head: bytes, content: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the magic bytes, or None if the file is not an allowed type."""
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"PK\x03\x04"):
        # ODF stores an uncompressed "mimetype" entry first; OOXML has [Content_Types].xml and word/.
        if head[30:38] == b"mimetype" and head[38 : 38 + len(ODT_MIME)] == ODT_MIME:
            return ODT_MIME.decode(), "odt"
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return DOCX_MIME, "docx"
    return None


def clean_filename(name: str, extension: str) -> str:
    base = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    base = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", base).strip(" .") or "piece-jointe"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:180]}.{extension}"


def content_disposition(filename: str) -> str:
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode() or "piece-jointe"
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", fallback)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _path(school_id: UUID, key: str) -> Path:
    return STORE / str(school_id) / key


class StoredFile(msgspec.Struct):
    filename: str  # cleaned, with the extension of the sniffed type
    content_type: str  # the sniffed type
    size_bytes: int
    storage_key: str


ALL_TYPES = ("pdf", "png", "jpg", "odt", "docx")
TYPE_NAMES = {"pdf": "PDF", "png": "PNG", "jpg": "JPEG", "odt": "ODT", "docx": "DOCX"}


async def store_upload(principal: Principal, upload: UploadFile, extensions: tuple[str, ...] = ALL_TYPES) -> StoredFile:
    """Check (rate, size, sniffed type among `extensions`) and keep an uploaded file of the principal's school."""
    await limit("upload", str(principal.user_id), max_hits=60, window=timedelta(hours=1))
    content = await upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ApiError(413, "too_large", "Le fichier dépasse 5 Mo.")
    if not content:
        raise ApiError(400, "empty_file", "Le fichier est vide.")
    kind = sniff(content[:128], content)
    if kind is None or kind[1] not in extensions:
        accepted = ", ".join(TYPE_NAMES[extension] for extension in extensions)
        raise ApiError(415, "unsupported_file", f"Formats acceptés : {accepted}.")
    content_type, extension = kind
    key = secrets.token_urlsafe(24)
    target = _path(principal.school_id, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".part")
    temporary.write_bytes(content)
    temporary.replace(target)
    return StoredFile(clean_filename(upload.filename, extension), content_type, len(content), key)


def stored_file_response(school_id: UUID, row: dict) -> Response:
    """A stored file (`row` has storage_key, filename, content_type) as a download that never renders.
    Its ETag is made from its storage key: a stored file never changes (another file gets another key),
    so a copy the phone has is still right, and a 304 reads nothing from the disk."""
    path = _path(school_id, row["storage_key"])
    if not path.is_file():
        raise NOT_FOUND
    return ConditionalResponse(
        path.read_bytes,
        etag=etag_of(row["storage_key"].encode()),
        media_type=row["content_type"],
        headers={"Content-Disposition": content_disposition(row["filename"]), "X-Content-Type-Options": "nosniff"},
    )


def remove_stored(school_id: UUID, key: str) -> None:
    _path(school_id, key).unlink(missing_ok=True)


class UploadForm(msgspec.Struct):
    file: UploadFile


class SchoolAttachmentsController(Controller):
    path = "/api/school/homework/{homework_id:uuid}/attachments"
    tags = ["school"]
    dependencies = {"principal": Provide(principal_with_roles("teacher"))}

    @post(
        "/",
        summary="Attach a file to one's homework",
        request_max_body_size=MAX_BYTES + 64 * 1024,
        responses=errors(404, 413, 415, 429),
    )
    async def upload(
        self,
        principal: NamedDependency[Principal],
        homework_id: FromPath[UUID],
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> AttachmentOut:
        await own_homework(principal, homework_id)
        count = await HomeworkAttachment.count().where(
            (HomeworkAttachment.school_id == principal.school_id) & (HomeworkAttachment.homework_id == homework_id)
        )
        if count >= MAX_PER_HOMEWORK:
            raise ApiError(400, "too_many_attachments", f"{MAX_PER_HOMEWORK} pièces jointes au plus par devoir.")
        stored = await store_upload(principal, data.file)
        row = HomeworkAttachment(
            school_id=principal.school_id, homework_id=homework_id, **msgspec.structs.asdict(stored)
        )
        await row.save()
        return AttachmentOut(
            id=row.id,
            filename=row.filename,
            content_type=row.content_type,
            size_bytes=row.size_bytes,
            url=f"/api/homework/{homework_id}/attachments/{row.id}",
        )

    @delete("/{attachment_id:uuid}", summary="Remove an attachment")
    async def remove(
        self, principal: NamedDependency[Principal], homework_id: FromPath[UUID], attachment_id: FromPath[UUID]
    ) -> None:
        await own_homework(principal, homework_id)
        where = (
            (HomeworkAttachment.school_id == principal.school_id)
            & (HomeworkAttachment.id == attachment_id)
            & (HomeworkAttachment.homework_id == homework_id)
        )
        row = await HomeworkAttachment.select().where(where).first()
        if row is None:
            raise NOT_FOUND
        await HomeworkAttachment.delete().where(where)
        remove_stored(principal.school_id, row["storage_key"])


# The attachment, if its homework reaches one of the reader's students (the family visibility rule,
# `family_audience` + `reaches`), or for anyone of the school's teachers and staff.
# $1 school, $2 homework, $3 attachment, $4 reader, $5 the reader reads the whole school.
_DOWNLOADABLE = """
SELECT f.filename, f.content_type, f.storage_key
FROM homework_attachment f JOIN homework h ON h.school_id = $1 AND h.id = f.homework_id
WHERE f.school_id = $1 AND f.id = $3 AND f.homework_id = $2
  AND ($5 OR EXISTS (SELECT 1 FROM family_audience($1, $4, NULL) a
                     WHERE reaches(a.class_ids, a.group_ids, h.class_id, h.group_id)))
"""
SCHOOL_READERS = ("teacher", "staff", "admin")


class AttachmentDownloadController(Controller):
    path = "/api/homework/{homework_id:uuid}/attachments"
    tags = ["homework"]

    @get(
        "/{attachment_id:uuid}",
        summary="Download a homework attachment (ETag, 304)",
        responses=conditional_responses(404),
    )
    async def download(
        self, principal: NamedDependency[Principal], homework_id: FromPath[UUID], attachment_id: FromPath[UUID]
    ) -> Response:
        row = await DB.pool.fetchrow(
            _DOWNLOADABLE,
            principal.school_id,
            homework_id,
            attachment_id,
            principal.user_id,
            principal.role in SCHOOL_READERS,
        )
        if row is None:
            raise NOT_FOUND
        return stored_file_response(principal.school_id, row)


ROUTES = [SchoolAttachmentsController, AttachmentDownloadController]
