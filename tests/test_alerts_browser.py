"""The alert button in the espace: the administrator designates the CPE and sets the school's site;
a student sends an alert from a phone-width screen; the CPE opens and acknowledges it; the student
sees it taken into account; the administrator reads who opened it, never what it says."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import artifact
from tests.parity_builders import espace, setup

pytestmark = pytest.mark.browser


async def test_an_alert_goes_from_the_student_to_the_designated_cpe(browser, live_server):
    s = await setup()
    admin_context, admin = await espace(browser, live_server, s.admin, "/espace/parametres.html")
    await admin.get_by_label("Site du collège", exact=True).fill("http://college.fr")
    await admin.get_by_role("button", name="Enregistrer l'adresse : Site du collège").click()
    await admin.wait_for_selector("#error >> text=Indiquez une adresse web")
    await admin.get_by_label("Site du collège", exact=True).fill("https://college-commynes.fr")
    await admin.get_by_role("button", name="Enregistrer l'adresse : Site du collège").click()
    await admin.wait_for_selector("#links-status >> text=adresse enregistrée")
    await admin.get_by_label("Stéphane Girard").check()
    await admin.get_by_role("button", name="Enregistrer", exact=True).click()
    await admin.wait_for_selector("#alerts-status >> text=le bouton est ouvert aux élèves")

    student_context, student = await espace(browser, live_server, s.student, "/espace/portail.html", phone=True)
    site = student.get_by_role("link", name="Site du collège (site externe, nouvel onglet)")
    assert (
        await site.get_attribute("href") == "https://college-commynes.fr"
        and await site.get_attribute("target") == "_blank"
    )
    await site.scroll_into_view_if_needed()
    await student.screenshot(path=artifact("espace-portail-eleve-site-externe-360.png"))  # 360×740, the tile in view
    await student.get_by_role("link", name="Signaler un harcèlement").click()
    await student.wait_for_selector("#help >> text=3018")
    await student.get_by_label("témoin").check()
    await student.get_by_label("Ce qui se passe", exact=True).select_option("cyberharcelement")
    await student.get_by_label("Explique ce qui se passe").fill("Un faux compte se moque de Léa depuis lundi.")
    await student.get_by_role("button", name="Envoyer le signalement").click()
    await student.wait_for_selector("#status >> text=Ton signalement a bien été envoyé")
    await student.wait_for_selector("#mine >> text=Envoyé")
    await student.screenshot(path=artifact("alert-student-360.png"), full_page=True)

    cpe_context, cpe = await espace(browser, live_server, s.staff, "/espace/signalements.html")
    await cpe.wait_for_selector("#alerts .item")
    assert "faux compte" not in await cpe.inner_text("#alerts")  # the list reads nothing
    await cpe.locator("#alerts button").first.click()
    await cpe.wait_for_selector("#alert-body >> text=Un faux compte se moque de Léa depuis lundi.")
    assert "Lucas Moreau (4e A)" in await cpe.inner_text("#alert-title")
    await cpe.get_by_role("button", name="Marquer comme pris en compte").click()
    await cpe.wait_for_selector("#alert-state >> text=Pris en compte le")
    await cpe.wait_for_selector("#reads li >> nth=1")  # opened, then acknowledged: two reads logged
    await cpe.screenshot(path=artifact("alert-cpe.png"), full_page=True)

    await student.reload()
    await student.wait_for_selector("#mine >> text=Pris en compte le")
    await admin.reload()
    await admin.wait_for_selector("#audit >> text=Stéphane Girard")
    assert "faux compte" not in await admin.inner_text("main")

    # A member of staff who is not designated reads nothing.
    admin_as_reader = await admin.context.new_page()
    await admin_as_reader.goto(f"{live_server}/espace/signalements.html")
    await admin_as_reader.wait_for_selector("#not-designated:not([hidden])")
    for context in (admin_context, student_context, cpe_context):
        await context.close()
