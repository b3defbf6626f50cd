"""The PWA in headless Chromium: installable, controlled by its worker, homework offline, outbox sent once."""

from __future__ import annotations

import asyncio
import struct
from urllib.parse import urlsplit
from uuid import UUID

import httpx
import pytest

from db.devices.tables import DeviceToken
from db.homework.tables import HomeworkDone
from tests.factories import make_family
from tests.family_builders import (
    make_homework,
    make_lesson,
    make_teacher_of,
    today,
)
from tests.fixtures.api import sign_in
from tests.fixtures.browser import (
    CHROMIUM_ARGS,
    artifact,
    browser_context,
    check_screen,
    chromium_path,
    without_webauthn,
)
from tests.pairing_builders import CODE

pytestmark = pytest.mark.browser


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


async def pair_in_browser(page, live_server: str, user, device_name: str = "Téléphone de test") -> str:
    """The desktop makes a QR link (signed-in session); the phone claims it with device.js."""
    async with httpx.AsyncClient(base_url=live_server) as desktop:
        await sign_in(desktop, user)
        created = await desktop.post("/api/pairing/pairings", json={"code": CODE})
        assert created.status_code == 201, created.text
    await page.goto(f"{live_server}/#/profils")
    await page.wait_for_selector("text=Profils sur cet appareil")
    profile = await page.evaluate(
        "([link, code, name]) => import('/js/device.js').then((m) => m.claimPairing(link, code, name))",
        [created.json()["link"], CODE, device_name],
    )
    await page.evaluate("(id) => localStorage.setItem('cartable.profile', id)", profile["id"])
    # Installed (shell cached) before any test takes the network away: as on a phone, where pairing
    # happens online and the app is used offline later.
    await page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    return profile["id"]


async def test_chromium_finds_nothing_stopping_installation(browser, live_server, tmp_path):
    async with httpx.AsyncClient(base_url=live_server) as http:
        manifest = (await http.get("/manifest.json")).json()
        assert manifest["display"] == "standalone" and manifest["scope"] == "/" and manifest["lang"] == "fr"
        sizes = {}
        for icon in manifest["icons"]:
            response = await http.get(icon["src"])
            assert response.status_code == 200, icon
            if icon["type"] == "image/png":
                sizes[(icon["sizes"], icon["purpose"])] = png_size(response.content)
    assert sizes == {
        ("192x192", "any"): (192, 192),
        ("512x512", "any"): (512, 512),
        ("512x512", "maskable"): (512, 512),
    }
    # Chromium's own verdict, as DevTools shows it; it needs a real profile (an incognito-like
    # context is "in-incognito" by definition).
    context = await browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 360, "height": 740}, locale="fr-FR",
    )  # fmt: skip
    try:
        page = context.pages[0] if context.pages else await context.new_page()
        await page.goto(f"{live_server}/#/profils")
        await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        cdp = await context.new_cdp_session(page)
        assert (await cdp.send("Page.getInstallabilityErrors"))["installabilityErrors"] == []
        app_manifest = await cdp.send("Page.getAppManifest")
        assert app_manifest["url"].endswith("/manifest.json") and app_manifest["errors"] == []
    finally:
        await context.close()


