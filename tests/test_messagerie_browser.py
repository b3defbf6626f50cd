"""Messagerie in the desktop espace: a parent writes to a teacher, who answers from the same page;
the parent reads an information and confirms it; the teacher closes the discussion, and writes to
the family of a student they teach. Phone-width screenshots in the artifacts."""

from __future__ import annotations

import pytest

from tests.fixtures.api import sign_in
from tests.fixtures.browser import artifact, check_screen
from tests.parity_builders import espace, setup

pytestmark = pytest.mark.browser


async def test_a_parent_and_a_teacher_talk_and_the_parent_reads_an_information(browser, live_server, new_client):
    s = await setup()
    staff = await new_client()
    await sign_in(staff, s.staff)
    posted = await staff.post(
        "/api/school/posts",
        json={"title": "Photo de classe", "html": "<p>La photo de classe aura lieu <strong>jeudi</strong>.</p>",
              "class_ids": [str(s.class_4a.id)], "to": ["parents"]},
    )  # fmt: skip
    assert posted.status_code in (200, 201), posted.text

    parent_context, parent = await espace(browser, live_server, s.parent, "/espace/messagerie.html", phone=True)
    await parent.get_by_role("button", name="Nouvelle discussion").click()
    await parent.get_by_label("Professeur", exact=True).select_option(label="Hélène LEFÈVRE (Mathématiques)")
    await parent.get_by_label("Objet").fill("Calcul littéral")
    await parent.get_by_label("Message", exact=True).fill("Bonjour, Lucas a du mal avec le chapitre. Des conseils ?")
    await parent.get_by_role("button", name="Envoyer le message").click()
    await parent.wait_for_selector("#messages >> text=Lucas a du mal avec le chapitre")

    teacher_context, teacher = await espace(browser, live_server, s.teacher, "/espace/messagerie.html")
    await teacher.get_by_role("button", name="Lire : Calcul littéral").click()
    await teacher.wait_for_selector("#messages >> text=Des conseils ?")
    await teacher.get_by_label("Votre réponse").fill("Qu'il refasse les exercices 45 à 48 page 67.")
    await teacher.get_by_role("button", name="Envoyer", exact=True).click()
    await teacher.wait_for_selector("#status >> text=Message envoyé.")
    await teacher.screenshot(path=artifact("messagerie-teacher.png"), full_page=True)

    await parent.reload()
    await parent.get_by_role("button", name="Lire : Calcul littéral").click()
    await parent.wait_for_selector("#messages >> text=exercices 45 à 48")
    await parent.screenshot(path=artifact("messagerie-parent-360.png"), full_page=True)

    await parent.get_by_role("button", name="Informations").click()
    await parent.get_by_role("button", name="Ouvrir : Photo de classe").click()
    await parent.wait_for_selector("#post-body strong >> text=jeudi")
    await parent.get_by_role("button", name="Confirmer la lecture").click()
    await parent.wait_for_selector("#post-status >> text=Lecture confirmée.")
    await parent.wait_for_selector("#posts >> text=lu et confirmé")
    await parent.screenshot(path=artifact("messagerie-parent-information-360.png"), full_page=True)

    # The teacher closes the discussion: no reply form any more, on either side.
    await teacher.get_by_role("button", name="Clore la discussion").click()
    await teacher.wait_for_selector("#closed-note:not([hidden])")
    assert await teacher.is_hidden("#reply-form") and await teacher.is_visible("#status >> text=Discussion close.")
    await parent.reload()
    await parent.get_by_role("button", name="Lire : Calcul littéral").click()
    await parent.wait_for_selector("#closed-note:not([hidden])")
    assert await parent.is_hidden("#reply-form") and await parent.is_hidden("#close-discussion")

    # The teacher writes to the family of a student they teach: only their classes are offered.
    await teacher.get_by_role("button", name="Écrire à une famille").click()
    await teacher.wait_for_selector("#new-student >> text=MOREAU Lucas", state="attached")
    assert await teacher.locator("#new-class option").all_text_contents() == ["4e A"]
    await teacher.get_by_label("Élève", exact=True).select_option(label="MOREAU Lucas")
    await teacher.get_by_label("Objet").fill("Contrôle de jeudi")
    await teacher.get_by_label("Message", exact=True).fill("Bonjour, Lucas était absent au contrôle de jeudi.")
    await check_screen(teacher, "espace-messagerie-professeur-ecrire", sizes=((1280, 900), (360, 740)))
    await teacher.get_by_role("button", name="Envoyer le message").click()
    await teacher.wait_for_selector("#status >> text=Message envoyé à la famille.")
    await parent.reload()
    await parent.get_by_role("button", name="Lire : Contrôle de jeudi").click()
    await parent.wait_for_selector("#messages >> text=absent au contrôle de jeudi")
    await parent_context.close()
    await teacher_context.close()


