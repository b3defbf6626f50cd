"""A teacher gives homework on the desktop page; the student's PWA shows it after a refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.auth.sessions import cookie_name, open_session
from db.homework.tables import Homework
from tests.factories import assign_teacher, make_family, make_subject, make_user
from tests.family_builders import today as school_day
from tests.fixtures.api import sign_in
from tests.fixtures.browser import artifact, browser_context, check_screen
from tests.parity_builders import espace, setup
from tests.school_builders import make_lesson
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser


async def test_teacher_gives_homework_and_the_student_pwa_shows_it_after_refresh(browser, page, live_server):
    from api.auth.sessions import now

    family = await make_family()
    teacher = await make_user(family.school, "teacher", first_name="Paul", last_name="Durand")
    maths = await make_subject(family.school)
    await assign_teacher(teacher, maths, class_ref=family.class_ref)
    today = now().date()
    await make_lesson(teacher, maths, class_ref=family.class_ref, day=today)

    # The student's phone, paired, shows no homework yet.
    await pair_in_browser(page, live_server, family.student)
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_load_state("networkidle")
    assert await page.locator("text=Exercices 12 à 15").count() == 0

    # The teacher, signed in on a desktop browser, opens the lesson and gives homework for tomorrow.
    # An English-speaking browser: the espace's dates stay French.
    desktop = await browser_context(browser, locale="en-US", viewport=(1280, 900))
    token, _ = await open_session(user_id=teacher.id, school_id=teacher.school_id)
    await desktop.add_cookies([{"name": cookie_name(), "value": token, "url": live_server}])
    teacher_page = await desktop.new_page()
    await teacher_page.goto(f"{live_server}/espace/enseignant.html")
    await teacher_page.get_by_role("button", name="4e A — Mathématiques").click()
    await teacher_page.wait_for_selector("#lesson[aria-busy=false]")
    assert await teacher_page.locator("#roll >> text=Léa").count() == 1
    await check_screen(teacher_page, "espace-enseignant-seance", sizes=((1280, 900), (360, 740)))
    await teacher_page.get_by_role("textbox", name="Travail à faire").fill("Exercices 12 à 15 page 48")
    await teacher_page.fill("#hw-due", (today + timedelta(days=1)).strftime("%d/%m/%Y"))
    await teacher_page.fill("#hw-minutes", "30")
    await teacher_page.get_by_role("button", name="Donner le travail").click()
    await teacher_page.wait_for_selector("text=Travail donné")
    await teacher_page.wait_for_selector("#homework-list >> text=Exercices 12 à 15 page 48")
    await teacher_page.screenshot(path=artifact("school-teacher-homework.png"))
    await desktop.close()
    given = await Homework.select(Homework.due_on).where(Homework.class_id == family.class_ref.id)
    assert [row["due_on"] for row in given] == [today + timedelta(days=1)]

    # The student refreshes the app and sees it.
    await page.reload()
    await page.wait_for_selector("text=Exercices 12 à 15 page 48", timeout=15000)
    await page.screenshot(path=artifact("school-student-sees-homework.png"))


async def test_staff_imports_a_csv_and_sees_the_rejected_line(browser, live_server, tmp_path):
    from tests.factories import make_school

    school = await make_school()
    staff = await make_user(school, "staff", first_name="Marc", last_name="Cpe")
    csv_file = tmp_path / "eleves.csv"
    csv_file.write_text(
        "Nom;Prénom;Date de naissance;Classe;Nom resp. légal 1;Prénom resp. légal 1;"
        "Tél. portable resp. légal 1\nBernard;Léa;14/03/2013;4e A;Bernard;Sophie;0612345678\n"
        ";Sans nom;05/01/2012;4e A;;;\n",
        encoding="utf-8",
    )
    desktop = await browser_context(browser, viewport=(1280, 900))
    token, _ = await open_session(user_id=staff.id, school_id=staff.school_id)
    await desktop.add_cookies([{"name": cookie_name(), "value": token, "url": live_server}])
    page = await desktop.new_page()
    await page.goto(f"{live_server}/espace/vie-scolaire.html")
    await page.get_by_role("button", name="Import").click()
    await page.set_input_files("#import-file", str(csv_file))
    await page.get_by_role("button", name="Importer", exact=True).click()
    await page.wait_for_selector("text=2 lignes lues, 1 refusée")
    await check_screen(page, "espace-vie-scolaire-import", sizes=((1280, 900),))
    assert await page.locator("#import-report td.reason").all_inner_texts() == ["Nom manquant."]
    await page.get_by_role("button", name="Comptes élèves").click()
    await page.wait_for_selector("#class-students >> text=l.bernard")
    await page.get_by_role("button", name="Lettres à imprimer (page web)").click()
    await page.wait_for_selector("#print-letters >> text=Mot de passe provisoire")
    await check_screen(page, "espace-vie-scolaire-lettres", sizes=((1280, 900),))
    await page.get_by_role("button", name="Punitions").click()
    await page.wait_for_selector("#pun-student option", state="attached")
    await check_screen(page, "espace-vie-scolaire-punitions", sizes=((1280, 900), (360, 740)))
    assert "l.bernard" in await page.inner_text("#print-letters")
    await page.screenshot(path=artifact("school-staff-import.png"), full_page=True)
    await desktop.close()


async def test_teacher_evaluates_publishes_and_posts_information(browser, live_server):
    from db.evaluations.tables import Competence, CompetenceResult, Evaluation
    from tests.school_builders import school_setup

    s = await school_setup()
    await Competence.insert(Competence(school_id=s.school.id, code="D4", label="Raisonner", domain="Sciences"))
    desktop = await browser_context(browser, viewport=(1280, 900))
    token, _ = await open_session(user_id=s.teacher_4a.id, school_id=s.school.id)
    await desktop.add_cookies([{"name": cookie_name(), "value": token, "url": live_server}])
    page = await desktop.new_page()
    await page.goto(f"{live_server}/espace/enseignant.html")
    await page.get_by_role("button", name="Évaluations").click()
    await page.wait_for_selector("#ev-competences >> text=Raisonner")
    await page.fill("#ev-title", "Problèmes")
    await page.fill("#ev-date", "2026-11-20")
    await page.get_by_label("D4 Raisonner").check()
    await page.get_by_role("button", name="Créer").click()
    await page.get_by_label("Bernard Léa : D4").select_option("satisfaisante")
    await check_screen(page, "espace-enseignant-evaluation", sizes=((1280, 900), (360, 740)))
    await page.get_by_role("button", name="Enregistrer", exact=True).click()
    await page.wait_for_selector("text=Évaluation enregistrée.")
    await page.get_by_role("button", name="Publier maintenant").click()
    await page.wait_for_selector("text=Visible par les familles")
    assert [r["level"] for r in await CompetenceResult.select(CompetenceResult.level)] == ["satisfaisante"]
    assert (await Evaluation.select(Evaluation.publish_at).first())["publish_at"] is not None

    await page.get_by_role("button", name="Communication").click()
    await page.fill("#post-title", "Réunion parents-professeurs")
    await page.get_by_role("textbox", name="Texte de l'information").fill("Jeudi à 18 h.")
    await page.get_by_role("checkbox", name="4e A").check()
    await page.get_by_role("button", name="Publier").click()
    await page.wait_for_selector("#posts >> text=Réunion parents-professeurs")
    assert "Lu par 0 sur 1 destinataire, 0 accusé de lecture" in await page.inner_text("#posts")
    await check_screen(page, "espace-enseignant-communication", sizes=((1280, 900), (360, 740)))
    await page.screenshot(path=artifact("school-teacher-communication.png"), full_page=True)
    await desktop.close()


async def test_the_teachers_week_shows_the_school_calendar(browser, live_server, new_client):
    s = await setup()
    staff = await new_client()
    await sign_in(staff, s.staff)
    day = school_day()
    for event in (
        {"kind": "parents_evening", "title": "Réunion des parents de 4e A", "first_day": str(day),
         "last_day": str(day), "starts_at": "17:00:00", "ends_at": "19:00:00", "location": "Salle polyvalente",
         "class_ids": [str(s.class_4a.id)]},
        {"kind": "class_council", "title": "Conseil des 5e A", "first_day": str(day), "last_day": str(day),
         "class_ids": [str(s.class_5a.id)]},
    ):  # fmt: skip
        assert (await staff.post("/api/school/events", json=event)).status_code == 200
    context, page = await espace(browser, live_server, s.teacher, "/espace/enseignant.html")
    await page.wait_for_selector("#week-events >> text=Réunion des parents de 4e A")
    assert "17:00–19:00 · Salle polyvalente · 4e A" in await page.text_content("#week-events")
    assert await page.locator("#week-events >> text=Conseil des 5e A").count() == 0  # not the teacher's class
    await check_screen(page, "espace-enseignant-semaine-agenda", sizes=((1280, 900), (360, 740)))
    await context.close()
