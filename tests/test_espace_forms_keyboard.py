"""The espace's forms with the keyboard alone: activation, the lost password and lost identifier pages,
the first login, the teacher's homework form (its rich-text editor too), new evaluation and grade grid,
and the mobile app's code form. On each: every control reached by Tab in document order with a
visible focus (tests/fixtures/browser.py `tab_through`), filled from the keyboard, and sent with Enter
or Space. (The téléservices' forms: test_teleservices_accessibility.py.)"""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

import pytest

from db.evaluations.tables import Competence, CompetenceResult, Grade
from db.homework.tables import Homework
from tests.accounts_builders import STRONG, last_message, make_parent_to_activate, messages_to
from tests.factories import assign_teacher, enrol, make_class, make_family, make_school, make_subject, make_user
from tests.family_builders import make_period, today
from tests.fixtures.browser import check_screen, espace_context, keys, tab_through, tab_to
from tests.school_builders import make_lesson

pytestmark = pytest.mark.browser

PHONE = "06 12 34 56 78"


async def sent_code(destination: str, before: int) -> str:
    """The code of the message sent to `destination` after the `before` first ones (a live server
    sends just after answering)."""
    for _ in range(50):
        bodies = await messages_to(destination)
        if len(bodies) > before:
            return re.search(r"\b(\d{6})\b", await last_message(destination)).group(1)
        await asyncio.sleep(0.1)
    raise AssertionError(f"no new message to {destination}")


def typed_day(day: date) -> str:
    """A day as typed in the espace's date fields (js/date-field.js: French in any browser)."""
    return day.strftime("%d/%m/%Y")


async def test_activation_lost_password_and_lost_identifier_with_the_keyboard_alone(browser, live_server):
    family = await make_family()
    await make_parent_to_activate(family)
    context, page = await espace_context(browser, live_server)
    try:
        # Activation: the three steps, each sent with Enter on its button.
        await page.goto(f"{live_server}/espace/activation.html")
        await page.wait_for_selector("#step1")
        await tab_through(page, "#step1", {"last_name": "Dupont", "first_name": "Sophie", "phone": PHONE})
        before = len(await messages_to(PHONE))
        await tab_to(page, "Recevoir mon code SMS", backwards=True)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#step2:not([hidden])")
        assert await page.evaluate("document.activeElement.id") == "code"
        step2 = {"code": await sent_code(PHONE, before), "birth-0": typed_day(date(2013, 5, 14))}
        await tab_through(page, "#step2", step2)
        await tab_to(page, "Continuer", backwards=True)
        await page.keyboard.press("Enter")
        await page.locator("#identifier").get_by_text("s.dupont").wait_for()
        await tab_through(page, "#step3", {"password": STRONG, "confirm": STRONG})
        await tab_to(page, "Continuer", backwards=True)
        await page.keyboard.press("Enter")
        await page.get_by_role("heading", name="Votre compte est activé").wait_for()
        assert await page.evaluate("document.activeElement.id") == "go-signin"

        # Lost password: the identifier, the channel (a radio group: one stop), the code, a new password.
        await page.goto(f"{live_server}/espace/mot-de-passe-perdu.html")
        await page.wait_for_selector("#step1")
        await tab_through(page, "#step1", {"identifier": "s.dupont"})
        before = len(await messages_to(PHONE))
        await tab_to(page, "Recevoir un code", backwards=True)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#step2:not([hidden])")
        await tab_through(page, "#step2", {"code": await sent_code(PHONE, before)})
        await tab_to(page, "Valider", backwards=True)
        await page.keyboard.press("Space")
        await page.wait_for_selector("#step3:not([hidden])")
        await tab_through(page, "#step3", {"password": "Trottinette-Bleue-7!", "confirm": "Trottinette-Bleue-7!"})
        await tab_to(page, "Enregistrer", backwards=True)
        await page.keyboard.press("Enter")
        await page.get_by_role("heading", name="Mot de passe modifié").wait_for()

        # Lost identifier: e-mail then back to SMS with the arrows (the field's label follows), the number, sent.
        await page.goto(f"{live_server}/espace/identifiant-perdu.html")
        await page.wait_for_selector("#form")
        before = len(await messages_to(PHONE))

        async def email_then_sms(page):
            await page.keyboard.press("ArrowDown")
            assert await page.text_content("#value-label") == "Adresse e-mail"
            await page.keyboard.press("ArrowUp")

        await tab_through(page, "#form", {"radio:channel": email_then_sms, "value": PHONE})
        assert await page.text_content("#value-label") == "Numéro de téléphone portable"
        await tab_to(page, "Envoyer", backwards=True)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#status:not([hidden])")
        for _ in range(50):
            if len(await messages_to(PHONE)) > before:
                break
            await asyncio.sleep(0.1)
        assert "s.dupont" in await last_message(PHONE)
    finally:
        await context.close()


