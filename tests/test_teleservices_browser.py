"""Téléservices in the desktop espace: a bourse from draft to "accordée", and a fiche dialogue from
two wishes to the family's acceptance, each side in its own browser."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from db.teleservices.tables import BourseRequest, OrientationForm
from tests.accounts_builders import last_code
from tests.factories import make_school, make_user
from tests.fixtures.browser import artifact, check_screen
from tests.teleservices_builders import (
    PDF,
    TWO_WISHES,
    add_scale,
    open_campaign,
    signed_in,
    tax_notice,
    tele_setup,
    today,
    unsent_draft,
    upload,
)
from tests.test_pairing_browser import desktop_page
from tests.test_pwa_browser import pair_in_browser
from tests.test_teleservices_contact_schools import confirmed

pytestmark = pytest.mark.browser


async def _desktop(browser, live_server, user, page_path):
    context, page = await desktop_page(browser, live_server, user)
    await page.goto(f"{live_server}{page_path}")
    return context, page


async def _open_request(staff_page, name: str) -> None:
    await staff_page.get_by_role("button", name=name).click()
    await staff_page.wait_for_selector("#request:not([hidden]) #request-body h3")


async def test_a_parent_files_a_bourse_the_school_asks_a_piece_then_grants(browser, live_server, tmp_path):
    s = await tele_setup()
    await open_campaign(s, "bourse_college")
    await add_scale(s)
    notice = tmp_path / "avis-imposition.pdf"
    notice.write_bytes(PDF)
    parent_context, parent = await _desktop(browser, live_server, s.parent, "/espace/teleservices.html")
    staff_context, staff = await _desktop(browser, live_server, s.staff, "/espace/teleservices-ecole.html")

    await parent.get_by_role("button", name="Faire la demande : Bourse de collège — Hugo").click()
    await parent.get_by_label("Nombre d'enfants à charge").fill("2")
    await parent.wait_for_selector(f"#ts-form >> text={tax_notice()}")
    await parent.get_by_label("Revenu fiscal de référence (en euros)").fill("10500")
    await parent.wait_for_selector("#ts-simulation >> text=Échelon 2")
    await parent.get_by_label("Je certifie sur l'honneur").check()
    await parent.get_by_role("button", name="Enregistrer").click()
    await parent.wait_for_selector("#status >> text=Formulaire enregistré.")
    await parent.set_input_files("#ts-file", str(notice))
    await parent.get_by_role("button", name="Joindre le fichier").click()
    await parent.wait_for_selector("text=Avis d'imposition : avis-imposition.pdf")
    await parent.get_by_role("button", name="Déposer la demande").click()
    await parent.wait_for_selector("#status >> text=Demande déposée")
    assert await parent.inner_text("#detail-body .badge") == "Déposée"

    await staff.reload()
    await _open_request(staff, "Ouvrir : Bourse de collège, Fontaine Hugo")
    await staff.get_by_label("Pièce à demander à la famille").fill("Merci de joindre l'avis 2025 complet (4 pages).")
    await staff.get_by_role("button", name="Demander une pièce").click()
    await staff.wait_for_selector("#status >> text=Pièce demandée")

    await parent.reload()
    await parent.wait_for_selector(
        "text=L'établissement demande une pièce : « Merci de joindre l'avis 2025 complet (4 pages). »"
    )
    await parent.set_input_files("#ts-file", str(notice))
    await parent.get_by_role("button", name="Joindre le fichier").click()
    await parent.wait_for_selector("text=Pièce complémentaire : avis-imposition.pdf")
    await parent.get_by_role("button", name="Envoyer la pièce à l'établissement").click()
    await parent.wait_for_selector("#status >> text=Pièce envoyée")

    await _open_request(staff, "Ouvrir : Bourse de collège, Fontaine Hugo")
    assert await staff.input_value("#grant-echelon") == "2"  # the scale's échelon, suggested
    await staff.get_by_role("button", name="Accorder la bourse").click()
    await staff.wait_for_selector("#status >> text=Bourse accordée")
    await staff.screenshot(path=artifact("teleservices-staff-bourse.png"), full_page=True)

    await parent.reload()
    await parent.wait_for_selector("text=Bourse accordée : échelon 2, 324 € par an.")
    assert await parent.inner_text("#detail-body .badge") == "Accordée"
    assert "null" not in await parent.inner_text("#detail-body")
    await parent.screenshot(path=artifact("teleservices-parent-bourse-granted.png"), full_page=True)
    await parent.get_by_role("button", name="← Retour à mes démarches").click()
    await parent.wait_for_selector(".ts-item >> text=Accordée")
    await parent_context.close()
    await staff_context.close()


async def test_a_parent_ranks_two_wishes_the_council_answers_the_parent_accepts(browser, live_server):
    s = await tele_setup()
    await open_campaign(s, "orientation_provisional", "3e")
    parent_context, parent = await _desktop(browser, live_server, s.parent, "/espace/teleservices.html")
    staff_context, staff = await _desktop(browser, live_server, s.staff, "/espace/teleservices-ecole.html")

    await parent.get_by_role("button", name="Saisir les vœux : Orientation — phase provisoire (3e) — Hugo").click()
    first, second = parent.get_by_role("group", name="Vœu 1"), parent.get_by_role("group", name="Vœu 2")
    await first.get_by_label("Voie").select_option("2gt")
    await second.get_by_label("Voie").select_option("2pro")
    await second.get_by_label("Spécialité ou famille de métiers").fill("Métiers de la relation client")
    await parent.get_by_role("button", name="Enregistrer les vœux").click()
    await parent.wait_for_selector("#status >> text=Vœux enregistrés.")
    await parent.get_by_role("button", name="Transmettre les vœux à l'établissement").click()
    await parent.wait_for_selector("#status >> text=Vœux transmis")

    await staff.reload()
    await _open_request(staff, "Ouvrir : Orientation — phase provisoire (3e), Fontaine Hugo")
    await staff.select_option("#opinion-1", "favourable")
    await staff.select_option("#opinion-2", "reserved")
    await staff.fill("#opinion-comment-2", "Un stage d'observation aiderait à confirmer ce choix.")
    await staff.get_by_role("button", name="Enregistrer la réponse du conseil").click()
    await staff.wait_for_selector("#status >> text=Réponse du conseil enregistrée")

    await parent.reload()
    await parent.wait_for_selector("text=Un stage d'observation aiderait à confirmer ce choix.")
    await parent.get_by_role("button", name="J'accepte la réponse du conseil").click()
    await parent.wait_for_selector("text=Réponse de la famille : acceptée par Élodie Fontaine")
    assert await parent.inner_text("#detail-body .badge") == "Acceptée par la famille"
    assert "null" not in await parent.inner_text("#detail-body")
    await parent.screenshot(path=artifact("teleservices-parent-orientation.png"), full_page=True)
    await parent_context.close()
    await staff_context.close()


async def test_the_secretariat_proposes_for_a_student_without_wishes_and_a_parent_accepts(
    browser, live_server, new_client
):
    s = await tele_setup()
    # The family saved two wishes and never sent them; the window has closed since.
    campaign, form_id = await unsent_draft(s, await signed_in(new_client, s.parent))

    staff_context, staff = await _desktop(browser, live_server, s.staff, "/espace/teleservices-ecole.html")
    await staff.select_option("#f-state", "no_wishes")
    await staff.wait_for_selector("#requests >> text=Proposition du conseil de classe à enregistrer")
    assert "relation client" not in await staff.inner_text("#requests")  # the draft is the family's
    await _open_request(staff, "Ouvrir : Orientation — phase définitive (3e), Fontaine Hugo")
    await staff.wait_for_selector("#request-body >> text=Aucun vœu n'a été transmis pendant la phase de saisie")
    await check_screen(staff, "teleservices-staff-no-wishes", sizes=((1280, 900), (360, 740)))
    await staff.get_by_label("Voie").select_option("2gt")
    await staff.get_by_label("Commentaire général").fill("Le conseil propose une 2de générale et technologique.")
    await staff.get_by_role("button", name="Enregistrer la proposition du conseil").click()
    await staff.wait_for_selector("#status >> text=Proposition du conseil enregistrée")
    await staff.wait_for_selector("#request-body >> text=Aucun vœu transmis par la famille")  # now the fiche
    await staff.wait_for_selector('#count >> text="0 demande"')  # no student left without a proposal
    assert "relation client" not in await staff.inner_text("#request-body")

    parent_context, parent = await _desktop(browser, live_server, s.parent, "/espace/teleservices.html")
    await parent.get_by_role("button", name="Répondre : Orientation — phase définitive (3e) — Hugo").click()
    await parent.wait_for_selector("#ts-no-wishes")
    unsent = await parent.inner_text(".ts-unsent")
    assert "2de professionnelle — Métiers de la relation client" in unsent and "Non transmis" in unsent
    assert "2de générale et technologique" in await parent.inner_text("#detail-body .ts-decision")
    await check_screen(parent, "teleservices-parent-proposal-without-wishes", sizes=((1280, 900), (360, 740)))
    await parent.get_by_role("button", name="J'accepte la proposition du conseil").click()
    await parent.wait_for_selector("text=Réponse de la famille : acceptée par Élodie Fontaine")
    assert await parent.inner_text("#detail-body .badge") == "Acceptée par la famille"
    assert "null" not in await parent.inner_text("#detail-body")

    await staff.select_option("#f-state", "accepted")
    await staff.wait_for_selector("#requests >> text=Proposition : 2de générale et technologique")
    await parent_context.close()
    await staff_context.close()


async def test_the_administrator_types_the_scale_and_closes_a_campaign(browser, live_server):
    from db.teleservices.tables import BourseCeiling, BourseEchelon

    s = await tele_setup()
    await open_campaign(s, "bourse_college")
    await open_campaign(s, "orientation_final", "3e", opens=10, closes=30, replies=40)  # not open yet
    admin_context, admin = await _desktop(browser, live_server, s.admin, "/espace/teleservices-ecole.html")
    await admin.get_by_role("button", name="Barème des bourses").click()
    await admin.get_by_label("Nombre d'échelons").fill("2")
    await admin.get_by_label("Lignes (enfants à charge)").fill("2")
    await admin.get_by_role("button", name="Redessiner la grille").click()
    values = {
        "Plafond pour 1 enfant, échelon 1": "17000",
        "Plafond pour 1 enfant, échelon 2": "9000",
        "Plafond pour 2 enfants, échelon 1": "21000",
        "Plafond pour 2 enfants, échelon 2": "11000",
        "Montant annuel de l'échelon 1 (euros)": "117",
        "Montant annuel de l'échelon 2 (euros)": "324",
    }
    for label, value in values.items():
        await admin.get_by_label(label).fill(value)
    await admin.get_by_role("button", name="Enregistrer le barème").click()
    await admin.wait_for_selector("#scale-status >> text=enregistré")
    assert sorted(r["yearly_amount_cents"] for r in await BourseEchelon.select()) == [11_700, 32_400]
    assert await BourseCeiling.count() == 4

    await admin.get_by_role("button", name="Campagnes").click()
    await admin.wait_for_selector("#settings-log-lines >> text=Barème modifié")  # who changed what, and when
    assert "Olivier Marchand" in await admin.inner_text("#settings-log-lines")
    admin.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await admin.get_by_role("button", name="Annuler : Orientation — phase définitive (3e)").click()
    await admin.wait_for_selector("#campaign-status >> text=Annulé")
    await admin.wait_for_selector("#settings-log-lines >> text=Campagne annulée")
    assert (
        await admin.get_by_role("button", name="Annuler : Bourse de collège").count() == 0
    )  # open: closed by its dates
    await admin.get_by_role("button", name="Modifier les dates : Bourse de collège").click()
    yesterday = (today() - timedelta(days=1)).isoformat()
    await admin.fill("#c-closes", yesterday)
    await admin.get_by_role("button", name="Enregistrer les dates").click()
    await admin.wait_for_selector("#campaigns >> text=Fermé — était ouvert du")

    # Next year's campaigns are prepared before it begins: the administrator adds the year, then dates in it.
    await admin.get_by_role("button", name="Préparer l'année scolaire suivante").click()
    await admin.wait_for_selector("#year-status >> text=prête")
    coming = await admin.eval_on_selector("#school-year", "select => select.selectedOptions[0].textContent")
    await admin.wait_for_selector(f"#campaigns >> text=Aucun téléservice pour {coming}")
    opens = await admin.get_attribute("#c-opens", "min")
    await admin.select_option("#c-service", "bourse_lycee")
    await admin.fill("#c-opens", opens)
    await admin.fill("#c-closes", opens)
    await admin.fill("#c-replies", opens)
    await admin.get_by_role("button", name="Enregistrer les dates").click()
    await admin.wait_for_selector(f"#campaign-status >> text=Bourse de lycée ({coming})")
    # The save redraws the coming year's table: changing year before it is back raced with it (the page now
    # also draws only its latest answer, and waits for the session before a tab draws anything).
    await admin.wait_for_selector("#campaigns >> text=Bourse de lycée")
    await admin.select_option("#school-year", index=0)
    await admin.wait_for_selector("#campaigns >> text=Bourse de collège")
    assert "Bourse de lycée" not in await admin.inner_text("#campaigns")
    await admin_context.close()


async def test_a_parent_changes_phone_with_the_code_and_the_school_reads_the_log(browser, live_server):
    s = await tele_setup()
    parent_context, parent = await _desktop(browser, live_server, s.parent, "/espace/teleservices.html")
    await parent.get_by_label("Téléphone portable").fill("07 55 44 33 22")
    await parent.get_by_role("button", name="Changer de numéro").click()
    await parent.wait_for_selector("#contact-status >> text=Un code a été envoyé à 07 •• •• •• 22")
    code_field = parent.get_by_label("Code reçu (07 •• •• •• 22)")
    assert await parent.evaluate("document.activeElement.id") == await code_field.get_attribute("id")
    await code_field.fill("000000" if (code := await last_code("0755443322")) != "000000" else "111111")
    await parent.get_by_role("button", name="Confirmer").click()
    await parent.wait_for_selector("#error >> text=Code incorrect")
    await code_field.fill(code)
    await parent.get_by_role("button", name="Confirmer").click()
    await parent.wait_for_selector("#contact-status >> text=Changement confirmé")
    assert await parent.input_value("#contact-phone") == "07 55 44 33 22"
    await parent.wait_for_selector("text=Changements enregistrés")
    await check_screen(parent, "teleservices-parent-contact", sizes=((1280, 900), (360, 740)))

    staff_context, staff = await _desktop(browser, live_server, s.staff, "/espace/teleservices-ecole.html")
    await staff.wait_for_selector("#cc-class option >> nth=1", state="attached")
    await staff.get_by_role("button", name="Coordonnées").click()
    await staff.wait_for_selector("#cc-lines >> text=07 55 44 33 22")
    assert "Hugo Fontaine (3e A)" in await staff.inner_text("#cc-lines")
    await check_screen(staff, "teleservices-staff-contact-log", sizes=((1280, 900), (360, 740)))
    await staff.select_option("#cc-field", "address")
    await staff.wait_for_selector('#cc-count >> text="0 changement"')
    await parent_context.close()
    await staff_context.close()


async def test_a_number_confirmed_in_another_school_is_offered_and_confirmed_with_its_code(
    browser, live_server, new_client
):
    college, lycee = await make_school("Collège Camus"), await make_school("Lycée Curie")
    first = await make_user(
        college, "parent", first_name="Nadia", last_name="Lefèvre", phone="0644556677", activated_at=None
    )
    other = await make_user(lycee, "parent", first_name="Nadia", last_name="Lefevre", phone="0644556677")
    await confirmed(await signed_in(new_client, first), {"field": "phone", "phone": "0755443322"}, "0755443322")

    context, page = await _desktop(browser, live_server, other, "/espace/teleservices.html")
    await page.wait_for_selector("text=Depuis votre compte dans un autre établissement")
    await check_screen(page, "teleservices-parent-contact-offer", sizes=((1280, 900), (360, 740)))
    await page.get_by_role("button", name="Utiliser aussi ici (code envoyé à 07 •• •• •• 22)").click()
    await page.wait_for_selector("#contact-status >> text=Un code a été envoyé à 07 •• •• •• 22")
    await page.get_by_label("Code reçu (07 •• •• •• 22)").fill(await last_code("0755443322"))
    await page.get_by_role("button", name="Confirmer").click()
    await page.wait_for_selector("#contact-status >> text=Changement confirmé")
    assert await page.input_value("#contact-phone") == "07 55 44 33 22"
    await context.close()


async def _state(table, row_id) -> str:
    return (await table.select(table.state).where(table.id == row_id).first())["state"]


async def test_on_the_phone_a_parent_sends_the_missing_piece_reads_the_grant_and_answers_the_council(
    page, context, live_server, new_client, tmp_path
):
    s = await tele_setup()
    bourse_campaign = await open_campaign(s, "bourse_college")
    orientation_campaign = await open_campaign(s, "orientation_provisional", "3e")
    await add_scale(s)
    parent, staff = await signed_in(new_client, s.parent), await signed_in(new_client, s.staff)
    # Filed on the desktop (the form and the tax notice), then the school asks for a piece.
    opened = {"campaign_id": str(bourse_campaign.id), "student_id": str(s.student.id)}
    bourse_id = (await parent.post("/api/teleservices/bourses", json=opened)).json()["id"]
    url = f"/api/teleservices/bourses/{bourse_id}"
    await parent.put(url, json={"dependent_children": 2, "reference_income": 10_500, "sworn_statement": True})
    await upload(parent, bourse_id)
    assert (await parent.post(f"{url}/actions", json={"action": "file"})).status_code == 200
    school = f"/api/school/teleservices/bourses/{bourse_id}/actions"
    asked = {"action": "request_piece", "message": "Merci de joindre la page 2 de l'avis."}
    assert (await staff.post(school, json=asked)).status_code == 200
    # Wishes sent on the desktop, answered by the class council.
    opened = {"campaign_id": str(orientation_campaign.id), "student_id": str(s.student.id)}
    form = (await parent.post("/api/teleservices/orientation", json=opened)).json()
    saved = (await parent.put(f"/api/teleservices/orientation/{form['id']}/wishes", json=TWO_WISHES)).json()
    await parent.post(f"/api/teleservices/orientation/{form['id']}/actions", json={"action": "submit"})
    answers = [
        {"wish_id": saved["wishes"][0]["id"], "opinion": "favourable", "comment": "Très bon trimestre."},
        {"wish_id": saved["wishes"][1]["id"], "opinion": "reserved", "comment": "Un stage aiderait."},
    ]
    council = f"/api/school/teleservices/orientation/{form['id']}/council"
    assert (await staff.put(council, json={"answers": answers, "comment": "Avis du 2e trimestre."})).status_code == 200

    await pair_in_browser(page, live_server, s.parent, "Téléphone d'Élodie")
    await page.goto(f"{live_server}/#/accueil")
    await page.get_by_role("link", name="Démarches").click()
    await page.wait_for_selector("text=2 démarches vous attendent.")
    await page.wait_for_selector("text=« Merci de joindre la page 2 de l'avis. »")
    await check_screen(page, "pwa-demarches")

    # The missing piece, from the phone.
    await page.get_by_role("link", name="Voir la demande : Bourse de collège, Hugo").click()
    await page.wait_for_selector("text=L’établissement demande une pièce")
    assert await page.is_visible(f"text=Pièce à joindre : {tax_notice()}.")  # the test year's, not a fixed one
    await check_screen(page, "pwa-demarches-bourse-piece")
    piece = tmp_path / "avis-page-2.pdf"
    piece.write_bytes(PDF)
    await page.set_input_files("#piece", str(piece))
    await page.get_by_role("button", name="Envoyer à l’établissement").click()
    await page.wait_for_selector("#toast >> text=Pièce envoyée à l’établissement.")
    assert await _state(BourseRequest, bourse_id) == "completed"
    await page.wait_for_selector("text=Pièce complémentaire : avis-page-2.pdf")

    # The school grants; the phone reads "Accordée" with the échelon, in the list and in the request.
    assert (await staff.post(school, json={"action": "grant", "echelon": 2})).status_code == 200
    await page.goto(f"{live_server}/#/demarches")
    await page.wait_for_selector(".card:has-text('Bourse de collège') >> text=Échelon 2 — 324 € par an")
    assert await page.inner_text(".card:has-text('Bourse de collège') .badge") == "Accordée"
    await page.get_by_role("link", name="Voir la demande : Bourse de collège, Hugo").click()
    await page.wait_for_selector("text=Bourse accordée : échelon 2, 324 € par an.")
    await check_screen(page, "pwa-demarches-bourse-accordee")
    await page.screenshot(path=artifact("pwa-demarches-bourse-accordee-full.png"), full_page=True)

    # The council's answer, read on the phone and accepted offline: it waits in the outbox, then goes.
    await page.goto(f"{live_server}/#/demarches")
    await page.get_by_role("link", name="Voir la demande : Orientation — phase provisoire (3e), Hugo").click()
    await page.wait_for_selector("text=Un stage aiderait.")
    await check_screen(page, "pwa-demarches-orientation")
    await context.set_offline(True)
    await page.get_by_label("Commentaire (facultatif)").fill("Merci pour ces conseils.")
    await page.get_by_role("button", name="J’accepte la réponse du conseil").click()
    await page.wait_for_selector("text=Votre réponse est en attente d’envoi.")
    assert await _state(OrientationForm, form["id"]) == "answered"
    await page.goto(f"{live_server}/#/demarches")  # the list, from this phone's stored copy
    await page.wait_for_selector(".card:has-text('Bourse de collège') >> text=Échelon 2 — 324 € par an")
    await context.set_offline(False)
    for _ in range(100):
        if await _state(OrientationForm, form["id"]) == "accepted":
            break
        await asyncio.sleep(0.1)
    assert await _state(OrientationForm, form["id"]) == "accepted"
    await page.goto(f"{live_server}/#/demarches/orientation/{form['id']}")
    await page.wait_for_selector("text=Réponse de la famille : acceptée par la famille, par Élodie Fontaine")
    assert "null" not in await page.inner_text("main") and "undefined" not in await page.inner_text("main")
