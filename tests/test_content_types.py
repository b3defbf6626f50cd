"""Every text answer names its charset once: `text/…; charset=utf-8`, never `…; charset=utf-8; charset=utf-8`
(Litestar appends one to any text/* type, even one that already has it; api/http_headers.py keeps one)."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from litestar import Litestar, Response, get

from api.http_headers import one_charset, security_headers_middleware
from tests.fixtures.api import sign_in
from tests.school_builders import school_setup
from tests.teleservices_builders import signed_in, tele_setup


def charsets(response: httpx.Response) -> list[str]:
    parameters = response.headers["content-type"].split(";")[1:]
    return [p.strip().lower() for p in parameters if p.strip().lower().startswith("charset=")]


async def test_every_kind_of_text_answer_names_one_charset(client, new_client):
    s = await school_setup()
    staff, parent = await new_client(), await new_client()
    await sign_in(staff, s.staff)
    await sign_in(parent, s.parent_4a)
    feed = (await parent.post("/api/me/calendar-feeds", json={"student_id": str(s.student_4a.id)})).json()
    tele = await tele_setup()
    tele_staff = await signed_in(new_client, tele.staff)
    answers = {
        "service worker": await client.get("/service-worker.js"),
        "PWA script": await client.get("/js/app.js"),
        "PWA page": await client.get("/"),
        "PWA style": await client.get("/css/app.css"),
        "espace page": await client.get("/espace/"),
        "espace script": await client.get("/espace/espace.js"),
        "calendar feed": await client.get(urlsplit(feed["url"]).path),
        "activation letters": await staff.post(
            "/api/school/accounts/letters", json={"class_id": str(s.class_4a.id), "format": "html"}
        ),
        "CSV export": await tele_staff.get("/api/school/teleservices/exports/bourses.csv"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.status_code, response.text[:200])
        content_type = response.headers["content-type"]
        assert content_type.startswith("text/"), (name, content_type)
        assert charsets(response) == ["charset=utf-8"], (name, content_type)


async def test_a_handler_that_names_its_charset_gets_it_once():
    """Whatever a future handler writes, the answer names one charset."""

    @get("/named", sync_to_thread=False)
    def named() -> Response[str]:
        return Response("x", media_type="text/plain; charset=utf-8")

    app = Litestar([named], middleware=[security_headers_middleware])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as raw:
        response = await raw.get("/named")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_only_repeated_charsets_are_dropped():
    assert one_charset(b"text/html; charset=utf-8") == b"text/html; charset=utf-8"
    assert one_charset(b"text/calendar; charset=utf-8; charset=utf-8") == b"text/calendar; charset=utf-8"
    assert one_charset(b"text/csv; Charset=UTF-8; header=present; charset=utf-8") == (
        b"text/csv; Charset=UTF-8; header=present"
    )
    assert one_charset(b"application/json") == b"application/json"