async def test_homework_offline_from_the_cache_and_three_offline_toggles_reach_the_server_once(
    page, context, live_server
):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    lesson = await make_lesson(teacher, maths, class_ref=family.class_ref, day=today(), content="<p>Les fractions</p>")
    homework = [
        await make_homework(
            teacher, maths, class_ref=family.class_ref, due_in_days=days, lesson=lesson, html=f"<p>Exercice {days}</p>"
        )
        for days in (1, 2, 3)
    ]
    await pair_in_browser(page, live_server, family.student)
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Exercice 3")
    # Functions, not bare expressions: Playwright evaluates a bare one again at each poll with eval(),
    # which the app's CSP refuses once the first try was false.
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    await page.screenshot(path=artifact("pwa-devoirs-en-ligne.png"))
    cached_urls = await page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
        return urls; }""")
    assert any(url.endswith("/js/app.js") for url in cached_urls)
    assert not [
        url for url in cached_urls if urlsplit(url).path.startswith("/api/")
    ]  # private data never enters the Cache API

    # Offline, and the worker cannot reach the network either (set_offline covers it; API calls are also cut).
    await context.set_offline(True)
    await context.route("**/api/**", lambda route: route.abort())
    await page.reload()
    await page.wait_for_selector("text=Exercice 1")
    await page.wait_for_function(
        "() => document.getElementById('freshness').textContent.startsWith('Hors ligne · Mis à jour')"
    )
    assert await page.locator("details .rich", has_text="Les fractions").count() == 3  # lesson content, offline too

    for hw in homework:
        await page.check(f"#done-{hw.id}")
    await page.wait_for_function("""() => import('/js/outbox.js').then(async (m) =>
        (await m.pending(localStorage.getItem('cartable.profile'))).length === 3)""")
    await page.reload()
    await page.wait_for_selector("text=Exercice 1")
    for hw in homework:
        assert await page.is_checked(f"#done-{hw.id}")
    assert await HomeworkDone.count() == 0  # nothing reached the server yet
    await page.screenshot(path=artifact("pwa-devoirs-hors-ligne.png"))

    await context.unroute("**/api/**")
    await context.set_offline(False)
    await page.reload()
    for _ in range(100):  # wait for the outbox to drain (bounded)
        if await HomeworkDone.count() == 3:
            break
        await asyncio.sleep(0.1)
    await page.wait_for_function("""() => import('/js/outbox.js').then(async (m) =>
        (await m.pending(localStorage.getItem('cartable.profile'))).length === 0)""")
    rows = await HomeworkDone.select().where(HomeworkDone.student_id == family.student.id)
    assert sorted(str(r["homework_id"]) for r in rows) == sorted(str(hw.id) for hw in homework)
    assert all(r["done"] for r in rows)
    assert len({r["last_change_id"] for r in rows}) == 3

    # Online, a change goes straight through and the "waiting" mark goes away.
    await page.wait_for_selector(f"#done-{homework[0].id}")
    await page.uncheck(f"#done-{homework[0].id}")
    await page.wait_for_function(
        "(id) => !document.querySelector(`[data-homework='${id}'] .done-toggle .meta`)", arg=str(homework[0].id)
    )
    first = await HomeworkDone.select().where(HomeworkDone.homework_id == homework[0].id).first()
    assert first["done"] is False


async def revoke(live_server, user, device_id) -> None:
    async with httpx.AsyncClient(base_url=live_server) as desktop:  # "Appareils associés" on the desktop
        await sign_in(desktop, user)
        revoked = await desktop.delete(f"/api/pairing/devices/{device_id}")
        assert revoked.status_code in (200, 204), revoked.text


async def test_a_revocation_reaches_every_profile_on_the_phone_at_start_and_when_back_online(
    page, context, live_server
):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    await make_homework(teacher, maths, class_ref=family.class_ref, html="<p>Rédaction</p>")
    parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone familial")
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Rédaction")  # the parent's data is now on the phone
    student_id = await pair_in_browser(page, live_server, family.student, "Téléphone familial")
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Rédaction")
    has_data = "(id) => import('/js/store.js').then((m) => m.profileHasData(id))"
    profiles = "() => import('/js/device.js').then((m) => m.listProfiles()).then((l) => l.map((p) => p.role))"
    assert await page.evaluate(has_data, parent_id) and await page.evaluate(has_data, student_id)

    # The parent revokes the phone from the desktop; the app opens on the student's profile.
    await revoke(live_server, family.parent, parent_id)
    await page.reload()
    await page.wait_for_selector("#toast:has-text('Profil retiré de cet appareil : Sophie')")
    assert await page.evaluate(profiles) == ["student"]
    assert await page.evaluate(has_data, parent_id) is False
    assert page.url.endswith("#/devoirs") and await page.is_visible("text=Rédaction")  # the student stays
    await page.screenshot(path=artifact("pwa-profil-revoque.png"))

    # Revoked while the phone is offline: the check runs when the network comes back.
    await context.set_offline(True)
    await revoke(live_server, family.student, student_id)
    await context.set_offline(False)
    await page.wait_for_selector("#toast:has-text('Léa')")  # named (with Sophie, whose notice may still show)
    assert "retiré" in await page.text_content("#toast")
    assert await page.evaluate(profiles) == []
    assert await page.evaluate(has_data, student_id) is False
    await page.wait_for_selector("#pairing-title")  # nothing left: "Ajouter un profil"
    assert not await page.is_visible("text=Rédaction")


# The installed app comes back from the background (headless Chromium's page never really hides).
BACK_TO_FOREGROUND = """() => { Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  document.dispatchEvent(new Event('visibilitychange')); }"""


async def test_coming_back_from_the_background_checks_the_profiles_and_a_lasting_notice_names_the_revoked(
    page, live_server
):
    family = await make_family()
    await page.clock.install()
    parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone familial")
    student_id = await pair_in_browser(page, live_server, family.student, "Téléphone familial")
    await page.goto(f"{live_server}/#/profils")
    await page.reload()  # the start's check
    await page.wait_for_selector(".card.profile >> nth=1")
    profiles = "() => import('/js/device.js').then((m) => m.listProfiles()).then((l) => l.map((p) => p.id))"
    await page.wait_for_function(f"async () => (await ({profiles.removeprefix('() => ')})).length === 2")

    # Revoked from the desktop while the app sleeps; back within 5 minutes of the last check: no new check.
    await revoke(live_server, family.parent, parent_id)
    await page.clock.fast_forward("01:00")
    await page.evaluate(BACK_TO_FOREGROUND)
    await page.wait_for_timeout(500)
    assert await page.evaluate(profiles) == [parent_id, student_id]

    # Later: checked. The Profils screen on display loses the card, and a notice names the profile.
    await page.clock.fast_forward("05:00")
    await page.evaluate(BACK_TO_FOREGROUND)
    notice = page.locator(".removed-notice")
    await notice.wait_for()
    assert "Profil retiré de cet appareil : Sophie" in await notice.inner_text()
    assert await page.locator(".card.profile").count() == 1
    assert await page.evaluate(profiles) == [student_id]

    # The last profile revoked while its Accueil is shown: "Ajouter un profil", with a notice that stays
    # (the toast goes after 6 s).
    await page.goto(f"{live_server}/#/accueil")
    await page.wait_for_selector("#screen-title:has-text('Accueil')")
    await revoke(live_server, family.student, student_id)
    await page.clock.fast_forward("05:01")
    await page.evaluate(BACK_TO_FOREGROUND)
    await page.wait_for_selector("#pairing-title")
    await page.clock.fast_forward("00:30")
    assert await page.is_hidden("#toast")
    text = await notice.inner_text()
    assert "Profils retirés de cet appareil : Sophie" in text and "Léa" in text and "révoqués" in text
    await page.screenshot(path=artifact("pwa-profils-revoques-avis.png"))
    await page.get_by_role("button", name="Fermer").click()
    assert await notice.count() == 0


async def test_an_unavailable_server_keeps_the_screen_and_the_outbox_and_they_catch_up_after_retry_after(
    page, context, live_server
):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    homework = await make_homework(teacher, maths, class_ref=family.class_ref, html="<p>Exposé</p>")
    await pair_in_browser(page, live_server, family.student)
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Exposé")

    # A deploy or an overloaded server: 503 with Retry-After on every family call.
    busy = {"error": {"code": "unavailable", "message": "Service momentanément indisponible."}}

    async def unavailable(route):
        await route.fulfill(status=503, json=busy, headers={"Retry-After": "2"})

    await context.route("**/api/students/**", unavailable)
    await page.reload()
    await page.wait_for_selector("text=Exposé")  # the stored list, not an error
    await page.wait_for_selector("#freshness:has-text('Service indisponible')")
    await page.check(f"#done-{homework.id}")
    await page.wait_for_selector(f"[data-homework='{homework.id}'] .waiting")
    assert await HomeworkDone.count() == 0

    # The server is back: without any reload, the write goes once Retry-After has passed, and the
    # screen is fresh again.
    await context.unroute("**/api/students/**")
    await page.wait_for_function(  # the card drawn, and no longer waiting (not a screen being redrawn)
        "(id) => document.querySelector(`[data-homework='${id}'] input`)"
        " && !document.querySelector(`[data-homework='${id}'] .waiting`)",
        arg=str(homework.id),
        timeout=15_000,
    )
    await page.wait_for_function(
        "() => document.getElementById('freshness').textContent === \"Mis à jour à l'instant\"", timeout=15_000
    )
    rows = await HomeworkDone.select().where(HomeworkDone.student_id == family.student.id)
    assert [(str(r["homework_id"]), r["done"]) for r in rows] == [(str(homework.id), True)]


async def test_a_new_version_waits_in_a_lasting_offer_that_toasts_do_not_replace(page, live_server):
    await page.goto(f"{live_server}/#/profils")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # A new script URL is a new version for the browser (the bytes of a deploy would differ instead).
    await page.evaluate("() => navigator.serviceWorker.register('/service-worker.js?v=next', { scope: '/' })")
    offer = page.locator("#update button:has-text('Mettre à jour')")
    await offer.wait_for()
    assert await page.evaluate("() => navigator.serviceWorker.controller.scriptURL.endsWith('/service-worker.js')")
    # Toasts come and go (a write refused, a profile removed): the offer stays until used.
    await page.evaluate(
        "() => import('/js/ui.js').then((ui) => ui.toast('Une modification a été refusée par le serveur.'))"
    )
    await page.wait_for_selector("#toast:has-text('refusée')")
    assert await offer.is_visible() and "nouvelle version" in await page.inner_text("#update")
    await page.screenshot(path=artifact("pwa-mise-a-jour.png"))
    await check_screen(page, "pwa-mise-a-jour")  # the offer and its button too: axe, at 360 and 320 px
    async with page.expect_navigation():
        await offer.click()
    await page.wait_for_function("() => navigator.serviceWorker.controller?.scriptURL.endsWith('?v=next')")


# Counts the app's own checks for a new worker (the browser's own, at navigation, do not go through it).
COUNT_UPDATE_CHECKS = """(() => {
  const update = ServiceWorkerRegistration.prototype.update;
  window.updateChecks = 0;
  ServiceWorkerRegistration.prototype.update = function () { window.updateChecks += 1; return update.call(this); };
})()"""


async def test_an_app_left_open_looks_for_a_new_version_when_it_comes_back(page, live_server):
    await page.add_init_script(COUNT_UPDATE_CHECKS)
    await page.clock.install()
    await page.goto(f"{live_server}/#/profils")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    await page.wait_for_selector("text=Profils sur cet appareil")
    assert await page.evaluate("() => window.updateChecks") == 0  # at start the browser has just looked

    # Back from the background after a while (the phone was in a pocket for hours, the app never closed).
    await page.clock.fast_forward("05:01")
    await page.evaluate(BACK_TO_FOREGROUND)
    await page.wait_for_function("() => window.updateChecks === 1")
    # The network back (a train out of a tunnel).
    await page.evaluate("() => window.dispatchEvent(new Event('online'))")
    await page.wait_for_function("() => window.updateChecks === 2")


async def cached_urls(page) -> list[str]:
    return await page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
        return urls; }""")


