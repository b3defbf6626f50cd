"""Teachers write the cahier de textes: lesson content and homework, only for their own lessons."""

from __future__ import annotations

from api.auth.sessions import now
from db.homework.tables import HomeworkDone
from tests.fixtures.api import sign_in
from tests.school_builders import school_setup

XSS = (
    '<p>Exercice 3 <img src=x onerror="alert(1)"><script>alert(2)</script>'
    '<a href="javascript:alert(3)">lien</a><a href="https://example.org" onclick="x()">doc</a></p>'
    '<div style="color:red" onmouseover="alert(4)">texte</div><svg onload=alert(5)></svg>'
)


async def test_teacher_sees_own_week_and_writes_lesson_content(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    week = (await client.get("/api/school/lessons", params={"week": "2026-11-25"})).json()
    assert week["week"] == "2026-11-23"
    assert [lesson["audience"] for lesson in week["lessons"]] == ["4e A"]
    lesson_id = week["lessons"][0]["id"]
    put = await client.put(
        f"/api/school/lessons/{lesson_id}/content",
        json={"title": "Théorème de Pythagore", "html": "<p>Démonstration</p>"},
    )
    assert put.status_code == 200
    got = (await client.get(f"/api/school/lessons/{lesson_id}/content")).json()
    assert got["title"] == "Théorème de Pythagore" and got["html"] == "<p>Démonstration</p>"
    week = (await client.get("/api/school/lessons", params={"week": "2026-11-23"})).json()
    assert week["lessons"][0]["has_content"] is True


async def test_give_edit_delete_homework(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    created = await client.post(
        "/api/school/homework",
        json={
            "lesson_id": str(s.lesson_4a.id),
            "due_on": "2026-11-26",
            "html": "<p>Exercices 1 à 4 p. 52</p>",
            "estimated_minutes": 30,
        },
    )
    assert created.status_code == 201, created.text
    homework = created.json()
    assert homework["class_id"] == str(s.class_4a.id) and homework["given_on"] == "2026-11-23"
    listed = (await client.get(f"/api/school/lessons/{s.lesson_4a.id}/homework")).json()
    assert [h["id"] for h in listed] == [homework["id"]]

    edited = await client.patch(
        f"/api/school/homework/{homework['id']}", json={"html": "<p>Exercices 1 à 6</p>", "estimated_minutes": None}
    )
    assert edited.status_code == 200
    assert edited.json()["html"] == "<p>Exercices 1 à 6</p>" and edited.json()["estimated_minutes"] is None

    assert (await client.delete(f"/api/school/homework/{homework['id']}")).status_code == 204
    assert (await client.get(f"/api/school/lessons/{s.lesson_4a.id}/homework")).json() == []


async def test_homework_must_be_due_after_the_lesson_and_not_empty(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    same_day = await client.post(
        "/api/school/homework", json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-23", "html": "<p>x</p>"}
    )
    assert same_day.status_code == 400 and same_day.json()["error"]["code"] == "due_date_not_later"
    empty = await client.post(
        "/api/school/homework",
        json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": "<script>x</script>"},
    )
    assert empty.status_code == 400 and "travail" in empty.json()["error"]["message"]


async def test_xss_payloads_in_homework_come_out_inert(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    homework = (
        await client.post(
            "/api/school/homework", json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": XSS}
        )
    ).json()
    stored = (await client.get(f"/api/school/lessons/{s.lesson_4a.id}/homework")).json()[0]["html"]
    for html in (homework["html"], stored):
        lowered = html.lower()
        for dangerous in (
            "<script",
            "onerror",
            "onclick",
            "onmouseover",
            "onload",
            "javascript:",
            "<img",
            "<svg",
            "style=",
            "alert(2)",
        ):
            assert dangerous not in lowered, (dangerous, html)
        assert '<a href="https://example.org" rel="noopener noreferrer">doc</a>' in html
        assert "Exercice 3" in html and "texte" in html


async def test_done_report_lists_the_class(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    homework = (
        await client.post(
            "/api/school/homework",
            json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": "<p>Lire</p>"},
        )
    ).json()
    await HomeworkDone.insert(
        HomeworkDone(
            school_id=s.school.id, homework_id=homework["id"], student_id=s.student_4a.id, done=True, changed_at=now()
        )
    )
    report = (await client.get(f"/api/school/homework/{homework['id']}/done")).json()
    assert report["done_count"] == 1 and report["student_count"] == 2
    assert {(line["first_name"], line["done"]) for line in report["students"]} == {("Léa", True), ("Tom", False)}


async def test_teacher_of_4a_cannot_touch_3b(client, new_client):
    s = await school_setup()
    other = await new_client()
    await sign_in(other, s.teacher_3b)
    homework_3b = (
        await other.post(
            "/api/school/homework",
            json={"lesson_id": str(s.lesson_3b.id), "due_on": "2026-11-24", "html": "<p>3e B</p>"},
        )
    ).json()

    await sign_in(client, s.teacher_4a)
    assert (
        await client.post(
            "/api/school/homework", json={"lesson_id": str(s.lesson_3b.id), "due_on": "2026-11-24", "html": "<p>x</p>"}
        )
    ).status_code == 404
    assert (
        await client.patch(f"/api/school/homework/{homework_3b['id']}", json={"html": "<p>y</p>"})
    ).status_code == 404
    assert (await client.delete(f"/api/school/homework/{homework_3b['id']}")).status_code == 404
    assert (await client.get(f"/api/school/homework/{homework_3b['id']}/done")).status_code == 404
    assert (await client.put(f"/api/school/lessons/{s.lesson_3b.id}/content", json={"html": "x"})).status_code == 404
    assert (await client.get(f"/api/school/lessons/{s.lesson_3b.id}/homework")).status_code == 404
    still = (await other.get(f"/api/school/lessons/{s.lesson_3b.id}/homework")).json()
    assert [h["html"] for h in still] == ["<p>3e B</p>"]


async def test_families_cannot_call_the_school_side(client, new_client):
    s = await school_setup()
    for user in (s.parent_4a, s.student_4a):
        family = await new_client()
        await sign_in(family, user)
        assert (await family.get("/api/school/lessons")).status_code == 403
        assert (
            await family.post(
                "/api/school/homework",
                json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": "<p>x</p>"},
            )
        ).status_code == 403
    assert (await client.get("/api/school/lessons")).status_code == 401


async def test_write_without_csrf_token_is_refused(client):
    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    del client.headers["X-CSRF-Token"]
    response = await client.post(
        "/api/school/homework", json={"lesson_id": str(s.lesson_4a.id), "due_on": "2026-11-24", "html": "<p>x</p>"}
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf"


async def test_a_retried_homework_is_given_once(client):
    """A tablet that resends a request whose answer was lost must not give the homework twice."""
    import asyncio

    from db.homework.tables import Homework

    s = await school_setup()
    await sign_in(client, s.teacher_4a)
    body = {
        "lesson_id": str(s.lesson_4a.id),
        "due_on": "2026-11-26",
        "html": "<p>Réviser le théorème de Pythagore</p>",
        "client_id": "f0b8c1d2-homework-0001",
    }
    first = await client.post("/api/school/homework", json=body)
    assert first.status_code == 201, first.text
    again, at_once = await asyncio.gather(
        client.post("/api/school/homework", json=body),
        client.post("/api/school/homework", json={**body, "client_id": "f0b8c1d2-homework-0002"}),
    )
    twin = await client.post("/api/school/homework", json={**body, "client_id": "f0b8c1d2-homework-0002"})
    assert again.json()["id"] == first.json()["id"]
    assert twin.json()["id"] == at_once.json()["id"] != first.json()["id"]
    assert await Homework.count().where(Homework.teacher_id == s.teacher_4a.id) == 2
    bad = await client.post("/api/school/homework", json={**body, "client_id": "x"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
