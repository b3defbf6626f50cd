"""Homework attachments: allowed types by content, size limit, who may download."""

from __future__ import annotations

import io
import zipfile

from tests.fixtures.api import sign_in
from tests.school_builders import school_setup

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


async def _homework(client, s):
    await sign_in(client, s.teacher_4a)
    return (
        await client.post(
            "/api/school/homework",
            json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": "<p>Lire le document</p>"},
        )
    ).json()


async def _upload(client, homework_id, name, content, declared="application/octet-stream"):
    return await client.post(
        f"/api/school/homework/{homework_id}/attachments", files={"file": (name, content, declared)}
    )


async def test_upload_and_download_by_the_family(client, new_client):
    s = await school_setup()
    homework = await _homework(client, s)
    uploaded = await _upload(client, homework["id"], "../../Fiche d'exercices é.pdf", PDF)
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    assert attachment["content_type"] == "application/pdf" and attachment["filename"] == "Fiche d'exercices é.pdf"
    docx = await _upload(client, homework["id"], "consigne.docx", _docx())
    assert docx.json()["content_type"].endswith("wordprocessingml.document")
    listed = (await client.get(f"/api/school/lessons/{s.lesson_4a.id}/homework")).json()[0]["attachments"]
    assert [a["filename"] for a in listed] == ["Fiche d'exercices é.pdf", "consigne.docx"]

    for user in (s.student_4a, s.parent_4a, s.teacher_3b, s.staff):
        reader = await new_client()
        await sign_in(reader, user)
        got = await reader.get(attachment["url"])
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment;")
    outsider = await new_client()
    await sign_in(outsider, s.student_3b)
    assert (await outsider.get(attachment["url"])).status_code == 404


async def test_disguised_and_oversized_files_are_refused(client):
    s = await school_setup()
    homework = await _homework(client, s)
    html = await _upload(
        client, homework["id"], "cours.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    assert html.status_code == 415 and html.json()["error"]["code"] == "unsupported_file"
    big = await _upload(client, homework["id"], "gros.png", PNG + b"\x00" * (5 * 1024 * 1024))
    assert big.status_code == 413
    listed = (await client.get(f"/api/school/lessons/{s.lesson_4a.id}/homework")).json()[0]["attachments"]
    assert listed == []


async def test_only_the_author_attaches_or_removes(client, new_client):
    s = await school_setup()
    homework = await _homework(client, s)
    attachment = (await _upload(client, homework["id"], "a.png", PNG)).json()
    other = await new_client()
    await sign_in(other, s.teacher_3b)
    assert (await _upload(other, homework["id"], "b.png", PNG)).status_code == 404
    assert (
        await other.delete(f"/api/school/homework/{homework['id']}/attachments/{attachment['id']}")
    ).status_code == 404
    assert (
        await client.delete(f"/api/school/homework/{homework['id']}/attachments/{attachment['id']}")
    ).status_code == 204
    assert (await client.get(attachment["url"])).status_code == 404