async def test_what_is_online_only_never_enters_the_workers_cache(page, live_server):
    """A shared computer's modules (/desktop/) and the espace are left out of the precached shell
    (api/pwa_shell.py ONLINE_ONLY): fetched through the worker, they are not kept either."""
    await page.goto(f"{live_server}/#/profils")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    statuses = await page.evaluate(
        "() => Promise.all(['/desktop/page-memory.js', '/espace/espace.css'].map((url) => fetch(url).then((r) => r.status)))"
    )
    assert statuses == [200, 200]
    await page.wait_for_timeout(1000)  # a copy would be written after the answer
    kept = [url for url in await cached_urls(page) if urlsplit(url).path.startswith(("/desktop/", "/espace/"))]
    assert kept == [] and any(url.endswith("/js/app.js") for url in await cached_urls(page))


async def test_a_profile_whose_tokens_the_server_no_longer_knows_keeps_its_data_until_paired_again(
    page, context, live_server
):
    """`token_invalid` on a refresh is no revocation: the profile and what it stored stay, the phone says
    what happened (nothing about a computer revoking it) and how to pair it again, which replaces it."""
    await without_webauthn(context)
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    await make_homework(teacher, maths, class_ref=family.class_ref, html="<p>Rédaction</p>")
    first = await pair_in_browser(page, live_server, family.student)
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Rédaction")

    # The server no longer has this phone's tokens (not a revocation: the device is not ended).
    await DeviceToken.delete().where(
        (DeviceToken.school_id == family.school.id) & (DeviceToken.device_id == UUID(first))
    )  # fmt: skip
    await page.reload()
    notice = page.locator("#pair-again")
    await notice.wait_for()
    text = await notice.inner_text()
    assert "n’est plus reconnu pour le profil Léa" in text and "ajoutez-le à nouveau" in text
    assert "révoqu" not in text and "révoqu" not in (await page.text_content("#toast") or "")
    assert await page.is_visible("text=Rédaction")  # what it stored stays readable
    profiles = (
        "() => import('/js/device.js').then((m) => m.listProfiles()).then((l) => l.map((p) => [p.id, p.needsPairing]))"
    )
    assert await page.evaluate(profiles) == [[first, True]]
    has_data = "(id) => import('/js/store.js').then((m) => m.profileHasData(id))"
    assert await page.evaluate(has_data, first)
    await check_screen(page, "pwa-profil-a-ajouter-a-nouveau")

    # Paired again from a new QR code: the new profile replaces it, and its data go with it.
    await page.get_by_role("link", name="Ajouter à nouveau ce profil").click()
    await page.wait_for_selector("#pairing-title")
    async with httpx.AsyncClient(base_url=live_server) as desktop:
        await sign_in(desktop, family.student)
        created = await desktop.post("/api/pairing/pairings", json={"code": CODE})
        assert created.status_code == 201, created.text
    await page.goto(created.json()["link"])
    await page.fill("#pairing-code", CODE)
    await page.get_by_role("button", name="Ajouter le profil").click()
    await page.wait_for_selector("#screen-title:has-text('Accueil')")
    [(second, needs_pairing)] = await page.evaluate(profiles)
    assert second != first and needs_pairing is False
    assert await page.evaluate(has_data, first) is False
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Rédaction")
    assert await notice.count() == 0


