"""In Chromium: a parent activates their account, signs in, does the first-login steps, reaches the portal;
a student signs in with a temporary password and goes through the first login."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.accounts_builders import STRONG, last_code, last_message, make_parent_to_activate
from tests.factories import enrol, make_class, make_family, make_school, make_user
from tests.fixtures.browser import artifact, check_screen

pytestmark = pytest.mark.browser


async def test_parent_activation_sign_in_and_first_login(live_server, page):
    family = await make_family()
    await make_parent_to_activate(family)
    await page.goto(f"{live_server}/espace/index.html")
    await page.get_by_role("link", name="Activer mon compte").click()

    await page.get_by_label("Nom", exact=True).fill("Dupont")
    await page.get_by_label("Prénom").fill("Sophie")
    await page.get_by_label("Numéro de téléphone portable").fill("06 12 34 56 78")
    await page.get_by_role("button", name="Recevoir mon code SMS").click()
    await page.get_by_label("Code de validation (6 chiffres)").wait_for()
    await check_screen(page, "espace-activation-code", sizes=((1280, 900), (360, 740)))
    await page.get_by_label("Code de validation (6 chiffres)").fill(
        "000000" if await last_code("06 12 34 56 78") != "000000" else "111111"
    )
    await page.get_by_label("Date de naissance de votre enfant").fill("14/05/2013")  # French, as shown
    await page.get_by_role("button", name="Continuer").click()
    await page.get_by_text("Code incorrect. Il vous reste 2 essais.").wait_for()

    await page.get_by_label("Code de validation (6 chiffres)").fill(await last_code("06 12 34 56 78"))
    await page.get_by_role("button", name="Continuer").click()
    await page.locator("#identifier").get_by_text("s.dupont").wait_for()

    await check_screen(page, "espace-activation-mot-de-passe", sizes=((1280, 900), (360, 740)))
    password = page.get_by_label("Choisissez votre mot de passe")
    await password.fill("abcdefgh")
    assert await page.locator('li[data-rule="length"].met').count() == 1
    assert await page.locator('li[data-rule="three"].met').count() == 0
    await page.get_by_label("Confirmez le mot de passe").fill("abcdefgh")
    await page.locator("#step3").get_by_role("button", name="Continuer").click()
    await page.get_by_role("alert").get_by_text("3 des 4 critères").wait_for()
    await password.fill(STRONG)
    assert await page.locator('li[data-rule="three"].met').count() == 1
    await page.get_by_label("Confirmez le mot de passe").fill(STRONG)
    await page.locator("#step3").get_by_role("button", name="Continuer").click()
    await page.get_by_role("heading", name="Votre compte est activé").wait_for()
    await check_screen(page, "espace-activation-fin", sizes=((1280, 900), (360, 740)))

    await page.get_by_role("link", name="Se connecter").click()
    await page.wait_for_url(re.compile(r"/espace/index\.html\?identifiant=s\.dupont"))
    assert await page.get_by_label("Identifiant", exact=True).input_value() == "s.dupont"
    await page.get_by_label("Mot de passe", exact=True).fill("Mauvais-Mot2passe")
    await page.get_by_role("button", name="Se connecter", exact=True).click()
    await page.get_by_text("Identifiant ou mot de passe incorrect").wait_for()
    await page.get_by_label("Mot de passe", exact=True).fill(STRONG)
    await page.get_by_role("button", name="Se connecter", exact=True).click()

    await page.wait_for_url(re.compile(r"premiere-connexion\.html"))
    await page.get_by_label("Adresse e-mail").wait_for()
    await check_screen(page, "espace-premiere-connexion-courriel", sizes=((1280, 900), (360, 740)))
    await page.get_by_label("Adresse e-mail").fill("sophie.dupont@example.fr")
    await page.get_by_role("button", name="Recevoir le lien").click()
    await page.get_by_text("Un lien de validation a été envoyé").wait_for()
    link = re.search(r"https?://\S+", await last_message("sophie.dupont@example.fr")).group(0)
    await page.goto(link.replace("http://localhost:8000", live_server))
    await page.get_by_role("heading", name="Charte informatique").wait_for()
    await check_screen(page, "espace-premiere-connexion-charte", sizes=((1280, 900), (360, 740)))
    await page.get_by_label("J'ai lu et j'accepte la charte informatique.").check()
    await page.get_by_role("button", name="Accepter et fermer").click()

    await page.wait_for_url(re.compile(r"portail\.html"))
    await page.get_by_role("heading", name="Mes enfants").wait_for()
    await page.get_by_text("Léa").first.wait_for()
    await page.get_by_role("link", name="Application mobile").wait_for()
    await page.get_by_label("Rechercher une application").fill("mobile")
    assert await page.locator(".app").count() == 1
    await page.screenshot(path=artifact("accounts-portal-parent.png"))

    await page.get_by_role("button", name="Se déconnecter").click()
    await page.wait_for_url(re.compile(r"/espace/index\.html"))
    await page.goto(f"{live_server}/espace/portail.html")
    await page.wait_for_url(re.compile(r"/espace/index\.html"))


async def test_student_first_login_with_temporary_password(live_server, page):
    school = await make_school()
    class_ref = await make_class(school, "6e C")
    student = await make_user(
        school,
        "student",
        first_name="Nora",
        password="Provisoire-2026!",
        must_change_password=True,
        first_login_done_at=None,
        charter_accepted_at=None,
        email_verified_at=None,
        birth_date=date(2015, 1, 9),
    )
    await enrol(student, class_ref)
    await page.goto(f"{live_server}/espace/index.html")
    await page.get_by_label("Identifiant", exact=True).fill(student.identifier)
    await page.get_by_label("Mot de passe", exact=True).fill("Provisoire-2026!")
    await page.get_by_role("button", name="Se connecter", exact=True).click()
    await page.wait_for_url(re.compile(r"premiere-connexion\.html"))

    await page.get_by_label("Nouveau mot de passe").fill(STRONG)
    await page.get_by_label("Confirmez le mot de passe").fill(STRONG)
    await page.get_by_role("button", name="Enregistrer le mot de passe").click()
    await page.get_by_text("6e C").wait_for()
    await check_screen(page, "espace-premiere-connexion-eleve", sizes=((1280, 900), (360, 740)))
    await page.get_by_label("Votre date de naissance").fill("2015-01-09")  # ISO typed in is understood too
    await page.get_by_label("Je confirme que ces informations sont exactes.").check()
    await page.get_by_role("button", name="Confirmer").click()
    await page.get_by_label("Adresse e-mail").fill("nora@example.fr")
    await page.get_by_role("button", name="Recevoir le lien").click()
    await page.get_by_text("Un lien de validation a été envoyé").wait_for()
    link = re.search(r"https?://\S+", await last_message("nora@example.fr")).group(0)
    await page.goto(link.replace("http://localhost:8000", live_server))
    await page.get_by_label("J'ai lu et j'accepte la charte informatique.").check()
    await page.get_by_role("button", name="Accepter et fermer").click()
    await page.wait_for_url(re.compile(r"portail\.html"))
    await page.get_by_role("link", name="Cartable", exact=True).wait_for()
    await page.screenshot(path=artifact("accounts-portal-student.png"))


async def test_passkey_added_on_the_portal_then_signs_in_without_password(live_server, context, page):
    # A virtual authenticator stands in for the fingerprint reader (the live server is on localhost:
    # WebAuthn needs a domain).
    base = live_server
    cdp = await context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    family = await make_family()
    await page.goto(f"{base}/espace/index.html")
    await page.get_by_label("Identifiant", exact=True).fill(family.parent.identifier)
    await page.get_by_label("Mot de passe", exact=True).fill("Cartable-Test1!")
    await page.get_by_role("button", name="Se connecter", exact=True).click()
    await page.wait_for_url(re.compile(r"portail\.html"))
    await page.get_by_role("button", name="Ajouter une clé d'accès").click()
    await page.get_by_text("Clé d'accès ajoutée").wait_for()
    await page.locator("#passkeys li").get_by_text("Clé d'accès").wait_for()
    await page.get_by_role("button", name="Se déconnecter").click()
    await page.wait_for_url(re.compile(r"/espace/index\.html"))

    await page.get_by_label("Identifiant", exact=True).fill(family.parent.identifier)
    await page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
    await page.wait_for_url(re.compile(r"portail\.html"))
    await page.get_by_role("heading", name="Mes enfants").wait_for()
