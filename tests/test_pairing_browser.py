"""The whole pairing in real Chromium: a desktop context shows the QR, a phone context pairs by
opening the link (the camera-app route) or pasting it, registers a WebAuthn credential on a virtual
authenticator, locks/unlocks the app, and is wiped when the desktop revokes it."""

from __future__ import annotations

import pytest

from api.auth.sessions import cookie_name, open_session
from db.devices.tables import Device
from tests.factories import make_family
from tests.fixtures.browser import artifact, browser_context, check_screen, espace_context, without_webauthn

pytestmark = pytest.mark.browser


async def desktop_page(browser, live_server, user):
    context, page = await espace_context(browser, live_server, user, viewport=(1280, 800))
    await page.goto(f"{live_server}/espace/application-mobile.html")
    return context, page


async def show_qr(page, code: str) -> str:
    await page.fill("#code", code)
    await page.click("#code-form button[type=submit]")
    await page.wait_for_selector("#qr svg")
    await page.click("#show-link")
    return await page.get_attribute("#link", "href")


async def phone_context(browser):
    context = await browser_context(browser)
    page = await context.new_page()
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
    return context, page


async def test_pair_a_phone_by_link_lock_it_then_revoke_it_from_the_desktop(browser, live_server):
    family = await make_family()
    desktop_context, desktop = await desktop_page(browser, live_server, family.parent)
    phone_ctx, phone = await phone_context(browser)
    try:
        # Trivial codes are refused on the desktop.
        await desktop.fill("#code", "1234")
        await desktop.click("#code-form button[type=submit]")
        await desktop.wait_for_selector("#error:not([hidden])")
        assert "trop simple" in await desktop.text_content("#error")
        link = await show_qr(desktop, "k7p2")
        assert "K7P2" not in link.upper().split("#")[1].replace("AJOUTER-PROFIL", "")
        assert "min" in await desktop.text_content("#countdown")
        assert await desktop.input_value("#code") == ""  # the code never stays on screen beside its QR

        # The phone opens the link (as the camera app would) and types a wrong code, then the right one.
        await phone.goto(link)
        await phone.wait_for_selector("#pairing-code")
        assert "s=" not in phone.url  # the secret left the address bar
        await phone.fill("#pairing-code", "zz9q")
        await phone.fill("#pairing-device-name", "Téléphone de Sophie")
        await phone.click("text=Ajouter le profil")
        await phone.wait_for_selector(".pairing-error:has-text('Code incorrect')")
        await check_screen(phone, "pwa-ajouter-profil-code")
        assert "4 essais" in await phone.text_content(".pairing-error")
        await desktop.wait_for_selector(
            "#pairing-state:has-text('Code erroné saisi sur le téléphone : 4 essais restants.')"
        )
        await phone.fill("#pairing-code", "K7P2")
        await phone.click("text=Ajouter le profil")
        await phone.wait_for_url(lambda url: "#/accueil" in url)
        await phone.screenshot(path=artifact("pairing-phone-paired.png"))

        # The desktop sees the QR used and the linked device.
        await desktop.wait_for_selector("#pairing-state:has-text('Appareil ajouté : Téléphone de Sophie')")
        await desktop.wait_for_selector("#devices tr:has-text('Téléphone de Sophie')")
        await check_screen(desktop, "espace-application-mobile-qr", sizes=((1280, 800), (360, 740)))

        # The WebAuthn credential was registered during the claim; the app lock works with it.
        device = await Device.select().where(Device.user_id == family.parent.id).first()
        assert device["webauthn_credential_id"]
        profiles = await phone.evaluate("import('/js/device.js').then((m) => m.listProfiles())")
        assert [p["role"] for p in profiles] == ["parent"] and profiles[0]["lockAvailable"]
        profile_id = profiles[0]["id"]
        locked = await phone.evaluate("(id) => import('/js/app-lock.js').then((m) => m.setLock(id, true))", profile_id)
        assert locked["lockEnabled"] is True
        assert await phone.evaluate("(id) => import('/js/app-lock.js').then((m) => m.unlock(id))", profile_id)

        # A signed API call from the phone works (DPoP proof from the non-extractable key).
        status = await phone.evaluate(
            "(id) => import('/js/device.js').then((m) => m.deviceFetch(id)('/api/pairing/profile')).then((r) => r.status)",
            profile_id,
        )
        assert status == 200

        # A phone whose clock is an hour late still works: the server hands it a nonce, device.js retries.
        status = await phone.evaluate(
            """(id) => {
            const realNow = Date.now.bind(Date);
            Date.now = () => realNow() - 3600 * 1000;
            return import('/js/device.js').then((m) => m.deviceFetch(id)('/api/pairing/profile'))
              .then((r) => r.status).finally(() => { Date.now = realNow; });
        }""",
            profile_id,
        )
        assert status == 200

        # Revoking on the desktop: the phone's next request wipes the profile.
        desktop.on("dialog", lambda dialog: dialog.accept())
        await desktop.click("#devices button:has-text('Révoquer')")
        await desktop.wait_for_selector("#devices-empty:not([hidden])")
        code = await phone.evaluate(
            """(id) => import('/js/device.js').then((m) => m.deviceFetch(id)('/api/pairing/profile')
            .then(() => 'still paired', (error) => error.code))""",
            profile_id,
        )
        assert code == "device_revoked"
        assert await phone.evaluate("import('/js/device.js').then((m) => m.listProfiles())") == []
    finally:
        await desktop_context.close()
        await phone_ctx.close()


