"""School set-up: CSV import (idempotent, per-line rejections) and activation letters."""

from __future__ import annotations

import logging
import socket
from datetime import date

import asyncpg
import pytest

from api.auth.passwords import verify_password
from api.school_admin import school_service
from db.core.tables import Enrolment, Guardianship, LoginIdentifier, SchoolClass, SchoolYear, TeachingService, User
from db.pool import ServerBusy
from piccolo_conf import DB
from tests.factories import make_school, make_user
from tests.fixtures.api import sign_in

STUDENTS = (
    "Nom;Prénom;Date de naissance;Classe;Nom resp. légal 1;Prénom resp. légal 1;Tél. portable resp. légal 1;"
    "Courriel resp. légal 1;Nom resp. légal 2;Prénom resp. légal 2;Tél. portable resp. légal 2;Courriel resp. légal 2\n"
    "Bernard;Léa;14/03/2013;4e A;Bernard;Sophie;06 12 34 56 78;sophie.bernard@example.fr;Bernard;Marc;;\n"
    "Petit;Tom;02/07/2013;4e A;Petit;Julie;+33 6 98 76 54 32;;;;;\n"
    "Garnier;Noé;31/02/2012;3e B;Garnier;Anne;0611111111;;;;;\n"
    "Durand;Inès;05/01/2012;3e B;Durand;Paul;0622222222;;;;;\n"
    ";Sans nom;05/01/2012;3e B;;;;;;;;\n"
    "Morel;Zoé;05/01/2012;3e B;Morel;Luc;12 34;;;;;\n"
)


async def _import(client, csv_text, kind="students", encoding="utf-8"):
    return await client.post(
        f"/api/school/import/{kind}", files={"file": ("export.csv", csv_text.encode(encoding), "text/csv")}
    )


async def _staff_client(client):
    school = await make_school()
    staff = await make_user(school, "staff", first_name="Marc", last_name="Cpe")
    await sign_in(client, staff)
    return school, staff


async def test_import_reports_bad_lines_and_keeps_the_others(client):
    school, _ = await _staff_client(client)
    response = await _import(client, STUDENTS)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["students_created"] == 3 and report["classes_created"] == 2 and report["parents_created"] == 4
    assert [(r["line"], r["reason"]) for r in report["rejected"]] == [
        (4, "Date de naissance invalide « 31/02/2012 » (attendu JJ/MM/AAAA)."),
        (6, "Nom manquant."),
        (7, "Numéro de téléphone invalide « 12 34 »."),
    ]
    students = await User.select(User.first_name, User.identifier, User.password_hash).where(
        (User.school_id == school.id) & (User.role == "student")
    )
    assert {(s["first_name"], s["identifier"]) for s in students} == {
        ("Léa", "l.bernard"),
        ("Tom", "t.petit"),
        ("Inès", "i.durand"),
    }
    assert all(s["password_hash"] is None for s in students)
    assert await LoginIdentifier.count().where(LoginIdentifier.identifier == "l.bernard") == 1
    sophie = await User.select().where(User.first_name == "Sophie").first()
    assert sophie["role"] == "parent" and sophie["phone"] == "0612345678" and sophie["password_hash"] is None
    julie = await User.select(User.phone).where(User.first_name == "Julie").first()
    assert julie["phone"] == "0698765432"
    # Marc, second guardian of Léa, has no phone or e-mail: still her legal guardian.
    assert await Guardianship.count() == 4


async def test_birth_dates_are_checked_against_the_schools_day(client, monkeypatch):
    """At 23:30 UTC on 31 December it is already the new year in Paris, on the app's clock: a child
    born five years before it may be imported, one born after may not."""
    from datetime import datetime, timezone

    from api import clock

    monkeypatch.setattr(clock, "source", lambda: datetime(2031, 12, 31, 23, 30, tzinfo=timezone.utc))
    await _staff_client(client)
    header = STUDENTS.splitlines()[0]
    lines = [header, "Roux;Léo;10/06/2027;GS A;Roux;Anne;0611111111;;;;;", "Roux;Lou;10/06/2028;GS A;Roux;Anne;;;;;;"]
    report = (await _import(client, "\n".join(lines) + "\n")).json()
    assert report["students_created"] == 1
    assert [(r["line"], r["reason"]) for r in report["rejected"]] == [
        (3, "Date de naissance improbable « 10/06/2028 »."),
    ]


