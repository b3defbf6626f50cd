"""Report cards: teachers' appreciations, the class council, publication on a date by the head of
school, and the families' bulletin (data and server-printed PDF) from that date only."""

from __future__ import annotations

import re
from datetime import date, timedelta
from uuid import uuid4

from api.bulletins.render_pdf import bulletin_pdf
from api.bulletins.structs import Attendance, Bulletin, PeriodOut, SubjectLine
from tests.parity_builders import make_class_evaluation, pdf_text, setup, signed_in, today


async def _results(s) -> None:
    """Maths in 4e A: Lucas 14 (coef 1) and 17 (coef 2) → 16; Léa 10 → class average 13."""
    await make_class_evaluation(s.teacher, s.maths, s.period, s.class_4a, grades=[(s.student, 14), (s.classmate, 10)])
    await make_class_evaluation(s.teacher, s.maths, s.period, s.class_4a, grades=[(s.student, 17)], coefficient="2")
    await make_class_evaluation(
        s.teacher, s.maths, s.period, s.class_4a, levels=[(s.student, ["satisfaisante", "satisfaisante", "tres_bonne"])]
    )
    # Not published yet: it never reaches a bulletin.
    await make_class_evaluation(s.teacher, s.maths, s.period, s.class_4a, grades=[(s.student, 2)], published=False)


async def _write(teacher, staff, s) -> None:
    appreciation = {
        "subject_id": str(s.maths.id),
        "class_id": str(s.class_4a.id),
        "entries": [{"student_id": str(s.student.id), "text": "Un trimestre solide, continuez ainsi."}],
    }
    for _ in range(2):  # idempotent
        saved = await teacher.put(f"/api/school/bulletins/{s.period.id}/appreciations", json=appreciation)
        assert saved.status_code == 200, saved.text
    lines = {line["first_name"]: line for line in saved.json()["students"]}
    assert lines["Lucas"]["average"] == 16.0 and lines["Lucas"]["positioning_label"] == "Maîtrise satisfaisante"
    assert lines["Léa"]["text"] == "" and saved.json()["audience"] == "4e A"
    council = {
        "entries": [{"student_id": str(s.student.id), "appreciation": "Bon ensemble.", "mention": "encouragements"}]
    }
    response = await staff.put(f"/api/school/bulletins/{s.period.id}/classes/{s.class_4a.id}/council", json=council)
    assert response.status_code == 200, response.text
    [lucas] = [line for line in response.json()["students"] if line["first_name"] == "Lucas"]
    assert (lucas["general_average"], lucas["appreciations"], lucas["mention"]) == (16.0, 1, "encouragements")