async def test_a_second_profile_is_added_by_pasting_the_link_and_removed_from_the_phone(browser, live_server):
    family = await make_family()
    phone_ctx, phone = await phone_context(browser)
    desktops = []
    try:
        for user, code in ((family.parent, "K7P2"), (family.student, "B7X3")):
            desktop_context, desktop = await desktop_page(browser, live_server, user)
            desktops.append(desktop_context)
            link = await show_qr(desktop, code)
            # A fresh load (as when the app is reopened), not a hash change under a screen still rendering.
            await phone.goto("about:blank")
            await phone.goto(f"{live_server}/#/ajouter-profil")
            await phone.wait_for_selector("#pairing-link")
            await phone.fill("#pairing-link", link)
            await phone.click("text=Continuer")
            await phone.fill("#pairing-code", code.lower())
            await phone.click("text=Ajouter le profil")
            await phone.wait_for_url(lambda url: "#/accueil" in url)
            await desktop.wait_for_selector("#pairing-state:has-text('Appareil ajouté')")
        profiles = await phone.evaluate("import('/js/device.js').then((m) => m.listProfiles())")
        assert sorted(p["role"] for p in profiles) == ["parent", "student"]
        parent_id = next(p["id"] for p in profiles if p["role"] == "parent")
        await phone.evaluate("(id) => import('/js/device.js').then((m) => m.removeProfile(id))", parent_id)
        remaining = await phone.evaluate("import('/js/device.js').then((m) => m.listProfiles())")
        assert [p["role"] for p in remaining] == ["student"]
        device = await Device.select().where(Device.id == parent_id).first()
        assert device["revoked_at"] is not None and device["revoked_reason"] == "phone"
    finally:
        for context in desktops:
            await context.close()
        await phone_ctx.close()


def qr_video(link: str, path) -> str:
    """A Y4M clip of the QR code, fed to Chromium's fake camera."""
    import segno

    width, height = 640, 480
    rows = [list(row) for row in segno.make(link, error="m").matrix_iter(scale=5, border=4)]
    size = len(rows)
    top, left = (height - size) // 2, (width - size) // 2
    luma = bytearray([235]) * (width * height)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                luma[(top + y) * width + left + x] = 16
    chroma = bytes([128]) * (width * height // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 10)
    return str(path)


async def test_scanning_the_qr_with_the_camera_pairs_the_phone_even_without_webauthn(browser, live_server, tmp_path):
    import httpx

    from tests.fixtures.browser import CHROMIUM_ARGS, chromium_path

    family = await make_family()
    token, csrf = await open_session(user_id=family.student.id, school_id=family.student.school_id)
    async with httpx.AsyncClient(
        base_url=live_server, cookies={cookie_name(): token}, headers={"X-CSRF-Token": csrf}
    ) as desktop:
        created = (await desktop.post("/api/pairing/pairings", json={"code": "M4Q8"})).json()
    clip = qr_video(created["link"], tmp_path / "qr.y4m")
    camera_browser = await browser.browser_type.launch(
        executable_path=chromium_path(),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={clip}",
        ],
    )
    try:
        context = await browser_context(camera_browser)
        await context.grant_permissions(["camera"], origin=live_server)
        await without_webauthn(context)  # no app lock can be registered: pairing must not care
        phone = await context.new_page()
        await phone.goto(f"{live_server}/#/ajouter-profil")
        await phone.click("text=Scanner le QR code")
        await phone.wait_for_selector("#pairing-code", timeout=20_000)
        await phone.fill("#pairing-code", "m4q8")
        await phone.click("text=Ajouter le profil")
        await phone.wait_for_url(lambda url: "#/accueil" in url)
        profiles = await phone.evaluate("import('/js/device.js').then((m) => m.listProfiles())")
        assert [(p["role"], p["lockAvailable"]) for p in profiles] == [("student", False)]
        # The camera was released once the QR was read.
        assert await phone.evaluate("document.querySelectorAll('video').length") == 0
    finally:
        await camera_browser.close()


async def test_a_qr_code_killed_by_the_fifth_wrong_code_closes_the_form_and_offers_a_new_scan(browser, live_server):
    import httpx

    family = await make_family()
    token, csrf = await open_session(user_id=family.student.id, school_id=family.student.school_id)
    async with httpx.AsyncClient(
        base_url=live_server, cookies={cookie_name(): token}, headers={"X-CSRF-Token": csrf}
    ) as desktop:
        link = (await desktop.post("/api/pairing/pairings", json={"code": "M4Q8"})).json()["link"]
    context = await browser_context(browser)
    try:
        phone = await context.new_page()
        await phone.goto(link)
        for left in (4, 3, 2, 1):
            await phone.fill("#pairing-code", "ZZ9Q")
            await phone.press("#pairing-code", "Enter")
            await phone.wait_for_selector(f".pairing-error:has-text('Il vous reste {left} essai')")
            assert await phone.is_enabled("text=Ajouter le profil")
        await phone.fill("#pairing-code", "ZZ9Q")
        await phone.press("#pairing-code", "Enter")
        # The 5th wrong code: the form is gone at once, with the reason and a way forward.
        await phone.wait_for_selector('.pairing-error:has-text("Ce QR code n\'est plus valable")')
        assert await phone.locator("#pairing-code").count() == 0
        assert await phone.locator("text=Ajouter le profil").count() == 0
        new_scan = phone.get_by_role("button", name="Scanner un nouveau QR code")
        assert await new_scan.is_visible()
        assert await new_scan.evaluate("(button) => button === document.activeElement")
        await check_screen(phone, "pwa-ajouter-profil-qr-mort")
        device_count = await Device.count().where(Device.user_id == family.student.id)
        assert device_count == 0
    finally:
        await context.close()