async def test_classes_imported_belong_to_this_year_even_when_next_year_is_prepared(client):
    school, _ = await _staff_client(client)
    this_year = await SchoolYear.select(SchoolYear.id).where(SchoolYear.school_id == school.id).first()
    # The administrator prepared next year's téléservices in advance: the import is still for this year.
    await SchoolYear(
        school_id=school.id, label="2027-2028", starts_on=date(2027, 9, 1), ends_on=date(2028, 7, 4)
    ).save()
    assert (await _import(client, STUDENTS)).status_code == 200
    years = await SchoolClass.select(SchoolClass.school_year_id).where(SchoolClass.school_id == school.id)
    assert [row["school_year_id"] for row in years] == [this_year["id"]] * 2


async def test_reimport_is_idempotent_and_moves_a_student(client):
    school, _ = await _staff_client(client)
    await _import(client, STUDENTS)
    counts = [await User.count(), await Enrolment.count(), await Guardianship.count(), await SchoolClass.count()]
    again = (await _import(client, STUDENTS)).json()
    assert again["students_created"] == 0 and again["parents_created"] == 0 and again["classes_created"] == 0
    assert [
        await User.count(),
        await Enrolment.count(),
        await Guardianship.count(),
        await SchoolClass.count(),
    ] == counts
    moved = (await _import(client, STUDENTS.replace("Petit;Tom;02/07/2013;4e A", "Petit;Tom;02/07/2013;4e B"))).json()
    assert moved["students_updated"] == 1 and moved["classes_created"] == 1
    tom = await User.select(User.id).where(User.first_name == "Tom").first()
    enrolments = await Enrolment.select(Enrolment.class_id).where(Enrolment.student_id == tom["id"])
    class_b = await SchoolClass.select(SchoolClass.id).where(SchoolClass.name == "4e B").first()
    assert [e["class_id"] for e in enrolments] == [class_b["id"]]


async def test_windows_1252_export_and_identifier_numbering(client):
    school, _ = await _staff_client(client)
    other_school = await make_school()
    await make_user(other_school, "student", first_name="Léo", last_name="Bernard")  # takes l.bernard
    text = "Nom;Prénom;Né(e) le;Classe\nBernard;Léna;14/03/2013;5e C\n"
    report = (await _import(client, text, encoding="cp1252")).json()
    assert report["students_created"] == 1 and report["rejected"] == []
    lena = await User.select().where(User.first_name == "Léna").first()
    assert lena["identifier"] == "l.bernard1"


async def test_missing_columns_are_refused_whole(client):
    await _staff_client(client)
    response = await _import(client, "Nom;Prénom\nBernard;Léa\n")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["missing"] == ["Date de naissance", "Classe"]
    assert await User.count().where(User.role == "student") == 0


async def test_import_teachers(client):
    school, _ = await _staff_client(client)
    text = "Nom;Prénom;Courriel;Discipline;Classes\nRoux;Anne;anne.roux@example.fr;Mathématiques;4e A, 3e B\n"
    report = (await _import(client, text, kind="teachers")).json()
    assert report["teachers_created"] == 1 and report["classes_created"] == 2
    assert await TeachingService.count() == 2
    again = (await _import(client, text, kind="teachers")).json()
    assert again["teachers_created"] == 0 and await TeachingService.count() == 2