async def test_families_read_the_bulletin_from_the_day_the_head_of_school_chose(new_client):
    s = await setup()
    await _results(s)
    teacher, staff, admin = [await signed_in(new_client, u) for u in (s.teacher, s.staff, s.admin)]
    await _write(teacher, staff, s)
    parent, student = await signed_in(new_client, s.parent), await signed_in(new_client, s.student)
    base = f"/api/students/{s.student.id}/bulletins"
    assert (await parent.get(base)).json() == []
    assert (await parent.get(f"{base}/{s.period.id}")).status_code == 404

    publication = f"/api/school/bulletins/{s.period.id}/publication"
    tomorrow = {"visible_from": str(today() + timedelta(days=1)), "class_ids": [str(s.class_4a.id)]}
    lines = (await admin.put(publication, json=tomorrow)).json()
    assert {(line["class_name"], line["visible"]) for line in lines} == {("4e A", False), ("5e A", False)}
    assert (await parent.get(base)).json() == []  # not before the day

    assert (await admin.put(publication, json={**tomorrow, "visible_from": str(today())})).status_code == 200
    [item] = (await parent.get(base)).json()
    assert item["period"]["name"] == "Trimestre 1" and item["visible_from"] == str(today())
    read = await parent.get(f"{base}/{s.period.id}")
    bulletin = read.json()
    again = await parent.get(f"{base}/{s.period.id}", headers={"If-None-Match": read.headers["etag"]})
    assert again.status_code == 304 and again.content == b""  # published: a phone keeps its copy
    [maths] = bulletin["subjects"]
    assert (maths["average"], maths["class_average"], maths["positioning"]) == (16.0, 13.0, "satisfaisante")
    assert maths["appreciation"] == "Un trimestre solide, continuez ainsi." and maths["teachers"] == ["H. Lefèvre"]
    assert (bulletin["general_average"], bulletin["class_general_average"]) == (16.0, 13.0)
    assert (bulletin["council_appreciation"], bulletin["mention_label"]) == ("Bon ensemble.", "Encouragements")
    assert (await student.get(f"{base}/{s.period.id}")).json() == bulletin  # the student reads their own

    pdf = await parent.get(item["pdf_url"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment;")
    text = pdf_text(pdf.content)
    assert "Lucas Moreau" in text and "16,00" in text and "13,00" in text and "Encouragements" in text

    # Published: nothing on it changes until the head of school withdraws it.
    entry = {"student_id": str(s.student.id), "text": "Changé."}
    body = {"subject_id": str(s.maths.id), "class_id": str(s.class_4a.id), "entries": [entry]}
    locked = await teacher.put(f"/api/school/bulletins/{s.period.id}/appreciations", json=body)
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "bulletin_published"
    council = {"entries": [{"student_id": str(s.student.id), "appreciation": "Autre."}]}
    council_url = f"/api/school/bulletins/{s.period.id}/classes/{s.class_4a.id}/council"
    assert (await staff.put(council_url, json=council)).status_code == 409
    assert (await admin.delete(f"{publication}/{s.class_4a.id}")).status_code == 204
    assert (await parent.get(base)).json() == []
    assert (await teacher.put(f"/api/school/bulletins/{s.period.id}/appreciations", json=body)).status_code == 200


async def test_each_side_reaches_only_its_own_bulletins(new_client):
    s = await setup()
    await _results(s)
    admin = await signed_in(new_client, s.admin)
    for class_ref in (s.class_4a, s.class_5a):
        await admin.put(
            f"/api/school/bulletins/{s.period.id}/publication",
            json={"visible_from": str(today()), "class_ids": [str(class_ref.id)]},
        )
    base = f"/api/students/{s.student.id}/bulletins/{s.period.id}"
    other_family, foreign = await signed_in(new_client, s.parent_5a), await signed_in(new_client, s.foreign_parent)
    classmate = await signed_in(new_client, s.classmate)
    for client in (other_family, foreign, classmate):
        assert (await client.get(base)).status_code == 404
        assert (await client.get(f"{base}/pdf")).status_code == 404
    teacher = await signed_in(new_client, s.teacher)
    assert (await teacher.get(base)).status_code == 403  # the families' route
    assert (await teacher.get(f"/api/school/bulletins/{s.period.id}/students/{s.student.id}")).status_code == 200

    other_teacher = await signed_in(new_client, s.other_teacher)  # maths in 5e A only
    assert (await other_teacher.get(f"/api/school/bulletins/{s.period.id}/students/{s.student.id}")).status_code == 404
    query = f"subject_id={s.maths.id}&class_id={s.class_4a.id}"
    assert (await other_teacher.get(f"/api/school/bulletins/{s.period.id}/appreciations?{query}")).status_code == 404
    body = {"subject_id": str(s.maths.id), "class_id": str(s.class_4a.id), "entries": []}
    assert (await other_teacher.put(f"/api/school/bulletins/{s.period.id}/appreciations", json=body)).status_code == 404
    wrong_student = {**body, "entries": [{"student_id": str(s.student_5a.id), "text": "x"}]}
    assert (
        await teacher.put(f"/api/school/bulletins/{s.period.id}/appreciations", json=wrong_student)
    ).status_code == 400
    assert (await teacher.get(f"/api/school/bulletins/{s.period.id}/classes/{s.class_4a.id}")).status_code == 403

    staff = await signed_in(new_client, s.staff)
    publication = {"visible_from": str(today()), "class_ids": [str(s.class_4a.id)]}
    assert (await staff.put(f"/api/school/bulletins/{s.period.id}/publication", json=publication)).status_code == 403
    foreign_admin = await signed_in(new_client, s.foreign_admin)
    assert (
        await foreign_admin.put(f"/api/school/bulletins/{s.period.id}/publication", json=publication)
    ).status_code == 404
    assert (await foreign_admin.get(f"/api/school/bulletins/{s.period.id}/students/{s.student.id}")).status_code == 404
    parent = await signed_in(new_client, s.parent)
    assert (await parent.get(f"/api/school/bulletins/{s.period.id}/students/{s.student.id}")).status_code == 403


async def test_bad_input_is_a_clean_400(new_client):
    s = await setup()
    teacher, staff, admin = [await signed_in(new_client, u) for u in (s.teacher, s.staff, s.admin)]
    url = f"/api/school/bulletins/{s.period.id}/appreciations"
    both = {
        "subject_id": str(s.maths.id),
        "class_id": str(s.class_4a.id),
        "group_id": str(s.class_4a.id),
        "entries": [],
    }
    long = {
        "subject_id": str(s.maths.id),
        "class_id": str(s.class_4a.id),
        "entries": [{"student_id": str(s.student.id), "text": "x" * 601}],
    }
    for body in (both, long, {"entries": []}):
        response = await teacher.put(url, json=body)
        assert response.status_code == 400 and response.json()["error"]["message"], body
    council_url = f"/api/school/bulletins/{s.period.id}/classes/{s.class_4a.id}/council"
    wrong_mention = {"entries": [{"student_id": str(s.student.id), "appreciation": "", "mention": "bravo"}]}
    assert (await staff.put(council_url, json=wrong_mention)).status_code == 400
    publication = f"/api/school/bulletins/{s.period.id}/publication"
    too_early = {"visible_from": str(today() - timedelta(days=400)), "class_ids": [str(s.class_4a.id)]}
    assert (await admin.put(publication, json=too_early)).status_code == 400
    assert (await admin.put(publication, json={"visible_from": str(today()), "class_ids": []})).status_code == 400
    unknown = {"visible_from": str(today()), "class_ids": [str(s.student.id)]}
    assert (await admin.put(publication, json=unknown)).status_code == 404


def _printed(
    absent: int = 0, unjustified: int = 0, late: int = 0, *, on: date = date(2026, 12, 4), student="Lucas Moreau",
    subjects=(), council="",
) -> bytes:  # fmt: skip
    period = PeriodOut(uuid4(), "Trimestre 1", date(2026, 9, 1), date(2026, 11, 30))
    bulletin = Bulletin(
        "Collège", "2026-2027", period, uuid4(), student, "4e A", list(subjects), None, None, council, "", "",
        Attendance(absent, unjustified, late), date(2026, 12, 4),
    )  # fmt: skip
    return bulletin_pdf(bulletin, on)


def test_the_pdf_counts_absences_and_lateness_in_proper_french():
    assert "Absences : 0 demi-journée, dont 0 non justifiée — 0 retard\n" in pdf_text(_printed(0, 0, 0))
    assert "Absences : 1 demi-journée, dont 1 non justifiée — 1 retard\n" in pdf_text(_printed(1, 1, 1))
    assert "Absences : 3 demi-journées, dont 2 non justifiées — 4 retards\n" in pdf_text(_printed(3, 2, 4))

    # Published: printed again a month later, it is the same document (fonts included), but for the moment
    # it was made (and the file identifier fpdf2 derives from it).
    def undated(content: bytes) -> bytes:
        return re.sub(rb"/CreationDate \(D:[^)]*\)|/ID \[<\w+><\w+>\]", b"", content)

    assert undated(_printed(3, 2, 4)) == undated(_printed(3, 2, 4, on=date(2027, 1, 4)))


def test_the_pdf_prints_every_name_and_appreciation_as_written():
    """Not only Latin-1: Vietnamese, Polish, Romanian, Turkish, Serbian names, typographic punctuation."""
    teacher, appreciation = "Łukasz Wiśniewski", "Ionuț a bien progressé ; Şeyma l’aide… « Œuvre » réussie."
    line = SubjectLine(uuid4(), "Mathématiques", "#1d4ed8", [teacher], 15.5, 12.0, None, None, appreciation)
    council = "Nguyễn Thị Lan et Đorđe Petrović : très bon trimestre."
    text = pdf_text(_printed(student="Nguyễn Thị Lan", subjects=[line], council=council))
    words = " ".join(text.split())  # a table cell wraps its lines
    for written in ("Nguyễn Thị Lan — 4e A", teacher, appreciation, council, "15,50", "Appréciation du professeur"):
        assert written in words, (written, text)
    assert "?" not in text and "\ufffd" not in text
