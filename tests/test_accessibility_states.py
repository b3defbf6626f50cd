"""The phone app's passing states, held to axe like its screens (tests/test_pwa_accessibility.py), at
360 and 320 px: a write waiting offline with the "Hors ligne" status line, a write the server refused,
the notice naming a profile revoked elsewhere (light and dark), and in dark mode the lock screen, the
update offer, the pairing's code step and a QR code killed by the fifth wrong code (their light
versions: tests/test_pwa_browser.py, tests/test_pairing_browser.py)."""

from __future__ import annotations

import httpx
import pytest

from api import clock
from db.communication.tables import Discussion
from tests.factories import make_family
from tests.family_builders import make_discussion, make_teacher_of
from tests.fixtures.api import sign_in
from tests.fixtures.browser import check_screen, without_webauthn
from tests.pairing_builders import CODE
from tests.test_pwa_browser import pair_in_browser, revoke

pytestmark = pytest.mark.browser

SELECT_PROFILE = "(id) => localStorage.setItem('cartable.profile', id)"
SET_LOCK = "([id, on]) => import('/js/device.js').then((m) => m.updateProfile(id, { lockEnabled: on }))"


async def in_both_themes(page, name: str) -> None:
    """axe at 360 and 320 px, in light then in dark mode (back to light after)."""
    await check_screen(page, name)
    await page.emulate_media(color_scheme="dark")
    await check_screen(page, f"{name}-sombre")
    await page.emulate_media(color_scheme="light")


async def test_waiting_refused_revoked_locked_updating_and_pairing_states_are_accessible(page, context, live_server):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    discussion = await make_discussion(teacher, family.parent, family.student)
    await without_webauthn(context)
    parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone de Sophie")
    student_id = await pair_in_browser(page, live_server, family.student, "Téléphone de Sophie")

    # Offline: the status line says so, and a reply waits in the outbox, marked.
    await page.evaluate(SELECT_PROFILE, parent_id)
    await page.goto(f"{live_server}/#/messages/d/{discussion.id}")
    await page.wait_for_selector("text=Léa a progressé")
    await page.wait_for_load_state("networkidle")
    await context.set_offline(True)
    await page.wait_for_selector("#freshness.offline:has-text('Hors ligne')")
    await page.fill("#reply", "Merci, à jeudi.")
    await page.click("form.reply button[type=submit]")
    await page.wait_for_selector(".messages .waiting:has-text('En attente d’envoi')")
    await in_both_themes(page, "pwa-attente-hors-ligne")

    # Back online, the discussion closed meanwhile: the reply is refused, and kept on screen with why.
    await Discussion.update({Discussion.closed_at: clock.now()}).where(Discussion.id == discussion.id)
    await context.set_offline(False)
    await page.wait_for_selector(".card.refused:has-text('Merci, à jeudi.')")
    await page.wait_for_selector("text=Discussion close")
    await in_both_themes(page, "pwa-non-envoye")

    # The student's profile locked, in dark mode (a phone without its authenticator: it stays locked).
    await page.evaluate(SET_LOCK, [student_id, True])
    await page.evaluate(SELECT_PROFILE, student_id)
    await page.emulate_media(color_scheme="dark")
    await page.goto(f"{live_server}/#/accueil")
    await page.reload()
    await page.wait_for_selector("#screen-title:has-text('Cartable verrouillé')")
    await check_screen(page, "pwa-verrouille-sombre")
    await page.emulate_media(color_scheme="light")
    await page.evaluate(SET_LOCK, [student_id, False])

    # The parent revokes this phone from a computer: at the next start, a notice names the profile.
    await revoke(live_server, family.parent, parent_id)
    await page.goto(f"{live_server}/#/profils")
    await page.reload()
    await page.wait_for_selector(".removed-notice:has-text('Profil retiré de cet appareil : Sophie')")
    await in_both_themes(page, "pwa-profil-retire")

    # A new version waiting: its lasting offer, in dark mode.
    await page.emulate_media(color_scheme="dark")
    await page.evaluate("() => navigator.serviceWorker.register('/service-worker.js?v=next', { scope: '/' })")
    await page.wait_for_selector("#update button:has-text('Mettre à jour')")
    await check_screen(page, "pwa-mise-a-jour-sombre")

    # Pairing, in dark mode: the code step after a wrong code, then the QR code the fifth one killed.
    async with httpx.AsyncClient(base_url=live_server) as desktop:
        await sign_in(desktop, family.parent)
        link = (await desktop.post("/api/pairing/pairings", json={"code": CODE})).json()["link"]
    await page.goto(link)
    await page.wait_for_selector("#pairing-code")
    for left in (4, 3, 2, 1, 0):
        await page.fill("#pairing-code", "ZZ9Q")
        await page.press("#pairing-code", "Enter")
        if left == 4:
            await page.wait_for_selector(".pairing-error:has-text('Il vous reste 4 essais')")
            await check_screen(page, "pwa-ajouter-profil-code-sombre")
        elif left:
            await page.wait_for_selector(f".pairing-error:has-text('Il vous reste {left} essai')")
    await page.wait_for_selector('.pairing-error:has-text("Ce QR code n\'est plus valable")')
    await check_screen(page, "pwa-ajouter-profil-qr-mort-sombre")
    await page.emulate_media(color_scheme="light")