async def test_first_login_with_the_keyboard_alone(browser, live_server):
    school = await make_school()
    student = await make_user(
        school, "student", first_name="Nora", password="Provisoire-2026!", must_change_password=True,
        first_login_done_at=None, charter_accepted_at=None, email_verified_at=None, birth_date=date(2015, 1, 9),
    )  # fmt: skip
    await enrol(student, await make_class(school, "6e C"))
    context, page = await espace_context(browser, live_server, student)
    try:
        await page.goto(f"{live_server}/espace/premiere-connexion.html")
        await page.wait_for_selector("#password-step:not([hidden])")
        await tab_through(page, "#password-step", {"new-password": STRONG, "confirm-password": STRONG})
        await tab_to(page, "Enregistrer le mot de passe", backwards=True)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#student-step:not([hidden])")
        step = {"birth-date": typed_day(date(2015, 1, 9)), "student-confirmed": keys("Space")}
        await tab_through(page, "#student-step", step)
        await tab_to(page, "Confirmer", backwards=True)
        await page.keyboard.press("Space")
        await page.wait_for_selector("#email-step:not([hidden])")
        await tab_through(page, "#email-step", {"email": "nora@example.fr"})
        await tab_to(page, "Recevoir le lien", backwards=True)
        await page.keyboard.press("Enter")
        await page.get_by_text("Un lien de validation a été envoyé").wait_for()
        link = re.search(r"https?://\S+", await last_message("nora@example.fr")).group(0)
        await page.goto(link.replace("http://localhost:8000", live_server))
        await page.wait_for_selector("#charter-step:not([hidden])")
        # The charter's text scrolls: it takes focus, so that the arrows can scroll it.
        names = await tab_through(page, "#charter-step", {"charter-accepted": keys("Space")})
        assert names[0] == "Texte de la charte"
        await tab_to(page, "Accepter et fermer", backwards=True)
        await page.keyboard.press("Enter")
        await page.wait_for_url(re.compile(r"portail\.html"))
    finally:
        await context.close()


async def test_homework_with_its_editor_a_new_evaluation_and_the_grade_grid_with_the_keyboard_alone(
    browser, live_server
):
    family = await make_family()
    teacher = await make_user(family.school, "teacher", first_name="Paul", last_name="Durand")
    maths = await make_subject(family.school)
    await assign_teacher(teacher, maths, class_ref=family.class_ref)
    day = today()
    await make_lesson(teacher, maths, class_ref=family.class_ref, day=day)
    await make_period(family.school)
    for code, label in (("C1", "Chercher"), ("C2", "Raisonner")):
        await Competence.insert(Competence(school_id=family.school.id, code=code, label=label, domain="Maths"))
    context, page = await espace_context(browser, live_server, teacher)
    try:
        await page.goto(f"{live_server}/espace/enseignant.html?semaine={day.isoformat()}")
        await page.wait_for_selector("#lessons button")
        await tab_to(page, lambda name: name.startswith("4e A — Mathématiques"))
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#lesson[aria-busy=false]")

        # The homework: the day typed, the text in the editor with bold from the keyboard (Ctrl+B),
        # past the editor's toolbar buttons, each a stop.
        async def bold_then_plain(page):
            await page.keyboard.press("Control+B")
            await page.keyboard.type("Exercices 12 à 15")
            await page.keyboard.press("Control+B")
            await page.keyboard.type(" page 48")

        tomorrow = typed_day(day + timedelta(days=1))
        homework = {"hw-due": tomorrow, "hw-minutes": "30", "Travail à faire": bold_then_plain}
        names = await tab_through(page, "#homework-form", homework)
        toolbar = ["Gras", "Italique", "Souligné", "Liste à puces", "Liste numérotée"]
        assert names == ["hw-due", "Calendrier", "hw-minutes", *toolbar, "Travail à faire", "hw-files", "hw-submit"]
        await tab_to(page, "hw-submit", backwards=True)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#hw-status >> text=Travail donné")
        [given] = await Homework.select(Homework.html, Homework.due_on, Homework.estimated_minutes)
        assert given["due_on"] == day + timedelta(days=1) and given["estimated_minutes"] == 30
        assert re.search(r"<strong>Exercices 12 à 15</strong>(&nbsp;| )page 48", given["html"]), given["html"]

        # A new evaluation, graded (its options appear where the box is), created with Enter.
        await tab_to(page, "Évaluations", from_top=True)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#ev-competences input")
        evaluation = {"ev-title": "Fractions", "ev-date": typed_day(day), "C1 Chercher": keys("Space"),
                      "ev-graded": keys("Space")}  # fmt: skip
        names = await tab_through(page, "#evaluation-form", evaluation)
        assert names[-3:] == ["ev-out-of", "ev-coefficient", "Créer"]
        await tab_to(page, "Créer", backwards=True)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#evaluation-grid tbody select")
        await check_screen(page, "espace-enseignant-evaluation", sizes=((1280, 900), (360, 740)))

        # The grade grid: a level chosen with the arrows, a grade typed, saved with Space.
        level = await page.get_attribute("#evaluation-grid tbody select[data-competence]", "aria-label")
        grade = await page.get_attribute("#evaluation-grid tbody input[type=number]", "aria-label")
        await tab_through(page, "#evaluation", {level: keys("ArrowDown"), grade: "15.5"})
        await tab_to(page, "evaluation-save", backwards=True)
        await page.keyboard.press("Space")
        await page.wait_for_selector("#evaluation-status >> text=Évaluation enregistrée")
        assert [row["value"] for row in await Grade.select(Grade.value)] == [15.5]
        assert await CompetenceResult.count() == 1
    finally:
        await context.close()


async def test_the_mobile_app_code_form_with_the_keyboard_alone(browser, live_server):
    family = await make_family()
    context, page = await espace_context(browser, live_server, family.parent)
    try:
        await page.goto(f"{live_server}/espace/application-mobile.html")
        await page.wait_for_selector("#code-form button:not([disabled])")
        await tab_through(page, "#code-form", {"code": "K7P2"})
        await tab_to(page, "Valider", backwards=True)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#qr svg")
        # The link behind the QR code: its button opens it (Enter), and it is the next stop.
        names = await tab_through(page, "#qr-block", {"show-link": keys("Enter")})
        assert names == ["show-link", "link", "new-qr"]
        assert await page.get_attribute("#show-link", "aria-expanded") == "true"
    finally:
        await context.close()
