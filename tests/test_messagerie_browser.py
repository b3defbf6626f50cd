"""Messagerie in the desktop espace: a parent writes to a teacher, who answers from the same page;
the parent reads an information and confirms it; the teacher closes the discussion. Phone-width
screenshots in the artifacts."""

from __future__ import annotations

import pytest

from tests.fixtures.api import sign_in
from tests.fixtures.browser import artifact
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
    await parent_context.close()
    await teacher_context.close()
