"""Teachers evaluate their own classes on competences (four levels), with optional grades, and publish."""

from __future__ import annotations

from db.evaluations.tables import Competence, Evaluation
from tests.fixtures.api import sign_in
from tests.school_builders import school_setup


async def _competence(school_id, code="D1.1"):
    row = Competence(school_id=school_id, code=code, label="Comprendre et s'exprimer", domain="Langages")
    await row.save()
    return row.id


async def test_evaluate_grade_and_publish(client):
    s = await school_setup()
    competence_id = await _competence(s.school.id)
    await sign_in(client, s.teacher_4a)
    created = await client.post(
        "/api/school/evaluations",
        json={
            "subject_id": str(s.subject.id),
            "class_id": str(s.class_4a.id),
            "title": "Contrôle Pythagore",
            "given_on": "2026-11-20",
            "competence_ids": [str(competence_id)],
            "graded": True,
            "out_of": 20,
            "coefficient": 2,
        },
    )
    assert created.status_code == 201, created.text
    evaluation = created.json()
    assert evaluation["publish_at"] is None and len(evaluation["students"]) == 2
    recorded = await client.put(
        f"/api/school/evaluations/{evaluation['id']}/results",
        json={
            "results": [
                {"student_id": str(s.student_4a.id), "competence_id": str(competence_id), "level": "tres_bonne"}
            ],
            "grades": [
                {"student_id": str(s.student_4a.id), "value": 17.5},
                {"student_id": str(s.other_4a.id), "status": "absent"},
            ],
        },
    )
    assert recorded.status_code == 200, recorded.text
    by_name = {st["first_name"]: st for st in recorded.json()["students"]}
    assert by_name["Léa"]["levels"] == {str(competence_id): "tres_bonne"}
    assert float(by_name["Léa"]["grade"]) == 17.5 and by_name["Tom"]["grade_status"] == "absent"

    published = await client.post(f"/api/school/evaluations/{evaluation['id']}/publish", json={})
    assert published.status_code == 200 and published.json()["publish_at"] is not None
    later = await client.post(
        f"/api/school/evaluations/{evaluation['id']}/publish", json={"at": "2026-12-01T08:00:00+01:00"}
    )
    row = await Evaluation.select(Evaluation.publish_at).where(Evaluation.id == evaluation["id"]).first()
    assert later.status_code == 200 and row["publish_at"].isoformat().startswith("2026-12-01T07:00")


async def test_bad_results_are_refused_and_nothing_written(client):
    s = await school_setup()
    competence_id = await _competence(s.school.id)
    await sign_in(client, s.teacher_4a)
    evaluation = (
        await client.post(
            "/api/school/evaluations",
            json={
                "subject_id": str(s.subject.id),
                "class_id": str(s.class_4a.id),
                "title": "Interro",
                "given_on": "2026-11-20",
                "competence_ids": [str(competence_id)],
                "graded": True,
                "out_of": 10,
            },
        )
    ).json()
    too_high = await client.put(
        f"/api/school/evaluations/{evaluation['id']}/results",
        json={
            "results": [{"student_id": str(s.student_4a.id), "competence_id": str(competence_id), "level": "fragile"}],
            "grades": [{"student_id": str(s.student_4a.id), "value": 12}],
        },
    )
    assert too_high.status_code == 400 and too_high.json()["error"]["code"] == "grade_above_scale"
    wrong_level = await client.put(
        f"/api/school/evaluations/{evaluation['id']}/results",
        json={
            "results": [{"student_id": str(s.student_4a.id), "competence_id": str(competence_id), "level": "parfait"}]
        },
    )
    assert wrong_level.status_code == 400
    stranger = await client.put(
        f"/api/school/evaluations/{evaluation['id']}/results",
        json={
            "results": [{"student_id": str(s.student_3b.id), "competence_id": str(competence_id), "level": "fragile"}]
        },
    )
    assert stranger.status_code == 400
    detail = (await client.get(f"/api/school/evaluations/{evaluation['id']}")).json()
    assert all(st["levels"] == {} and st["grade"] is None for st in detail["students"])


async def test_teacher_of_4a_cannot_evaluate_or_read_3b(client, new_client):
    s = await school_setup()
    competence_id = await _competence(s.school.id)
    other = await new_client()
    await sign_in(other, s.teacher_3b)
    evaluation_3b = (
        await other.post(
            "/api/school/evaluations",
            json={
                "subject_id": str(s.subject.id),
                "class_id": str(s.class_3b.id),
                "title": "3e B",
                "given_on": "2026-11-20",
                "competence_ids": [str(competence_id)],
            },
        )
    ).json()

    await sign_in(client, s.teacher_4a)
    refused = await client.post(
        "/api/school/evaluations",
        json={
            "subject_id": str(s.subject.id),
            "class_id": str(s.class_3b.id),
            "title": "x",
            "given_on": "2026-11-20",
            "competence_ids": [str(competence_id)],
        },
    )
    assert refused.status_code == 404
    assert (await client.get(f"/api/school/evaluations/{evaluation_3b['id']}")).status_code == 404
    assert (await client.post(f"/api/school/evaluations/{evaluation_3b['id']}/publish", json={})).status_code == 404
    assert [e["title"] for e in (await client.get("/api/school/evaluations")).json()] == []


async def test_parent_cannot_evaluate(client):
    s = await school_setup()
    await sign_in(client, s.parent_4a)
    assert (await client.get("/api/school/competences")).status_code == 403
    assert (
        await client.post(
            "/api/school/evaluations",
            json={
                "subject_id": str(s.subject.id),
                "class_id": str(s.class_4a.id),
                "title": "x",
                "given_on": "2026-11-20",
            },
        )
    ).status_code == 403