async def test_activation_letters_set_temporary_passwords(client):
    school, _ = await _staff_client(client)
    await _import(client, STUDENTS)
    class_4a = await SchoolClass.select(SchoolClass.id).where(SchoolClass.name == "4e A").first()
    html = await client.post("/api/school/accounts/letters", json={"class_id": str(class_4a["id"]), "format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "l.bernard" in html.text and "t.petit" in html.text and "i.durand" not in html.text
    lea = await User.select().where(User.first_name == "Léa").first()
    assert lea["must_change_password"] is True
    import re

    password = re.search(r"l\.bernard.*?Mot de passe provisoire</dt><dd><code>([^<]+)</code>", html.text).group(1)
    assert len(password) >= 25 and verify_password(lea["password_hash"], password)
    pdf = await client.post("/api/school/accounts/letters", json={"class_id": str(class_4a["id"])})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    lea_after = await User.select(User.password_hash).where(User.id == lea["id"]).first()
    assert not verify_password(lea_after["password_hash"], password)  # a reprint replaces the old password


async def test_teachers_and_parents_cannot_set_up_the_school(client, new_client):
    school = await make_school()
    for role in ("teacher", "parent", "student"):
        user = await make_user(school, role)
        other = await new_client()
        await sign_in(other, user)
        assert (await _import(other, STUDENTS)).status_code == 403
        assert (
            await other.post("/api/school/accounts/letters", json={"class_id": "00000000-0000-0000-0000-000000000000"})
        ).status_code == 403
    assert await User.count().where(User.role == "student") == 1


async def test_class_students_with_identifiers(client):
    await _staff_client(client)
    await _import(client, STUDENTS)
    class_4a = await SchoolClass.select(SchoolClass.id).where(SchoolClass.name == "4e A").first()
    students = (await client.get(f"/api/school/classes/{class_4a['id']}/students")).json()
    assert [(s["last_name"], s["identifier"], s["signed_in"]) for s in students] == [
        ("Bernard", "l.bernard", False),
        ("Petit", "t.petit", False),
    ]


async def test_a_letter_signs_the_student_in_to_the_first_login(client, new_client):
    await _staff_client(client)
    await _import(client, STUDENTS)
    class_4a = await SchoolClass.select(SchoolClass.id).where(SchoolClass.name == "4e A").first()
    html = (
        await client.post("/api/school/accounts/letters", json={"class_id": str(class_4a["id"]), "format": "html"})
    ).text
    import re

    password = re.search(r"t\.petit.*?Mot de passe provisoire</dt><dd><code>([^<]+)</code>", html).group(1)
    student = await new_client()
    signed_in = await student.post("/api/session", json={"identifier": "t.petit", "password": password})
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["user"]["role"] == "student" and signed_in.json()["first_login_pending"] is True


async def test_a_class_name_too_long_is_rejected_on_its_line(client, caplog):
    school, _ = await _staff_client(client)
    long_name = "Terminale spécialité mathématiques expertes"  # 43 characters: a class name holds 30
    text = (
        "Nom;Prénom;Courriel;Discipline;Classes\n"
        f"Roux;Anne;anne.roux@example.fr;Mathématiques;4e A, {long_name}\n"
        "Lenoir;Paul;;Histoire;3e B\n"
    )
    with caplog.at_level(logging.ERROR):
        response = await _import(client, text, kind="teachers")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["teachers_created"] == 1 and report["classes_created"] == 1
    assert report["rejected"] == [
        {"line": 2, "reason": "Classe « Terminale spécialité mathémati… » trop longue (30 caractères au plus)."}
    ]
    assert [c["name"] for c in await SchoolClass.select(SchoolClass.name)] == ["3e B"]
    assert not [record for record in caplog.records if record.exc_info]  # a reason, not a traceback


async def _refused_connection(*args, **kwargs):
    """What asyncpg raises when PostgreSQL is out of reach (a closed port: connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await asyncpg.connect(f"postgresql://cartable@127.0.0.1:{port}/cartable", timeout=5)


async def _busy_pool(*args, **kwargs):
    raise ServerBusy


OUTAGES = [(_refused_connection, "service_unavailable"), (_busy_pool, "server_busy")]


@pytest.mark.parametrize(("outage", "code"), OUTAGES, ids=["down", "busy"])
async def test_a_database_outage_during_an_import_is_a_503_not_lines_in_error(client, monkeypatch, outage, code):
    """The database out of reach (or every connection busy) is no line's fault: the request gets the
    app's 503 with Retry-After (the client tries again; importing the same file again changes nothing),
    not a 200 listing every later line as "erreur inattendue"."""
    await _staff_client(client)
    monkeypatch.setattr(DB.pool, "forget_connections", lambda: None)  # not renewed for real here
    find_user = school_service._find_user
    calls = []

    async def fails_from_the_second_line(*args, **kwargs):
        calls.append(args)
        if len(calls) > 1:
            await outage()
        return await find_user(*args, **kwargs)

    monkeypatch.setattr(school_service, "_find_user", fails_from_the_second_line)
    text = "Nom;Prénom\nRoux;Anne\nLenoir;Paul\nMartin;Léa\n"
    response = await _import(client, text, kind="teachers")
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == code and int(response.headers["retry-after"]) >= 1
    assert len(calls) == 2  # the import stopped there
    assert await User.count().where(User.role == "teacher") == 1  # the line before is kept
    monkeypatch.setattr(school_service, "_find_user", find_user)
    again = (await _import(client, text, kind="teachers")).json()
    assert again["teachers_created"] == 2 and again["rejected"] == []
