"""The PWA in headless Chromium: installable, controlled by its worker, homework offline, outbox sent once."""

from __future__ import annotations

import asyncio
import struct

import httpx
import pytest

from db.homework.tables import HomeworkDone
from tests.factories import enrol, link_parent, make_class, make_family, make_user
from tests.family_builders import (
    make_discussion,
    make_evaluation,
    make_homework,
    make_lesson,
    make_period,
    make_post,
    make_teacher_of,
    make_vie_scolaire,
    today,
)
from tests.fixtures.api import sign_in
from tests.fixtures.browser import artifact
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
    return profile["id"]


async def test_manifest_is_installable_with_icons(page, live_server):
    manifest = httpx.get(f"{live_server}/manifest.json").json()
    assert manifest["display"] == "standalone" and manifest["scope"] == "/" and manifest["lang"] == "fr"
    sizes = {}
    for icon in manifest["icons"]:
        response = httpx.get(f"{live_server}{icon['src']}")
        assert response.status_code == 200, icon
        if icon["type"] == "image/png":
            sizes[(icon["sizes"], icon["purpose"])] = png_size(response.content)
    assert sizes == {
        ("192x192", "any"): (192, 192),
        ("512x512", "any"): (512, 512),
        ("512x512", "maskable"): (512, 512),
    }
    await page.goto(f"{live_server}/")
    href = await page.get_attribute("link[rel=manifest]", "href")
    assert href == "/manifest.json"


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
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    await page.screenshot(path=artifact("pwa-devoirs-en-ligne.png"))
    cached_urls = await page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
        return urls; }""")
    assert any(url.endswith("/js/app.js") for url in cached_urls)
    assert not [url for url in cached_urls if "/api/" in url.split("/", 3)[3]]  # private data never enters the Cache API

    # Offline, and the worker cannot reach the network either (set_offline covers it; API calls are also cut).
    await context.set_offline(True)
    await context.route("**/api/**", lambda route: route.abort())
    await page.reload()
    await page.wait_for_selector("text=Exercice 1")
    await page.wait_for_function(
        "document.getElementById('freshness').textContent.startsWith('Hors ligne · Mis à jour')"
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


async def test_every_screen_for_a_parent_at_360px(page, live_server):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    french_teacher, french = await make_teacher_of(
        family, "Français", "#c0392b", first_name="Anne", last_name="Bernard"
    )
    lesson = await make_lesson(teacher, maths, class_ref=family.class_ref, day=today(), content="<p>Thalès</p>")
    await make_lesson(
        french_teacher,
        french,
        class_ref=family.class_ref,
        day=today(),
        hour=10,
        status="cancelled",
        status_note="Professeur absent",
    )
    await make_homework(
        teacher, maths, class_ref=family.class_ref, due_in_days=1, lesson=lesson, attachment="fiche.pdf"
    )
    await make_homework(
        french_teacher, french, class_ref=family.class_ref, due_in_days=2, html="<p>Lire le chapitre 2</p>"
    )
    period = await make_period(family.school)
    await make_evaluation(teacher, maths, period, family.class_ref, family.student, title="Fractions", grade="14.5")
    await make_vie_scolaire(teacher, family.student)
    await make_discussion(teacher, family.parent, family.student)
    await make_post(teacher, [family.parent])
    await make_post(teacher, [family.parent], title="Sortie au théâtre", survey=True)
    brother = await make_user(family.school, "student", first_name="Hugo")
    sixth = await make_class(family.school, "6e B")
    await enrol(brother, sixth)
    await link_parent(family.parent, brother)
    await make_homework(teacher, maths, class_ref=sixth, due_in_days=1, html="<p>Tables de multiplication</p>")
    profile_id = await pair_in_browser(page, live_server, family.parent, "Téléphone de Sophie")
    await page.evaluate(
        "([p, c]) => localStorage.setItem(`cartable.child.${p}`, c)", [profile_id, str(family.student.id)]
    )

    screens = {
        "accueil": "Pour demain",
        "devoirs": "Lire le chapitre 2",
        "edt": "Professeur absent",
        "notes": "Moyenne : 14,5/20",
        "vie-scolaire": "Bavardages",
        "messages": "Progrès",
        "messages/infos": "Sortie au théâtre",
        "reglages": "Téléphone de Sophie",
        "profils": "Ajouter un profil",
    }
    for route, expected in screens.items():
        await page.goto(f"{live_server}/#/{route}")
        await page.wait_for_selector(f"text={expected}")
        await page.screenshot(path=artifact(f"pwa-{route.replace('/', '-')}.png"))
    # Parents see the "Fait" state but cannot change it.
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Lire le chapitre 2")
    assert await page.locator("input[type=checkbox][id^=done-]").count() == 0
    assert await page.locator(".badge", has_text="Non fait").count() == 2
    # The child switcher shows the other child's homework.
    await page.select_option("#child", str(brother.id))
    await page.wait_for_selector("text=Tables de multiplication")
    assert not await page.is_visible("text=Lire le chapitre 2")
    await page.screenshot(path=artifact("pwa-devoirs-autre-enfant.png"))
    # Keyboard: the tab bar is reachable in order and Enter opens a screen.
    await page.wait_for_load_state("networkidle")
    await page.focus("#tabs a[href='#/accueil']")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.getAttribute('href')") == "#/devoirs"
    await page.focus("#tabs a[href='#/edt']")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#screen-title:has-text('Emploi du temps')")


async def test_a_revoked_device_wipes_its_cached_data_on_next_contact(page, live_server):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    await make_homework(teacher, maths, class_ref=family.class_ref, html="<p>Rédaction</p>")
    profile_id = await pair_in_browser(page, live_server, family.student)
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Rédaction")
    has_data = "(id) => import('/js/store.js').then((m) => m.profileHasData(id))"
    assert await page.evaluate(has_data, profile_id) is True

    async with httpx.AsyncClient(base_url=live_server) as desktop:  # "Appareils liés" on the desktop
        await sign_in(desktop, family.student)
        revoked = await desktop.delete(f"/api/pairing/devices/{profile_id}")
        assert revoked.status_code in (200, 204), revoked.text
    await page.reload()
    await page.wait_for_selector("text=Ajouter un profil")
    assert await page.evaluate(has_data, profile_id) is False
    assert await page.evaluate("import('/js/device.js').then((m) => m.listProfiles())") == []
    assert not await page.is_visible("text=Rédaction")


async def test_a_new_version_waits_and_the_toast_applies_it(page, live_server):
    await page.goto(f"{live_server}/#/profils")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # A new script URL is a new version for the browser (the bytes of a deploy would differ instead).
    await page.evaluate("() => navigator.serviceWorker.register('/service-worker.js?v=next', { scope: '/' })")
    await page.wait_for_selector("#toast button:has-text('Mettre à jour')")
    assert await page.evaluate("() => navigator.serviceWorker.controller.scriptURL.endsWith('/service-worker.js')")
    await page.screenshot(path=artifact("pwa-mise-a-jour.png"))
    async with page.expect_navigation():
        await page.click("#toast button")
    await page.wait_for_function("() => navigator.serviceWorker.controller?.scriptURL.endsWith('?v=next')")