async def test_a_student_the_vie_scolaire_and_the_head_of_school_each_use_their_messagerie(
    browser, live_server, new_client
):
    s = await setup()
    admin = await new_client()
    await sign_in(admin, s.admin)
    posted = await admin.post(
        "/api/school/posts",
        json={"title": "Conseil de classe", "html": "<p>Le conseil se réunit <strong>mardi</strong>.</p>",
              "class_ids": [str(s.class_4a.id)], "to": ["students", "parents"]},
    )  # fmt: skip
    assert posted.status_code == 201, posted.text
    contact = {"student_id": str(s.student_5a.id), "subject": "Orientation",
               "body": "Bonjour, pouvons-nous en parler ?", "client_id": "admin-contact-01"}  # fmt: skip
    assert (await admin.post("/api/school/discussions", json=contact)).status_code == 201

    # The vie scolaire writes to Lucas's family (Lucas too) from the page.
    staff_context, staff = await espace(browser, live_server, s.staff, "/espace/messagerie.html")
    await staff.get_by_role("button", name="Écrire à une famille").click()
    await staff.get_by_label("Classe").select_option(label="4e A")
    await staff.wait_for_selector("#new-student >> text=MOREAU Lucas", state="attached")
    await staff.get_by_label("Élève", exact=True).select_option(label="MOREAU Lucas")
    await staff.get_by_label("L’élève participe aussi à la discussion").check()
    await staff.get_by_label("Objet").fill("Retards répétés")
    await staff.get_by_label("Message", exact=True).fill("Bonjour, Lucas est arrivé en retard trois fois.")
    await check_screen(staff, "espace-messagerie-vie-scolaire-ecrire", sizes=((1280, 900), (360, 740)))
    await staff.get_by_role("button", name="Envoyer le message").click()
    await staff.wait_for_selector("#status >> text=Message envoyé à la famille.")
    await staff.wait_for_selector("#messages >> text=arrivé en retard trois fois")
    assert "Aurélie MOREAU" in await staff.text_content("#discussion-title")
    await staff.wait_for_selector("#discussions >> text=Retards répétés")
    await check_screen(staff, "espace-messagerie-vie-scolaire", sizes=((1280, 900), (360, 740)))
    await staff_context.close()

    # Lucas reads it, and the information sent to his class.
    student_context, student = await espace(browser, live_server, s.student, "/espace/messagerie.html")
    await student.get_by_role("button", name="Lire : Retards répétés").click()
    await student.wait_for_selector("#messages >> text=arrivé en retard trois fois")
    await check_screen(student, "espace-messagerie-eleve", sizes=((1280, 900), (360, 740)))
    await student.get_by_role("button", name="Informations").click()
    await student.get_by_role("button", name="Ouvrir : Conseil de classe").click()
    await student.wait_for_selector("#post-body strong >> text=mardi")
    await check_screen(student, "espace-messagerie-eleve-information", sizes=((1280, 900), (360, 740)))
    await student_context.close()

    # The head of school finds the discussion they started and the information they sent, with its readers.
    admin_context, head = await espace(browser, live_server, s.admin, "/espace/messagerie.html")
    await head.wait_for_selector("#discussions >> text=Orientation")
    assert await head.is_visible("role=button[name='Écrire à une famille']")
    await head.get_by_role("button", name="Informations").click()
    await head.get_by_role("button", name="Ouvrir : Conseil de classe").click()
    await head.wait_for_selector("#post-extra >> text=Lu par 1 destinataire")
    await check_screen(head, "espace-messagerie-direction", sizes=((1280, 900), (360, 740)))
    await admin_context.close()
