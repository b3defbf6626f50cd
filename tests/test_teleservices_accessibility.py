"""The téléservices' forms in the espace, each in the state where it is used: axe finds no violation
(at 1280 and 360 px), and each is driven with the keyboard alone — every control reached by Tab in
document order with a visible focus, filled, and sent with Enter or Space. A parent's bourse and
orientation wishes and contact details, the school's review of a bourse and the class council's
answer, the administrator's scale and campaign dates. (Each page's first state: test_espace_accessibility.py.)"""

from __future__ import annotations

import pytest

from db.teleservices.tables import BourseEchelon, BourseRequest, OrientationForm
from tests.fixtures.browser import check_screen, espace_context, keys, tab_through, tab_to
from tests.teleservices_builders import PDF, add_scale, open_campaign, tele_setup

pytestmark = pytest.mark.browser

DESKTOP = ((1280, 900), (360, 740))
CLEAR = keys("Control+A", "Backspace")


def retyped(text: str):
    """An action of tab_through: the field's value replaced by `text`."""

    async def act(page):
        await CLEAR(page)
        await page.keyboard.type(text)

    return act


async def state(table, row_id) -> str:
    return (await table.select(table.state).where(table.id == row_id).first())["state"]


async def test_the_teleservices_forms_are_accessible_and_work_with_the_keyboard_alone(browser, live_server):
    s = await tele_setup()
    await open_campaign(s, "bourse_college")
    await open_campaign(s, "orientation_provisional", "3e")
    await add_scale(s)
    contexts = []
    try:
        # ---- The parent: a bourse from the list, filled, saved, its tax notice joined, filed ----
        context, parent = await espace_context(browser, live_server, s.parent)
        contexts.append(context)
        await parent.goto(f"{live_server}/espace/teleservices.html")
        await parent.wait_for_selector("#list[aria-busy=false] .ts-item button")
        await parent.wait_for_selector("#contact[aria-busy=false] #contact-line1")
        await tab_to(parent, "Faire la demande : Bourse de collège — Hugo")
        await parent.keyboard.press("Enter")
        await parent.wait_for_selector("#ts-form")
        await tab_through(parent, "#detail-body", {"ts-children": "2", "ts-income": "10500", "ts-sworn": keys("Space")})
        await parent.wait_for_selector("#ts-simulation >> text=Échelon 2")
        await tab_to(parent, "Enregistrer", backwards=True)
        await parent.keyboard.press("Enter")
        await parent.wait_for_selector("#status >> text=Formulaire enregistré.")
        await tab_to(parent, "ts-file")
        async with parent.expect_file_chooser() as chooser:
            await parent.keyboard.press("Space")
        await (await chooser.value).set_files({"name": "avis.pdf", "mimeType": "application/pdf", "buffer": PDF})
        await tab_to(parent, "Joindre le fichier")
        await parent.keyboard.press("Enter")
        await parent.wait_for_selector("#detail-body .ts-pieces >> text=avis.pdf")
        await check_screen(parent, "espace-teleservices-bourse-formulaire", sizes=DESKTOP)
        await tab_through(parent, "#detail-body")
        await tab_to(parent, "Déposer la demande", backwards=True)
        await parent.keyboard.press("Space")
        await parent.wait_for_selector("#status >> text=Demande déposée")
        [bourse] = await BourseRequest.select(BourseRequest.id, BourseRequest.reference_income)
        assert bourse["reference_income"] == 10_500 and await state(BourseRequest, bourse["id"]) == "filed"

        # ---- The parent: two wishes ranked (the second needs its field), saved, sent ----
        await tab_to(parent, "back", backwards=True)  # "← Retour à mes démarches"
        await parent.keyboard.press("Enter")
        await parent.wait_for_selector("#list:not([hidden]) .ts-item button")
        await tab_to(parent, "Saisir les vœux : Orientation — phase provisoire (3e) — Hugo")
        await parent.keyboard.press("Enter")
        await parent.wait_for_selector("#ts-wishes-form")
        wishes = {
            "wish-1-track": keys("ArrowDown"),  # 2de générale et technologique
            "wish-2-track": keys("ArrowDown", "ArrowDown"),  # 2de professionnelle: its field appears
            "wish-2-detail": "Métiers de la relation client",
        }
        await tab_through(parent, "#ts-wishes-form", wishes)
        await check_screen(parent, "espace-teleservices-voeux", sizes=DESKTOP)
        await tab_to(parent, "Enregistrer les vœux", backwards=True)
        await parent.keyboard.press("Enter")
        await parent.wait_for_selector("#status >> text=Vœux enregistrés.")
        await tab_to(parent, "ts-submit")
        await parent.keyboard.press("Enter")
        await parent.wait_for_selector("#status >> text=Vœux transmis")
        [form] = await OrientationForm.select(OrientationForm.id)
        assert await state(OrientationForm, form["id"]) == "submitted"

        # ---- The parent's contact details: a postal address typed and saved with Enter ----
        await parent.goto(f"{live_server}/espace/teleservices.html")
        await parent.wait_for_selector("#contact[aria-busy=false] #contact-line1")
        address = {"contact-line1": "12 rue des Lilas", "contact-postcode": "69003", "contact-city": "Lyon"}
        await tab_through(parent, "#contact-body", address)
        await tab_to(parent, "Enregistrer l'adresse", backwards=True)
        await parent.keyboard.press("Enter")
        await parent.wait_for_selector("#contact-body .ts-pieces >> text=12 rue des Lilas")

        # ---- The school: the bourse reviewed and granted, the council's answer to the wishes ----
        context, staff = await espace_context(browser, live_server, s.staff)
        contexts.append(context)
        await staff.goto(f"{live_server}/espace/teleservices-ecole.html")
        await staff.wait_for_selector("#requests button")
        await staff.wait_for_load_state("networkidle")
        await tab_to(staff, "Ouvrir : Bourse de collège, Fontaine Hugo")
        await staff.keyboard.press("Enter")
        await staff.wait_for_selector("#request:not([hidden]) #grant-echelon")
        assert await staff.evaluate("document.activeElement.id") == "request-title"
        await check_screen(staff, "espace-teleservices-ecole-bourse", sizes=DESKTOP)
        await tab_through(staff, "#request-body", {"piece-message": "Merci de joindre la page 2."}, from_top=False)
        assert await staff.input_value("#grant-echelon") == "2"  # the scale's, proposed
        await tab_to(staff, "Accorder la bourse", backwards=True)
        await staff.keyboard.press("Enter")
        await staff.wait_for_selector("#status >> text=Bourse accordée")
        assert await state(BourseRequest, bourse["id"]) == "granted"

        await tab_to(staff, "Ouvrir : Orientation — phase provisoire (3e), Fontaine Hugo", backwards=True)
        await staff.keyboard.press("Enter")
        await staff.wait_for_selector("#council-form #opinion-2")
        await check_screen(staff, "espace-teleservices-ecole-conseil", sizes=DESKTOP)
        council = {"opinion-2": keys("ArrowDown"), "opinion-comment-2": "Un stage aiderait à confirmer ce choix."}
        await tab_through(staff, "#council-form", council, from_top=False)
        await tab_to(staff, "Enregistrer la réponse du conseil", backwards=True)
        await staff.keyboard.press("Enter")
        await staff.wait_for_selector("#status >> text=Réponse du conseil enregistrée")
        assert await state(OrientationForm, form["id"]) == "answered"

        # ---- The administrator: the scale's grid, then a campaign's dates ----
        context, admin = await espace_context(browser, live_server, s.admin)
        contexts.append(context)
        await admin.goto(f"{live_server}/espace/teleservices-ecole.html")
        await admin.wait_for_selector("#requests button")
        await tab_to(admin, "Barème des bourses")
        await admin.keyboard.press("Enter")
        await admin.wait_for_selector("#scale #amount-3")
        await check_screen(admin, "espace-teleservices-ecole-bareme", sizes=DESKTOP)
        await tab_through(admin, "#tab-bareme", {"amount-3": retyped("500")})
        await tab_to(admin, "Enregistrer le barème", backwards=True)
        await admin.keyboard.press("Enter")
        await admin.wait_for_selector("#scale-status >> text=enregistré")
        amounts = await BourseEchelon.select(BourseEchelon.echelon, BourseEchelon.yearly_amount_cents)
        assert {row["echelon"]: row["yearly_amount_cents"] for row in amounts}[3] == 50_000

        await tab_to(admin, "Campagnes", backwards=True)
        await admin.keyboard.press("Enter")
        await admin.wait_for_selector("#campaign-form:not([hidden])")
        await tab_to(admin, "Modifier les dates : Bourse de collège")
        await admin.keyboard.press("Enter")
        assert await admin.evaluate("document.activeElement.id") == "c-closes"
        await check_screen(admin, "espace-teleservices-ecole-campagnes", sizes=DESKTOP)
        await tab_through(admin, "#campaign-form")
        await tab_to(admin, "Enregistrer les dates", backwards=True)
        await admin.keyboard.press("Enter")
        await admin.wait_for_selector("#campaign-status >> text=Bourse de collège")
    finally:
        for context in contexts:
            await context.close()