async def test_the_app_refuses_in_french_in_an_english_browser(browser, live_server):
    """The browser's own checks (a web address, a required field, a pattern) speak French in an
    English-language browser, as the date fields do (js/date-field.js)."""
    context = await browser_context(browser, locale="en-US")
    try:
        page = await context.new_page()
        await page.goto(f"{live_server}/#/ajouter-profil")
        message = "(field) => field.validationMessage"
        link = page.locator("#pairing-link")
        await link.fill("pas un lien")
        await page.get_by_role("button", name="Continuer").click()
        assert await link.evaluate(message) == "Saisissez une adresse web valide, par exemple https://exemple.fr."
        await link.fill(f"{live_server}/#/ajouter-profil?p={'a' * 43}&s={'b' * 22}")
        await page.get_by_role("button", name="Continuer").click()
        code = page.locator("#pairing-code")
        add = page.get_by_role("button", name="Ajouter le profil")
        await add.click()
        assert await code.evaluate(message) == "Remplissez ce champ."
        await code.fill("AB-1")
        await add.click()
        assert await code.evaluate(message) == "Format attendu : 4 lettres ou chiffres."
        await code.fill("AB12")
        assert await code.evaluate(message) == ""  # judged afresh once changed
    finally:
        await context.close()


async def test_a_second_visit_asks_for_the_homework_only_if_it_changed(page, live_server):
    """Conditional GETs against the real server: the list comes with an ETag (issue #9), the second visit
    sends it as If-None-Match and the 304 keeps the list."""
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    await make_homework(teacher, maths, class_ref=family.class_ref, html="<p>Carte mentale</p>")
    await pair_in_browser(page, live_server, family.student)
    exchanges = []

    async def record(response):
        if response.request.method == "GET" and urlsplit(response.url).path.endswith("/homework"):
            exchanges.append(
                (
                    await response.request.header_value("if-none-match"),
                    response.status,
                    await response.header_value("etag"),
                )
            )

    page.on("response", record)
    for _ in range(2):
        await page.goto("about:blank")
        await page.goto(f"{live_server}/#/devoirs")
        await page.wait_for_selector("text=Carte mentale")
        await page.wait_for_selector('#freshness:has-text("Mis à jour à l\'instant")')
        await page.wait_for_load_state("networkidle")
    (first_sent, first_status, etag), (second_sent, second_status, second_etag) = exchanges
    assert (first_sent, first_status) == (None, 200)
    assert etag and etag.startswith('W/"'), etag  # the server's validator: a dropped ETag fails here
    assert (second_sent, second_status, second_etag) == (etag, 304, etag)
