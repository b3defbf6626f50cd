"""A published bulletin is frozen: once families may read it, what they read and the PDF they print
never change (a grade edited, a classmate's new grade, an evaluation published later, an absence
recorded later), until the head of school publishes it again."""

from __future__ import annotations

from datetime import timedelta

from api.clock import now
from db.bulletins.tables import ReportCardPublication
from db.evaluations.tables import Evaluation
from db.vie_scolaire.tables import Absence
from tests.family_builders import utc
from tests.parity_builders import make_class_evaluation, setup, signed_in, today
from tests.test_bulletins import pdf_text


async def _family_copy(parent, s) -> tuple[dict, str, str]:
    url = f"/api/students/{s.student.id}/bulletins/{s.period.id}"
    read = await parent.get(url)
    assert read.status_code == 200, read.text
    pdf = await parent.get(f"{url}/pdf")
    assert pdf.status_code == 200
    return read.json(), read.headers["etag"], pdf_text(pdf.content)


async def _lucas_average(teacher, s) -> float:
    """The teacher's live view (appreciations page): it follows every change."""
    query = f"subject_id={s.maths.id}&class_id={s.class_4a.id}"
    lines = (await teacher.get(f"/api/school/bulletins/{s.period.id}/appreciations?{query}")).json()["students"]
    return {line["first_name"]: line["average"] for line in lines}["Lucas"]


async def _change_everything(teacher, parent, s, graded, later) -> None:
    # Lucas's grade is corrected (16 → 8), Léa gets a new grade (the class average moves), an evaluation
    # written before publication is shown to families only now, and Lucas's absence is reported.
    grades = {"grades": [{"student_id": str(s.student.id), "value": 8}]}
    assert (await teacher.put(f"/api/school/evaluations/{graded.id}/results", json=grades)).status_code == 200
    await make_class_evaluation(s.teacher, s.maths, s.period, s.class_4a, grades=[(s.classmate, 20)])
    await Evaluation.update({Evaluation.publish_at: now() - timedelta(seconds=1)}).where(
        (Evaluation.school_id == s.school.id) & (Evaluation.id == later.id)
    )
    report = {
        "starts_at": utc(today(), 7).isoformat(),
        "ends_at": utc(today(), 16).isoformat(),
        "reason": "Rendez-vous médical",
        "client_id": "absence-after-publication",
    }
    reported = await parent.post(f"/api/students/{s.student.id}/absences", json=report)
    assert reported.status_code == 201, reported.text


async def _results(s, published_ago: timedelta = timedelta(hours=1)):
    """Lucas 16 and Léa 10 in maths (class average 13); and an evaluation not shown to families yet."""
    graded = await make_class_evaluation(
        s.teacher, s.maths, s.period, s.class_4a, grades=[(s.student, 16), (s.classmate, 10)]
    )
    await Evaluation.update({Evaluation.publish_at: now() - published_ago}).where(
        (Evaluation.school_id == s.school.id) & (Evaluation.id == graded.id)
    )
    later = await make_class_evaluation(s.teacher, s.maths, s.period, s.class_4a, grades=[(s.student, 0)])
    await Evaluation.update({Evaluation.publish_at: now() + timedelta(days=2)}).where(
        (Evaluation.school_id == s.school.id) & (Evaluation.id == later.id)
    )
    return graded, later


async def test_what_families_read_and_print_never_changes_once_published(new_client):
    s = await setup()
    graded, later = await _results(s)
    teacher, admin = await signed_in(new_client, s.teacher), await signed_in(new_client, s.admin)
    parent = await signed_in(new_client, s.parent)
    publication = f"/api/school/bulletins/{s.period.id}/publication"
    body = {"visible_from": str(today()), "class_ids": [str(s.class_4a.id)]}
    assert (await admin.put(publication, json=body)).status_code == 200

    bulletin, etag, pdf = await _family_copy(parent, s)
    [maths] = bulletin["subjects"]
    assert (maths["average"], maths["class_average"], bulletin["attendance"]["absent_half_days"]) == (16.0, 13.0, 0)
    assert "16,00" in pdf and "13,00" in pdf and "Absences : 0 demi-journée, dont 0 non justifiée" in pdf

    await _change_everything(teacher, parent, s, graded, later)
    assert await _lucas_average(teacher, s) == 4.0  # the school's live figures did change: (8 + 0) / 2

    again, again_etag, again_pdf = await _family_copy(parent, s)
    assert again == bulletin and again_etag == etag and again_pdf == pdf
    school_view = await teacher.get(f"/api/school/bulletins/{s.period.id}/students/{s.student.id}")
    assert school_view.json() == bulletin  # the school sees what families read

    # The head of school publishes again: the bulletin is frozen anew, with what changed.
    assert (await admin.put(publication, json=body)).status_code == 200
    republished, new_etag, new_pdf = await _family_copy(parent, s)
    [maths] = republished["subjects"]
    assert (maths["average"], maths["class_average"]) == (4.0, 9.5)
    assert republished["attendance"]["absent_half_days"] == 1 and new_etag != etag
    assert "4,00" in new_pdf and "Absences : 1 demi-journée, dont 1 non justifiée" in new_pdf


async def test_a_bulletin_is_frozen_as_of_its_publication_day_even_if_nobody_read_it_then(new_client):
    s = await setup()
    graded, later = await _results(s, published_ago=timedelta(days=3))
    teacher, admin = await signed_in(new_client, s.teacher), await signed_in(new_client, s.admin)
    parent = await signed_in(new_client, s.parent)
    publication = f"/api/school/bulletins/{s.period.id}/publication"
    tomorrow = {"visible_from": str(today() + timedelta(days=1)), "class_ids": [str(s.class_4a.id)]}
    assert (await admin.put(publication, json=tomorrow)).status_code == 200
    # Days pass: the publication (made two days ago) is readable since yesterday, and nobody read it.
    await ReportCardPublication.update(
        {
            ReportCardPublication.visible_from: today() - timedelta(days=1),
            ReportCardPublication.updated_at: now() - timedelta(days=2),
        }
    ).where(ReportCardPublication.school_id == s.school.id)
    # An absence recorded after the publication day began, before anyone froze the bulletin.
    await Absence.insert(
        Absence(school_id=s.school.id, student_id=s.student.id, starts_at=utc(today(), 8), ends_at=utc(today(), 9))
    )

    await _change_everything(teacher, parent, s, graded, later)  # the grade's correction freezes it first

    bulletin, _, pdf = await _family_copy(parent, s)
    [maths] = bulletin["subjects"]
    assert (maths["average"], maths["class_average"], bulletin["attendance"]["absent_half_days"]) == (16.0, 13.0, 0)
    assert "16,00" in pdf and "Absences : 0 demi-journée," in pdf and "4,00" not in pdf
